/** Workflow definitions: validation, a content hash per version, the input's JSON Schema, a registry. */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { WorkflowDefinition } from "./types";

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

function describe(def: { name?: unknown; version?: unknown }): string {
  return `workflow ${JSON.stringify(def.name)} version ${JSON.stringify(def.version)}`;
}

function assertNonNegative(value: unknown, field: string, def: WorkflowDefinition<any, any>): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${describe(def)}: ${field} must be a number >= 0, got ${JSON.stringify(value)}`);
  }
}

/**
 * Declares a workflow. Checks the definition at import time, so a typo fails the worker's start
 * instead of a run, and returns it frozen: a registered version must not change under its runs.
 */
export function defineWorkflow<I, O>(def: WorkflowDefinition<I, O>): WorkflowDefinition<I, O> {
  if (typeof def.name !== "string" || !NAME_PATTERN.test(def.name)) {
    throw new TypeError(
      `Invalid workflow name ${JSON.stringify(def.name)}: use kebab-case (lowercase letters, digits and "-"), at most 63 characters, e.g. "freight-quote".`,
    );
  }
  if (!Number.isInteger(def.version) || def.version < 1) {
    throw new TypeError(`${describe(def)}: version must be a positive integer (1, 2, …).`);
  }
  if (!def.input || typeof (def.input as { safeParse?: unknown }).safeParse !== "function") {
    throw new TypeError(`${describe(def)}: input must be a zod schema, e.g. z.object({ … }).`);
  }
  if (typeof def.run !== "function") throw new TypeError(`${describe(def)}: run must be an async function (ctx, input) => output.`);
  assertNonNegative(def.budget?.maxCostUsd, "budget.maxCostUsd", def);
  assertNonNegative(def.budget?.maxTokens, "budget.maxTokens", def);
  if (def.budget?.onExceed !== undefined && def.budget.onExceed !== "pause" && def.budget.onExceed !== "fail") {
    throw new TypeError(`${describe(def)}: budget.onExceed must be "pause" or "fail".`);
  }
  if (def.timeoutMs !== undefined && !(Number.isFinite(def.timeoutMs) && def.timeoutMs > 0)) {
    throw new TypeError(`${describe(def)}: timeoutMs must be a positive number of milliseconds.`);
  }
  assertNonNegative(def.defaults?.timeoutMs, "defaults.timeoutMs", def);
  return Object.freeze({
    ...def,
    ...(def.budget ? { budget: Object.freeze({ ...def.budget }) } : {}),
    ...(def.defaults
      ? { defaults: Object.freeze({ ...def.defaults, ...(def.defaults.retry ? { retry: Object.freeze({ ...def.defaults.retry }) } : {}) }) }
      : {}),
  });
}

/** The workflow's input as JSON Schema (for the API and the start-run form); `{}` when zod cannot render it. */
export function inputJsonSchema(def: WorkflowDefinition<any, any>): Record<string, unknown> {
  try {
    // "input" side: fields with defaults are optional for the caller; unrepresentable parts become {}.
    return z.toJSONSchema(def.input, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * A sha256 (hex) of what makes a version behave: the run function's source, the input schema,
 * budget, timeout and defaults. Two processes that disagree on it run different code under one version.
 */
export function definitionHash(def: WorkflowDefinition<any, any>): string {
  const material = JSON.stringify({
    run: def.run.toString(),
    input: inputJsonSchema(def),
    budget: def.budget ?? null,
    timeoutMs: def.timeoutMs ?? null,
    defaults: def.defaults ?? null,
  });
  return createHash("sha256").update(material).digest("hex");
}

export interface WorkflowRegistry {
  get(name: string, version: number): WorkflowDefinition<any, any> | undefined;
  /** The highest registered version of `name` */
  latest(name: string): WorkflowDefinition<any, any> | undefined;
  /** Every definition, by name then version */
  list(): WorkflowDefinition<any, any>[];
  /** Workflow names, sorted */
  names(): string[];
}

/** Indexes definitions by name and version; refuses two different definitions under one name+version. */
export function createRegistry(defs: WorkflowDefinition<any, any>[]): WorkflowRegistry {
  const byKey = new Map<string, { def: WorkflowDefinition<any, any>; hash: string }>();
  for (const def of defs) {
    const key = `${def.name}@${def.version}`;
    const hash = definitionHash(def);
    const existing = byKey.get(key);
    if (existing && existing.hash !== hash) {
      throw new Error(
        `Workflow "${def.name}" version ${def.version} is defined twice with different code or settings. ` +
          "Give the changed definition a new version number; runs stay pinned to the version they started on.",
      );
    }
    if (!existing) byKey.set(key, { def, hash });
  }
  const sorted = [...byKey.values()]
    .map(({ def }) => def)
    .sort((a, b) => (a.name === b.name ? a.version - b.version : a.name < b.name ? -1 : 1));
  return {
    get: (name, version) => byKey.get(`${name}@${version}`)?.def,
    latest: (name) => sorted.filter((def) => def.name === name).at(-1),
    list: () => [...sorted],
    names: () => [...new Set(sorted.map((def) => def.name))],
  };
}
