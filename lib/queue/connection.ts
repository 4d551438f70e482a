/**
 * Redis connections for BullMQ. Redis only wakes workers; Postgres holds the truth, so a lost
 * Redis (restart, flush, failover) costs latency, never a run (the reconciler re-enqueues).
 */
import { Redis } from "ioredis";
import type { Logger } from "../engine/types";

/** A connection BullMQ can use: it must retry forever rather than fail commands while Redis is away. */
export function createRedis(redisUrl: string): Redis {
  return new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // Back off up to 2 s between reconnect attempts, forever.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
}

/** Warns when Redis may evict BullMQ keys (anything but noeviction loses jobs under memory pressure). */
export async function warnOnEvictionPolicy(redis: Redis, log: Logger): Promise<string | null> {
  try {
    const reply = (await redis.config("GET", "maxmemory-policy")) as string[];
    const policy = reply?.[1] ?? null;
    if (policy && policy !== "noeviction") {
      log.warn(
        `Redis maxmemory-policy is "${policy}"; it must be "noeviction" or Redis may silently drop queued wake-ups. ` +
          `Set it with: redis-cli CONFIG SET maxmemory-policy noeviction (and in redis.conf).`,
        { policy },
      );
    }
    return policy;
  } catch (error) {
    // Managed Redis often disables CONFIG; the policy can't be checked there.
    log.warn("Could not read Redis maxmemory-policy (CONFIG GET refused); make sure it is noeviction.", {
      error: String(error),
    });
    return null;
  }
}

/** Masks the password of a redis:// URL for messages. */
export function maskRedisUrl(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    if (url.password) url.password = "****";
    return url.toString();
  } catch {
    return "(unparseable REDIS_URL)";
  }
}
