import { expect, test, type Page } from "@playwright/test";

/** The reference of the demo case listed with this state on the front page. */
async function demoReference(page: Page, stateLabel: string): Promise<string> {
  await page.goto("/");
  const row = page.getByTestId("demo-cases").getByRole("row").filter({ hasText: stateLabel });
  const reference = (await row.getByRole("link").first().textContent())?.trim();
  expect(reference, `a demo case in state "${stateLabel}"`).toMatch(/^\d{3}-\d{4}-\d{6,}-\d$/);
  return reference!;
}

test("the front page says what Sagsspor is and offers a lookup", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle(/Sagsspor/);
  await expect(page.locator("html")).toHaveAttribute("lang", "da");
  await expect(page.getByRole("heading", { level: 1, name: "Følg din sag hos kommunen" })).toBeVisible();
  await expect(page.getByLabel("Sagens reference")).toBeVisible();
  await expect(page.getByRole("button", { name: "Find sagen" })).toBeVisible();
  await expect(page.getByText("Demo: alle sager og personer her er opdigtede.")).toBeVisible();
});

/** Who to log in as for a demo applicant's case. */
const personaOf: Record<string, string> = {
  "Nordbyg ApS": "Anders Nordbyg",
  "Sydvarme A/S": "Carsten Sydvarme",
  "Mette Borger": "Mette Borger",
};

test("a demo case is found by its reference, typed with spaces, through login", async ({ page }) => {
  const reference = await demoReference(page, "Afventer dine oplysninger");
  const row = page.getByTestId("demo-cases").getByRole("row").filter({ hasText: reference });
  const applicant = (await row.getByRole("cell").nth(2).textContent())!.trim();
  await page.getByLabel("Sagens reference").fill(reference.replaceAll("-", " "));
  await page.getByRole("button", { name: "Find sagen" }).click();

  // Not logged in: the case's address sends the visitor to the (demo) login and back.
  await expect(page).toHaveURL(/\/demo\/login\?next=/);
  await page.getByRole("link", { name: `Log ind som ${personaOf[applicant]}` }).click();

  await expect(page).toHaveURL(new RegExp(`/sager/${reference}$`));
  await expect(page.getByTestId("reference")).toHaveText(reference);
  await expect(page.getByTestId("state")).toHaveText("Afventer dine oplysninger");
  await expect(page.getByTestId("must-act")).toHaveText("Ansøger");
  await expect(page.getByText("Myndigheden venter på oplysninger fra dig.")).toBeVisible();

  const steps = page.getByRole("navigation", { name: "Sagens forløb" }).getByRole("listitem");
  await expect(steps).toHaveCount(5);
  await expect(page.locator('[aria-current="step"]')).toContainText(/Screening|Sagsbehandling/);

  await expect(page.getByRole("heading", { name: "Tid og forventet svar" })).toBeVisible();
  await expect(page.getByTestId("applicant-days")).toHaveText(/^\d+ dage?$/);
  await expect(page.getByTestId("authority-days")).toHaveText(/^\d+ dage?$/);
  await expect(page.getByTestId("goal-status")).not.toBeEmpty();

  const timeline = page.getByTestId("timeline").getByRole("listitem");
  await expect(timeline.first()).toContainText("Myndigheden har bedt om flere oplysninger");
  await expect(timeline.last()).toContainText("Ansøgningen er modtaget");
});

test("a mistyped reference shows the check-digit message and keeps what was typed", async ({ page }) => {
  const reference = await demoReference(page, "Modtaget");
  // Swap two adjacent different digits of the sequence: a typical typing error.
  const digits = reference.split("");
  const i = digits.findIndex((d, k) => k > 9 && /\d/.test(d) && /\d/.test(digits[k + 1] ?? "") && d !== digits[k + 1]);
  [digits[i], digits[i + 1]] = [digits[i + 1], digits[i]];
  const typo = digits.join("");

  await page.getByLabel("Sagens reference").fill(typo);
  await page.getByRole("button", { name: "Find sagen" }).click();

  const field = page.getByLabel("Sagens reference");
  // The message sits next to the field (as its description) and in the summary at the top.
  await expect(field).toHaveAccessibleDescription(/Kontrolcifferet passer ikke — er et ciffer tastet forkert\?/);
  await expect(page.getByRole("alert").getByRole("link", { name: /Kontrolcifferet passer ikke/ })).toBeVisible();
  await expect(field).toHaveValue(typo);
  await expect(field).toHaveAttribute("aria-invalid", "true");
});

test("an address that leads nowhere says so", async ({ page }) => {
  const response = await page.goto("/findes/ikke");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Siden findes ikke" })).toBeVisible();
});
