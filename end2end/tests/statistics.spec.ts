import { expect, test } from "@playwright/test";
import { noAxeViolations } from "./support";

test("anyone compares processing times and downloads the same figures", async ({ page, request }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Statistik over sagsbehandlingstider" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Statistik over sagsbehandlingstider");
  await expect(page.getByRole("img", { name: /Median dage hos myndigheden og hos ansøgeren for afgjorte sager/ })).toBeVisible();
  await noAxeViolations(page);

  // One authority across its application types.
  await page.getByLabel("Eller én myndighed (sammenlign dens ansøgningstyper)").selectOption("851");
  await page.getByRole("button", { name: "Vis tal" }).click();
  await expect(page).toHaveURL(/myndighed=851/);
  await expect(page.getByTestId("statistics-scope")).toContainText("Aalborg");
  const decided = await page.getByTestId("statistics-summary").locator("dd").nth(1).textContent();

  const csvLink = page.getByRole("link", { name: "Som CSV" });
  const csv = await request.get((await csvLink.getAttribute("href"))!);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const total = (await csv.text()).trim().split("\n").pop()!;
  expect(total.split(",")[5]).toBe(decided!.trim());

  // A mistyped date comes back with its message and the typed value.
  await page.goto("/statistik?fra=31-12-2026");
  await expect(page.getByRole("alert")).toContainText("Skriv datoen som ÅÅÅÅ-MM-DD");
  await expect(page.getByLabel("Fra (afgørelsesdato)")).toHaveValue("");
});
