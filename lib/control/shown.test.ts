import { describe, expect, it } from "vitest";
import type { RunView, StepView } from "../data/views";
import { holdsRedacted, shownRun } from "./shown";

const SECRET = "sk-proj-abcdefghijklmnopqrstuvwx";

const step = (over: Partial<StepView>): StepView => ({
  seq: 1, id: "call", kind: "step", status: "succeeded", attempts: 1, sideEffect: false, startedAt: "2026-11-23T00:00:00.000Z",
  finishedAt: null, wakeAt: null, input: null, output: null, error: null, usage: null, attemptHistory: [], approval: null, ...over,
});

describe("shownRun", () => {
  const run: RunView = {
    id: "run_1", workflow: "w", version: 1, status: "failed", requestedBy: "apikey:key_0123456789abcdefghijklmn",
    createdAt: "2026-11-23T00:00:00.000Z", startedAt: null, finishedAt: null, updatedAt: "2026-11-23T00:00:00.000Z",
    stepCount: 1, totalTokens: 0, totalCostUsd: 0, error: { name: "Error", message: `refused ${SECRET}` },
    forkedFromRunId: null, forkedAtStep: null, input: { note: "hi", apiKey: "plain-looking" }, output: null, budget: null,
    wakeAt: null, deadlineAt: null, idempotencyKey: "order-token-1",
    steps: [step({ output: { echoed: SECRET }, attemptHistory: [{ attempt: 1, status: "failed", error: { name: "Error", message: `bad ${SECRET}` }, startedAt: "x", finishedAt: null }] })],
  };

  it("redacts secrets in payloads and errors, and leaves ids and actors as they are", () => {
    const shown = shownRun(run);
    expect(JSON.stringify(shown)).not.toContain(SECRET);
    expect(shown.input).toEqual({ note: "hi", apiKey: "[REDACTED]" });
    expect(shown.error?.message).toBe("refused [REDACTED]");
    expect(shown.steps[0]!.attemptHistory[0]!.error?.message).toBe("bad [REDACTED]");
    expect(shown.requestedBy).toBe(run.requestedBy);
    expect(shown.idempotencyKey).toBe("order-token-1");
    expect(run.steps[0]!.output).toEqual({ echoed: SECRET }); // the original is not changed
  });

  it("tells an edited copy that still holds a placeholder", () => {
    expect(holdsRedacted(shownRun(run).input)).toBe(true);
    expect(holdsRedacted({ a: [1, "fine"] })).toBe(false);
  });
});
