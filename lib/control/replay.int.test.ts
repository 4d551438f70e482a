/**
 * Replay = fork, through lib/control, with runs ticked in this process: the preview's reused /
 * re-run / side-effect lists, the fork's copied journal and new idempotency keys, one fork per
 * Idempotency-Key under concurrency, 409 for a run still going, 422 for a version that diverges
 * before the chosen step, edited input from the chosen step on, lineage and the audit row.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDemoToolFailing } from "../demo/tool-flag-store";
import type { AppError } from "../errors/app-error";
import { createInProcess, SCRIPTED_LLM_COST_USD, type InProcess } from "../testing/in-process";
import { replayProbeFlag } from "../testing/fixture-workflows";
import { systemActor } from "./authorize";
import type { Actor } from "./types";

let t: InProcess;
const operator: Actor = { kind: "user", id: "usr_op", label: "op@example.com", role: "operator" };
const viewer: Actor = { kind: "user", id: "usr_view", label: "viewer@example.com", role: "viewer" };

/** Runs replay-probe@1 with effect-1 failing: the run fails there after effect-0 was delivered. */
async function failedRun(label: string): Promise<string> {
  await setDemoToolFailing(t.database.db.pool, replayProbeFlag("effect-1"), true);
  try {
    const { run } = await t.control.startRun({ workflow: "replay-probe", version: 1, input: { label } }, systemActor);
    expect(await t.drive(run.id)).toBe("failed");
    return run.id;
  } finally {
    await setDemoToolFailing(t.database.db.pool, replayProbeFlag("effect-1"), false);
  }
}

async function deliveries(runId: string): Promise<Record<string, number>> {
  const rows = await t.query<{ idempotency_key: string; deliveries: number }>(
    "SELECT idempotency_key, deliveries FROM sink_effects WHERE starts_with(idempotency_key, $1)",
    [`${runId}:`],
  );
  return Object.fromEntries(rows.map((row) => [row.idempotency_key.slice(runId.length + 1), row.deliveries]));
}

const rejection = async (promise: Promise<unknown>) => {
  const error = (await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  )) as AppError;
  return { status: error.status, code: error.code, message: error.message };
};

beforeAll(async () => {
  t = await createInProcess("replay");
  // A finished run of the version: previews of failed runs show its later steps as "likely".
  const { run } = await t.control.startRun({ workflow: "replay-probe", version: 1, input: { label: "finished" } }, systemActor);
  expect(await t.drive(run.id)).toBe("succeeded");
});
afterAll(async () => t?.close());

describe("replay preview", () => {
  it("lists reused steps, steps that run again with their side effects, and LLM cost", async () => {
    const source = await failedRun("preview");
    const preview = await t.control.previewReplay(source, { fromStep: "effect-1" }, viewer);
    expect(preview.steps.map((s) => [s.id, s.action, s.sideEffect])).toEqual([
      ["prepare", "reuse", false],
      ["effect-0", "reuse", true],
      ["summarise", "reuse", false],
      ["effect-1", "rerun", true],
      ["effect-2", "likely", true],
    ]);
    expect(preview.totals).toEqual({ reusedSteps: 3, rerunSteps: 2, sideEffectSteps: 2, llmCalls: 0, estimatedCostUsd: 0, approvals: 0 });
    expect(preview).toMatchObject({ fromStep: { id: "effect-1", seq: 3 }, version: 1, versionChanged: false, inputChanged: false, divergence: null });
    expect(preview.warnings.join(" ")).toContain("likely");

    const fromStart = await t.control.previewReplay(source, { fromStep: "prepare" }, viewer);
    expect(fromStart.totals).toMatchObject({ reusedSteps: 0, rerunSteps: 5, sideEffectSteps: 3, llmCalls: 1, estimatedCostUsd: SCRIPTED_LLM_COST_USD });
    // A preview changes nothing.
    expect(await t.query("SELECT id FROM runs WHERE forked_from_run_id = $1", [source])).toEqual([]);
  });
});

describe("replayRun", () => {
  it("forks from the chosen step: steps before it are copied, it and later steps apply their effects once under the fork's keys", async () => {
    const source = await failedRun("fork");
    expect(await deliveries(source)).toEqual({ "effect-0": 1 });

    const { run: fork, created } = await t.control.replayRun(source, { fromStep: "effect-1" }, operator);
    expect(created).toBe(true);
    expect(fork).toMatchObject({ status: "queued", forkedFromRunId: source, forkedAtStep: "effect-1", version: 1, requestedBy: "user:usr_op" });
    expect(fork.id).not.toBe(source);
    expect(fork.steps.map((s) => [s.id, s.status])).toEqual([
      ["prepare", "succeeded"],
      ["effect-0", "succeeded"],
      ["summarise", "succeeded"],
    ]);

    expect(await t.drive(fork.id)).toBe("succeeded");
    expect(await deliveries(fork.id)).toEqual({ "effect-1": 1, "effect-2": 1 });
    expect(await deliveries(source)).toEqual({ "effect-0": 1 });

    const lineage = await t.control.getRunLineage(source, viewer);
    expect(lineage.forks.map((f) => [f.id, f.forkedAtStep, f.status])).toEqual([[fork.id, "effect-1", "succeeded"]]);
    expect((await t.control.getRunLineage(fork.id, viewer)).forkedFrom).toEqual({ runId: source, atStep: "effect-1", status: "failed" });

    const audit = await t.query<{ actor: string; data: Record<string, unknown> }>("SELECT actor, data FROM audit_entries WHERE action = 'run.replay' AND target = $1", [fork.id]);
    expect(audit).toEqual([
      {
        actor: "user:usr_op",
        data: expect.objectContaining({ sourceRunId: source, fromStep: "effect-1", version: 1, inputEdited: false, actorLabel: "op@example.com" }),
      },
    ]);
  });

  it("gives one fork to concurrent requests with the same Idempotency-Key", async () => {
    const source = await failedRun("idempotent");
    const results = await Promise.all(
      Array.from({ length: 8 }, () => t.control.replayRun(source, { fromStep: "effect-1", idempotencyKey: "retry-1" }, operator)),
    );
    expect(new Set(results.map((r) => r.run.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await t.query("SELECT id FROM runs WHERE forked_from_run_id = $1", [source])).toHaveLength(1);
    expect(await t.query("SELECT id FROM audit_entries WHERE action = 'run.replay' AND target = $1", [results[0].run.id])).toHaveLength(1);

    const again = await t.control.replayRun(source, { fromStep: "effect-1", idempotencyKey: "retry-1" }, operator);
    expect(again).toMatchObject({ created: false, run: { id: results[0].run.id } });
    expect(await rejection(t.control.replayRun(source, { fromStep: "prepare", idempotencyKey: "retry-1" }, operator))).toMatchObject({
      status: 409,
      message: expect.stringContaining("already used for a replay from step \"effect-1\""),
    });
  });

  it("answers 409 for a run that is still going", async () => {
    const { run } = await t.control.startRun({ workflow: "approval-probe", input: { label: "gate" } }, systemActor);
    expect(await t.drive(run.id)).toBe("waiting");
    expect(await rejection(t.control.replayRun(run.id, { fromStep: "before" }, operator))).toEqual({
      status: 409,
      code: "conflict",
      message: `Run ${run.id} is waiting; only ended runs (failed, cancelled or succeeded) can be replayed. Wait for it to end, or cancel it first.`,
    });
    await t.control.cancelRun(run.id, operator);
    const { run: fork } = await t.control.replayRun(run.id, { fromStep: "gate" }, operator);
    expect(fork.steps.map((s) => s.id)).toEqual(["before"]);
  });

  it("answers 422 naming the step when the chosen version diverges before the chosen step", async () => {
    const source = await failedRun("diverge");
    const refused = await rejection(t.control.replayRun(source, { fromStep: "effect-1", version: 2 }, operator));
    expect(refused).toMatchObject({ status: 422, code: "unprocessable" });
    expect(refused.message).toContain('replay-probe@2 calls "summarise" (llm) at position 1, where the journal recorded "effect-0" (step)');
    expect(refused.message).toContain('Replay from step "effect-0" or an earlier one');
    expect(await t.query("SELECT id FROM runs WHERE forked_from_run_id = $1", [source])).toEqual([]);

    // From a step before the divergence, version 2 is fine: its own code runs from there.
    const { run: fork } = await t.control.replayRun(source, { fromStep: "effect-0", version: 2 }, operator);
    expect(fork.version).toBe(2);
    expect(await t.drive(fork.id)).toBe("succeeded");
    expect(Object.keys(await deliveries(fork.id)).sort()).toEqual(["effect-0", "effect-1", "effect-2"]);
  });

  it("runs a compatible later version when asked", async () => {
    const source = await failedRun("upgrade");
    const preview = await t.control.previewReplay(source, { fromStep: "effect-1", version: 3 }, viewer);
    expect(preview).toMatchObject({ version: 3, versionChanged: true, divergence: null });
    const { run: fork } = await t.control.replayRun(source, { fromStep: "effect-1", version: 3 }, operator);
    expect(await t.drive(fork.id)).toBe("succeeded");
    expect(await deliveries(fork.id)).toEqual({ "effect-1": 1, "effect-2": 1, "effect-3": 1 });
  });

  it("applies an edited input from the chosen step on; reused steps keep their recorded results", async () => {
    const source = await failedRun("original-label");
    const { run: fork } = await t.control.replayRun(source, { fromStep: "effect-1", input: { label: "edited-label" } }, operator);
    expect(fork.input).toEqual({ label: "edited-label" });
    expect(await t.drive(fork.id)).toBe("succeeded");
    const done = await t.control.getRun(fork.id, viewer);
    expect(done.output).toEqual({ prepared: "original-label", label: "edited-label", effects: 3 });
    const payloads = await t.query<{ key: string; label: string }>(
      "SELECT idempotency_key AS key, payload->>'label' AS label FROM sink_effects WHERE starts_with(idempotency_key, $1) ORDER BY 1",
      [`${fork.id}:`],
    );
    expect(payloads).toEqual([
      { key: `${fork.id}:effect-1`, label: "edited-label" },
      { key: `${fork.id}:effect-2`, label: "edited-label" },
    ]);
  });

  it("validates the edited input against the chosen version's schema, naming the field", async () => {
    const source = await failedRun("invalid");
    expect(await rejection(t.control.replayRun(source, { fromStep: "effect-1", input: { label: 42 } }, operator))).toMatchObject({
      status: 400,
      code: "invalid_input",
      message: expect.stringContaining("input.label"),
    });
    // An edited copy of a shown (redacted) input would run with the placeholder instead of the secret.
    expect(await rejection(t.control.replayRun(source, { fromStep: "effect-1", input: { label: "key [REDACTED]" } }, operator))).toMatchObject({
      status: 400,
      code: "invalid_input",
      message: expect.stringContaining("[REDACTED]"),
    });
  });

  it("names the run's steps for an unknown step, the registered versions for an unknown version, and needs the operator role", async () => {
    const source = await failedRun("errors");
    expect(await rejection(t.control.replayRun(source, { fromStep: "nope" }, operator))).toMatchObject({
      status: 400,
      message: `Run ${source} has no step "nope" to replay from. Its recorded steps: "prepare", "effect-0", "summarise", "effect-1".`,
    });
    expect(await rejection(t.control.replayRun(source, { fromStep: "effect-1", version: 9 }, operator))).toMatchObject({
      status: 404,
      message: expect.stringContaining("Registered versions: 1, 2, 3"),
    });
    expect(await rejection(t.control.replayRun(source, { fromStep: "effect-1" }, viewer))).toMatchObject({ status: 403 });
    expect(await rejection(t.control.replayRun("run_missing", { fromStep: "effect-1" }, operator))).toMatchObject({ status: 404 });
  });
});
