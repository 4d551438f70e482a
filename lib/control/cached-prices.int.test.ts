/**
 * Cached input tokens end to end: a demo run whose system prompt the provider has seen before
 * records how many input tokens came from the prompt cache, charges them at the model's
 * cached-input price and keeps that price as a snapshot; a later cached-price change leaves the
 * charge as it was; a model without a cached price charges them at its input price; the usage
 * report sums them as the journal has them. Runs are ticked in this process through the real LLM
 * router, the demo provider and the stored price table; the price clock is a variable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { addModelPrice, listModelPrices } from "../data/price-store";
import type { DemoProvider } from "../demo/provider-server";
import { defineWorkflow } from "../engine/definition";
import type { LlmUsage } from "../engine/types";
import { MODEL_PRICES } from "../llm/prices";
import { createInProcess, type InProcess } from "../testing/in-process";
import { startPricedDemoRuntime } from "../testing/priced-demo-runtime";
import { systemActor } from "./authorize";
import { executeRunTick, type TickRuntime } from "./execute-tick";

/** Long enough for the demo provider's prompt cache, the same in every run. */
const SYSTEM_PROMPT = "You summarise shipping notes for a freight desk. Keep the figures, drop the pleasantries. ".repeat(6);

const cachedSummary = defineWorkflow({
  name: "cached-summary",
  version: 1,
  input: z.object({ label: z.string(), model: z.string() }),
  async run(ctx, input) {
    const reply = await ctx.llm("summarise", {
      model: input.model,
      messages: [
        { role: "system", content: SYSTEM_PROMPT },
        { role: "user", content: `Summarise the notes of ${input.label}` },
      ],
    });
    return { usage: reply.usage, costUsd: reply.costUsd };
  },
});

let t: InProcess;
let demo: DemoProvider;
let runtime: TickRuntime;
let pricingNow = new Date("2026-06-01T00:00:00Z");
const viewer = { kind: "user" as const, id: "usr_cached_viewer", label: "viewer@example.com", role: "viewer" as const };

interface ChargeRow {
  status: string;
  price_id: string | null;
  input_per_mtok: string | null;
  output_per_mtok: string | null;
  cached_input_per_mtok: string | null;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  cost_usd: string;
}

async function chargeOf(runId: string): Promise<ChargeRow> {
  const rows = await t.query<ChargeRow>(
    `SELECT status, price_id, input_per_mtok, output_per_mtok, cached_input_per_mtok, input_tokens, cached_input_tokens, output_tokens, cost_usd
     FROM llm_charges WHERE run_id = $1`,
    [runId],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** Runs to the end; returns the run id and the usage the workflow saw. */
async function runToEnd(label: string, model: string): Promise<{ runId: string; usage: LlmUsage; costUsd: number }> {
  const { run } = await t.control.startRun({ workflow: "cached-summary", version: 1, input: { label, model } }, systemActor);
  for (let tick = 0; tick < 5; tick++) {
    await executeRunTick(t.deps, runtime, run.id, "cached-prices-test");
    const detail = await t.control.getRun(run.id, viewer);
    if (detail.status === "succeeded") return { runId: run.id, ...(detail.output as unknown as { usage: LlmUsage; costUsd: number }) };
    if (detail.status === "failed") throw new Error(`Run ${run.id} failed: ${detail.error?.message}`);
  }
  throw new Error(`Run ${run.id} did not finish`);
}

const usd = (charge: ChargeRow, rates: { input: number; cached: number; output: number }) =>
  ((charge.input_tokens - charge.cached_input_tokens) * rates.input + charge.cached_input_tokens * rates.cached + charge.output_tokens * rates.output) / 1e6;

beforeAll(async () => {
  t = await createInProcess("cached_prices", [cachedSummary]);
  ({ demo, runtime } = await startPricedDemoRuntime(t.database.db, () => pricingNow));
});
afterAll(async () => {
  await demo?.close();
  await t?.close();
});

describe("cached input tokens", () => {
  it("ship with the static cached-input prices in the stored price table", async () => {
    const stored = new Map((await listModelPrices(t.database.db)).map((price) => [price.model, price.cachedInputPerMTok]));
    expect(stored.size).toBe(MODEL_PRICES.length);
    for (const price of MODEL_PRICES) expect(stored.get(price.model), price.model).toBe(price.cachedInputPerMTok ?? null);
  });

  it("are recorded for a repeated prompt and charged at the cached price snapshot, which a later price change leaves alone", async () => {
    // The first run sends the system prompt for the first time: nothing is cached.
    const first = await runToEnd("ship one", "gpt-4.1-mini");
    expect(first.usage.cachedInputTokens).toBe(0);
    expect(await chargeOf(first.runId)).toMatchObject({ cached_input_tokens: 0, cached_input_per_mtok: "0.100000" });

    // The second run repeats it: the provider reports it as cached, the charge records it.
    const second = await runToEnd("ship two", "gpt-4.1-mini");
    const charged = await chargeOf(second.runId);
    expect(second.usage.cachedInputTokens).toBeGreaterThan(0);
    expect(second.usage.cachedInputTokens).toBeLessThan(second.usage.inputTokens);
    // gpt-4.1-mini: $0.40 input, $0.10 cached input, $1.60 output per million tokens
    expect(charged).toMatchObject({
      status: "succeeded",
      input_tokens: second.usage.inputTokens,
      cached_input_tokens: second.usage.cachedInputTokens,
      input_per_mtok: "0.400000",
      cached_input_per_mtok: "0.100000",
      output_per_mtok: "1.600000",
    });
    expect(Number(charged.cost_usd)).toBeCloseTo(usd(charged, { input: 0.4, cached: 0.1, output: 1.6 }), 6);
    expect(Number(charged.cost_usd)).toBeLessThan(usd(charged, { input: 0.4, cached: 0.4, output: 1.6 }));
    expect(second.costUsd).toBeCloseTo(Number(charged.cost_usd), 6);
    // The run page's charges say so too (GET /api/v1/runs/{id}/budget).
    expect((await t.control.getRunBudget(second.runId, viewer)).charges).toMatchObject([
      { cachedInputTokens: second.usage.cachedInputTokens, price: { inputPerMTok: 0.4, cachedInputPerMTok: 0.1, outputPerMTok: 1.6 } },
    ]);

    // An admin changes the cached price from a later date: the call keeps what it was charged.
    const cheaper = await addModelPrice(t.database.db, {
      model: "gpt-4.1-mini",
      inputPerMTok: 0.4,
      outputPerMTok: 1.6,
      cachedInputPerMTok: 0.02,
      effectiveFrom: new Date("2030-01-01T00:00:00Z"),
      createdBy: "user:admin",
    });
    expect(await chargeOf(second.runId)).toEqual(charged);

    // Calls from that date on are charged the new cached price, with its snapshot.
    pricingNow = new Date("2030-02-01T00:00:00Z");
    const third = await runToEnd("ship three", "gpt-4.1-mini");
    const chargedAfter = await chargeOf(third.runId);
    expect(chargedAfter).toMatchObject({ price_id: cheaper.id, cached_input_per_mtok: "0.020000", cached_input_tokens: third.usage.cachedInputTokens });
    expect(chargedAfter.cached_input_tokens).toBeGreaterThan(0);
    expect(Number(chargedAfter.cost_usd)).toBeCloseTo(usd(chargedAfter, { input: 0.4, cached: 0.02, output: 1.6 }), 6);
  });

  it("cost the input price for a model without a cached price, with no cached price in the snapshot", async () => {
    await runToEnd("barge one", "mistral-large");
    const repeat = await runToEnd("barge two", "mistral-large");
    const charged = await chargeOf(repeat.runId);
    expect(charged.cached_input_tokens).toBeGreaterThan(0);
    expect(charged).toMatchObject({ input_per_mtok: "2.000000", cached_input_per_mtok: null });
    expect(Number(charged.cost_usd)).toBeCloseTo(usd(charged, { input: 2, cached: 2, output: 6 }), 6);
  });

  it("are summed by the usage report as the runs saw them", async () => {
    const runs = await t.query<{ id: string }>("SELECT id FROM runs WHERE workflow_name = 'cached-summary'");
    let cached = 0;
    for (const { id } of runs) cached += ((await t.control.getRun(id, viewer)).output as unknown as { usage: LlmUsage }).usage.cachedInputTokens ?? 0;
    expect(cached).toBeGreaterThan(0);
    const report = await t.control.getUsage({ groupBy: ["model"] }, viewer);
    expect(report.totals.cachedInputTokens).toBe(cached);
    expect(report.rows.reduce((sum, row) => sum + row.cachedInputTokens, 0)).toBe(cached);
    expect(report.rows.find((row) => row.key === "gpt-4.1-mini")!.cachedInputTokens).toBeGreaterThan(0);
    expect(report.series.flatMap((point) => point.groups).reduce((sum, group) => sum + group.cachedInputTokens, 0)).toBe(cached);
    expect(report.topRuns.reduce((sum, run) => sum + run.cachedInputTokens, 0)).toBe(cached);
  });
});
