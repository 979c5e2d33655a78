import { expect, test } from "@playwright/test";
import { noAxeViolations } from "./support";

// The citizen (borger) hands on a case's status-only tracking link, someone without a login opens
// it, and the citizen replaces it. Each project takes its own case, so the runs never rotate the
// same link.
test("an applicant hands on a tracking link and replaces it", async ({ page, browser }, testInfo) => {
  const javaScriptEnabled = testInfo.project.name !== "no-javascript";
  await page.goto("/demo/login/borger");
  await page.goto("/");
  const rows = page.getByTestId("demo-cases").getByRole("row").filter({ has: page.getByRole("link") });
  const reference = (await rows.nth(javaScriptEnabled ? 0 : 1).getByRole("link").first().textContent())!.trim();
  await page.goto(`/sager/${reference}`);
  const state = (await page.getByTestId("state").textContent())!.trim();
  const section = page.getByRole("region", { name: "Sporingslink" });
  const link = (await section.getByTestId("tracking-link").textContent())!.trim();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/spor\/[0-9a-f]{32}$/);

  // Someone without a login opens the link: the state, and nothing personal.
  const stranger = await browser.newContext({ javaScriptEnabled });
  const other = await stranger.newPage();
  const opened = await other.goto(link);
  expect(opened!.status()).toBe(200);
  expect(opened!.headers()["referrer-policy"]).toBe("no-referrer");
  expect(opened!.headers()["x-robots-tag"]).toBe("noindex");
  await expect(other.getByTestId("reference")).toHaveText(reference);
  await expect(other.getByTestId("state")).toHaveText(state);
  await expect(other.getByRole("link", { name: "Log ud" })).toHaveCount(0);
  await noAxeViolations(other);

  // The applicant replaces the link: the old one is gone at once, the new one works.
  await section.getByRole("button", { name: "Lav et nyt sporingslink" }).click();
  await expect(page.getByRole("status").filter({ hasText: "nyt sporingslink" })).toBeVisible();
  const replaced = (await page.getByTestId("tracking-link").textContent())!.trim();
  expect(replaced).not.toBe(link);
  const gone = await other.goto(link);
  expect(gone!.status()).toBe(404);
  await expect(other.getByRole("heading", { level: 1 })).toHaveText("Siden findes ikke");
  expect((await other.goto(replaced))!.status()).toBe(200);
  await expect(other.getByTestId("state")).toHaveText(state);
  await stranger.close();
});
