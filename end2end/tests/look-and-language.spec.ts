import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";

type Role = "anonymous" | "citizen" | "business" | "caseworker";
const personaKey: Record<Exclude<Role, "anonymous">, string> = {
  citizen: "borger",
  business: "virksomhed-a",
  caseworker: "sagsbehandler-101",
};

async function logIn(page: Page, role: Role) {
  if (role !== "anonymous") await page.goto(`/demo/login/${personaKey[role]}`);
}

/** A case from the front page's demo table (the viewer's own once logged in). */
async function demoReference(page: Page, stateLabel?: RegExp): Promise<string | undefined> {
  await page.goto("/");
  let rows = page.getByTestId("demo-cases").getByRole("row");
  if (stateLabel) rows = rows.filter({ hasText: stateLabel });
  const link = rows.getByRole("link").first();
  return (await link.count()) ? (await link.textContent())!.trim() : undefined;
}

/** Every page type that exists for this role. */
async function pageTypes(page: Page, role: Role): Promise<Record<string, string>> {
  await logIn(page, role);
  const pages: Record<string, string> = {
    front: "/",
    "front-with-error": "/?reference=101-2026-000001-0",
    accessibility: "/tilgaengelighedserklaering",
    statistics: "/statistik",
    "statistics-one-authority": "/statistik?myndighed=851",
    "statistics-with-error": "/statistik?fra=31-12-2026",
    "not-found": "/findes/ikke",
    "tracking-missing": "/spor/00000000000000000000000000000000",
  };
  if (role === "anonymous") {
    pages["demo-login"] = "/demo/login";
    pages["demo-outbox"] = "/demo/udbakke";
    return pages;
  }
  pages["case-missing"] = "/sager/999-2026-424242-0";
  const waiting = await demoReference(page, /Afventer dine oplysninger|Waiting for your information/);
  const decided = await demoReference(page, /Afgjort|Decided/);
  if (waiting) pages["case-waiting"] = `/sager/${waiting}`;
  if (decided) pages["case-decided"] = `/sager/${decided}`;
  if (role === "caseworker") pages["caseworker-statistics"] = "/sagsbehandling/statistik";
  if (role !== "caseworker") {
    pages["apply-choose"] = "/ansoegning/ny";
    pages["apply-choose-errors"] = "/ansoegning/ny?fejl=1";
    // A draft to look at: start one through the form.
    await page.goto("/ansoegning/ny");
    await page.locator("#myndighed").selectOption("851");
    await page.locator("#type").selectOption("byg_garage_carport_udhus");
    await page.locator('form[action="/handlinger/ansoegning/ny"] button[type="submit"]').click();
    const draft = new URL(page.url()).pathname;
    pages["apply-details"] = draft;
    pages["apply-details-errors"] = `${draft}?fejl=1`;
    pages["apply-review"] = `${draft}/gennemse`;
    if (waiting) pages["withdraw-confirmation"] = `/sager/${waiting}/traek-tilbage`;
    pages["my-cases"] = "/mine-sager";
    pages["my-cases-filtered"] = "/mine-sager?status=decided";
    pages["notification-settings"] = "/indstillinger";
    // The status-only tracking page of the applicant's own case, through the link the folder shows.
    if (waiting) {
      await page.goto(`/sager/${waiting}`);
      const link = await page.getByTestId("tracking-link").textContent();
      if (link) pages["tracking"] = new URL(link.trim()).pathname;
    }
  }
  return pages;
}

async function chooseLanguage(page: Page, name: "Dansk" | "English") {
  await page.goto("/");
  await page.getByRole("list", { name: /Vælg sprog|Choose language/ }).getByRole("link", { name }).click();
}

for (const role of ["anonymous", "citizen", "business", "caseworker"] as const) {
  for (const language of ["Dansk", "English"] as const) {
    test(`every page type passes axe-core as ${role} in ${language}`, async ({ page }, testInfo) => {
      test.skip(testInfo.project.name === "no-javascript", "axe-core runs inside the page");
      const pages = await pageTypes(page, role);
      await chooseLanguage(page, language);
      for (const [name, path] of Object.entries(pages)) {
        await page.goto(path);
        await expect(page.locator("html")).toHaveAttribute("lang", language === "Dansk" ? "da" : "en");
        const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
        const violations = results.violations.map((v) => `${name}: ${v.id} (${v.nodes.length}) ${v.help}`);
        expect(violations, `axe-core violations on ${path} as ${role}`).toEqual([]);
      }
    });
  }
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
  await page.getByLabel("Case reference").fill("101-2026-000001-0");
  await page.getByRole("button", { name: "Find the case" }).click();
  await expect(page.getByLabel("Case reference")).toHaveAccessibleDescription(/The check digit does not match — is a digit mistyped\?/);

  await page.getByRole("link", { name: "Dansk" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "da");
  await expect(page.getByLabel("Sagens reference")).toHaveAccessibleDescription(/Kontrolcifferet passer ikke — er et ciffer tastet forkert\?/);
});

test("dates and numbers follow the language on the case folder", async ({ page }) => {
  await logIn(page, "business");
  const reference = await demoReference(page, /Afgjort/);
  await page.goto(`/sager/${reference}`);
  await expect(page.getByTestId("expected")).toHaveText(/Der blev truffet afgørelse den \d{1,2}\. [a-zæøå]+ \d{4}\./);
  await expect(page.getByTestId("timeline")).toContainText(/\d{2}\.\d{2}\.\d{4} kl\. \d{2}\.\d{2}/);
  await page.getByRole("link", { name: "English" }).click();
  await expect(page.getByTestId("expected")).toHaveText(/A decision was made on \d{1,2} [A-Z][a-z]+ \d{4}\./);
  await expect(page.getByTestId("timeline")).toContainText(/\d{2}\/\d{2}\/\d{4} at \d{2}:\d{2}/);
});

test("business users get the virk.dk look, citizens the borger.dk look", async ({ page }) => {
  await logIn(page, "business");
  await page.goto("/mine-sager");
  await expect(page.locator('link[href$="dkfds-virkdk.min.css"]')).toHaveCount(1);
  await expect(page.getByTestId("logged-in-as")).toContainText("Anders Nordbyg, Nordbyg ApS");
  await page.getByRole("button", { name: "Log af" }).click();
  await logIn(page, "citizen");
  await page.goto("/mine-sager");
  await expect(page.locator('link[href$="dkfds-borgerdk.min.css"]')).toHaveCount(1);
});

test("the error summary links to its field", async ({ page }) => {
  await page.goto("/?reference=101-2026-000001-0");
  const summary = page.getByRole("alert").filter({ hasText: "Der er en fejl i formularen" });
  await summary.getByRole("link", { name: /Kontrolcifferet passer ikke/ }).click();
  await expect(page).toHaveURL(/#reference$/);
  await expect(page.getByLabel("Sagens reference")).toBeFocused();
});

test("a case is found with the keyboard alone", async ({ page }) => {
  await logIn(page, "citizen");
  const reference = (await demoReference(page))!;
  await page.goto("/");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Gå til sidens indhold" })).toBeFocused();
  await page.keyboard.press("Enter");
  for (let i = 0; i < 10; i++) {
    if (await page.getByLabel("Sagens reference").evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press("Tab");
  }
  await expect(page.getByLabel("Sagens reference")).toBeFocused();
  await page.keyboard.type(reference);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("reference")).toHaveText(reference);
});

test("every page fits a 320 px wide screen", async ({ page }) => {
  for (const role of ["anonymous", "business"] as const) {
    const pages = await pageTypes(page, role);
    await page.setViewportSize({ width: 320, height: 800 });
    for (const path of Object.values(pages)) {
      await page.goto(path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `horizontal scrolling on ${path} as ${role}`).toBeLessThanOrEqual(0);
    }
  }
});

test("screenshots of the main pages at 1280 and 375 px", async ({ page }, testInfo) => {
  const folder = `screenshots/${testInfo.project.name}`;
  mkdirSync(folder, { recursive: true });
  const pages = { ...(await pageTypes(page, "anonymous")), ...(await pageTypes(page, "business")) };
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(path);
      await page.screenshot({ path: `${folder}/${name}-${width}.png`, fullPage: true });
    }
  }
});
