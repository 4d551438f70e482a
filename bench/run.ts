/**
 * `npm run bench`: measures Waymark against the floor it is built on, in one run on one machine.
 *  - floor 1: a raw Postgres single-row INSERT + COMMIT
 *  - floor 2: a raw BullMQ no-op job (2,000 jobs, concurrency 50)
 *  - marginal overhead per durable step (noop-chain of 11 steps vs 1 step, ticks executed in-process)
 *  - throughput: 1,000 workflows of 10 steps through the queue, 50 in flight
 *  - start rate: runs accepted per second (journaled in Postgres + enqueued)
 * Prints a table and writes bench/results/latest.md. Figures are noisy on a shared 2-core machine;
 * compare the ratios within one run.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Queue, Worker } from "bullmq";
import pg from "pg";
import { getConfig, loadConfig, processEnv } from "../lib/config/env";
import { createControl, createControlDeps, systemActor } from "../lib/control";
import { executeRunTick } from "../lib/control/execute-tick";
import { systemClock } from "../lib/control/system-clock";
import { createRun, createRunId } from "../lib/control/data-port";
import { ensureDatabase, migrate } from "../lib/data/migrate";
import { createLogger } from "../lib/log/logger";
import { createRedis } from "../lib/queue/connection";
import { noopTracer } from "../lib/telemetry/noop-tracer";
import { startWorkerRuntime } from "../lib/control/worker-runtime";
import { configureFixtures, fixtureWorkflows } from "../lib/testing/fixture-workflows";
import { prepareEncryptionKey } from "../lib/cli/prepare";

const base = getConfig();
const dbUrl = new URL(base.DATABASE_URL);
dbUrl.pathname = "/waymark_bench";
const prefix = `wm-bench-${Date.now()}`;
const configOverrides = {
  DATABASE_URL: dbUrl.toString(),
  WAYMARK_QUEUE_PREFIX: prefix,
  WAYMARK_WORKER_CONCURRENCY: "50",
  WAYMARK_LOG_LEVEL: "warn",
  WAYMARK_RECONCILE_INTERVAL_MS: "60000",
};
const config = loadConfig({ ...processEnv(), ...configOverrides });
// Payloads are sealed as in production: the same key `npm start` uses (created if missing).
prepareEncryptionKey(config);
const log = createLogger({ name: "bench", level: "warn" });

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function main() {
  const admin = new pg.Client({ connectionString: base.DATABASE_URL.replace(/\/[^/]*$/, "/postgres") });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS waymark_bench WITH (FORCE)");
  await admin.end();
  await ensureDatabase(config.DATABASE_URL);
  await migrate(config.DATABASE_URL);

  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10 });

  // Floor 1: raw INSERT + COMMIT, one row per statement (autocommit), sequential.
  await pool.query("CREATE TABLE bench_floor (id serial primary key, run_id text, payload jsonb)");
  const insertTimes: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    await pool.query("INSERT INTO bench_floor (run_id, payload) VALUES ($1, $2)", ["r", JSON.stringify({ i })]);
    insertTimes.push(performance.now() - t);
  }
  const floorInsert = quantile(insertTimes, 0.5);

  // Floor 2: raw BullMQ no-op jobs.
  const redis = createRedis(config.REDIS_URL);
  const floorQueue = new Queue("bench-floor", { connection: redis, prefix });
  const jobs = 2000;
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker("bench-floor", async () => undefined, { connection: createRedis(config.REDIS_URL), prefix, concurrency: 50 });
    worker.on("completed", () => {
      if (++done === jobs) void worker.close().then(resolve);
    });
  });
  const tJobs = performance.now();
  await floorQueue.addBulk(Array.from({ length: jobs }, (_, i) => ({ name: "noop", data: { i }, opts: { removeOnComplete: true } })));
  await finished;
  const bullTotal = performance.now() - tJobs;
  await floorQueue.close();

  // Marginal overhead per step: ticks executed in-process, no queue in the way.
  configureFixtures(pool, "bench");
  const deps = createControlDeps(config, log, { applicationName: "waymark-bench", workflows: fixtureWorkflows() });
  const runtime = { llm: { complete: () => Promise.reject(new Error("no LLM in bench")) }, tracer: noopTracer, clock: systemClock, leaseMs: 30_000, maxCrashesPerStep: 3, inlineRetryMaxMs: 0 };
  const timeTick = async (steps: number) => {
    const { runId } = await createRun(deps.db, {
      id: createRunId(), workflowName: "noop-chain", workflowVersion: 1, input: { steps }, requestedBy: "bench", deadlineAt: new Date(Date.now() + 3600_000),
    });
    const t = performance.now();
    await executeRunTick(deps, runtime, runId, "bench");
    return performance.now() - t;
  };
  for (let i = 0; i < 10; i++) await timeTick(5); // warm-up
  const t1: number[] = [];
  const t11: number[] = [];
  for (let i = 0; i < 60; i++) {
    t1.push(await timeTick(1));
    t11.push(await timeTick(11));
  }
  const marginalStep = (quantile(t11, 0.5) - quantile(t1, 0.5)) / 10;

  // Throughput and start rate through the queue with a real worker runtime (concurrency 50),
  // once as shipped (every step attempt also stored as a span) and once with span storage off.
  const control = createControl(deps);
  const runs = 1000;
  const stepsPerRun = 10;
  const measureThroughput = async (workerConfig: typeof config) => {
    const worker = await startWorkerRuntime(workerConfig, log, { workflows: fixtureWorkflows(), workerId: "bench-worker" });
    const tStart = performance.now();
    const startedAt = new Date();
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < runs) {
          next++;
          await control.startRun({ workflow: "noop-chain", input: { steps: stepsPerRun } }, systemActor);
        }
      }),
    );
    const startSeconds = (performance.now() - tStart) / 1000;
    for (;;) {
      const { rows } = await pool.query(
        "SELECT count(*)::int AS n FROM runs WHERE workflow_name = 'noop-chain' AND status = 'succeeded' AND created_at >= $1",
        [startedAt],
      );
      if (rows[0].n >= runs) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const totalSeconds = (performance.now() - tStart) / 1000;
    await worker.shutdown(1000);
    return { stepsPerSecond: (runs * stepsPerRun) / totalSeconds, workflowsPerSecond: runs / totalSeconds, startRate: runs / startSeconds };
  };
  const traced = await measureThroughput(config);
  const untraced = await measureThroughput(loadConfig({ ...processEnv(), ...configOverrides, WAYMARK_TRACE_STORE: "false" }));
  await deps.close();
  await pool.end();
  redis.disconnect();

  const bullJobsPerSecond = jobs / (bullTotal / 1000);
  const rows: Array<[string, string, string]> = [
    ["Floor: Postgres INSERT+COMMIT (p50)", ms(floorInsert), "1.00×"],
    ["Floor: BullMQ no-op job (2,000 @ 50)", `${ms(bullTotal / jobs)} / job · ${Math.round(jobs / (bullTotal / 1000))} jobs/s`, ""],
    ["Marginal overhead per durable step (p50)", ms(marginalStep), `${(marginalStep / floorInsert).toFixed(2)}× INSERT+COMMIT`],
    ["Tick of 1 step (claim+replay+finish, p50)", ms(quantile(t1, 0.5)), `${(quantile(t1, 0.5) / floorInsert).toFixed(1)}× INSERT+COMMIT`],
    ["Throughput: 1,000 workflows × 10 steps, 50 in flight (spans stored)", `${Math.round(traced.stepsPerSecond)} steps/s · ${Math.round(traced.workflowsPerSecond)} workflows/s`, `${(traced.stepsPerSecond / bullJobsPerSecond).toFixed(2)}× BullMQ jobs/s`],
    ["Throughput, span storage off (WAYMARK_TRACE_STORE=false)", `${Math.round(untraced.stepsPerSecond)} steps/s · ${Math.round(untraced.workflowsPerSecond)} workflows/s`, `${(untraced.stepsPerSecond / bullJobsPerSecond).toFixed(2)}× BullMQ jobs/s`],
    ["Start rate (journaled + enqueued, 50 concurrent, worker busy)", `${Math.round(traced.startRate)} runs/s`, ""],
  ];
  const table = [
    `Waymark benchmark — ${new Date().toISOString()} — Node ${process.version}, ${(await import("node:os")).cpus().length} cores`,
    "",
    "| measure | result | vs floor |",
    "|---|---|---|",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
  ].join("\n");
  console.log(table);
  writeFileSync(fileURLToPath(new URL("./results/latest.md", import.meta.url)), table);
  process.exit(0);
}

await main();
