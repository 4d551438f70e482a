/**
 * A worker's telemetry, composed: spans go to the console's span store (straight to Postgres,
 * no HTTP hop, so the console sees them even when its web process is down) and, when the
 * standard OTEL_EXPORTER_OTLP_* variables name a backend, to that backend too. The export
 * counters are written to the database every few seconds, so the console shows dropped spans.
 */
import type { Config } from "../config/env";
import type { Logger } from "../engine/types";
import { insertSpans, saveExportStats } from "../data/span-store";
import type { Db } from "../data/db";
import { createTelemetry, type Telemetry } from "../telemetry/telemetry";
import type { DestinationStats } from "../telemetry/export-pipeline";

export interface WorkerTelemetryHandle {
  telemetry: Telemetry;
  /** Writes the counters now (tests, shutdown). */
  reportStats(): Promise<void>;
  /** Flushes queued spans (bounded), writes the final counters and stops reporting. */
  close(): Promise<void>;
}

export interface WorkerTelemetryOptions {
  /** How often the export counters are written. @defaultValue 2_000 */
  statsIntervalMs?: number;
  /** Longest wait for queued spans at shutdown; a dead backend must not hold the worker. @defaultValue 2_000 */
  shutdownFlushMs?: number;
}

/** Warn about drops at most this often per destination. */
const DROP_WARNING_INTERVAL_MS = 60_000;

export function startWorkerTelemetry(
  config: Config,
  deps: { db: Db; log: Logger },
  workerId: string,
  options: WorkerTelemetryOptions = {},
): WorkerTelemetryHandle {
  const telemetry = createTelemetry({
    config,
    log: deps.log,
    serviceName: "waymark-worker",
    serviceInstanceId: workerId,
    saveSpans: config.WAYMARK_TRACE_STORE ? async (spans) => void (await insertSpans(deps.db, spans)) : undefined,
  });
  deps.log.info("Trace export", { destinations: telemetry.destinations, captureContent: telemetry.content.capture });

  let lastSaved = "";
  const warnedAt = new Map<string, { at: number; dropped: number }>();
  const warnAboutDrops = (stats: DestinationStats[]) => {
    for (const s of stats) {
      const previous = warnedAt.get(s.destination);
      if (s.dropped === 0 || (previous && (s.dropped === previous.dropped || Date.now() - previous.at < DROP_WARNING_INTERVAL_MS))) continue;
      warnedAt.set(s.destination, { at: Date.now(), dropped: s.dropped });
      deps.log.warn(`Spans dropped on the way to ${s.destination}: ${s.dropped} so far (queue full: ${s.droppedQueueFull}, failed exports: ${s.failedExports}). Runs are not affected; check that the backend is reachable.`, {
        lastError: s.lastError,
      });
    }
  };

  async function reportStats() {
    const stats = await telemetry.stats();
    warnAboutDrops(stats);
    const serialized = JSON.stringify(stats);
    if (serialized === lastSaved) return;
    await saveExportStats(deps.db, workerId, stats);
    lastSaved = serialized;
  }

  const timer = setInterval(() => {
    reportStats().catch((error: unknown) => deps.log.debug("Could not write span export counters", { error: String(error) }));
  }, options.statsIntervalMs ?? 2_000);
  timer.unref();

  let closing: Promise<void> | undefined;
  return {
    telemetry,
    reportStats,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        await telemetry.shutdown(options.shutdownFlushMs ?? 2_000);
        await reportStats().catch(() => undefined);
      })();
      return closing;
    },
  };
}
