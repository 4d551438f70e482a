/**
 * OTLP trace request → SpanRecords. Accepts both shapes an ExportTraceServiceRequest arrives in:
 * OTLP/JSON (hex ids, 64-bit ints as strings or numbers) and the protobuf message decoded with
 * the official definitions (ids as bytes, 64-bit ints as strings). Senders that still use the
 * pre-1.0 `instrumentationLibrarySpans` field, or legacy GenAI attribute names (OpenLLMetry,
 * OpenInference, the Vercel AI SDK), are understood too.
 */
import type { Json } from "../engine/types";
import { ATTR } from "./semconv";
import {
  SPAN_KIND_NAMES,
  type GenAiFacts,
  type SpanEventRecord,
  type SpanKindName,
  type SpanLinkRecord,
  type SpanRecord,
  type SpanStatusName,
} from "./span-record";

/** Loose view of the request: every field optional, because senders differ. */
type Loose = Record<string, unknown>;

export interface NormalizedRequest {
  spans: SpanRecord[];
  /** Spans that could not be stored (no valid ids), with the first reason */
  rejected: number;
  rejectReason: string | null;
}

const HEX = /^[0-9a-f]+$/;

/** An id as lowercase hex: from bytes, hex text, or (a common sender mistake) base64 text. */
function idToHex(value: unknown, bytes: number): string | null {
  let hex: string | null = null;
  if (value instanceof Uint8Array) hex = Buffer.from(value).toString("hex");
  else if (typeof value === "string" && value !== "") {
    const lower = value.toLowerCase();
    if (lower.length === bytes * 2 && HEX.test(lower)) hex = lower;
    else {
      const decoded = Buffer.from(value, "base64");
      if (decoded.length === bytes) hex = decoded.toString("hex");
    }
  }
  if (!hex || hex.length !== bytes * 2 || /^0+$/.test(hex)) return null;
  return hex;
}

/** A 64-bit unsigned integer as a decimal string (from a string, a number, or a protobufjs Long). */
function uint64(value: unknown): string {
  if (typeof value === "string" && /^\d+$/.test(value)) return value.replace(/^0+(?=\d)/, "");
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return BigInt(Math.trunc(value)).toString();
  if (typeof value === "bigint" && value >= 0n) return value.toString();
  if (value && typeof value === "object" && "low" in value && "high" in value) {
    const { low, high } = value as { low: number; high: number };
    return ((BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)).toString();
  }
  return "0";
}

/** An OTLP AnyValue as plain JSON. Large integers stay exact as strings. */
export function anyValueToJson(value: unknown): Json {
  if (!value || typeof value !== "object") return null;
  const v = value as Loose;
  if ("stringValue" in v && v.stringValue !== undefined && v.stringValue !== null) return String(v.stringValue);
  if ("boolValue" in v && v.boolValue !== undefined && v.boolValue !== null) return Boolean(v.boolValue);
  if ("intValue" in v && v.intValue !== undefined && v.intValue !== null) {
    const text = typeof v.intValue === "object" ? signedLong(v.intValue) : String(v.intValue);
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if ("doubleValue" in v && v.doubleValue !== undefined && v.doubleValue !== null) {
    const n = Number(v.doubleValue);
    return Number.isFinite(n) ? n : String(v.doubleValue);
  }
  if ("arrayValue" in v && v.arrayValue) {
    const values = ((v.arrayValue as Loose).values as unknown[] | undefined) ?? [];
    return values.map(anyValueToJson);
  }
  if ("kvlistValue" in v && v.kvlistValue) return attributesToJson((v.kvlistValue as Loose).values);
  if ("bytesValue" in v && v.bytesValue !== undefined && v.bytesValue !== null) {
    return v.bytesValue instanceof Uint8Array ? Buffer.from(v.bytesValue).toString("base64") : String(v.bytesValue);
  }
  return null;
}

function signedLong(value: unknown): string {
  const { low, high } = value as { low: number; high: number };
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)).toString();
}

/** `[{key, value: AnyValue}]` → `{ key: json }` (later duplicates win, as in the SDKs). */
export function attributesToJson(list: unknown): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (!item || typeof item !== "object") continue;
    const { key, value } = item as Loose;
    if (typeof key !== "string" || key === "") continue;
    out[key] = anyValueToJson(value);
  }
  return out;
}

const str = (value: Json | undefined): string | null => (typeof value === "string" && value !== "" ? value : null);
const num = (value: Json | undefined): number | null => {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
};
const first = <T>(...values: (T | null)[]): T | null => values.find((v) => v !== null) ?? null;

/** GenAI facts under the current names, else the names older or other instrumentations use. */
export function genAiFacts(attributes: Record<string, Json>): GenAiFacts {
  const a = attributes;
  const openInferenceLlm = a["openinference.span.kind"] === "LLM";
  return {
    operation: first(str(a[ATTR.operationName]), str(a["llm.request.type"]), openInferenceLlm ? "chat" : null),
    provider: first(str(a[ATTR.providerName]), str(a["gen_ai.system"]), str(a["llm.provider"]), str(a["llm.system"])),
    requestModel: first(str(a[ATTR.requestModel]), str(a["llm.model_name"]), str(a["ai.model.id"])),
    responseModel: first(str(a[ATTR.responseModel]), str(a["llm.model_name"]), str(a["ai.response.model"])),
    inputTokens: first(
      num(a[ATTR.inputTokens]),
      num(a["gen_ai.usage.prompt_tokens"]),
      num(a["llm.token_count.prompt"]),
      num(a["ai.usage.inputTokens"]),
      num(a["ai.usage.promptTokens"]),
    ),
    outputTokens: first(
      num(a[ATTR.outputTokens]),
      num(a["gen_ai.usage.completion_tokens"]),
      num(a["llm.token_count.completion"]),
      num(a["ai.usage.outputTokens"]),
      num(a["ai.usage.completionTokens"]),
    ),
    costUsd: first(num(a[ATTR.costUsd]), num(a["gen_ai.usage.cost"]), num(a["llm.cost.total"])),
  };
}

function kindName(value: unknown): SpanKindName {
  if (typeof value === "number") return SPAN_KIND_NAMES[value] ?? "unspecified";
  if (typeof value === "string") {
    // Some JSON senders use the enum's name (SPAN_KIND_CLIENT) instead of its number.
    const name = value.toLowerCase().replace(/^span_kind_/, "") as SpanKindName;
    return SPAN_KIND_NAMES.includes(name) ? name : "unspecified";
  }
  return "unspecified";
}

function statusName(value: unknown): SpanStatusName {
  if (value === 1 || value === "STATUS_CODE_OK") return "ok";
  if (value === 2 || value === "STATUS_CODE_ERROR") return "error";
  return "unset";
}

const asArray = (value: unknown): Loose[] => (Array.isArray(value) ? (value.filter((v) => v && typeof v === "object") as Loose[]) : []);

function events(value: unknown): SpanEventRecord[] {
  return asArray(value).map((e) => ({
    name: typeof e.name === "string" ? e.name : "",
    timeUnixNano: uint64(e.timeUnixNano),
    attributes: attributesToJson(e.attributes),
  }));
}

function links(value: unknown): SpanLinkRecord[] {
  return asArray(value).flatMap((l) => {
    const traceId = idToHex(l.traceId, 16);
    const spanId = idToHex(l.spanId, 8);
    return traceId && spanId ? [{ traceId, spanId, attributes: attributesToJson(l.attributes) }] : [];
  });
}

/** Flattens an ExportTraceServiceRequest (JSON or decoded protobuf) into SpanRecords. */
export function normalizeTraceRequest(request: unknown): NormalizedRequest {
  const spans: SpanRecord[] = [];
  let rejected = 0;
  let rejectReason: string | null = null;
  const reject = (reason: string) => {
    rejected++;
    rejectReason ??= reason;
  };
  for (const resourceSpans of asArray((request as Loose | null)?.resourceSpans)) {
    const resourceAttributes = attributesToJson((resourceSpans.resource as Loose | undefined)?.attributes);
    const serviceName = typeof resourceAttributes["service.name"] === "string" && resourceAttributes["service.name"] !== ""
      ? resourceAttributes["service.name"]
      : "unknown_service";
    const scopes = resourceSpans.scopeSpans ?? resourceSpans.instrumentationLibrarySpans;
    for (const scopeSpans of asArray(scopes)) {
      const scope = (scopeSpans.scope ?? scopeSpans.instrumentationLibrary) as Loose | undefined;
      for (const span of asArray(scopeSpans.spans)) {
        const traceId = idToHex(span.traceId, 16);
        const spanId = idToHex(span.spanId, 8);
        if (!traceId || !spanId) {
          reject("a span has no valid traceId (16 bytes) or spanId (8 bytes)");
          continue;
        }
        const attributes = attributesToJson(span.attributes);
        const status = (span.status ?? {}) as Loose;
        const runId = str(attributes[ATTR.runId]);
        spans.push({
          traceId,
          spanId,
          parentSpanId: idToHex(span.parentSpanId, 8),
          name: typeof span.name === "string" && span.name !== "" ? span.name : "(unnamed)",
          kind: kindName(span.kind),
          serviceName,
          scopeName: typeof scope?.name === "string" && scope.name !== "" ? scope.name : null,
          scopeVersion: typeof scope?.version === "string" && scope.version !== "" ? scope.version : null,
          startUnixNano: uint64(span.startTimeUnixNano),
          endUnixNano: uint64(span.endTimeUnixNano),
          statusCode: statusName(status.code),
          statusMessage: typeof status.message === "string" && status.message !== "" ? status.message : null,
          attributes,
          resourceAttributes,
          events: events(span.events),
          links: links(span.links),
          runId,
          genAi: genAiFacts(attributes),
        });
      }
    }
  }
  return { spans, rejected, rejectReason };
}
