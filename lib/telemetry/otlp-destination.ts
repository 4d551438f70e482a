/**
 * The extra export to whatever OTLP backend a team runs (Jaeger, Tempo, Langfuse, Phoenix,
 * Datadog, a Collector), configured only with the standard variables. The official exporters read
 * OTEL_EXPORTER_OTLP_{,TRACES_}{ENDPOINT,HEADERS,TIMEOUT,COMPRESSION} themselves; Waymark only
 * decides whether the export is on (an endpoint is set) and which encoding the protocol names.
 */
import { OTLPTraceExporter as OtlpHttpJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OtlpProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import type { Config } from "../config/env";
import type { Logger } from "../engine/types";
import type { ExportDestination } from "./export-pipeline";

export type OtlpConfig = Pick<
  Config,
  | "OTEL_EXPORTER_OTLP_ENDPOINT"
  | "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
  | "OTEL_EXPORTER_OTLP_PROTOCOL"
  | "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
  | "OTEL_TRACES_EXPORTER"
  | "OTEL_SDK_DISABLED"
>;

/** The URL spans go to, as the spec builds it: the per-signal URL as-is, else `<base>/v1/traces`. */
export function otlpTracesUrl(config: OtlpConfig): string | null {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return null;
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  return `${base.endsWith("/") ? base : `${base}/`}v1/traces`;
}

/** The URL without credentials or query, safe to show in the console and logs. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

/** The OTLP destination when one is configured; null when none is (or it is turned off). */
export function otlpDestinationFromConfig(config: OtlpConfig, log: Logger): ExportDestination | null {
  if (config.OTEL_SDK_DISABLED) return null;
  const exporters = (config.OTEL_TRACES_EXPORTER ?? "").split(",").map((name) => name.trim().toLowerCase());
  if (exporters.includes("none")) return null;
  const url = otlpTracesUrl(config);
  if (!url) return null;
  let protocol = config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf";
  if (protocol === "grpc") {
    log.warn("OTLP over gRPC is not supported by the Waymark worker; exporting with http/protobuf instead (point the endpoint at the backend's HTTP port, usually 4318).", {
      endpoint: displayUrl(url),
    });
    protocol = "http/protobuf";
  }
  // No config passed: the exporters read the standard OTEL_EXPORTER_OTLP_* variables themselves.
  const exporter = protocol === "http/json" ? new OtlpHttpJsonExporter() : new OtlpProtobufExporter();
  return { name: `otlp ${protocol} ${displayUrl(url)}`, exporter };
}
