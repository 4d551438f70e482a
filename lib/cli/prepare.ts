/** Steps shared by the CLI entry points: reach Postgres and Redis, migrate, with clear failures. */
import { Redis } from "ioredis";
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
