/**
 * S25: fixed-window rate limits in Postgres answer 429 with a Retry-After past the threshold,
 * per key, and the refused request creates nothing. Windows are a year long here so no test
 * straddles a window edge.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "../errors/app-error";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { consumeRateLimit } from "./rate-limit";

let t: TestDatabase;
const YEAR = 365 * 24 * 3600;

beforeAll(async () => {
  t = await createTestDatabase("rate_limit");
});
afterAll(async () => t?.drop());

describe("consumeRateLimit", () => {
  it("allows the limit, then refuses with 429 and a Retry-After within the window", async () => {
    const rule = { what: "tests", limit: 3, windowSeconds: YEAR };
    for (let i = 0; i < 3; i++) await consumeRateLimit(t.db, "k:a", rule);
    const error = (await consumeRateLimit(t.db, "k:a", rule).catch((e: unknown) => e)) as AppError;
    expect(error).toMatchObject({ status: 429, code: "rate_limited" });
    expect(error.details?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(error.details?.retryAfterSeconds).toBeLessThanOrEqual(YEAR);
    // Another key has its own allowance.
    await expect(consumeRateLimit(t.db, "k:b", rule)).resolves.toBeUndefined();
  });

  it("holds under concurrency: exactly `limit` of 20 parallel requests pass", async () => {
    const rule = { what: "tests", limit: 5, windowSeconds: YEAR };
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => consumeRateLimit(t.db, "k:parallel", rule)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ status: 429 });
  });
});
