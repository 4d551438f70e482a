import { describe, expect, it } from "vitest";
import { createId, createRunId, ulid } from "./ids";

describe("ids", () => {
  it("are prefixed 26-character Crockford base32 ULIDs", () => {
    expect(createRunId()).toMatch(/^run_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(createId("apr")).toMatch(/^apr_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it("sort in creation order, also within one millisecond", () => {
    const ids = Array.from({ length: 1000 }, () => createRunId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("encode the creation time in the first 10 characters", () => {
    const before = Date.now();
    const id = ulid();
    const time = [...id.slice(0, 10)].reduce((t, c) => t * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".indexOf(c), 0);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });
});
