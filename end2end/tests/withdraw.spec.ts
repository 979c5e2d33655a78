import { expect, test } from "@playwright/test";

// Sydvarme A/S (virksomhed-b) withdraws one of its cases. Each project takes a case in its own
// state, so the two runs never reach for the same case.
test("an applicant withdraws an application after confirming it", async ({ page }, testInfo) => {
  const state = testInfo.project.name === "no-javascript" ? "Registreret — screenes for fuldstændighed" : "Modtaget";
  await page.goto("/demo/login/virksomhed-b");
  await page.goto("/");
  const row = page.getByTestId("demo-cases").getByRole("row").filter({ hasText: state });
  const reference = (await row.getByRole("link").first().textContent())!.trim();
  await page.goto(`/sager/${reference}`);

  // Cancelling changes nothing.
  await page.getByRole("link", { name: "Træk ansøgningen tilbage" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Træk ansøgningen tilbage");
  await page.getByRole("link", { name: "Fortryd" }).click();
  await expect(page.getByTestId("state")).toHaveText(state);

  await page.getByRole("link", { name: "Træk ansøgningen tilbage" }).click();
  await page.getByRole("button", { name: "Ja, træk ansøgningen tilbage" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Ansøgningen er trukket tilbage." })).toBeVisible();
  await expect(page.getByTestId("state")).toHaveText("Trukket tilbage");
  await expect(page.getByTestId("must-act")).toHaveText("Ingen");
  await expect(page.getByTestId("timeline").getByRole("listitem").first()).toContainText("Ansøgningen er trukket tilbage");
  await expect(page.getByRole("link", { name: "Træk ansøgningen tilbage" })).toHaveCount(0);
});
