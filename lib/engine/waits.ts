/**
 * Durable waits: `ctx.waitForApproval` and `ctx.sleep`. A wait records itself and ends the tick;
 * a later tick finds it decided (by a person, through the data layer) or due, and goes on.
 */
import { StepFailedError } from "./errors";
import { jsonRoundTrip } from "./json";
import { parked, type TickState } from "./tick-state";
import type { ApprovalDecision, ApprovalOptions, JournalEntry, Json } from "./types";

interface WaitSpec<T> {
  stepId: string;
  kind: "approval" | "sleep";
  input: Json;
  approval?: { summary: string; data: Json };
  /** From the wait's start; null waits until decided */
  durationMs: number | null;
  /** The journaled output as the workflow sees it */
  fromOutput(output: Json | undefined): T;
  /** The wait is due: record its end and return what the workflow sees */
  onDue(entry: JournalEntry, now: Date): Promise<T>;
}

async function durableWait<T>(state: TickState, spec: WaitSpec<T>): Promise<T> {
  const { seq, entry } = state.claim(spec.stepId, spec.kind);
  if (entry?.status === "succeeded") return spec.fromOutput(entry.output);
  if (entry?.status === "failed") {
    throw new StepFailedError(spec.stepId, entry.error ?? { name: "Error", message: `Wait "${spec.stepId}" failed`, reason: "step_failed" }, entry.attempts);
  }
  state.assertMayStartWork();
  const now = state.args.clock.now();
  if (entry) {
    if (entry.wakeAt && entry.wakeAt.getTime() <= now.getTime()) {
      return state.track(spec.onDue(entry, now));
    }
    state.suspend({ stepId: spec.stepId, runStatus: "waiting", wakeAt: entry.wakeAt ?? null });
    return parked();
  }
  const wakeAt = spec.durationMs === null ? null : new Date(now.getTime() + spec.durationMs);
  // Suspend before the write: the outcome must be known when the tick drains its writes.
  state.suspend({ stepId: spec.stepId, runStatus: "waiting", wakeAt });
  await state.write((writer) =>
    writer.beginWait({ seq, stepId: spec.stepId, kind: spec.kind, startedAt: now, wakeAt, input: spec.input, ...(spec.approval ? { approval: spec.approval } : {}) }),
  );
  state.remember({
    seq,
    stepId: spec.stepId,
    kind: spec.kind,
    status: "waiting",
    attempts: 1,
    input: spec.input,
    startedAt: now,
    ...(wakeAt ? { wakeAt } : {}),
  });
  return parked();
}

export function waitForApproval(state: TickState, stepId: string, options: ApprovalOptions): Promise<ApprovalDecision> {
  if (!options || typeof options.summary !== "string") {
    return Promise.reject(new TypeError(`ctx.waitForApproval("${stepId}") needs { summary: string }: one line telling the approver what they decide.`));
  }
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    return Promise.reject(new TypeError(`ctx.waitForApproval("${stepId}"): timeoutMs must be a positive number of milliseconds.`));
  }
  const data = jsonRoundTrip(options.data ?? null).value;
  return durableWait<ApprovalDecision>(state, {
    stepId,
    kind: "approval",
    input: { summary: options.summary, data },
    approval: { summary: options.summary, data },
    durationMs: timeoutMs ?? null,
    fromOutput: (output) => output as unknown as ApprovalDecision,
    onDue: async (entry, now) => {
      const decision = await state.write((writer) => writer.expireApproval(entry.seq, entry.stepId, now));
      const output = jsonRoundTrip(decision).value;
      state.remember({ ...entry, status: "succeeded", output, finishedAt: now });
      return output as unknown as ApprovalDecision;
    },
  });
}

export function sleep(state: TickState, stepId: string, ms: number): Promise<void> {
  if (!(Number.isFinite(ms) && ms >= 0)) {
    return Promise.reject(new TypeError(`ctx.sleep("${stepId}", ms): ms must be a number of milliseconds >= 0, got ${ms}.`));
  }
  return durableWait<void>(state, {
    stepId,
    kind: "sleep",
    input: { ms },
    durationMs: ms,
    fromOutput: () => undefined,
    onDue: async (entry, now) => {
      const done: JournalEntry = { ...entry, status: "succeeded", output: null, finishedAt: now };
      await state.write((writer) => writer.complete(done));
      state.remember(done);
    },
  });
}
