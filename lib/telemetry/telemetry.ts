/**
 * A process's telemetry: the engine's tracer, the per-run root span, the LLM span details, and
 * the export to the console's span store plus (when configured with the standard variables) any
 * OTLP backend, each behind its own bounded queue with counted drops.
 */
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import type { Config } from "../config/env";
import type { LlmClient, Logger } from "../engine/types";
import { createContentPolicy, type ContentPolicy } from "./content-policy";
import { createExportPipeline, type DestinationStats, type ExportDestination } from "./export-pipeline";
import { withLlmSpanDetails } from "./llm-span-details";
import { createOtelTracer, type TelemetryTracer } from "./otel-tracer";
import { otlpDestinationFromConfig, type OtlpConfig } from "./otlp-destination";
import { PresetIdGenerator } from "./preset-id-generator";
import { schemaUrlFor, semconvModeFrom } from "./semconv";
import { createStoreExporter, type SaveSpans } from "./store-exporter";

export type TelemetryConfig = OtlpConfig &
  Pick<
    Config,
    | "WAYMARK_CAPTURE_CONTENT"
    | "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
    | "WAYMARK_REDACT_PATTERNS"
    | "OTEL_SEMCONV_STABILITY_OPT_IN"
    | "OTEL_BSP_SCHEDULE_DELAY"
    | "OTEL_BSP_MAX_QUEUE_SIZE"
    | "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"
    | "OTEL_BSP_EXPORT_TIMEOUT"
  >;

export interface TelemetryOptions {
  config: TelemetryConfig;
  log: Logger;
  /** `service.name` unless OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES say otherwise. @defaultValue "waymark-worker" */
  serviceName?: string;
  /** `service.instance.id` (the worker id) */
  serviceInstanceId?: string;
  /** Stores spans in the console's database; omitted: the console does not see this process's spans */
  saveSpans?: SaveSpans;
  /** Name of the store destination in stats. @defaultValue "console" */
  storeName?: string;
}

export interface Telemetry {
  tracer: TelemetryTracer;
  content: ContentPolicy;
  /** Destinations spans go to ("console", "otlp …"); empty means spans go nowhere */
  destinations: string[];
  /** Adds provider name and (opt-in) content to each LLM call's span. */
  instrumentLlm(llm: LlmClient, providerOf?: (model: string) => string): LlmClient;
  /** Exported and dropped spans per destination, since this process started */
  stats(): Promise<DestinationStats[]>;
  forceFlush(timeoutMs?: number): Promise<void>;
  /** Flushes what is queued, giving up after timeoutMs. @defaultValue 2_000 */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** Whether content capture is on: `WAYMARK_CAPTURE_CONTENT` or the GenAI instrumentations' standard switch. */
export function captureContentFrom(config: Pick<TelemetryConfig, "WAYMARK_CAPTURE_CONTENT" | "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT">): boolean {
  return config.WAYMARK_CAPTURE_CONTENT || config.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT === true;
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const { config, log } = options;
  const mode = semconvModeFrom(config.OTEL_SEMCONV_STABILITY_OPT_IN);
  const content = createContentPolicy({ capture: captureContentFrom(config), redactPatterns: config.WAYMARK_REDACT_PATTERNS });

  const destinations: ExportDestination[] = [];
  if (options.saveSpans) destinations.push({ name: options.storeName ?? "console", exporter: createStoreExporter(options.saveSpans) });
  const otlp = otlpDestinationFromConfig(config, log);
  if (otlp) destinations.push(otlp);

  // Defaults first; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (read by the SDK's env detector) win.
  const resource = resourceFromAttributes({
    "service.name": options.serviceName ?? "waymark-worker",
    "service.namespace": "waymark",
    ...(options.serviceInstanceId ? { "service.instance.id": options.serviceInstanceId } : {}),
  }).merge(detectResources({ detectors: [envDetector] }));

  const ids = new PresetIdGenerator();
  const pipeline = createExportPipeline({
    resource,
    idGenerator: ids,
    destinations,
    batch: {
      scheduledDelayMillis: config.OTEL_BSP_SCHEDULE_DELAY,
      maxQueueSize: config.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: Math.min(config.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, config.OTEL_BSP_MAX_QUEUE_SIZE),
      exportTimeoutMillis: config.OTEL_BSP_EXPORT_TIMEOUT,
    },
  });
  const tracer = createOtelTracer({
    tracer: pipeline.provider.getTracer("waymark", undefined, { schemaUrl: schemaUrlFor(mode) }),
    ids,
    content,
    mode,
  });

  return {
    tracer,
    content,
    destinations: destinations.map((d) => d.name),
    instrumentLlm: (llm, providerOf) =>
      withLlmSpanDetails(llm, { activeSpan: () => tracer.activeSpan(), captureContent: content.capture, providerOf }),
    stats: () => pipeline.stats(),
    forceFlush: (timeoutMs = 5_000) => pipeline.forceFlush(timeoutMs),
    shutdown: (timeoutMs = 2_000) => pipeline.shutdown(timeoutMs),
  };
}
