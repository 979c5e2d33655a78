import { expect, test, type Page } from "@playwright/test";
import { noAxeViolations } from "./support";

/** Presses Tab until the field with this label has focus. */
async function tabTo(page: Page, label: string | RegExp) {
  const target = page.getByLabel(label);
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
}

/** Presses Tab until this button has focus. */
async function tabToButton(page: Page, name: string) {
  const target = page.getByRole("button", { name });
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
}

test("an employee applies step by step; errors keep what was typed; the receipt shows the reference", async ({ page }) => {
  await page.goto("/demo/login/virksomhed-a2");
  await page.goto("/mine-sager");
  await page.getByRole("link", { name: "Start en ny ansøgning" }).click();
  await expect(page.getByRole("navigation", { name: "Trin i ansøgningen" })).toContainText("1. Myndighed og type");
  await noAxeViolations(page);

  await page.getByRole("button", { name: "Fortsæt" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Der er en fejl i formularen" })).toBeVisible();
  await noAxeViolations(page);

  await page.getByLabel("Myndighed").selectOption({ label: "Aalborg (851)" });
  await page.getByLabel("Ansøgningstype").selectOption({ label: "Garager, carporte, udhuse og lignende (sekundært byggeri)" });
  await page.getByRole("button", { name: "Fortsæt" }).click();

  await expect(page.getByRole("navigation", { name: "Trin i ansøgningen" }).locator('[aria-current="step"]')).toContainText("2. Oplysninger");
  await page.getByLabel("Projektets navn").fill("Carport til to biler");
  await page.getByLabel("Bebygget areal").fill("tolv");
  await page.getByRole("button", { name: "Videre til gennemsyn" }).click();
  const area = page.getByLabel("Bebygget areal");
  await expect(area).toHaveValue("tolv");
  await expect(area).toHaveAccessibleDescription(/Skriv et tal, fx 12,5\./);
  await expect(page.getByLabel("Projektets navn")).toHaveValue("Carport til to biler");
  await noAxeViolations(page);

  await page.getByLabel("Ejendommens adresse").fill("Engvej 7, 9000 Aalborg");
  await page.getByLabel("Matrikelnummer").fill("7b");
  await page.getByLabel("Beskrivelse af projektet").fill("Åben carport i træ ved husets gavl, 36 m².");
  await area.fill("36");
  await page.getByLabel("Højde").fill("2,6");
  await page.getByLabel("Anvendelse").selectOption({ label: "Bolig" });
  await page.getByRole("button", { name: "Videre til gennemsyn" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Gennemse og send");
  await expect(page.getByText("Åben carport i træ ved husets gavl, 36 m².")).toBeVisible();
  await noAxeViolations(page);
  await page.getByRole("button", { name: "Send ansøgningen" }).click();

  const reference = (await page.getByTestId("receipt-reference").textContent())!.trim();
  expect(reference).toMatch(/^851-\d{4}-\d{6}-\d$/);
  await noAxeViolations(page);
  await page.getByRole("link", { name: "Gå til sagen" }).click();
  await expect(page.getByTestId("state")).toHaveText("Modtaget");
  await page.goto("/mine-sager");
  await expect(page.getByTestId("my-cases").getByRole("link", { name: reference })).toBeVisible();
});

test("the application form is completed with the keyboard alone", async ({ page }) => {
  await page.goto("/demo/login/borger");
  await page.goto("/ansoegning/ny");
  await tabTo(page, "Myndighed");
  await page.keyboard.type("Odense");
  await tabTo(page, "Ansøgningstype");
  await page.keyboard.type("Anmeldelse af etablering af olietank");
  await tabToButton(page, "Fortsæt");
  await page.keyboard.press("Enter");

  await tabTo(page, "Projektets navn");
  await page.keyboard.type("Ny olietank");
  await tabTo(page, "Ejendommens adresse");
  await page.keyboard.type("Skolevej 3, 5000 Odense C");
  await tabTo(page, "Matrikelnummer");
  await page.keyboard.type("3c");
  await tabTo(page, "Beskrivelse af projektet");
  await page.keyboard.type("Udskiftning af den gamle olietank i kælderen.");
  await tabTo(page, "Tankens rumfang");
  await page.keyboard.type("1200");
  await tabToButton(page, "Videre til gennemsyn");
  await page.keyboard.press("Enter");

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Gennemse og send");
  await tabToButton(page, "Send ansøgningen");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("receipt-reference")).toHaveText(/^461-\d{4}-\d{6}-\d$/);
});
