/**
 * The SDK side: one TracerProvider, and per destination a BatchSpanProcessor with a bounded
 * queue, so a slow or dead backend never slows a step (ending a span only enqueues it). Each
 * processor reports through the SDK's own self-observability metric
 * (`otel.sdk.processor.span.processed`, with `error.type=queue_full` for spans dropped at a full
 * queue and the error name for failed exports) to a meter of its own, read on demand: dropped
 * spans are counted exactly, per destination.
 */
import type { Attributes } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider, type IdGenerator, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace";

const PROCESSED_METRIC = "otel.sdk.processor.span.processed";

export interface BatchOptions {
  /** @defaultValue 1_000 (OTEL_BSP_SCHEDULE_DELAY) */
  scheduledDelayMillis: number;
  /** Spans queued beyond this are dropped and counted. @defaultValue 2_048 (OTEL_BSP_MAX_QUEUE_SIZE) */
  maxQueueSize: number;
  /** @defaultValue 512 (OTEL_BSP_MAX_EXPORT_BATCH_SIZE) */
  maxExportBatchSize: number;
  /** @defaultValue 10_000 (OTEL_BSP_EXPORT_TIMEOUT) */
  exportTimeoutMillis: number;
}

export interface ExportDestination {
  /** Shown in the console, e.g. "console" or "otlp http://collector:4318/v1/traces" */
  name: string;
  exporter: SpanExporter;
}

export interface DestinationStats {
  destination: string;
  exported: number;
  /** Spans that never reached the destination: queue full + failed exports */
  dropped: number;
  droppedQueueFull: number;
  failedExports: number;
  lastError: string | null;
}

export interface ExportPipeline {
  provider: TracerProvider;
  stats(): Promise<DestinationStats[]>;
  /** Flushes and stops every processor, giving up after timeoutMs (a dead backend must not hold a shutdown). */
  shutdown(timeoutMs: number): Promise<void>;
  forceFlush(timeoutMs: number): Promise<void>;
}

/** A reader that collects only when asked. */
class OnDemandReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Remembers the last export error's message, for the console ("connect ECONNREFUSED …"). */
function rememberingErrors(exporter: SpanExporter, onError: (message: string) => void): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      exporter.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) onError(result.error?.message ?? "export failed");
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

const withTimeout = (work: Promise<unknown>, ms: number) =>
  Promise.race([work.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())]).then(() => undefined);

export function createExportPipeline(options: {
  resource: Resource;
  idGenerator: IdGenerator;
  destinations: ExportDestination[];
  batch: BatchOptions;
}): ExportPipeline {
  const destinations = options.destinations.map((destination) => {
    const reader = new OnDemandReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const state = { lastError: null as string | null };
    const processor = new BatchSpanProcessor({
      exporter: rememberingErrors(destination.exporter, (message) => (state.lastError = message)),
      ...options.batch,
      selfObsMeterProvider: meterProvider,
    });
    return { name: destination.name, reader, processor, state };
  });

  const provider = new TracerProvider({
    resource: options.resource,
    idGenerator: options.idGenerator,
    spanProcessors: destinations.map((d) => d.processor),
  });

  async function statsOf(d: (typeof destinations)[number]): Promise<DestinationStats> {
    let exported = 0;
    let droppedQueueFull = 0;
    let failedExports = 0;
    const { resourceMetrics } = await d.reader.collect();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== PROCESSED_METRIC) continue;
        for (const point of metric.dataPoints) {
          const value = typeof point.value === "number" ? point.value : 0;
          const errorType = (point.attributes as Attributes)["error.type"];
          if (errorType === undefined) exported += value;
          else if (errorType === "queue_full") droppedQueueFull += value;
          else failedExports += value;
        }
      }
    }
    return {
      destination: d.name,
      exported,
      dropped: droppedQueueFull + failedExports,
      droppedQueueFull,
      failedExports,
      lastError: d.state.lastError,
    };
  }

  return {
    provider,
    stats: () => Promise.all(destinations.map(statsOf)),
    forceFlush: (timeoutMs) => withTimeout(provider.forceFlush(), timeoutMs),
    // The meters stay readable after shutdown, so the final counters can still be reported.
    shutdown: (timeoutMs) => withTimeout(provider.shutdown(), timeoutMs),
  };
}
