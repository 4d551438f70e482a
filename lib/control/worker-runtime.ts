/**
 * A worker process's runtime: consumes run ticks, reconciles lost wake-ups, serves LLM calls
 * (bringing up the demo provider when a provider has no credentials) and shuts down gracefully.
 */
import { setMaxListeners } from "node:events";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Config } from "../config/env";
import type { Logger, WorkflowDefinition } from "../engine/types";
import { startDemoProvider } from "../demo/provider-server";
import { createSink } from "../demo/sink";
import { withDemoToolFlags } from "../demo/tool-flag-store";
import { configureDemoTools } from "../demo/tools";
import { priceCallAt } from "../data/price-store";
import { createLlmRouter, llmRouterOptionsFromConfig } from "../llm/router";
import { createRedis, warnOnEvictionPolicy } from "../queue/connection";
import { createRunTickConsumer } from "../queue/run-tick-queue";
import { noopTracer } from "../telemetry/noop-tracer";
import { createControlDeps } from "./index";
import { executeRunTick, type TickRuntime } from "./execute-tick";
import { startReconciler } from "./reconcile";
import { syncWorkflowDefinitions } from "./registry";
import { systemClock } from "./system-clock";
import { startWorkerPresence } from "./worker-presence";
import { startWorkerTelemetry } from "./worker-telemetry";

export interface WorkerRuntime {
  workerId: string;
  /** Base URL of the demo LLM provider this process started, if any */
  demoProviderUrl: string | null;
  /** Stops taking jobs, lets in-flight ticks finish for `graceMs`, then interrupts them. */
  shutdown(graceMs?: number): Promise<void>;
}

export interface WorkerRuntimeOptions {
  /** @defaultValue `<host>-<pid>-<random>` */
  workerId?: string;
  /** Workflows this worker serves. @defaultValue lib/workflows */
  workflows?: WorkflowDefinition[];
}

export async function startWorkerRuntime(config: Config, log: Logger, options: WorkerRuntimeOptions = {}): Promise<WorkerRuntime> {
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const deps = createControlDeps(config, log, { applicationName: "waymark-worker", workflows: options.workflows });
  await syncWorkflowDefinitions(deps.db, deps.registry, log);

  // Any provider without credentials is served by the demo provider (see lib/llm/router.ts).
  const routerOptions = llmRouterOptionsFromConfig(config, "");
  const needsDemo = !routerOptions.openai || !routerOptions.anthropic;
  const demo = needsDemo
    ? await startDemoProvider({ port: config.WAYMARK_DEMO_PROVIDER_PORT, latencyMs: config.WAYMARK_DEMO_LLM_LATENCY_MS })
    : null;
  const router = createLlmRouter({
    ...routerOptions,
    demoBaseUrl: demo?.baseUrl ?? "http://127.0.0.1:9/v1",
    onUnpricedModel: (model) => log.warn(`No price known for model "${model}"; its calls are recorded at $0.`, { model }),
    // Calls are charged from the stored price table (editable, with effective dates) and keep the price snapshot.
    priceSource: (call) => priceCallAt(deps.db, call),
  });
  // Demo tools with effects fail while a demo_tool_flags row names them (set from outside this process).
  configureDemoTools({ sink: withDemoToolFlags(createSink(deps.db.pool), deps.db.pool), toolLatencyMs: config.WAYMARK_DEMO_TOOL_LATENCY_MS });

  // One trace per run, exported to the console's span store and any OTLP backend set with OTEL_*.
  const tracing = config.OTEL_SDK_DISABLED ? null : startWorkerTelemetry(config, { db: deps.db, log }, workerId);
  const telemetry = tracing?.telemetry;
  const runtime: TickRuntime = {
    llm: telemetry ? telemetry.instrumentLlm(router, (model) => router.routeOf(model)) : router,
    tracer: telemetry?.tracer ?? noopTracer,
    runTracer: telemetry?.tracer,
    clock: systemClock,
    leaseMs: config.WAYMARK_LEASE_MS,
    maxCrashesPerStep: config.WAYMARK_MAX_CRASHES_PER_STEP,
    inlineRetryMaxMs: config.WAYMARK_INLINE_RETRY_MAX_MS,
  };

  const shutdownController = new AbortController();
  // Every in-flight tick listens to this one signal; concurrency can exceed Node's default of 10.
  setMaxListeners(0, shutdownController.signal);
  const consumerRedis = createRedis(config.REDIS_URL);
  consumerRedis.on("error", (error) => log.warn("Redis connection error (will reconnect)", { error: String(error) }));
  await warnOnEvictionPolicy(consumerRedis, log);
  const consumer = createRunTickConsumer({
    connection: consumerRedis,
    prefix: config.WAYMARK_QUEUE_PREFIX,
    concurrency: config.WAYMARK_WORKER_CONCURRENCY,
    workerName: workerId,
    process: ({ runId }) => executeRunTick(deps, runtime, runId, workerId, shutdownController.signal),
  });
  consumer.worker.on("error", (error) => log.warn("Queue worker error", { error: String(error) }));

  // Which versions this worker serves (and refuses), so the console can say "no worker has version N".
  const presence = await startWorkerPresence(deps, { workerId });
  const reconciler = startReconciler(deps, {
    intervalMs: config.WAYMARK_RECONCILE_INTERVAL_MS,
    staleQueuedMs: config.WAYMARK_STALE_QUEUED_MS,
  });
  void reconciler.runOnce(); // pick up whatever a previous worker left behind

  log.info("Worker started", { workerId, concurrency: config.WAYMARK_WORKER_CONCURRENCY, demoProvider: demo?.baseUrl ?? null });

  let stopping: Promise<void> | null = null;
  return {
    workerId,
    demoProviderUrl: demo?.baseUrl ?? null,
    shutdown(graceMs = config.WAYMARK_SHUTDOWN_GRACE_MS) {
      stopping ??= (async () => {
        reconciler.stop();
        await presence.stop();
        const interrupt = setTimeout(() => shutdownController.abort(new Error("worker shutting down")), graceMs);
        await consumer.close().catch((error: unknown) => log.warn("Closing the queue worker failed", { error: String(error) }));
        clearTimeout(interrupt);
        consumerRedis.disconnect();
        await tracing?.close();
        await demo?.close();
        await deps.close();
        log.info("Worker stopped", { workerId });
      })();
      return stopping;
    },
  };
}
