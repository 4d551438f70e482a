/**
 * `npm start`: everything in one. Applies migrations, creates the first admin, builds the console
 * when its sources changed, then runs the console (next start) and one worker (which brings up
 * the demo LLM provider and registers the demo workflows) as child processes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { getConfig, processEnv } from "../config/env";
import { ensureBootstrapAdmin } from "../auth/bootstrap";
import { createDb } from "../data/db";
import { loadRegistry, syncWorkflowDefinitions } from "../control/registry";
import { createLogger } from "../log/logger";
import { consoleBuildIsStale } from "./build-stamp";
import { prepareDatabase, prepareEncryptionKey, requireRedis } from "./prepare";

const root = fileURLToPath(new URL("../../", import.meta.url));
const config = getConfig();
const log = createLogger({ name: "start", level: config.WAYMARK_LOG_LEVEL });
const baseUrl = config.WAYMARK_PUBLIC_URL ?? `http://localhost:${config.PORT}`;

prepareEncryptionKey(config);
await prepareDatabase(config.DATABASE_URL);
await requireRedis(config.REDIS_URL);

const db = createDb(config.DATABASE_URL, { applicationName: "waymark-start" });
const admin = await ensureBootstrapAdmin(db, {
  adminApiKey: config.WAYMARK_ADMIN_API_KEY,
  adminEmail: config.WAYMARK_ADMIN_EMAIL,
  adminPassword: config.WAYMARK_ADMIN_PASSWORD,
});
await syncWorkflowDefinitions(db, loadRegistry(), log);
await db.close();

if (consoleBuildIsStale(root)) {
  console.log("Building the console (only when its sources changed; about a minute)…");
  await runToEnd(`${root}node_modules/.bin/next`, ["build"]);
}

const children = new Set<ChildProcess>();
let shuttingDown = false;

function launch(name: string, command: string, args: string[], restartOnCrash: boolean): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: processEnv(), stdio: "inherit" });
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (shuttingDown) return;
    if (restartOnCrash) {
      console.error(`${name} exited (${signal ?? code}); restarting it.`);
      setTimeout(() => launch(name, command, args, restartOnCrash), 1_000);
    } else {
      console.error(`${name} exited (${signal ?? code}); stopping Waymark.`);
      void stopAll(1);
    }
  });
  return child;
}

launch("console", `${root}node_modules/.bin/next`, ["start", "-p", String(config.PORT)], false);
// `node --import tsx` keeps the worker one process, so signals reach it directly.
launch("worker", process.execPath, ["--import", "tsx", "worker/main.ts"], true);

await waitForHealth(`http://127.0.0.1:${config.PORT}/api/health`);
printBanner();

for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stopAll(0));

async function stopAll(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  for (const child of children) child.kill("SIGTERM");
  const deadline = Date.now() + config.WAYMARK_SHUTDOWN_GRACE_MS + 2_000;
  while (children.size > 0 && Date.now() < deadline) await sleep(100);
  for (const child of children) child.kill("SIGKILL");
  process.exit(code);
}

function printBanner() {
  const lines = [
    "",
    `Waymark is running: ${baseUrl}`,
    "",
    admin.password
      ? `  Sign in as ${admin.email} with password ${admin.password}  (generated; change it under Admin)`
      : `  Sign in as ${admin.email} (password from WAYMARK_ADMIN_PASSWORD or set earlier)`,
    admin.apiKey
      ? `  Admin API key (shown once): ${admin.apiKey}`
      : "  Admin API key: the one from WAYMARK_ADMIN_API_KEY or printed at the first start",
    "",
    "  Try the API:",
    ...(admin.apiKey ? [`    export WAYMARK_API_KEY=${admin.apiKey}`] : []),
    `    curl -s -X POST ${baseUrl}/api/v1/runs -H "Authorization: Bearer $WAYMARK_API_KEY" \\`,
    `      -H 'Content-Type: application/json' \\`,
    `      -d '{"workflow":"freight-quote","input":{"customer":"Acme","email":"ops@acme.test","lane":"Rotterdam → Chicago","weightKg":1200}}'`,
    "",
    "  Demo workflows: freight-quote, research-agent, support-triage. Ctrl-C stops everything.",
    "",
  ];
  console.log(lines.join("\n"));
}

async function waitForHealth(url: string) {
  for (let i = 0; i < 600; i++) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  console.error(`The console did not become healthy at ${url}.`);
}

function runToEnd(command: string, args: string[]) {
  return new Promise<void>((resolve) => {
    const child = spawn(command, args, { cwd: root, env: processEnv(), stdio: "inherit" });
    child.on("exit", (code) => {
      if (code === 0) return resolve();
      console.error(`${command} ${args.join(" ")} failed with exit code ${code}.`);
      process.exit(code ?? 1);
    });
  });
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
