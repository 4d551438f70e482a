/** `npm run web`: the console and HTTP API only (no worker). Builds the console when its sources changed. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { getConfig, processEnv } from "../config/env";
import { consoleBuildIsStale } from "./build-stamp";
import { prepareDatabase, prepareEncryptionKey } from "./prepare";

const root = fileURLToPath(new URL("../../", import.meta.url));
const config = getConfig();
prepareEncryptionKey(config);
await prepareDatabase(config.DATABASE_URL);
const next = `${root}node_modules/.bin/next`;
const run = (args: string[]) =>
  new Promise<number>((resolve) => spawn(next, args, { cwd: root, env: processEnv(), stdio: "inherit" }).on("exit", (c) => resolve(c ?? 1)));

if (consoleBuildIsStale(root) && (await run(["build"])) !== 0) process.exit(1);
const child = spawn(next, ["start", "-p", String(config.PORT)], { cwd: root, env: processEnv(), stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
