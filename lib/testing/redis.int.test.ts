import { afterAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { loadConfig } from "../config/env";
import { flushPrefix, uniquePrefix } from "./redis";

const redisUrl = loadConfig().REDIS_URL;
const redis = new Redis(redisUrl);
afterAll(() => redis.disconnect());

describe("test Redis prefixes", () => {
  it("are unique per call and flushing one leaves every other key alone", async () => {
    const mine = uniquePrefix("Redis Helper");
    const theirs = uniquePrefix("Redis Helper");
    expect(mine).not.toBe(theirs);
    expect(mine).toMatch(/^wm-test-redis-helper-[0-9a-f]{8}$/);
    await redis.mset(`${mine}:a`, "1", `${mine}:b:c`, "2", `${theirs}:a`, "3");
    expect(await flushPrefix(redisUrl, mine)).toBe(2);
    expect(await redis.exists(`${mine}:a`, `${mine}:b:c`)).toBe(0);
    expect(await redis.get(`${theirs}:a`)).toBe("3");
    expect(await flushPrefix(redisUrl, theirs)).toBe(1);
    await expect(flushPrefix(redisUrl, "")).rejects.toThrow(/non-empty prefix/);
  });
});
