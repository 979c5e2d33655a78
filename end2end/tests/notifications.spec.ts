import { expect, test } from "@playwright/test";
import { noAxeViolations } from "./support";

// Each project is another applicant, so the two runs never share a case or a rate limit: the
// citizen with JavaScript, Sydvarme A/S's employee without.
test("an applicant chooses how to hear, asks for the status now, and the demo's outbox shows it", async ({ page }, testInfo) => {
  const persona = testInfo.project.name === "no-javascript" ? "virksomhed-b" : "borger";
  await page.goto(`/demo/login/${persona}`);
  await page.getByRole("link", { name: "Beskeder" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Beskeder om dine sager");
  await expect(page.getByLabel("E-mailadresse")).toHaveValue(/@.*example\.dk$/);
  await noAxeViolations(page);

  // A wrong number comes back with the message beside the field and nothing lost.
  await page.getByLabel("Mobilnummer").fill("12 34");
  await page.getByLabel("SMS: Sagen er afsluttet").check();
  await page.getByRole("button", { name: "Gem valg" }).click();
  const summary = page.getByRole("alert").filter({ hasText: "Der er en fejl i formularen" });
  await expect(summary).toContainText("Mobilnummeret skal være et dansk nummer med 8 cifre.");
  await expect(page.getByLabel("Mobilnummer")).toHaveValue("12 34");
  await expect(page.getByLabel("SMS: Sagen er afsluttet")).toBeChecked();
  await noAxeViolations(page);

  await page.getByLabel("Mobilnummer").fill("20 30 40 50");
  await page.getByRole("button", { name: "Gem valg" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Dine valg er gemt." })).toBeVisible();
  await expect(page.getByLabel("Mobilnummer")).toHaveValue("+4520304050");
  await expect(page.getByLabel("SMS: Sagen er afsluttet")).toBeChecked();

  // "Send me the status now" from one of the applicant's cases, then once more too soon.
  await page.goto("/mine-sager");
  const reference = (await page.getByTestId("my-cases").getByRole("link").first().textContent())!.trim();
  await page.goto(`/sager/${reference}`);
  await page.getByRole("button", { name: "Send mig status på SMS" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Sagens status er på vej til dig." })).toBeVisible();
  await noAxeViolations(page);
  await page.getByRole("button", { name: "Send mig status på e-mail" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Du kan bede om den igen om et kvarter" })).toBeVisible();

  // The demo has no mail server: its outbox page lists what was "sent", with the text.
  await page.goto("/demo/udbakke");
  const row = page.getByTestId("outbox").getByRole("row").filter({ hasText: "Status på forlangende" }).filter({ hasText: "+4520304050" });
  await expect(row.first()).toBeVisible();
  await expect(row.first()).toContainText(reference);
  await noAxeViolations(page);
});

test("a caseworker sees the messages the applicant was sent", async ({ page }) => {
  await page.goto("/demo/login/sagsbehandler-851");
  await page.goto("/sagsbehandling");
  const reference = (await page.getByRole("table").getByRole("link").first().textContent())!.trim();
  await page.goto(`/sagsbehandling/sager/${reference}`);
  await expect(page.getByRole("heading", { name: "Beskeder til ansøgeren" })).toBeVisible();
  await noAxeViolations(page);
});
