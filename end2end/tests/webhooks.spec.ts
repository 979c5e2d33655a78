import { expect, test } from "@playwright/test";
import { noAxeViolations, providerLogin } from "./support";

// Each project is another company, so the two runs never share a CVR's receivers: Nordbyg ApS
// with JavaScript, Sydvarme A/S without.
test("a business user adds a webhook receiver, sees its secret once, and removes it", async ({ page }, testInfo) => {
  const account = testInfo.project.name === "no-javascript" ? "virksomhed-b" : "virksomhed-a";
  const url = `https://erp.example.dk/sagsspor/${testInfo.project.name}/${Date.now()}`;
  await providerLogin(page, "/auth/login", account);
  await expect(page).toHaveURL(/\/mine-sager$/);
  await page.goto("/indstillinger");
  const section = page.getByRole("region", { name: "Webhooks" });
  await expect(section).toBeVisible();

  // A plain-http address to another machine is refused, and what was typed stays.
  await section.getByLabel("Modtagerens adresse (URL)").fill("http://erp.example.dk/hooks");
  await section.getByRole("button", { name: "Tilføj modtager" }).click();
  await expect(section).toContainText("Adressen skal begynde med https://");
  await expect(section.getByLabel("Modtagerens adresse (URL)")).toHaveValue("http://erp.example.dk/hooks");

  await section.getByLabel("Modtagerens adresse (URL)").fill(url);
  await section.getByRole("button", { name: "Tilføj modtager" }).click();
  const secret = section.getByTestId("webhook-secret");
  await expect(secret).toContainText("den vises ikke igen");
  await expect(secret.locator("code")).toHaveText(/^whsec_[A-Za-z0-9+/]+=*$/);
  await expect(section.getByTestId("webhook-endpoint").filter({ hasText: url })).toBeVisible();
  await noAxeViolations(page);

  // Shown once: a reload no longer has it.
  await page.reload();
  await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
  const receiver = page.getByTestId("webhook-endpoint").filter({ hasText: url });
  await expect(receiver).toContainText("Intet sendt endnu.");

  await receiver.getByRole("button", { name: `Fjern modtageren ${url}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "Modtageren er fjernet." })).toBeVisible();
  await expect(page.getByTestId("webhook-endpoint").filter({ hasText: url })).toHaveCount(0);
});

test("a citizen has no webhooks", async ({ page }) => {
  await providerLogin(page, "/auth/login", "borger");
  await expect(page).toHaveURL(/\/mine-sager$/);
  await page.goto("/indstillinger");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Beskeder om dine sager");
  await expect(page.getByRole("region", { name: "Webhooks" })).toHaveCount(0);
});
