import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";

/** Logs in through the real OpenID provider's login page (end2end/oidc). */
export async function providerLogin(page: Page, start: string, username: string) {
  await page.goto(start);
  await expect(page.getByRole("heading", { name: "Log ind (test)" })).toBeVisible();
  await page.getByLabel("Brugernavn").fill(username);
  await page.getByLabel("Adgangskode").fill("test");
  await page.getByRole("button", { name: "Log ind" }).click();
}

/** A fresh browser context (its own cookies) logged in as this account of the provider. */
export async function personLoggedIn(browser: Browser, javaScriptEnabled: boolean, start: string, username: string) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await providerLogin(page, start, username);
  return page;
}

/** The smallest file every PDF reader recognises as a PDF. */
export const tinyPdf = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

/** No WCAG 2.1 A/AA violations that axe-core finds (it runs inside the page, so not without JavaScript). */
export async function noAxeViolations(page: Page) {
  if (test.info().project.name === "no-javascript") return;
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}
