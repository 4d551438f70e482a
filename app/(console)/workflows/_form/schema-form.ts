/**
 * A form generated from a workflow version's input JSON Schema (as rendered from zod): one
 * field per top-level property (text, email, number, integer, checkbox, select), a JSON textarea
 * for anything nested, and one whole-input JSON textarea when the root is not a plain object.
 * `coerceFormInput` turns the submitted strings back into the input, with per-field messages;
 * the browser runs it before submitting and the server action runs it again.
 */
export type FormField =
  | { kind: "text"; name: string; label: string; required: boolean; description?: string; inputType: "text" | "email" | "url"; multiline: boolean; minLength?: number; maxLength?: number; defaultValue?: string }
  | { kind: "number"; name: string; label: string; required: boolean; description?: string; integer: boolean; minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number; defaultValue?: number }
  | { kind: "boolean"; name: string; label: string; required: boolean; description?: string; defaultValue?: boolean }
  | { kind: "enum"; name: string; label: string; required: boolean; description?: string; options: Array<string | number>; defaultValue?: string | number }
  | { kind: "json"; name: string; label: string; required: boolean; description?: string; defaultValue?: unknown };

export interface SchemaForm {
  /** Field names are the input's property names; the whole-input form has one field named "(root)" */
  fields: FormField[];
  /** The root is not an object with properties: the whole input is one JSON textarea */
  wholeInputAsJson: boolean;
}

export const ROOT_FIELD = "(root)";

type Schema = Record<string, unknown>;
const isSchema = (value: unknown): value is Schema => typeof value === "object" && value !== null && !Array.isArray(value);

/** Text fields whose name or length suggests prose get a textarea. */
const MULTILINE_NAMES = /(notes?|body|description|text|message|prompt|content|comment|details?)$/i;

export function formFromSchema(schema: unknown): SchemaForm {
  if (!isSchema(schema) || schema.type !== "object" || !isSchema(schema.properties)) {
    return { fields: [{ kind: "json", name: ROOT_FIELD, label: "Input (JSON)", required: true, description: "The whole run input as JSON." }], wholeInputAsJson: true };
  }
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : []);
  const fields = Object.entries(schema.properties).map(([name, property]) => fieldFor(name, isSchema(property) ? property : {}, required.has(name)));
  return { fields, wholeInputAsJson: false };
}

function fieldFor(name: string, property: Schema, required: boolean): FormField {
  const base = { name, label: humanize(name), required, description: typeof property.description === "string" ? property.description : undefined };
  const nullable = unwrapNullable(property);
  const p = nullable ?? property;
  if (Array.isArray(p.enum) && p.enum.length > 0 && p.enum.every((v) => typeof v === "string" || typeof v === "number")) {
    return { ...base, kind: "enum", options: p.enum as Array<string | number>, defaultValue: p.default as string | number | undefined };
  }
  if (p.const !== undefined && (typeof p.const === "string" || typeof p.const === "number")) {
    return { ...base, kind: "enum", options: [p.const], defaultValue: p.const };
  }
  switch (p.type) {
    case "string": {
      const maxLength = numberOr(p.maxLength);
      return {
        ...base,
        kind: "text",
        inputType: p.format === "email" ? "email" : p.format === "uri" || p.format === "url" ? "url" : "text",
        multiline: MULTILINE_NAMES.test(name) || (maxLength !== undefined && maxLength > 300),
        minLength: numberOr(p.minLength),
        maxLength,
        defaultValue: typeof p.default === "string" ? p.default : undefined,
      };
    }
    case "number":
    case "integer":
      return {
        ...base,
        kind: "number",
        integer: p.type === "integer",
        minimum: numberOr(p.minimum),
        maximum: numberOr(p.maximum),
        exclusiveMinimum: numberOr(p.exclusiveMinimum),
        exclusiveMaximum: numberOr(p.exclusiveMaximum),
        defaultValue: numberOr(p.default),
      };
    case "boolean":
      return { ...base, kind: "boolean", defaultValue: typeof p.default === "boolean" ? p.default : undefined };
    default:
      return { ...base, kind: "json", defaultValue: p.default };
  }
}

/** `anyOf: [X, {type: "null"}]` → X (optional-or-null fields from zod's `.nullable()`). */
function unwrapNullable(property: Schema): Schema | null {
  const options = Array.isArray(property.anyOf) ? property.anyOf.filter(isSchema) : null;
  if (!options || options.length !== 2) return null;
  const nonNull = options.filter((o) => o.type !== "null");
  return nonNull.length === 1 ? { ...nonNull[0], description: property.description ?? nonNull[0].description } : null;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** "weightKg" → "Weight kg", "ticket_id" → "Ticket id" */
export function humanize(name: string): string {
  const words = name
    .replace(/[_-]+/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The form control name of a field (kept apart from the hidden workflow/version fields). */
export const controlName = (field: Pick<FormField, "name">) => `input.${field.name}`;

export interface CoercedInput {
  input: unknown;
  /** Field name → message; empty when the input can be sent */
  errors: Record<string, string>;
}

/**
 * Reads each field's submitted value (`get(controlName)`: a string, or null when absent, as
 * FormData gives it), converts it to the schema's type and checks what a form can check:
 * required, number format, integer, bounds, JSON syntax. The server's schema has the last word.
 */
export function coerceFormInput(form: SchemaForm, get: (name: string) => string | null): CoercedInput {
  const errors: Record<string, string> = {};
  if (form.wholeInputAsJson) {
    const raw = (get(controlName(form.fields[0])) ?? "").trim();
    if (!raw) return { input: {}, errors };
    const parsed = parseJson(raw);
    if (!parsed.ok) errors[ROOT_FIELD] = parsed.message;
    return { input: parsed.ok ? parsed.value : undefined, errors };
  }
  const input: Record<string, unknown> = {};
  for (const field of form.fields) {
    const raw = get(controlName(field));
    if (field.kind === "boolean") {
      input[field.name] = raw !== null && raw !== "" && raw !== "false";
      continue;
    }
    const text = (raw ?? "").trim() === "" ? "" : (raw ?? "");
    if (text === "") {
      if (field.required) errors[field.name] = `${field.label} is required.`;
      continue;
    }
    switch (field.kind) {
      case "text":
        if (field.minLength !== undefined && text.length < field.minLength) errors[field.name] = `At least ${field.minLength} characters.`;
        else if (field.maxLength !== undefined && text.length > field.maxLength) errors[field.name] = `At most ${field.maxLength} characters (now ${text.length}).`;
        input[field.name] = text;
        break;
      case "number": {
        const value = Number(text.trim());
        const problem = numberProblem(field, value);
        if (problem) errors[field.name] = problem;
        else input[field.name] = value;
        break;
      }
      case "enum": {
        const option = field.options.find((o) => String(o) === text);
        if (option === undefined) errors[field.name] = `Choose one of: ${field.options.join(", ")}.`;
        else input[field.name] = option;
        break;
      }
      case "json": {
        const parsed = parseJson(text);
        if (parsed.ok) input[field.name] = parsed.value;
        else errors[field.name] = parsed.message;
        break;
      }
    }
  }
  return { input, errors };
}

function numberProblem(field: Extract<FormField, { kind: "number" }>, value: number): string | null {
  if (!Number.isFinite(value)) return "Enter a number.";
  if (field.integer && !Number.isInteger(value)) return "Enter a whole number.";
  if (field.minimum !== undefined && value < field.minimum) return `Must be ${field.minimum} or more.`;
  if (field.exclusiveMinimum !== undefined && value <= field.exclusiveMinimum) return `Must be more than ${field.exclusiveMinimum}.`;
  if (field.maximum !== undefined && value > field.maximum) return `Must be ${field.maximum} or less.`;
  if (field.exclusiveMaximum !== undefined && value >= field.exclusiveMaximum) return `Must be less than ${field.exclusiveMaximum}.`;
  return null;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
  }
}
