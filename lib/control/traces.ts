/**
 * Trace use cases: OTLP/HTTP ingest (any app, any role holding a valid API key), a run's trace,
 * trace search, and the span export counters. Reads need the viewer role like every read.
 */
import { z } from "zod";
import { AppError, notFound } from "../errors/app-error";
import type { Json, RunStatus } from "../engine/types";
import {
  getRunTraceRef,
  insertSpans,
  listTraceFacets,
  listTraceSpans,
  readExportStats,
  searchTraces,
  type ExportStatsView,
  type SpanView,
  type TraceSearch,
  type TraceSummaryView,
} from "../data/span-store";
import type { Db } from "../data/db";
import { OtlpDecodeError, decodeOtlpTraces, encodeTraceResponse } from "../telemetry/otlp-decode";
import { parseRunTraceContext } from "../telemetry/run-trace-context";
import { assertRole } from "./authorize";
import type { Actor } from "./types";

/** `?service=&model=&status=&limit=&cursor=` of trace search (API and console). */
export const traceSearchQuery = z.object({
  service: z.string().trim().min(1).max(200).optional(),
  model: z.string().trim().min(1).max(200).optional(),
  status: z.enum(["ok", "error"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().min(1).max(500).optional(),
});

/** Largest OTLP request body accepted on the wire (compressed or not). */
export const MAX_OTLP_BODY_BYTES = 8 * 1024 * 1024;

export interface OtlpIngestRequest {
  body: Uint8Array;
  contentType: string | null;
  contentEncoding: string | null;
}

export interface OtlpIngestResult {
  accepted: number;
  rejected: number;
  /** The ExportTraceServiceResponse in the request's encoding */
  response: { body: Uint8Array | string; contentType: string };
}

/**
 * Stores the spans of an OTLP/HTTP export request. Any valid API key may send traces: ingest
 * cannot change a run, and a viewer key is the least a sending app should hold.
 */
export async function ingestOtlpTraces(db: Db, request: OtlpIngestRequest, actor: Actor): Promise<OtlpIngestResult> {
  assertRole(actor, "viewer", "sending traces");
  let decoded;
  try {
    decoded = decodeOtlpTraces(request.body, { contentType: request.contentType, contentEncoding: request.contentEncoding });
  } catch (error) {
    if (error instanceof OtlpDecodeError) {
      const code = error.status === 413 ? "payload_too_large" : error.status === 415 ? "unsupported_media_type" : "invalid_input";
      throw new AppError(code, error.status, error.message);
    }
    throw error;
  }
  await insertSpans(db, decoded.spans);
  return {
    accepted: decoded.spans.length,
    rejected: decoded.rejected,
    response: encodeTraceResponse(decoded.encoding, decoded),
  };
}

export interface RunTraceView {
  run: {
    id: string;
    workflow: string;
    version: number;
    status: RunStatus;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
  };
  /** The run's trace id (null before its first tick) */
  traceId: string | null;
  /** The root span's id; its span arrives when the run ends */
  rootSpanId: string | null;
  spans: SpanView[];
}

/** The spans of a run's trace (its one trace across every tick and worker). */
export async function getRunTrace(db: Db, runId: string, actor: Actor): Promise<RunTraceView> {
  assertRole(actor, "viewer", "reading traces");
  const run = await getRunTraceRef(db, runId);
  if (!run) throw notFound("Run", runId);
  const context = parseRunTraceContext(run.traceContext as Json | null);
  const spans = await listTraceSpans(db, { traceId: context?.traceId ?? null, runId });
  return {
    run: {
      id: run.id,
      workflow: run.workflowName,
      version: run.workflowVersion,
      status: run.status,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
    },
    traceId: context?.traceId ?? spans[0]?.traceId ?? null,
    rootSpanId: context?.rootSpanId ?? null,
    spans,
  };
}

/** Every span of one trace, whoever sent it. */
export async function getTrace(db: Db, traceId: string, actor: Actor): Promise<SpanView[]> {
  assertRole(actor, "viewer", "reading traces");
  const spans = await listTraceSpans(db, { traceId });
  if (spans.length === 0) throw notFound("Trace", traceId);
  return spans;
}

export async function findTraces(
  db: Db,
  search: TraceSearch,
  actor: Actor,
): Promise<{ traces: TraceSummaryView[]; nextCursor: string | null }> {
  assertRole(actor, "viewer", "reading traces");
  return searchTraces(db, search);
}

export async function traceFacets(db: Db, actor: Actor): Promise<{ services: string[]; models: string[] }> {
  assertRole(actor, "viewer", "reading traces");
  return listTraceFacets(db);
}

/** Exported and dropped spans per destination, over every worker that reported. */
export async function spanExportStats(db: Db, actor: Actor): Promise<ExportStatsView[]> {
  assertRole(actor, "viewer", "reading telemetry");
  return readExportStats(db);
}
