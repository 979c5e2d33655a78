import { expect, test, type Page, type Route } from "@playwright/test";
import { providerLogin } from "./support";

// The login's protocol checks against the real provider (end2end/oidc): the `iss` of RFC 9207
// on the way back, and the scopes that make the provider release the CVR and staff claims.
// Playwright does not intercept redirects, so a test changes a redirect by taking over the
// request that answers with it: it fetches that answer itself, follows the provider's own
// redirects with the browser's cookies, and hands the browser the changed address.

/** Takes over the next request matching `pattern` whose answer (after the provider's own hops)
 * redirects to an address matching `target`, and sends the browser to `change(address)`. */
async function changeRedirect(page: Page, pattern: string, target: RegExp, change: (url: URL) => void) {
  const seen: URL[] = [];
  await page.route(pattern, async (route: Route) => {
    let answer = await route.fetch({ maxRedirects: 0 });
    let location = answer.headers()["location"];
    let base = route.request().url();
    while (location && !target.test(new URL(location, base).toString())) {
      const next = new URL(location, base).toString();
      answer = await page.request.get(next, { maxRedirects: 0 });
      base = next;
      location = answer.headers()["location"];
    }
    if (!location) throw new Error(`no redirect to ${target} from ${route.request().url()}`);
    const url = new URL(location, base);
    seen.push(new URL(url));
    change(url);
    await route.fulfill({ status: 303, headers: { ...answer.headers(), location: url.toString() } });
  });
  return seen;
}

const refusal = "Svaret kom ikke fra den login-tjeneste, Sagsspor sendte dig til, og er afvist. Start forfra.";

for (const [how, change] of [
  ["without the iss parameter", (url: URL) => url.searchParams.delete("iss")],
  ["from another issuer", (url: URL) => url.searchParams.set("iss", "http://127.0.0.1:9/")],
] as const) {
  test(`an authorization response ${how} is refused`, async ({ page }) => {
    const seen = await changeRedirect(page, "**/interaction/*/login", /\/auth\/callback\?/, change);
    await providerLogin(page, "/auth/login", "borger");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Login");
    await expect(page.getByText(refusal)).toBeVisible();
    // The provider did send its issuer; only the changed answer was refused.
    expect(seen[0].searchParams.get("iss")).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await page.goto("/mine-sager");
    await expect(page).toHaveURL(/\/demo\/login\?next=/);
  });
}

test("the business login asks for the broker's scope; without it the company's employee is a citizen", async ({ page }) => {
  const seen = await changeRedirect(page, "**/auth/login", /\/auth\?/, (url) => {
    const scopes = (url.searchParams.get("scope") ?? "").split(" ").filter((s) => s !== "nemlogin");
    url.searchParams.set("scope", scopes.join(" "));
  });
  await providerLogin(page, "/auth/login", "virksomhed-a");
  // SAGSSPOR_OIDC_SCOPES (playwright.config.ts) put the scope into the request.
  expect(seen[0].searchParams.get("scope")).toBe("openid profile email nemlogin");
  await expect(page).toHaveURL(/\/mine-sager$/);
  await expect(page.getByTestId("logged-in-as")).toHaveText("Logget ind som Anders Nordbyg");
  await expect(page.getByText("Her er alle sager for Nordbyg ApS")).toHaveCount(0);
});

test("the staff login asks for the staff scope; without it a caseworker is refused", async ({ page }) => {
  const seen = await changeRedirect(page, "**/auth/staff/login", /\/auth\?/, (url) => {
    const scopes = (url.searchParams.get("scope") ?? "").split(" ").filter((s) => s !== "staff");
    url.searchParams.set("scope", scopes.join(" "));
  });
  await providerLogin(page, "/auth/staff/login", "sagsbehandler-851");
  expect(seen[0].searchParams.get("scope")).toBe("openid profile email staff");
  await expect(page.getByText("Dit login giver ikke adgang som sagsbehandler.")).toBeVisible();
});
