import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";

/** A demo case reference from the front page's demo table, in the given state. */
async function demoReference(page: Page, stateLabel: RegExp): Promise<string> {
  await page.goto("/");
  const row = page.getByTestId("demo-cases").getByRole("row").filter({ hasText: stateLabel });
  return (await row.getByRole("link").first().textContent())!.trim();
}

/** Every page type that exists, as an anonymous visitor sees it. */
async function pageTypes(page: Page): Promise<Record<string, string>> {
  const reference = await demoReference(page, /Afventer dine oplysninger|Waiting for your information/);
  const decided = await demoReference(page, /^.*(Afgjort|Decided)$/);
  return {
    front: "/",
    "front-with-error": "/?reference=101-2026-000001-0",
    "front-not-found": "/?reference=999-2026-424242-" + "0",
    "case-waiting": `/sager/${reference}`,
    "case-decided": `/sager/${decided}`,
    "case-missing": "/sager/999-2026-424242-0",
    accessibility: "/tilgaengelighedserklaering",
    "not-found": "/findes/ikke",
  };
}

async function chooseLanguage(page: Page, name: "Dansk" | "English") {
  await page.goto("/");
  await page.getByRole("list", { name: /Vælg sprog|Choose language/ }).getByRole("link", { name }).click();
}

for (const language of ["Dansk", "English"] as const) {
  test(`every page type passes axe-core in ${language}`, async ({ page }, testInfo) => {
    test.skip(testInfo.project.name === "no-javascript", "axe-core runs inside the page");
    await chooseLanguage(page, language);
    for (const [name, path] of Object.entries(await pageTypes(page))) {
      await page.goto(path);
      await expect(page.locator("html")).toHaveAttribute("lang", language === "Dansk" ? "da" : "en");
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      const violations = results.violations.map((v) => `${name}: ${v.id} (${v.nodes.length}) ${v.help}`);
      expect(violations, `axe-core violations on ${path}`).toEqual([]);
    }
  });
}

test("the language switch is on every page, is remembered, and sets <html lang>", async ({ page }) => {
  await page.goto("/tilgaengelighedserklaering");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tilgængelighedserklæring");
  await page.getByRole("link", { name: "English" }).click();
  await expect(page).toHaveURL(/\/tilgaengelighedserklaering$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Accessibility statement");

  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Track your case with the municipality");
  await expect(page.getByLabel("Case reference")).toBeVisible();
  await page.getByLabel("Case reference").fill("101-2026-000001-0");
  await page.getByRole("button", { name: "Find the case" }).click();
  await expect(page.getByText("The check digit does not match — is a digit mistyped?").first()).toBeVisible();

  await page.getByRole("link", { name: "Dansk" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "da");
  await expect(page.getByText("Kontrolcifferet passer ikke — er et ciffer tastet forkert?").first()).toBeVisible();
});

test("dates and numbers follow the language on the case folder", async ({ page }) => {
  const reference = await demoReference(page, /Afgjort/);
  await page.goto(`/sager/${reference}`);
  await expect(page.getByTestId("expected")).toHaveText(/Der blev truffet afgørelse den \d{1,2}\. [a-zæøå]+ \d{4}\./);
  await expect(page.getByTestId("timeline")).toContainText(/\d{2}\.\d{2}\.\d{4} kl\. \d{2}\.\d{2}/);
  await page.getByRole("link", { name: "English" }).click();
  await expect(page.getByTestId("expected")).toHaveText(/A decision was made on \d{1,2} [A-Z][a-z]+ \d{4}\./);
  await expect(page.getByTestId("timeline")).toContainText(/\d{2}\/\d{2}\/\d{4} at \d{2}:\d{2}/);
});

test("the error summary links to its field", async ({ page }) => {
  await page.goto("/?reference=101-2026-000001-0");
  const summary = page.getByRole("alert").filter({ hasText: "Der er en fejl i formularen" });
  await summary.getByRole("link", { name: /Kontrolcifferet passer ikke/ }).click();
  await expect(page).toHaveURL(/#reference$/);
  await expect(page.getByLabel("Sagens reference")).toBeFocused();
});

test("a case is found with the keyboard alone", async ({ page }) => {
  const reference = await demoReference(page, /Modtaget/);
  await page.goto("/");
  // Skip link first, then on to the form without touching the mouse.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Gå til sidens indhold" })).toBeFocused();
  await page.keyboard.press("Enter");
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.getByLabel("Sagens reference").evaluate((el) => el === document.activeElement).catch(() => false);
  }
  await expect(page.getByLabel("Sagens reference")).toBeFocused();
  await page.keyboard.type(reference);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("reference")).toHaveText(reference);
});

test("every page fits a 320 px wide screen", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 800 });
  for (const path of Object.values(await pageTypes(page))) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `horizontal scrolling on ${path}`).toBeLessThanOrEqual(0);
  }
});

test("screenshots of the main pages at 1280 and 375 px", async ({ page }, testInfo) => {
  const folder = `screenshots/${testInfo.project.name}`;
  mkdirSync(folder, { recursive: true });
  const pages = await pageTypes(page);
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(path);
      await page.screenshot({ path: `${folder}/${name}-${width}.png`, fullPage: true });
    }
  }
});
