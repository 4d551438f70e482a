/**
 * The engine side of budgets, against an in-memory BudgetGuard: every LLM attempt reserves before
 * the call and settles after it (failed attempts too); a call that does not fit suspends the tick
 * (`pause`) without recording an attempt, or fails the run (`fail`) with reason budget_exceeded.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineWorkflow } from "./definition";
import { createTickHarness } from "./testing";
import type { BudgetGuard } from "./types";

const fanOut = defineWorkflow({
  name: "fan-out",
  version: 1,
  input: z.object({}),
  defaults: { retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1, jitter: 0 } },
  async run(ctx) {
    const replies = await Promise.all(
      [0, 1, 2, 3].map((i) => ctx.llm(`call-${i}`, { model: "gpt-4o-mini", messages: [{ role: "user", content: `part ${i}` }] })),
    );
    return replies.length;
  },
});

/** Fits `room` calls; each reservation is 1 unit, settled with what the call reported. */
function countingGuard(room: number, onExceed: "pause" | "fail") {
  const state = { room, reserved: 0, settled: [] as Array<{ id: string; costUsd: number }> };
  const guard: BudgetGuard = {
    async reserve(call) {
      if (state.reserved >= state.room) return { ok: false, onExceed, message: `Budget exceeded at ${call.stepId}` };
      state.reserved++;
      return { ok: true, reservationId: `${call.stepId}#${call.attempt}` };
    },
    async settle(id, actual) {
      state.settled.push({ id, costUsd: actual.costUsd });
    },
  };
  return { guard, state };
}

describe("budget gate", () => {
  it("pauses at the calls that fit, settles each, and runs exactly the rest after a raise", async () => {
    const h = createTickHarness(fanOut);
    const { guard, state } = countingGuard(2, "pause");
    expect(await h.tick({ budget: guard })).toEqual({ type: "suspended", runStatus: "waiting", wakeAt: null });
    expect(h.llmCalls).toHaveLength(2);
    expect(state.settled.map((s) => s.id).sort()).toEqual(["call-0#1", "call-1#1"]);
    expect(h.journal.entries.filter((entry) => entry.status === "succeeded")).toHaveLength(2);
    expect(h.journal.entries.filter((entry) => entry.status !== "succeeded")).toEqual([]);

    state.room = 4;
    expect(await h.tick({ budget: guard })).toEqual({ type: "succeeded", output: 4 });
    expect(h.llmCalls).toHaveLength(4);
    expect(state.settled).toHaveLength(4);
  });

  it('fails the run with reason budget_exceeded when onExceed is "fail"', async () => {
    const h = createTickHarness(fanOut);
    const { guard } = countingGuard(1, "fail");
    const outcome = await h.tick({ budget: guard });
    expect(outcome).toMatchObject({ type: "failed", error: { name: "BudgetExceededError", reason: "budget_exceeded" } });
    expect(h.llmCalls).toHaveLength(1);
  });

  it("charges a failed attempt too: it reserves and settles, then the retry reserves again", async () => {
    let failures = 1;
    const h = createTickHarness(fanOut, {
      llm: {
        async complete(request) {
          if (failures-- > 0) throw Object.assign(new Error("provider down"), { status: 503 });
          return { text: "ok", usage: { inputTokens: 1, outputTokens: 1 }, model: request.model, finishReason: "stop", provider: "test", costUsd: 0.5 };
        },
      },
    });
    const { guard, state } = countingGuard(10, "pause");
    expect(await h.tick({ budget: guard })).toEqual({ type: "succeeded", output: 4 });
    expect(state.reserved).toBe(5);
    expect(state.settled).toHaveLength(5);
    expect(state.settled.filter((s) => s.costUsd === 0)).toHaveLength(1);
  });
});
