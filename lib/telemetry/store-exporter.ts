/**
 * A SpanExporter that hands finished spans to the console's span store (the worker writes them
 * straight to Postgres). Spans go through the official OTLP/JSON serializer and the same
 * normalizer the console's OTLP endpoint uses, so a worker's span is stored exactly as if it had
 * arrived over OTLP/HTTP.
 */
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { normalizeTraceRequest } from "./otlp-normalize";
import type { SpanRecord } from "./span-record";

export type SaveSpans = (spans: SpanRecord[]) => Promise<void>;

/** ReadableSpans → SpanRecords, through OTLP/JSON. */
export function toSpanRecords(spans: ReadableSpan[]): SpanRecord[] {
  const bytes = JsonTraceSerializer.serializeRequest(spans);
  if (!bytes) return [];
  return normalizeTraceRequest(JSON.parse(new TextDecoder().decode(bytes))).spans;
}

export function createStoreExporter(save: SaveSpans): SpanExporter {
  const pending = new Set<Promise<void>>();
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      let records: SpanRecord[];
      try {
        records = toSpanRecords(spans);
      } catch (error) {
        done({ code: ExportResultCode.FAILED, error: error as Error });
        return;
      }
      const work = save(records).then(
        () => done({ code: ExportResultCode.SUCCESS }),
        (error: unknown) => done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }),
      );
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },
    async forceFlush() {
      await Promise.all(pending);
    },
    async shutdown() {
      await Promise.all(pending);
    },
  };
}
