/**
 * A run's trace context, stored on the run (`runs.trace_context`) as W3C `traceparent` so every
 * later tick, on any worker, after a crash or a wait of days, parents its spans to the same root:
 * one trace per run. The root span itself (`invoke_workflow {name}`) is exported once, when the
 * run ends, with exactly these ids.
 */
import { RandomIdGenerator } from "@opentelemetry/sdk-trace";
import type { Json } from "../engine/types";

export interface RunTraceContext {
  /** 32 lowercase hex characters */
  traceId: string;
  /** The root span's id: 16 lowercase hex characters */
  rootSpanId: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const ids = new RandomIdGenerator();

/** Reads `{ traceparent }` as stored on a run; null when absent or not a valid context. */
export function parseRunTraceContext(stored: Json | null | undefined): RunTraceContext | null {
  if (!stored || typeof stored !== "object" || Array.isArray(stored)) return null;
  const traceparent = stored.traceparent;
  if (typeof traceparent !== "string") return null;
  const match = TRACEPARENT.exec(traceparent.trim().toLowerCase());
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return null;
  return { traceId: match[1], rootSpanId: match[2] };
}

/** The JSON stored on the run. */
export function formatRunTraceContext(context: RunTraceContext): { traceparent: string } {
  return { traceparent: `00-${context.traceId}-${context.rootSpanId}-01` };
}

export function newRunTraceContext(): RunTraceContext {
  return { traceId: ids.generateTraceId(), rootSpanId: ids.generateSpanId() };
}
