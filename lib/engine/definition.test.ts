import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createRegistry, defineWorkflow, definitionHash, inputJsonSchema } from "./definition";

const base = {
  name: "freight-quote",
  version: 1,
  input: z.object({ lane: z.string(), weightKg: z.number().positive(), express: z.boolean().default(false) }),
  run: async (_ctx: unknown, input: { lane: string }) => input.lane,
};

describe("defineWorkflow", () => {
  it("returns a frozen definition", () => {
    const def = defineWorkflow({ ...base, budget: { maxCostUsd: 0.5 } });
    expect(Object.isFrozen(def)).toBe(true);
    expect(Object.isFrozen(def.budget)).toBe(true);
    expect(def.name).toBe("freight-quote");
  });

  it.each(["Freight", "freight_quote", "-lead", "", "a".repeat(64)])("refuses the name %j", (name) => {
    expect(() => defineWorkflow({ ...base, name })).toThrow(/Invalid workflow name .*kebab-case/);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses the version %j", (version) => {
    expect(() => defineWorkflow({ ...base, version })).toThrow(/version must be a positive integer/);
  });

  it("refuses an input that is not a zod schema and a bad budget", () => {
    expect(() => defineWorkflow({ ...base, input: {} as never })).toThrow(/input must be a zod schema/);
    expect(() => defineWorkflow({ ...base, budget: { maxCostUsd: -1 } })).toThrow(/budget.maxCostUsd must be a number >= 0/);
    expect(() => defineWorkflow({ ...base, timeoutMs: 0 })).toThrow(/timeoutMs must be a positive number/);
  });
});

describe("inputJsonSchema", () => {
  it("renders the input side of the schema (defaults are optional)", () => {
    const schema = inputJsonSchema(defineWorkflow(base));
    expect(schema).toMatchObject({
      type: "object",
      properties: { lane: { type: "string" }, weightKg: { type: "number", exclusiveMinimum: 0 }, express: { type: "boolean", default: false } },
      required: ["lane", "weightKg"],
    });
  });

  it("renders what it can of unrepresentable types", () => {
    const schema = inputJsonSchema(defineWorkflow({ ...base, input: z.object({ when: z.date() }), run: async () => "ok" }));
    expect(schema).toMatchObject({ type: "object", properties: { when: {} } });
  });
});

describe("definitionHash", () => {
  it("is stable for the same definition and changes with code, schema, budget, timeout or defaults", () => {
    const def = defineWorkflow(base);
    const hash = definitionHash(def);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(definitionHash(defineWorkflow(base))).toBe(hash);
    const variants = [
      { run: async () => "other" },
      { input: z.object({ lane: z.string() }) },
      { budget: { maxTokens: 10 } },
      { timeoutMs: 1000 },
      { defaults: { timeoutMs: 5 } },
    ];
    for (const variant of variants) expect(definitionHash(defineWorkflow({ ...base, ...variant } as typeof base))).not.toBe(hash);
  });
});

describe("createRegistry", () => {
  const v1 = defineWorkflow(base);
  const v2 = defineWorkflow({ ...base, version: 2, run: async () => "v2" });
  const other = defineWorkflow({ ...base, name: "alpha" });

  it("finds definitions by name and version, and the latest version", () => {
    const registry = createRegistry([v2, other, v1]);
    expect(registry.get("freight-quote", 1)).toBe(v1);
    expect(registry.get("freight-quote", 3)).toBeUndefined();
    expect(registry.latest("freight-quote")).toBe(v2);
    expect(registry.latest("missing")).toBeUndefined();
    expect(registry.list()).toEqual([other, v1, v2]);
    expect(registry.names()).toEqual(["alpha", "freight-quote"]);
  });

  it("accepts the same definition twice but refuses different ones under one name and version", () => {
    expect(createRegistry([v1, defineWorkflow(base)]).list()).toHaveLength(1);
    const changed = defineWorkflow({ ...base, run: async () => "changed" });
    expect(() => createRegistry([v1, changed])).toThrow('Workflow "freight-quote" version 1 is defined twice with different code or settings');
  });
});
