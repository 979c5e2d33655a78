import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The server under test: the real binary in demo mode on a fresh SQLite data folder.
const port = Number(process.env.SAGSSPOR_E2E_PORT ?? 3217);
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
  webServer: {
    command: "cargo run --quiet -p server -- demo",
    cwd: "..",
    url: `http://127.0.0.1:${port}/readyz`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      SAGSSPOR_LISTEN: `127.0.0.1:${port}`,
      SAGSSPOR_DATA_DIR: dataDir,
      DATABASE_URL: "",
    },
  },
});
