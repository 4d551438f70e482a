import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../log/logger";
import { createRedis, warnOnEvictionPolicy } from "./connection";
import { privateRedis, type PrivateRedis } from "../testing/redis-server";

describe("Redis eviction policy check", () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await privateRedis();
  });
  afterAll(async () => redis?.kill());

  it("warns when the policy is not noeviction, and is quiet when it is", async () => {
    const lines: string[] = [];
    const log = createLogger({ name: "test", write: (line) => lines.push(line) });
    const client = createRedis(redis.url);
    try {
      await client.config("SET", "maxmemory-policy", "allkeys-lru");
      expect(await warnOnEvictionPolicy(client, log)).toBe("allkeys-lru");
      expect(lines.join("\n")).toMatch(/maxmemory-policy is \\"allkeys-lru\\".*noeviction/);

      lines.length = 0;
      await client.config("SET", "maxmemory-policy", "noeviction");
      expect(await warnOnEvictionPolicy(client, log)).toBe("noeviction");
      expect(lines).toEqual([]);
    } finally {
      client.disconnect();
    }
  });
});
