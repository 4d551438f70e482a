/**
 * `npm run rotate-keys`: after a new key was put first in WAYMARK_ENCRYPTION_KEYS (and every
 * process restarted with that ring), re-seals the stored payloads and secrets with it, so the old
 * key can be removed. Safe to run while workers run, and to repeat.
 *
 *   npm run rotate-keys -- --new-key    prints a new key entry to put first in the ring
 */
import { parseArgs } from "node:util";
import { getConfig } from "../config/env";
import { createDb, isConnectionError } from "../data/db";
import { describeConnectionError } from "../data/migrate";
import { resealAll } from "../data/reseal";
import { activeKeyRing, generateKeyEntry } from "../security/secret-box";

const { values } = parseArgs({ options: { "new-key": { type: "boolean", default: false } } });
if (values["new-key"]) {
  process.stdout.write(`${generateKeyEntry()}\n`);
  process.exit(0);
}

const config = getConfig();
let ring;
try {
  ring = activeKeyRing();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
const db = createDb(config.DATABASE_URL, { max: 2, applicationName: "waymark-rotate-keys" });
try {
  const report = await resealAll(db);
  const counts = Object.entries(report.resealed).map(([column, n]) => `${column}: ${n}`);
  process.stdout.write(
    [
      `Re-sealed ${counts.length ? counts.join(", ") : "nothing (everything already uses it)"} with key "${ring.activeId}".`,
      report.skipped ? `${report.skipped} value(s) changed meanwhile and were left alone: run this again.` : "",
      "Audit entries are append-only: comments there keep the key they were sealed with, so keep old keys in the ring as long as you need to read them.",
    ]
      .filter(Boolean)
      .join("\n") + "\n",
  );
  process.exitCode = report.skipped ? 1 : 0;
} catch (error) {
  process.stderr.write(`${isConnectionError(error) ? describeConnectionError(config.DATABASE_URL, error) : (error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
}
