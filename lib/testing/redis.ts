/** Per-test-file Redis key prefixes for BullMQ, and their cleanup. */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

/** A prefix no other test file uses, e.g. `wm-test-reconciler-3f9a1c2b`. */
export function uniquePrefix(label: string): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9-]+/g, "-").slice(0, 30);
  return `wm-test-${safe}-${randomBytes(4).toString("hex")}`;
}

/** Deletes every key under `<prefix>:` (SCAN, never KEYS, so a shared Redis is not blocked). */
export async function flushPrefix(redisUrl: string, prefix: string): Promise<number> {
  if (!prefix) throw new Error("flushPrefix needs a non-empty prefix; refusing to delete every key.");
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== "0");
    return deleted;
  } finally {
    redis.disconnect();
  }
}
