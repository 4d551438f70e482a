/** Steps shared by the CLI entry points: reach Postgres and Redis, migrate, with clear failures. */
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Redis } from "ioredis";
import type { Config } from "../config/env";
import { activeKeyRing, generateKeyEntry } from "../security/secret-box";
import { describeConnectionError, ensureDatabase, migrate } from "../data/migrate";
import { maskRedisUrl } from "../queue/connection";

/** Creates the database if needed and applies migrations; exits with a clear message if Postgres is unreachable. */
export async function prepareDatabase(databaseUrl: string): Promise<void> {
  try {
    await ensureDatabase(databaseUrl);
    const { applied } = await migrate(databaseUrl);
    console.log(applied.length > 0 ? `Applied migrations: ${applied.join(", ")}` : "Database schema is up to date.");
  } catch (error) {
    console.error(describeConnectionError(databaseUrl, error));
    process.exit(1);
  }
}

/** Exits with a clear message if Redis is unreachable. */
export async function requireRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    console.error(
      [
        `Cannot reach Redis at ${maskRedisUrl(redisUrl)} (${error instanceof Error ? error.message : String(error)}).`,
        "Waymark needs Redis to wake its workers. Start one with:",
        "  docker compose up -d postgres redis",
        "or a local server: redis-server --port 6379",
        "or point REDIS_URL at an existing Redis.",
      ].join("\n"),
    );
    process.exit(1);
  } finally {
    redis.disconnect();
  }
}

/**
 * Makes sure this machine has an encryption key (step I/O and secrets are encrypted at rest). With
 * WAYMARK_ENCRYPTION_KEYS set nothing is written; otherwise, when the key file is missing, a new key
 * is generated into it (mode 0600, git-ignored) so `npm start` needs no configuration. Exits with a
 * clear message when the configured keys are unusable. Never prints a key.
 */
export function prepareEncryptionKey(config: Pick<Config, "WAYMARK_ENCRYPTION_KEYS" | "WAYMARK_ENCRYPTION_KEY_FILE">): void {
  const path = resolve(process.cwd(), config.WAYMARK_ENCRYPTION_KEY_FILE);
  try {
    if (!config.WAYMARK_ENCRYPTION_KEYS && !existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      // "wx": another process that just created it wins, and its key is the one used
      writeFileSync(path, `${generateKeyEntry()}\n`, { mode: 0o600, flag: "wx" });
      console.log(
        `Generated an encryption key in ${config.WAYMARK_ENCRYPTION_KEY_FILE} (run data and secrets are encrypted at rest with it).\n` +
          "Keep it: without it stored runs cannot be read. For other machines, set WAYMARK_ENCRYPTION_KEYS to the same value.",
      );
    }
    activeKeyRing();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return prepareEncryptionKey(config);
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
