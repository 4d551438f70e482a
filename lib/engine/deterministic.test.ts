import { describe, expect, it } from "vitest";
import { createPrng, uuidFromPrng } from "./deterministic";

describe("createPrng", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    const draw = (seed: string) => {
      const prng = createPrng(seed);
      return Array.from({ length: 5 }, () => prng.next());
    };
    expect(draw("run-1")).toEqual(draw("run-1"));
    expect(draw("run-1")).not.toEqual(draw("run-2"));
  });

  it("draws floats in [0, 1) spread over the range", () => {
    const prng = createPrng("spread");
    const values = Array.from({ length: 2000 }, () => prng.next());
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe("uuidFromPrng", () => {
  it("is shaped like an RFC 4122 version 4 UUID, deterministic and distinct per draw", () => {
    const a = createPrng("run-1");
    const b = createPrng("run-1");
    const first = uuidFromPrng(a);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFromPrng(b)).toBe(first);
    expect(uuidFromPrng(a)).not.toBe(first);
  });
});
