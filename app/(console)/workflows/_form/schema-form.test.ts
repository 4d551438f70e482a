import { describe, expect, it } from "vitest";
import { coerceFormInput, formFromSchema, humanize, ROOT_FIELD } from "./schema-form";

// As rendered from freight-quote's zod input.
const freightSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    customer: { type: "string", minLength: 1 },
    email: { type: "string", format: "email" },
    lane: { type: "string", minLength: 3, description: 'Origin → destination, e.g. "Rotterdam → Chicago"' },
    weightKg: { type: "number", exclusiveMinimum: 0 },
    notes: { type: "string" },
    priority: { type: "string", enum: ["low", "high"] },
    express: { type: "boolean" },
    pallets: { type: "integer", minimum: 1 },
    dimensions: { type: "object", properties: { l: { type: "number" } } },
  },
  required: ["customer", "email", "lane", "weightKg"],
};

const getter = (values: Record<string, string>) => (name: string) => values[name] ?? null;

describe("formFromSchema", () => {
  it("makes one typed field per property, optional where the schema says so", () => {
    const form = formFromSchema(freightSchema);
    expect(form.wholeInputAsJson).toBe(false);
    expect(form.fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["customer", "text", true],
      ["email", "text", true],
      ["lane", "text", true],
      ["weightKg", "number", true],
      ["notes", "text", false],
      ["priority", "enum", false],
      ["express", "boolean", false],
      ["pallets", "number", false],
      ["dimensions", "json", false],
    ]);
    expect(form.fields[1]).toMatchObject({ inputType: "email" });
    expect(form.fields[2]).toMatchObject({ description: 'Origin → destination, e.g. "Rotterdam → Chicago"' });
    expect(form.fields[4]).toMatchObject({ multiline: true });
    expect(form.fields[7]).toMatchObject({ integer: true, minimum: 1 });
  });

  it("falls back to one JSON textarea when the root is not an object", () => {
    const form = formFromSchema({ type: "array", items: { type: "string" } });
    expect(form).toMatchObject({ wholeInputAsJson: true, fields: [{ name: ROOT_FIELD, kind: "json" }] });
  });

  it("unwraps nullable fields", () => {
    const form = formFromSchema({ type: "object", properties: { n: { anyOf: [{ type: "number" }, { type: "null" }] } } });
    expect(form.fields[0]).toMatchObject({ kind: "number", required: false });
  });
});

describe("coerceFormInput", () => {
  const form = formFromSchema(freightSchema);

  it("converts submitted strings to the schema's types and leaves out empty optional fields", () => {
    const result = coerceFormInput(
      form,
      getter({
        "input.customer": "ACME",
        "input.email": "ops@acme.test",
        "input.lane": "Rotterdam → Chicago",
        "input.weightKg": "5000",
        "input.notes": "",
        "input.priority": "high",
        "input.express": "on",
        "input.pallets": "4",
        "input.dimensions": '{"l": 2}',
      }),
    );
    expect(result.errors).toEqual({});
    expect(result.input).toEqual({
      customer: "ACME",
      email: "ops@acme.test",
      lane: "Rotterdam → Chicago",
      weightKg: 5000,
      priority: "high",
      express: true,
      pallets: 4,
      dimensions: { l: 2 },
    });
  });

  it("names each field that is missing or malformed", () => {
    const result = coerceFormInput(
      form,
      getter({ "input.customer": "  ", "input.email": "x@y.z", "input.lane": "AB", "input.weightKg": "heavy", "input.pallets": "2.5", "input.dimensions": "{" }),
    );
    expect(result.errors).toMatchObject({
      customer: "Customer is required.",
      lane: "At least 3 characters.",
      weightKg: "Enter a number.",
      pallets: "Enter a whole number.",
    });
    expect(result.errors.dimensions).toMatch(/^Not valid JSON/);
  });

  it("checks exclusive bounds", () => {
    const result = coerceFormInput(form, getter({ "input.customer": "A", "input.email": "a@b.co", "input.lane": "abc", "input.weightKg": "0" }));
    expect(result.errors).toEqual({ weightKg: "Must be more than 0." });
  });
});

describe("humanize", () => {
  it("turns property names into labels", () => {
    expect(humanize("weightKg")).toBe("Weight kg");
    expect(humanize("ticket_id")).toBe("Ticket id");
  });
});
