/**
 * The OpenTelemetry GenAI attribute names Waymark emits, and the one mapping table between the
 * released conventions (core semantic-conventions v1.41.1, the last core release that defines
 * them; the default) and the newer experimental names (semantic-conventions-genai `main`),
 * chosen with `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental` as the spec prescribes.
 * Constants are copied here rather than imported from `@opentelemetry/semantic-conventions/incubating`,
 * as that package asks.
 */

export const ATTR = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  finishReasons: "gen_ai.response.finish_reasons",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
  systemInstructions: "gen_ai.system_instructions",
  workflowName: "gen_ai.workflow.name",
  serverAddress: "server.address",
  serverPort: "server.port",
  errorType: "error.type",
  /** Waymark's own namespace: there is no cost attribute in the conventions */
  costUsd: "waymark.cost.usd",
  runId: "waymark.run.id",
  stepId: "waymark.step.id",
  workflowVersion: "waymark.workflow.version",
} as const;

/** Attributes that carry prompt or completion content: opt-in only, always redacted. */
export const CONTENT_ATTRIBUTES: ReadonlySet<string> = new Set([ATTR.inputMessages, ATTR.outputMessages, ATTR.systemInstructions]);

export type SemconvMode = "v1.41.1" | "latest_experimental";

/** Which names to emit, from `OTEL_SEMCONV_STABILITY_OPT_IN` (a comma list). */
export function semconvModeFrom(optIn: string | undefined): SemconvMode {
  const values = (optIn ?? "").split(",").map((value) => value.trim().toLowerCase());
  return values.includes("gen_ai_latest_experimental") ? "latest_experimental" : "v1.41.1";
}

/** Schema URL of the instrumentation scope; the experimental names have no released schema. */
export function schemaUrlFor(mode: SemconvMode): string | undefined {
  return mode === "v1.41.1" ? "https://opentelemetry.io/schemas/1.41.1" : undefined;
}

/** v1.41.1 name → genai `main` name (names not listed are the same in both). */
const LATEST_EXPERIMENTAL_RENAMES: Readonly<Record<string, string>> = {
  "gen_ai.usage.cache_creation.input_tokens": "gen_ai.usage.cache_write.input_tokens",
};

/** genai `main` replaces the INTERNAL invoke_workflow/invoke_agent spans with one invocation span that says whether it is nested. */
export const INVOCATION_IS_NESTED = "gen_ai.invocation.is_nested";

/** The attribute name to emit in `mode` for a v1.41.1 name. */
export function attributeName(name: string, mode: SemconvMode): string {
  return mode === "latest_experimental" ? (LATEST_EXPERIMENTAL_RENAMES[name] ?? name) : name;
}

/** Attribute values of `gen_ai.request.top_k` are integers in genai `main` (a double in v1.41.1). */
export function attributeValue<T>(name: string, value: T, mode: SemconvMode): T {
  if (mode === "latest_experimental" && name === "gen_ai.request.top_k" && typeof value === "number") {
    return Math.round(value) as T;
  }
  return value;
}
