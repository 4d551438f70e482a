/**
 * End-to-end tests in Debian's Chromium against `npm start` (next start + a real worker + the
 * demo LLM provider) on a database of their own, recreated at every run.
 */
import { defineConfig } from "@playwright/test";
import { processEnv } from "./lib/config/env";

// Override with WAYMARK_E2E_PORT to run two suites side by side; the database follows the port.
const port = Number(processEnv().WAYMARK_E2E_PORT ?? 3100);
const database = `waymark_e2e_${port}`;
const e2eEnv = {
  PORT: String(port),
  DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${database}`,
  REDIS_URL: processEnv().REDIS_URL ?? "redis://127.0.0.1:6379",
  WAYMARK_QUEUE_PREFIX: `wm-e2e-${process.pid}`,
  WAYMARK_ADMIN_EMAIL: "admin@e2e.test",
  WAYMARK_ADMIN_PASSWORD: "e2e-admin-password",
  WAYMARK_ADMIN_API_KEY: "wm_e2e_admin_key_0123456789abcdefghijklmnop",
  WAYMARK_PUBLIC_URL: `http://127.0.0.1:${port}`,
  WAYMARK_DEMO_LLM_LATENCY_MS: "300",
  WAYMARK_DEMO_TOOL_LATENCY_MS: "300",
  WAYMARK_LOG_LEVEL: "warn",
  // A fixed test key (never a real one): step I/O and secrets are encrypted at rest
  WAYMARK_ENCRYPTION_KEYS: "e2e1:3bBZ2YjvOfhHVX2xC8oZ0n1m4zkV3hq1V+1aR6qjvN8=",
};
// The specs read the same values (credentials, base URL) from their environment.
Object.assign(process.env, { ...e2eEnv, WAYMARK_E2E_BASE_URL: `http://127.0.0.1:${port}` });

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [["list"]],
  outputDir: "test-results/playwright",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command:
      `psql -h 127.0.0.1 -U postgres -d postgres -qc 'DROP DATABASE IF EXISTS ${database} WITH (FORCE)' && npm start`,
    url: `http://127.0.0.1:${port}/api/health`,
    env: e2eEnv,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
