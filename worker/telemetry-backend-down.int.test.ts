/**
 * A dead or hanging OTLP backend does not hold up runs: they all finish, the console's own span
 * store still gets their spans, and the spans that could not be delivered are counted as dropped
 * (failed exports for a dead backend, a full queue for one that never answers) where the console
 * reads them.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spanExportStats } from "../lib/control/traces";
import { startOtlpReceiver, type OtlpReceiver } from "../lib/telemetry/testing/otlp-receiver";
import { createTelemetryHarness, systemActor, type TelemetryHarness } from "../lib/telemetry/testing/telemetry-harness";

const RUNS = 6;
let h: TelemetryHarness;
let hanging: OtlpReceiver;

beforeAll(async () => {
  [h, hanging] = await Promise.all([createTelemetryHarness("telemetry_down"), startOtlpReceiver()]);
  hanging.behave("hang");
});
afterAll(async () => {
  await h?.close();
  await hanging?.close();
});

/** A loopback port with nothing listening: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function runAll(label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { run } = await h.control.startRun({ workflow: "echo-probe", input: { note: `${label} ${i}` } }, systemActor);
    ids.push(run.id);
  }
  await h.waitFor(`the ${label} runs to succeed`, async () => {
    const rows = await h.query<{ n: number }>("SELECT count(*)::int AS n FROM runs WHERE id = ANY($1) AND status = 'succeeded'", [ids]);
    return rows[0].n === RUNS;
  }, 90_000);
  return ids;
}

const statsFor = async (prefix: string) => (await spanExportStats(h.database.db, systemActor)).find((s) => s.destination.startsWith(prefix));

describe("export to a backend that is down", () => {
  it("finishes every run, stores its spans in the console, and counts the spans the dead backend never got", async () => {
    const port = await closedPort();
    const worker = await h.spawnWorker("dead-backend", {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_TIMEOUT: "1000" },
    });
    const ids = await runAll("dead");

    const dead = await h.waitFor("dropped spans to be counted", async () => {
      const stats = await statsFor(`otlp http/protobuf http://127.0.0.1:${port}/v1/traces`);
      return stats && stats.dropped > 0 ? stats : null;
    });
    expect(dead.exported).toBe(0);
    expect(dead.failedExports).toBeGreaterThan(0);
    expect(dead.lastError).toBeTruthy();

    // The console's own store is a separate queue: it got every run's spans.
    await h.waitFor("every run's root span in the console", async () => {
      const rows = await h.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM spans WHERE run_id = ANY($1) AND name = 'invoke_workflow echo-probe'",
        [ids],
      );
      return rows[0].n === RUNS;
    });
    const console = await statsFor("console");
    expect(console?.exported).toBeGreaterThan(0);
    await worker.kill("SIGKILL");
  }, 120_000);

  it("drops spans at the bounded queue when the backend never answers, and the runs still finish", async () => {
    const worker = await h.spawnWorker("hanging-backend", {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: hanging.url,
        OTEL_EXPORTER_OTLP_TIMEOUT: "60000",
        OTEL_BSP_MAX_QUEUE_SIZE: "4",
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "2",
        OTEL_BSP_EXPORT_TIMEOUT: "60000",
      },
    });
    await runAll("hanging");
    const stats = await h.waitFor("queue-full drops to be counted", async () => {
      const current = await statsFor(`otlp http/protobuf ${hanging.url}/v1/traces`);
      return current && current.droppedQueueFull > 0 ? current : null;
    });
    expect(stats.dropped).toBeGreaterThanOrEqual(stats.droppedQueueFull);
    await worker.kill("SIGKILL");
  }, 120_000);
});
