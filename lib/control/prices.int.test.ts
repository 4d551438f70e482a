/**
 * Prices with effective dates: every LLM call attempt (failed ones too) is charged at the price
 * in force when it ran and keeps that price as a snapshot, so a price change with a later
 * effective date leaves earlier calls' cost as it was. Runs are ticked in this process through
 * the real LLM router, the demo provider and the stored price table; the price clock is a variable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { addModelPrice, listModelPrices } from "../data/price-store";
import type { DemoProvider } from "../demo/provider-server";
import { defineWorkflow } from "../engine/definition";
import { MODEL_PRICES } from "../llm/prices";
import { createInProcess, type InProcess } from "../testing/in-process";
import { startPricedDemoRuntime } from "../testing/priced-demo-runtime";
import { systemActor } from "./authorize";
import { executeRunTick, type TickRuntime } from "./execute-tick";

const summarise = defineWorkflow({
  name: "priced-summary",
  version: 1,
  input: z.object({ label: z.string() }),
  defaults: { retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1, jitter: 0 } },
  async run(ctx, input) {
    // The demo provider fails the first request carrying this marker: one failed attempt, then success.
    const reply = await ctx.llm("summarise", {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: `Summarise ${input.label} [[demo:fail-once:${input.label}]]` }],
    });
    return { text: reply.text, costUsd: reply.costUsd };
  },
});

let t: InProcess;
let demo: DemoProvider;
let runtime: TickRuntime;
/** The time the router prices calls at (not the wall clock, so the test does not depend on today's date) */
let pricingNow = new Date("2026-06-01T00:00:00Z");

interface ChargeRow {
  attempt: number;
  status: string;
  model: string | null;
  price_id: string | null;
  input_per_mtok: string | null;
  output_per_mtok: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: string;
}

const chargesOf = (runId: string) =>
  t.query<ChargeRow>(
    `SELECT attempt, status, model, price_id, input_per_mtok, output_per_mtok, input_tokens, output_tokens, cost_usd
     FROM llm_charges WHERE run_id = $1 ORDER BY attempt`,
    [runId],
  );

async function runToEnd(label: string): Promise<string> {
  const { run } = await t.control.startRun({ workflow: "priced-summary", version: 1, input: { label } }, systemActor);
  for (let tick = 0; tick < 10; tick++) {
    await executeRunTick(t.deps, runtime, run.id, "prices-test");
    const [{ status }] = await t.query<{ status: string }>("SELECT status FROM runs WHERE id = $1", [run.id]);
    if (status === "succeeded") return run.id;
    if (status === "failed") throw new Error(`Run ${run.id} failed`);
  }
  throw new Error(`Run ${run.id} did not finish`);
}

beforeAll(async () => {
  t = await createInProcess("prices", [summarise]);
  ({ demo, runtime } = await startPricedDemoRuntime(t.database.db, () => pricingNow));
});
afterAll(async () => {
  await demo?.close();
  await t?.close();
});

describe("model prices", () => {
  it("ship with the static list prices, effective from the start", async () => {
    const stored = await listModelPrices(t.database.db);
    expect(stored.map((price) => price.model).sort()).toEqual(MODEL_PRICES.map((price) => price.model).sort());
    const mini = stored.find((price) => price.model === "gpt-4o-mini")!;
    expect(mini).toMatchObject({ inputPerMTok: 0.15, outputPerMTok: 0.6, createdBy: "seed" });
  });

  it("charge every attempt (failed ones too) at the price in force, and a future-dated change leaves earlier calls' cost unchanged", async () => {
    const before = await runToEnd("before");
    const chargedBefore = await chargesOf(before);
    expect(chargedBefore.map((c) => [c.attempt, c.status])).toEqual([
      [1, "failed"],
      [2, "succeeded"],
    ]);
    const success = chargedBefore[1]!;
    expect(success).toMatchObject({ model: "gpt-4o-mini", input_per_mtok: "0.150000", output_per_mtok: "0.600000" });
    expect(success.input_tokens).toBeGreaterThan(0);
    const expectedCost = (success.input_tokens * 0.15 + success.output_tokens * 0.6) / 1e6;
    expect(Number(success.cost_usd)).toBeCloseTo(expectedCost, 6);
    const [runBefore] = await t.query<{ total_cost_usd: string; output: { costUsd: number } }>(
      "SELECT total_cost_usd, output FROM runs WHERE id = $1",
      [before],
    );
    expect(Number(runBefore!.total_cost_usd)).toBeCloseTo(expectedCost, 6);

    // An admin raises the price from a date after that call.
    const raised = await addModelPrice(t.database.db, {
      model: "gpt-4o-mini",
      inputPerMTok: 10,
      outputPerMTok: 20,
      effectiveFrom: new Date("2030-01-01T00:00:00Z"),
      createdBy: "user:admin",
    });

    // Earlier calls keep their cost and snapshot.
    expect(await chargesOf(before)).toEqual(chargedBefore);
    const [runAfterChange] = await t.query<{ total_cost_usd: string }>("SELECT total_cost_usd FROM runs WHERE id = $1", [before]);
    expect(runAfterChange!.total_cost_usd).toBe(runBefore!.total_cost_usd);

    // A call before the effective date is still charged the old price.
    const stillOld = await runToEnd("still-old");
    expect((await chargesOf(stillOld))[1]).toMatchObject({ price_id: success.price_id, input_per_mtok: "0.150000" });

    // Calls from the effective date on are charged the new price, with its snapshot.
    pricingNow = new Date("2030-02-01T00:00:00Z");
    const after = await runToEnd("after");
    const chargedAfter = (await chargesOf(after))[1]!;
    expect(chargedAfter).toMatchObject({ price_id: raised.id, input_per_mtok: "10.000000", output_per_mtok: "20.000000" });
    expect(Number(chargedAfter.cost_usd)).toBeCloseTo((chargedAfter.input_tokens * 10 + chargedAfter.output_tokens * 20) / 1e6, 6);
  });

  it("GET /api/v1/usage's numbers (getUsage) equal the journal's sums, failed attempts included", async () => {
    const viewer = { kind: "user" as const, id: "usr_usage_viewer", label: "viewer@example.com", role: "viewer" as const };
    const [journal] = await t.query<{ cost: string; tokens: string; calls: number }>(
      `SELECT sum(cost)::text AS cost, sum(tokens)::text AS tokens, sum(calls)::int AS calls FROM (
         SELECT coalesce(cost_usd, 0) AS cost, coalesce(input_tokens, 0) + coalesce(output_tokens, 0) AS tokens, 1 AS calls
         FROM journal_entries WHERE kind = 'llm'
         UNION ALL
         SELECT coalesce(a.cost_usd, 0), coalesce(a.input_tokens, 0) + coalesce(a.output_tokens, 0), 1
         FROM step_attempts a JOIN journal_entries j ON j.run_id = a.run_id AND j.seq = a.seq AND j.kind = 'llm'
       ) calls`,
    );
    const usage = await t.control.getUsage({}, viewer);
    expect(usage.totals.costUsd).toBe(Number(journal!.cost));
    expect(usage.totals.totalTokens).toBe(Number(journal!.tokens));
    expect(usage.totals).toMatchObject({ calls: journal!.calls, failedCalls: 3 });

    const byDay = await t.control.getUsage({ groupBy: ["workflow", "version", "model", "day"] }, viewer);
    expect(byDay.totals).toEqual(usage.totals);
    expect(new Set(byDay.rows.map((row) => `${row.workflow}@${row.version} ${row.model}`))).toEqual(new Set(["priced-summary@1 gpt-4o-mini"]));

    // Filters: time range (calls are dated by when they started), model, workflow.
    expect((await t.control.getUsage({ from: new Date("2000-01-01T00:00:00Z"), model: "gpt-4o-mini" }, viewer)).totals).toEqual(usage.totals);
    expect((await t.control.getUsage({ to: new Date("2000-01-01T00:00:00Z") }, viewer)).totals.calls).toBe(0);
    expect((await t.control.getUsage({ model: "gpt-4o" }, viewer)).totals.calls).toBe(0);
    const none = await t.control.getUsage({ workflow: "no-such-workflow" }, viewer);
    expect(none).toMatchObject({ rows: [], totals: { calls: 0, costUsd: 0 } });
  });
});
