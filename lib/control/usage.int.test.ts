/**
 * The usage report behind GET /api/v1/usage and the cost dashboard: its sums equal the journal's
 * for every grouping and in every bucket of its series, top runs are the costliest, latency
 * percentiles and error rates match what the journal holds, budgets show their spend, and bad
 * parameters are a 400 naming the parameter. Runs are ticked in this process through the real LLM
 * router and demo provider, priced from the stored price table.
 */
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { usageRoutes } from "../../app/api/v1/usage/handlers";
import { createApiKey, verifyApiKey } from "../auth/api-keys";
import type { UsageGroup } from "../data/usage-queries";
import type { DemoProvider } from "../demo/provider-server";
import { defineWorkflow } from "../engine/definition";
import { FatalError } from "../engine/errors";
import { createApiHandler } from "../http/api-handler";
import { createInProcess, type InProcess } from "../testing/in-process";
import { startPricedDemoRuntime } from "../testing/priced-demo-runtime";
import { systemActor } from "./authorize";
import { executeRunTick, type TickRuntime } from "./execute-tick";

const retry = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1, jitter: 0 };
const input = z.object({ label: z.string(), failStep: z.boolean().default(false) });

/** Two versions of one workflow on different models, and a second workflow whose step can fail. */
const alphaV1 = defineWorkflow({
  name: "usage-alpha",
  version: 1,
  input,
  defaults: { retry },
  async run(ctx, { label }) {
    await ctx.llm("draft", { model: "gpt-4o-mini", messages: [{ role: "user", content: `Draft ${label} [[demo:fail-once:${label}]]` }] });
    await ctx.step("save", () => ({ saved: label }));
    return { ok: true };
  },
});
const alphaV2 = defineWorkflow({
  name: "usage-alpha",
  version: 2,
  input,
  defaults: { retry },
  async run(ctx, { label }) {
    await ctx.llm("draft", { model: "gpt-4o", messages: [{ role: "user", content: `Draft a longer text for ${label}, please` }] });
    await ctx.llm("check", { model: "gpt-4o-mini", messages: [{ role: "user", content: `Check ${label}` }] });
    await ctx.step("save", () => ({ saved: label }));
    return { ok: true };
  },
});
const CLASSIFY_PROMPT = "Classify the ticket as billing, bug, how-to or urgent; answer with the label only. ".repeat(3);
const beta = defineWorkflow({
  name: "usage-beta",
  version: 1,
  input,
  defaults: { retry },
  async run(ctx, { label, failStep }) {
    // The same long system prompt in every run: the demo provider reports it as cached from the second run on.
    await ctx.llm("classify", { model: "claude-sonnet-4-6", messages: [{ role: "system", content: CLASSIFY_PROMPT }, { role: "user", content: `Classify ${label}` }] });
    await ctx.step("route", () => {
      if (failStep) throw new FatalError(`Cannot route ${label}`);
      return { routed: label };
    });
    return { ok: true };
  },
});

let t: InProcess;
let demo: DemoProvider;
let runtime: TickRuntime;
const viewer = { kind: "user" as const, id: "usr_usage_viewer", label: "viewer@example.com", role: "viewer" as const };
const admin = { ...systemActor, role: "admin" as const };
const runIds: string[] = [];

async function runToEnd(workflow: string, version: number, label: string, failStep = false): Promise<void> {
  const { run } = await t.control.startRun({ workflow, version, input: { label, failStep } }, systemActor);
  runIds.push(run.id);
  for (let tick = 0; tick < 10; tick++) {
    await executeRunTick(t.deps, runtime, run.id, "usage-test");
    const [{ status }] = await t.query<{ status: string }>("SELECT status FROM runs WHERE id = $1", [run.id]);
    if (status === "succeeded" || status === "failed") return;
  }
  throw new Error(`Run ${run.id} did not finish`);
}

/**
 * Every LLM call attempt as the journal holds it: final attempts in journal_entries, failed ones in
 * step_attempts. Cached input tokens come from the step's recorded result (what the workflow saw),
 * read through getRun; failed attempts have none.
 */
interface JournalCall {
  run_id: string;
  seq: number;
  final: boolean;
  cached: number;
  workflow: string;
  version: number;
  model: string;
  day: string;
  tokens: number;
  cost: string;
  ms: number | null;
}
async function journalCalls(): Promise<JournalCall[]> {
  const calls = await t.query<JournalCall>(
    `SELECT j.run_id, j.seq, true AS final, 0 AS cached, r.workflow_name AS workflow, r.workflow_version AS version, j.request_model AS model,
            to_char(j.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
            coalesce(j.input_tokens, 0) + coalesce(j.output_tokens, 0) AS tokens, coalesce(j.cost_usd, 0)::text AS cost, j.latency_ms::float8 AS ms
     FROM journal_entries j JOIN runs r ON r.id = j.run_id WHERE j.kind = 'llm'
     UNION ALL
     SELECT a.run_id, a.seq, false, 0, r.workflow_name, r.workflow_version, j.request_model,
            to_char(a.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
            coalesce(a.input_tokens, 0) + coalesce(a.output_tokens, 0), coalesce(a.cost_usd, 0)::text,
            (extract(epoch FROM a.finished_at - a.started_at) * 1000)::float8
     FROM step_attempts a JOIN journal_entries j ON j.run_id = a.run_id AND j.seq = a.seq AND j.kind = 'llm' JOIN runs r ON r.id = a.run_id`,
  );
  for (const call of calls.filter((c) => c.final)) {
    const step = (await t.control.getRun(call.run_id, viewer)).steps.find((s) => s.seq === call.seq);
    call.cached = (step?.output as { usage?: { cachedInputTokens?: number } } | null)?.usage?.cachedInputTokens ?? 0;
  }
  return calls;
}

/** Journal sums per group key, in micro-dollars so float noise cannot hide a difference. */
function journalSums(calls: JournalCall[], key: (call: JournalCall) => string) {
  const sums = new Map<string, { calls: number; tokens: number; cached: number; microUsd: number }>();
  for (const call of calls) {
    const sum = sums.get(key(call)) ?? { calls: 0, tokens: 0, cached: 0, microUsd: 0 };
    sums.set(key(call), { calls: sum.calls + 1, tokens: sum.tokens + call.tokens, cached: sum.cached + call.cached, microUsd: sum.microUsd + Math.round(Number(call.cost) * 1e6) });
  }
  return sums;
}

/** Postgres percentile_cont: linear interpolation between the closest ranks. */
function percentileCont(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = fraction * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

beforeAll(async () => {
  t = await createInProcess("usage", [alphaV1, alphaV2, beta]);
  ({ demo, runtime } = await startPricedDemoRuntime(t.database.db));
  await t.control.createBudgetPolicy({ scope: "workflow-day", workflow: "usage-alpha", limitUsd: 5, limitTokens: null, onExceed: "pause", alertThresholds: [0.8] }, admin);
  await runToEnd("usage-alpha", 1, "one");
  await runToEnd("usage-alpha", 1, "two");
  await runToEnd("usage-alpha", 2, "three");
  await runToEnd("usage-beta", 1, "four");
  await runToEnd("usage-beta", 1, "five", true);
});
afterAll(async () => {
  await demo?.close();
  await t?.close();
});

describe("the usage report", () => {
  it("sums equal the journal's sums for every grouping, failed attempts included", async () => {
    const calls = await journalCalls();
    // v1 runs: a failed first attempt and a retry each; the v2 run: two calls; beta runs: one call each.
    expect(calls.length).toBe(8);
    // The second beta run repeats the first one's system prompt: its call read it from the prompt cache.
    expect(calls.filter((call) => call.cached > 0).map((call) => call.workflow)).toEqual(["usage-beta"]);
    const cases: Array<[UsageGroup[], (call: JournalCall) => string]> = [
      [[], () => "all"],
      [["workflow"], (call) => call.workflow],
      [["version"], (call) => `${call.workflow} v${call.version}`],
      [["model"], (call) => call.model],
      [["workflow", "version", "model"], (call) => `${call.workflow} v${call.version} · ${call.model}`],
    ];
    for (const [groupBy, key] of cases) {
      const report = await t.control.getUsage({ groupBy }, viewer);
      const expected = journalSums(calls, key);
      const got = new Map(report.rows.map((row) => [row.key, { calls: row.calls, tokens: row.totalTokens, cached: row.cachedInputTokens, microUsd: Math.round(row.costUsd * 1e6) }]));
      expect(got, `groupBy=${groupBy.join(",")}`).toEqual(expected);
      expect(report.totals.calls).toBe(calls.length);
      expect(report.totals.cachedInputTokens).toBe(calls.reduce((sum, call) => sum + call.cached, 0));
      expect(Math.round(report.totals.costUsd * 1e6)).toBe([...expected.values()].reduce((sum, s) => sum + s.microUsd, 0));
    }
    // The day grouping splits the same rows by UTC day; grouping by version carries its workflow.
    const byDay = await t.control.getUsage({ groupBy: ["model", "day"] }, viewer);
    expect(new Set(byDay.rows.map((row) => `${row.model} ${row.day}`))).toEqual(new Set(calls.map((call) => `${call.model} ${call.day}`)));
    const byVersion = await t.control.getUsage({ groupBy: ["version"] }, viewer);
    expect(byVersion.groupBy).toEqual(["workflow", "version"]);
    expect(byVersion.rows.map((row) => row.key).sort()).toEqual(["usage-alpha v1", "usage-alpha v2", "usage-beta v1"]);
    expect(new Set(byVersion.rows.map((row) => row.model))).toEqual(new Set([undefined]));
  });

  it("spreads the same sums over a series with every bucket of the window", async () => {
    const now = new Date();
    const report = await t.control.getUsage({ range: "1h", groupBy: ["model"] }, viewer);
    expect(report.window).toMatchObject({ bucket: "minute", range: "1h" });
    expect(report.series.length).toBeGreaterThanOrEqual(60);
    expect(report.series.length).toBeLessThanOrEqual(62);
    const starts = report.series.map((point) => Date.parse(point.start));
    expect(starts.every((start, i) => i === 0 || start - starts[i - 1]! === 60_000)).toBe(true);
    expect(starts.at(-1)!).toBeLessThanOrEqual(now.getTime() + 60_000);
    const fromSeries = new Map<string, { calls: number; microUsd: number; tokens: number; cached: number }>();
    for (const group of report.series.flatMap((point) => point.groups)) {
      const sum = fromSeries.get(group.key) ?? { calls: 0, microUsd: 0, tokens: 0, cached: 0 };
      fromSeries.set(group.key, {
        calls: sum.calls + group.calls,
        microUsd: sum.microUsd + Math.round(group.costUsd * 1e6),
        tokens: sum.tokens + group.totalTokens,
        cached: sum.cached + group.cachedInputTokens,
      });
    }
    expect(fromSeries).toEqual(
      new Map(report.rows.map((row) => [row.key, { calls: row.calls, microUsd: Math.round(row.costUsd * 1e6), tokens: row.totalTokens, cached: row.cachedInputTokens }])),
    );
    expect([...fromSeries.keys()].sort()).toEqual(["claude-sonnet-4-6", "gpt-4o", "gpt-4o-mini"]);

    // Day buckets over 30 days; a window before any call is all zeros.
    expect((await t.control.getUsage({ range: "30d" }, viewer)).window.bucket).toBe("day");
    const empty = await t.control.getUsage({ from: new Date("2001-01-01T00:00:00Z"), to: new Date("2001-01-02T00:00:00Z") }, viewer);
    expect(empty).toMatchObject({ rows: [], totals: { calls: 0, costUsd: 0 }, topRuns: [], window: { bucket: "hour" } });
    expect(empty.series).toHaveLength(24);
    expect(empty.series.every((point) => point.groups.length === 0)).toBe(true);
  });

  it("lists the costliest runs first, with the journal's cost per run", async () => {
    const perRun = journalSums(await journalCalls(), (call) => call.run_id);
    const report = await t.control.getUsage({ top: 3 }, viewer);
    expect(report.topRuns).toHaveLength(3);
    const ranked = [...perRun.entries()].sort((a, b) => b[1].microUsd - a[1].microUsd);
    expect(report.topRuns.map((run) => Math.round(run.costUsd * 1e6))).toEqual(ranked.slice(0, 3).map(([, sum]) => sum.microUsd));
    const top = report.topRuns[0]!;
    expect(top.calls).toBe(perRun.get(top.runId)!.calls);
    expect(top.totalTokens).toBe(perRun.get(top.runId)!.tokens);
    const allRuns = await t.control.getUsage({ top: 10 }, viewer);
    for (const run of allRuns.topRuns) expect(run.cachedInputTokens, run.runId).toBe(perRun.get(run.runId)!.cached);
    expect((await t.control.getUsage({ workflow: "usage-beta" }, viewer)).topRuns.map((run) => run.workflow)).toEqual(["usage-beta", "usage-beta"]);
  });

  it("reports LLM-call latency percentiles and error rates as the journal has them", async () => {
    const calls = await journalCalls();
    const report = await t.control.getUsage({ groupBy: ["model"] }, viewer);
    const all = calls.map((call) => call.ms!).filter((ms) => ms !== null);
    expect(report.latency.llm.count).toBe(calls.length);
    expect(report.latency.llm.p50Ms).toBeCloseTo(percentileCont(all, 0.5), 0);
    expect(report.latency.llm.p95Ms).toBeCloseTo(percentileCont(all, 0.95), 0);
    const mini = calls.filter((call) => call.model === "gpt-4o-mini").map((call) => call.ms!);
    const miniStats = report.latency.llmByGroup.find((group) => group.key === "gpt-4o-mini")!;
    expect(miniStats.count).toBe(mini.length);
    expect(miniStats.p95Ms).toBeCloseTo(percentileCont(mini, 0.95), 0);

    // Two fail-once attempts; one failed step of five; one failed run of five.
    expect(report.errors.llmCalls).toEqual({ total: calls.length, failed: 2, rate: 2 / calls.length });
    expect(report.errors.steps).toEqual({ total: 5, failed: 1, rate: 0.2 });
    expect(report.errors.runs).toEqual({ total: 5, failed: 1, rate: 0.2 });
    // The model filter narrows steps and runs to runs that called that model.
    const claude = await t.control.getUsage({ model: "claude-sonnet-4-6" }, viewer);
    expect(claude.errors).toMatchObject({ llmCalls: { total: 2, failed: 0 }, steps: { total: 2, failed: 1 }, runs: { total: 2, failed: 1, rate: 0.5 } });
    expect(claude.totals.calls).toBe(2);
  });

  it("computes step percentiles like Postgres percentile_cont", async () => {
    // A hand-written journal with step durations of 100, 200, 300 and 400 ms, the last failed.
    await t.query(
      `INSERT INTO runs (id, workflow_name, workflow_version, status, input, created_at, finished_at)
       VALUES ('run_usage_synthetic', 'usage-synthetic', 1, 'failed', '{}', now(), now())`,
    );
    for (const [i, ms] of [100, 200, 300, 400].entries()) {
      await t.query(
        `INSERT INTO journal_entries (id, run_id, seq, step_id, kind, status, attempts, started_at, finished_at)
         VALUES ($1, 'run_usage_synthetic', $2, $3, 'step', $4, 1, now() - interval '1 minute', now() - interval '1 minute' + $5 * interval '1 millisecond')`,
        [`run_usage_synthetic#${i}`, i, `step-${i}`, i === 3 ? "failed" : "succeeded", ms],
      );
    }
    const report = await t.control.getUsage({ workflow: "usage-synthetic", range: "24h" }, viewer);
    expect(report.latency.steps).toEqual({ count: 4, p50Ms: 250, p95Ms: 385 });
    expect(report.errors.steps).toEqual({ total: 4, failed: 1, rate: 0.25 });
    expect(report.errors.runs).toEqual({ total: 1, failed: 1, rate: 1 });
    expect(report.latency.llm).toEqual({ count: 0, p50Ms: null, p95Ms: null });
  });

  it("shows each budget's spend against its limit, narrowed by the workflow filter", async () => {
    const alpha = await t.control.getUsage({ workflow: "usage-alpha", range: "24h" }, viewer);
    const [budget] = alpha.budgets;
    expect(alpha.budgets).toHaveLength(1);
    expect(budget).toMatchObject({ id: "workflow-day:usage-alpha", limitUsd: 5, current: { limitUsd: 5 } });
    expect(Math.round(budget!.current.spentUsd * 1e6)).toBe(Math.round(alpha.totals.costUsd * 1e6));
    expect(budget!.current.usedFraction).toBeCloseTo(alpha.totals.costUsd / 5, 6);
    expect((await t.control.getUsage({ workflow: "usage-beta" }, viewer)).budgets).toEqual([]);
  });
});

describe("GET /api/v1/usage", () => {
  let get: ReturnType<typeof usageRoutes>["get"];
  let key: string;
  beforeAll(async () => {
    const db = t.database.db;
    key = (await createApiKey(db, { name: "usage viewer", role: "viewer" })).key;
    const apiHandler = createApiHandler({ authenticateApiKey: (k) => verifyApiKey(db, k), authenticateSession: async () => null, logger: { error: () => undefined } });
    get = usageRoutes(apiHandler, async () => t.control).get;
  });
  const call = async (query: string) => {
    const request = new NextRequest(new URL(`/api/v1/usage?${query}`, "http://localhost:3000"), { headers: { authorization: `Bearer ${key}` } });
    const response = await get(request, { params: Promise.resolve({}) });
    return { status: response.status, body: await response.json() };
  };

  it("serves the grouped, filtered report", async () => {
    const { status, body } = await call("range=7d&groupBy=model&workflow=usage-alpha&version=2");
    expect(status).toBe(200);
    expect(body.window).toMatchObject({ range: "7d", bucket: "hour" });
    expect(body.rows.map((row: { key: string }) => row.key).sort()).toEqual(["gpt-4o", "gpt-4o-mini"]);
    expect(body.totals.calls).toBe(2);
  });

  it("answers bad parameters with 400 {error, message, requestId} naming the parameter", async () => {
    const cases: Array<[string, string]> = [
      ["groupBy=team", "groupBy"],
      ["from=yesterday", "from"],
      ["from=2026-11-02&to=2026-11-01", "from"],
      ["range=24h&from=2026-11-01T00:00:00Z", "range"],
      ["range=90d", "range"],
      ["range=30d&bucket=minute", "bucket"],
      ["version=two", "version"],
      ["grupBy=model", '\\(root\\): Unrecognized key: "grupBy"'],
    ];
    for (const [query, field] of cases) {
      const { status, body } = await call(query);
      expect(status, query).toBe(400);
      expect(body, query).toMatchObject({ error: "invalid_input", requestId: expect.any(String) });
      expect(body.message, query).toMatch(new RegExp(`^Invalid query( string)?: ${field}[.:]`));
    }
  });
});
