import { describe, expect, it } from "vitest";
import { resolveRetryPolicy, retryDelayMs } from "./retry";

describe("retryDelayMs", () => {
  it("grows exponentially without jitter", () => {
    const policy = { initialDelayMs: 1000, backoffFactor: 2, jitter: 0 };
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(policy, attempt, 0.5))).toEqual([1000, 2000, 4000, 8000]);
  });

  it("is capped at maxDelayMs", () => {
    expect(retryDelayMs({ initialDelayMs: 1000, maxDelayMs: 5000, jitter: 0 }, 10, 0)).toBe(5000);
  });

  it("takes at most the jitter fraction off, depending on the random input", () => {
    const policy = { initialDelayMs: 1000, jitter: 0.2 };
    expect(retryDelayMs(policy, 1, 0)).toBe(1000);
    expect(retryDelayMs(policy, 1, 0.5)).toBe(900);
    expect(retryDelayMs(policy, 1, 0.999)).toBeGreaterThanOrEqual(800);
    expect(retryDelayMs({ ...policy, jitter: 1 }, 1, 0.75)).toBe(250);
  });

  it("uses the defaults (1 s, x2, 20 % jitter)", () => {
    expect(retryDelayMs({}, 2, 0)).toBe(2000);
  });
});

describe("resolveRetryPolicy", () => {
  it("merges policies, later ones winning, ignoring undefined fields", () => {
    expect(resolveRetryPolicy({ maxAttempts: 5, initialDelayMs: 10 }, { maxAttempts: 2, initialDelayMs: undefined })).toEqual({
      maxAttempts: 2,
      initialDelayMs: 10,
      maxDelayMs: 60_000,
      backoffFactor: 2,
      jitter: 0.2,
    });
  });

  it("refuses nonsense", () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts must be an integer >= 1/);
    expect(() => resolveRetryPolicy({ jitter: 2 })).toThrow(/jitter must be between 0 and 1/);
  });
});
