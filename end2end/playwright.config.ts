import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The server under test: the real binary in demo mode on a fresh SQLite data folder, with both
// login providers pointing at a real OpenID provider (end2end/oidc) started beside it.
const port = Number(process.env.SAGSSPOR_E2E_PORT ?? 3217);
const applicantIssuer = `http://127.0.0.1:${process.env.OIDC_APPLICANT_PORT ?? 4011}`;
const staffIssuer = `http://127.0.0.1:${process.env.OIDC_STAFF_PORT ?? 4012}`;
const sagsspor = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), "sagsspor-e2e-"));

// Debian's Chromium, never a downloaded browser. As root it needs --no-sandbox; the other flags
// keep it from reaching for the network this machine does not have.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  fullyParallel: true,
  // The long flows (an application through decision; axe-core over every page type) against a
  // debug build on two cores take longer than Playwright's default 30 s.
  timeout: 90_000,
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions,
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "javascript", use: { javaScriptEnabled: true } },
    { name: "no-javascript", use: { javaScriptEnabled: false } },
  ],
  webServer: [
    {
      command: "node oidc/provider.mjs",
      url: `${applicantIssuer}/.well-known/openid-configuration`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: {
        OIDC_APPLICANT_PORT: new URL(applicantIssuer).port,
        OIDC_STAFF_PORT: new URL(staffIssuer).port,
        SAGSSPOR_URL: sagsspor,
      },
    },
    {
      command: "cargo run --quiet -p server -- demo",
      cwd: "..",
      url: `${sagsspor}/readyz`,
      timeout: 600_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: {
        SAGSSPOR_LISTEN: `127.0.0.1:${port}`,
        // Warnings and errors only: the request log of a whole suite would drown CI's output.
        RUST_LOG: "warn",
        SAGSSPOR_PUBLIC_URL: sagsspor,
        SAGSSPOR_DATA_DIR: dataDir,
        DATABASE_URL: "",
        SAGSSPOR_OIDC_ISSUER: applicantIssuer,
        SAGSSPOR_OIDC_CLIENT_ID: "sagsspor",
        SAGSSPOR_OIDC_CLIENT_SECRET: "sagsspor-secret",
        // The provider releases the CVR and staff claims only for these scopes (end2end/oidc).
        SAGSSPOR_OIDC_SCOPES: "openid profile email nemlogin",
        SAGSSPOR_STAFF_OIDC_SCOPES: "openid profile email staff",
        SAGSSPOR_STAFF_OIDC_ISSUER: staffIssuer,
        SAGSSPOR_STAFF_OIDC_CLIENT_ID: "sagsspor-staff",
        SAGSSPOR_STAFF_OIDC_CLIENT_SECRET: "sagsspor-staff-secret",
      },
    },
  ],
});
