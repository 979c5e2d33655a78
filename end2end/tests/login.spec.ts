import { expect, test, type Page } from "@playwright/test";
import { providerLogin } from "./support";

async function listedReferences(page: Page): Promise<string[]> {
  const links = page.getByTestId("my-cases").getByRole("link");
  return (await links.allTextContents()).map((t) => t.trim()).sort();
}

test("employees of one company log in with OpenID Connect and share the company's cases", async ({ page }) => {
  await providerLogin(page, "/auth/login", "virksomhed-a");
  await expect(page).toHaveURL(/\/mine-sager$/);
  await expect(page.getByTestId("logged-in-as")).toHaveText("Logget ind som Anders Nordbyg, Nordbyg ApS");
  await expect(page.getByText("Her er alle sager for Nordbyg ApS (CVR 12345678)")).toBeVisible();
  const anders = await listedReferences(page);
  expect(anders.length).toBeGreaterThan(5);

  await logOut(page);
  await page.goto("/mine-sager");
  await expect(page).toHaveURL(/\/demo\/login\?next=/);

  await providerLogin(page, "/auth/login", "virksomhed-a2");
  await expect(page.getByTestId("logged-in-as")).toHaveText("Logget ind som Birgitte Nordbyg, Nordbyg ApS");
  // Other specs run in parallel and may submit for Nordbyg ApS meanwhile, so Birgitte sees at
  // least every case Anders saw, and possibly newer ones.
  expect(await listedReferences(page)).toEqual(expect.arrayContaining(anders));

  // Another company: the same references are "not found", exactly like unknown ones.
  await logOut(page);
  await providerLogin(page, "/auth/login", "virksomhed-b");
  for (const reference of anders.slice(0, 3)) {
    const response = await page.goto(`/sager/${reference}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sagen findes ikke");
  }
});

test("a page that needs login sends the visitor to log in and back", async ({ page }) => {
  await page.goto("/mine-sager");
  await expect(page).toHaveURL(/\/demo\/login\?next=%2Fmine-sager|\/demo\/login\?next=\/mine-sager/);
  await page.getByRole("link", { name: "Log ind via OpenID-udbyderen i stedet" }).click();
  await page.getByLabel("Brugernavn").fill("borger");
  await page.getByLabel("Adgangskode").fill("test");
  await page.getByRole("button", { name: "Log ind" }).click();
  await expect(page).toHaveURL(/\/mine-sager$/);
  await expect(page.getByTestId("logged-in-as")).toHaveText("Logget ind som Mette Borger");
});

test("a wrong password is refused at the provider", async ({ page }) => {
  await page.goto("/auth/login");
  await page.getByLabel("Brugernavn").fill("borger");
  await page.getByLabel("Adgangskode").fill("forkert");
  await page.getByRole("button", { name: "Log ind" }).click();
  await expect(page.getByText("Forkert brugernavn eller adgangskode")).toBeVisible();
});

test("a caseworker logs in through the staff provider and sees only the own authority's cases", async ({ page }) => {
  // Find one case of Aalborg (851) and one of København (101) through the demo personas first.
  await page.goto("/demo/login/sagsbehandler-851");
  await page.goto("/");
  const aalborg = (await page.getByTestId("demo-cases").getByRole("link").first().textContent())!.trim();
  expect(aalborg.startsWith("851-")).toBe(true);
  await page.goto("/demo/login/sagsbehandler-101");
  await page.goto("/");
  const copenhagen = (await page.getByTestId("demo-cases").getByRole("link").first().textContent())!.trim();
  await page.getByRole("button", { name: "Log af" }).click();

  await providerLogin(page, "/auth/staff/login", "sagsbehandler-851");
  await expect(page).toHaveURL(/\/sagsbehandling$/);
  await expect(page.getByTestId("logged-in-as")).toHaveText("Logget ind som Niels Sagsbehandler");
  await page.goto(`/sager/${aalborg}`);
  await expect(page.getByTestId("reference")).toHaveText(aalborg);
  const response = await page.goto(`/sager/${copenhagen}`);
  expect(response?.status()).toBe(404);
});

/**
 * Logout passes through the provider's end-session page, which confirms by itself with
 * JavaScript and with a "Log ud" button without it; either way the browser lands on Sagsspor.
 */
async function logOut(page: Page) {
  const home = new URL(test.info().project.use.baseURL!);
  const atHome = () => new URL(page.url()).port === home.port;
  await page.getByRole("button", { name: "Log af" }).click();
  await page.waitForURL((url) => url.port !== home.port || url.pathname === "/");
  if (!atHome()) {
    const confirm = page.getByRole("button", { name: "Log ud" });
    if (await confirm.isVisible().catch(() => false)) await confirm.click();
  }
  await expect.poll(atHome).toBe(true);
  await expect(page.getByRole("link", { name: "Log ind" })).toBeVisible();
}
