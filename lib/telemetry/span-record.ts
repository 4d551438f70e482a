/**
 * One stored span, whoever sent it (a Waymark worker or any OTel-instrumented app): the OTLP span
 * flattened for storage and search. Ids are lowercase hex; times are Unix nanoseconds as decimal
 * strings (exact; JS numbers lose nanoseconds).
 */
import type { Json } from "../engine/types";

export type SpanKindName = "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";
export type SpanStatusName = "unset" | "ok" | "error";

export interface SpanEventRecord {
  name: string;
  timeUnixNano: string;
  attributes: Record<string, Json>;
}

export interface SpanLinkRecord {
  traceId: string;
  spanId: string;
  attributes: Record<string, Json>;
}

/** GenAI facts lifted out of the attributes for search, under current or legacy names. */
export interface GenAiFacts {
  operation: string | null;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKindName;
  /** `service.name` of the resource (`unknown_service` when the sender set none) */
  serviceName: string;
  scopeName: string | null;
  scopeVersion: string | null;
  startUnixNano: string;
  endUnixNano: string;
  statusCode: SpanStatusName;
  statusMessage: string | null;
  attributes: Record<string, Json>;
  resourceAttributes: Record<string, Json>;
  events: SpanEventRecord[];
  links: SpanLinkRecord[];
  /** `waymark.run.id`, when the span belongs to a Waymark run */
  runId: string | null;
  genAi: GenAiFacts;
}

export const SPAN_KIND_NAMES: readonly SpanKindName[] = ["unspecified", "internal", "server", "client", "producer", "consumer"];
export const SPAN_STATUS_NAMES: readonly SpanStatusName[] = ["unset", "ok", "error"];
