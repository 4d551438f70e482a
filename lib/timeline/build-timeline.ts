/**
 * RunView → waterfall. Pure: the same run and `now` always give the same rows, so the console's
 * timeline is tested here instead of through screenshots (temporalio/ui's event-groups idea:
 * journal → grouped steps → bars).
 *
 * Rules a reader of the timeline relies on:
 * - one row per journal entry, ordered by start time (parallel steps overlap on the axis);
 * - a retried step gets one bar per attempt on its row, plus one child row per attempt with its error;
 * - the gap between a failed attempt and its retry is a "backoff" bar, waits are "wait" bars;
 * - while the run is live, unfinished bars end at `now`; once the run is over they end where the run did
 *   (a step interrupted by a cancel never finished, and must not keep growing);
 * - given the run's budget view, each budget pause is a "budget" row with a wait bar from the pause to
 *   the decision (raised / aborted), a budget failure without a pause is a "budget" row with a mark at
 *   the run's end, and LLM rows carry what each attempt was charged (failed attempts included).
 */
import type { RunBudgetView } from "../data/run-budget";
import type { RunView, StepAttemptView, StepView } from "../data/views";
import { buildAxis, toPct } from "./axis";
import { budgetFailureOf, budgetPauseFacts, chargesOfStep, chargeTotals } from "./budget-events";
import { formatDuration } from "./format-duration";
import type { AttemptError, BarKind, BarStatus, BudgetPauseFacts, ChargeFacts, LlmFacts, Timeline, TimelineBar, TimelineRow, WaitFacts } from "./types";

const TERMINAL_RUN_STATUSES = new Set(["succeeded", "failed", "cancelled"]);

/** A bar before it is placed on the axis (absolute epoch milliseconds). */
interface Segment {
  kind: BarKind;
  status: BarStatus;
  attempt: number | null;
  startMs: number;
  endMs: number;
  open: boolean;
}

interface StepSegments {
  type: "step";
  step: StepView;
  segments: Segment[];
  attempts: StepAttemptView[];
  charges: ChargeFacts[];
}

/** A budget pause, or (pause null) the mark of a budget failure at the run's end. */
interface BudgetSegments {
  type: "budget";
  key: string;
  pause: BudgetPauseFacts | null;
  segments: Segment[];
}

type Group = StepSegments | BudgetSegments;

export function isTerminalRunStatus(status: string): boolean {
  return TERMINAL_RUN_STATUSES.has(status);
}

export interface TimelineOptions {
  /**
   * "run": the axis spans the whole run. "work": it ends where the last execution (attempt or
   * backoff) ends, so steps stay readable when a wait of hours dwarfs them; longer waits are cut
   * at the edge (`clipped`). @defaultValue "run"
   */
  scale?: "run" | "work";
  /** The run's budget pauses and charges (GET /api/v1/runs/{id}/budget). Omitted: no budget rows, no charges */
  budget?: RunBudgetView;
}

export function buildTimeline(run: RunView, now: Date, options: TimelineOptions = {}): Timeline {
  const live = !isTerminalRunStatus(run.status);
  const nowMs = now.getTime();
  const runStartMs = toMs(run.startedAt) ?? toMs(run.createdAt) ?? nowMs;
  const openEndMs = live ? Math.max(nowMs, runStartMs) : (toMs(run.finishedAt) ?? toMs(run.updatedAt) ?? runStartMs);

  const steps = [...run.steps]
    .sort((a, b) => (toMs(a.startedAt) ?? 0) - (toMs(b.startedAt) ?? 0) || a.seq - b.seq)
    .map((step) => segmentStep(step, openEndMs, live, chargesOfStep(options.budget, step.seq)));
  const budgetFailure = budgetFailureOf(run, options.budget);
  const budget = budgetGroups(run, options.budget, openEndMs, live, budgetFailure !== null);
  // Budget rows go in by time among the steps (a pause comes before the step it held back).
  const groups: Group[] = [...steps];
  for (const group of budget) {
    const at = groups.findIndex((other) => other.segments.length > 0 && other.segments[0]!.startMs > group.segments[0]!.startMs);
    groups.splice(at === -1 ? groups.length : at, 0, group);
  }

  const allSegments = groups.flatMap((s) => s.segments);
  const axisStart = Math.min(runStartMs, ...allSegments.map((s) => s.startMs));
  const wholeRunEnd = Math.max(openEndMs, toMs(run.finishedAt) ?? 0, ...allSegments.map((s) => s.endMs));
  const work = allSegments.filter((s) => s.kind !== "wait");
  const axisEnd = options.scale === "work" && work.length > 0 ? workScaleEnd(axisStart, work, wholeRunEnd) : wholeRunEnd;
  const axis = buildAxis(axisStart, axisEnd);

  const place = (segment: Segment, key: string): TimelineBar => placeBar(segment, key, axis.startMs, axis.durationMs);
  const rows = groups.flatMap((entry) => (entry.type === "step" ? rowsForStep(entry, place) : [budgetRow(entry, place)]));

  return {
    axis,
    rows,
    live,
    scale: options.scale ?? "run",
    waitsDominate: waitsDominate(allSegments, axisStart, wholeRunEnd),
    totals: { ...totalsOf(run.steps), ...chargeTotals(options.budget) },
    budgetFailure,
  };
}

const PAUSE_STATUS: Record<BudgetPauseFacts["decision"]["outcome"], BarStatus> = {
  pending: "waiting",
  raised: "approved",
  continued: "approved",
  aborted: "rejected",
  expired: "expired",
};

function budgetGroups(run: RunView, budget: RunBudgetView | undefined, openEndMs: number, live: boolean, failed: boolean): BudgetSegments[] {
  const groups: BudgetSegments[] = (budget?.pauses ?? []).map((view) => {
    const pause = budgetPauseFacts(view);
    const startMs = toMs(pause.pausedAt) ?? openEndMs;
    const decidedMs = toMs(pause.decision.at);
    return {
      type: "budget",
      key: `budget:${pause.approvalId}`,
      pause,
      segments: [
        {
          kind: "wait",
          status: PAUSE_STATUS[pause.decision.outcome],
          attempt: null,
          startMs,
          endMs: Math.max(decidedMs ?? openEndMs, startMs),
          open: decidedMs === null && live,
        },
      ],
    };
  });
  // `onExceed: "fail"` leaves no pause behind: the failure itself is the event.
  if (failed && !groups.some((group) => group.pause?.decision.outcome === "aborted")) {
    const atMs = toMs(run.finishedAt) ?? openEndMs;
    groups.push({ type: "budget", key: "budget:failed", pause: null, segments: [{ kind: "marker", status: "failed", attempt: null, startMs: atMs, endMs: atMs, open: false }] });
  }
  return groups;
}

function budgetRow(entry: BudgetSegments, place: (segment: Segment, key: string) => TimelineBar): TimelineRow {
  const bars = entry.segments.map((segment, index) => place(segment, `${entry.key}:${index}`));
  return {
    key: entry.key,
    type: "budget",
    depth: 0,
    stepId: entry.pause?.stepId ?? "",
    seq: -1,
    kind: "llm",
    status: bars[0]!.status,
    label: entry.pause ? `budget pause · ${entry.pause.stepId}` : "budget exceeded",
    durationMs: spanOf(bars),
    attemptCount: 0,
    bars,
    errors: [],
    llm: null,
    wait: null,
    budget: entry.pause,
    charges: [],
    step: null,
  };
}

function segmentStep(step: StepView, openEndMs: number, live: boolean, charges: ChargeFacts[]): StepSegments {
  if (step.kind === "approval" || step.kind === "sleep") {
    const startMs = toMs(step.startedAt) ?? openEndMs;
    const finishedMs = toMs(step.finishedAt) ?? toMs(step.approval?.decidedAt ?? null);
    return {
      type: "step",
      step,
      attempts: [],
      charges,
      segments: [
        {
          kind: "wait",
          status: waitStatus(step),
          attempt: null,
          startMs,
          endMs: Math.max(finishedMs ?? openEndMs, startMs),
          open: finishedMs === null && live,
        },
      ],
    };
  }

  const attempts = attemptsOf(step);
  const segments: Segment[] = [];
  attempts.forEach((attempt, index) => {
    const previous = segments.at(-1);
    // Attempts are sequential. A final attempt recorded with the step's first start time (the
    // journal row keeps it) would otherwise be drawn over the failed attempts before it.
    const startMs = Math.max(toMs(attempt.startedAt) ?? openEndMs, previous?.endMs ?? -Infinity);
    if (previous && startMs > previous.endMs) {
      segments.push({ kind: "backoff", status: "waiting", attempt: null, startMs: previous.endMs, endMs: startMs, open: false });
    }
    const finishedMs = toMs(attempt.finishedAt);
    const unfinished = finishedMs === null;
    segments.push({
      kind: "attempt",
      status: unfinished && !live ? "interrupted" : attempt.status,
      attempt: attempt.attempt || index + 1,
      startMs,
      endMs: Math.max(finishedMs ?? openEndMs, startMs),
      open: unfinished && live,
    });
  });

  // A failed attempt with a retry scheduled: show the wait until the retry as a backoff bar.
  const last = segments.at(-1);
  const retryAtMs = toMs(step.wakeAt);
  if (last && last.kind === "attempt" && !last.open && last.status !== "succeeded" && step.finishedAt === null && retryAtMs !== null && retryAtMs > last.endMs) {
    segments.push({ kind: "backoff", status: "waiting", attempt: null, startMs: last.endMs, endMs: retryAtMs, open: false });
  }
  return { type: "step", step, segments, attempts, charges };
}

/** The attempt history, or one attempt made up from the step itself when the history is empty. */
function attemptsOf(step: StepView): StepAttemptView[] {
  if (step.attemptHistory.length > 0) return [...step.attemptHistory].sort((a, b) => a.attempt - b.attempt);
  return [
    {
      attempt: Math.max(step.attempts, 1),
      status: step.status === "failed" ? "failed" : step.status === "succeeded" ? "succeeded" : "running",
      error: step.error ? { name: step.error.name, message: step.error.message } : null,
      startedAt: step.startedAt,
      finishedAt: step.finishedAt,
    },
  ];
}

function waitStatus(step: StepView): BarStatus {
  if (step.kind === "approval" && step.approval && step.approval.status !== "pending") return step.approval.status;
  if (step.status === "failed") return "failed";
  return step.finishedAt ? "succeeded" : "waiting";
}

function rowsForStep(entry: StepSegments, place: (segment: Segment, key: string) => TimelineBar): TimelineRow[] {
  const { step, segments, attempts, charges } = entry;
  const bars = segments.map((segment, index) => place(segment, `${step.id}:${index}`));
  const errors = errorsOf(step, attempts);
  const attemptCount = Math.max(step.attempts, attempts.length, step.kind === "approval" || step.kind === "sleep" ? 0 : 1);
  const row: TimelineRow = {
    key: step.id,
    type: "step",
    depth: 0,
    stepId: step.id,
    seq: step.seq,
    kind: step.kind,
    status: stepStatus(step, bars),
    label: step.id,
    durationMs: spanOf(bars),
    attemptCount,
    bars,
    errors,
    llm: llmFactsOf(step),
    wait: waitFactsOf(step),
    budget: null,
    charges,
    step,
  };
  if (attempts.length < 2) return [row];

  const attemptRows: TimelineRow[] = bars
    .filter((bar) => bar.kind === "attempt")
    .map((bar) => ({
      ...row,
      key: `${step.id}#${bar.attempt}`,
      type: "attempt",
      depth: 1,
      status: bar.status,
      label: `attempt ${bar.attempt}`,
      durationMs: bar.durationMs,
      attemptCount: 1,
      bars: [bar],
      errors: errors.filter((error) => error.attempt === bar.attempt),
      llm: null,
      charges: charges.filter((charge) => charge.attempt === bar.attempt),
    }));
  return [row, ...attemptRows];
}

function stepStatus(step: StepView, bars: TimelineBar[]): BarStatus {
  if (step.kind === "approval" || step.kind === "sleep") return bars[0]?.status ?? "waiting";
  const lastAttempt = [...bars].reverse().find((bar) => bar.kind === "attempt");
  if (step.status === "running" && lastAttempt?.status === "interrupted") return "interrupted";
  return step.status;
}

function errorsOf(step: StepView, attempts: StepAttemptView[]): AttemptError[] {
  const errors: AttemptError[] = attempts
    .filter((attempt) => attempt.error !== null)
    .map((attempt) => ({ attempt: attempt.attempt, name: attempt.error!.name, message: attempt.error!.message }));
  const finalAttempt = Math.max(step.attempts, attempts.at(-1)?.attempt ?? 1);
  if (step.status === "failed" && step.error && !errors.some((error) => error.attempt === finalAttempt)) {
    errors.push({ attempt: finalAttempt, name: step.error.name, message: step.error.message });
  }
  return errors;
}

function llmFactsOf(step: StepView): LlmFacts | null {
  if (step.kind !== "llm" || !step.usage) return null;
  const usage = step.usage;
  return {
    provider: usage.provider,
    model: usage.model,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    totalTokens: usage.inputTokens + usage.outputTokens,
    costUsd: usage.costUsd,
    finishReason: usage.finishReason,
    latencyMs: usage.latencyMs,
  };
}

function waitFactsOf(step: StepView): WaitFacts | null {
  if (step.kind !== "approval" && step.kind !== "sleep") return null;
  const approval = step.kind === "approval" ? step.approval : null;
  return {
    kind: step.kind,
    wakeAt: step.wakeAt ?? approval?.expiresAt ?? null,
    decision: approval
      ? { status: approval.status, decidedBy: approval.decidedBy, decidedAt: approval.decidedAt, comment: approval.comment }
      : null,
    summary: approval?.summary ?? null,
  };
}

function placeBar(segment: Segment, key: string, axisStartMs: number, axisMs: number): TimelineBar {
  const startOffsetMs = segment.startMs - axisStartMs;
  const durationMs = segment.endMs - segment.startMs;
  const leftPct = toPct(startOffsetMs, axisMs);
  const widthPct = Math.min(toPct(durationMs, axisMs), Math.round((100 - leftPct) * 100) / 100);
  return {
    key,
    kind: segment.kind,
    status: segment.status,
    attempt: segment.attempt,
    startOffsetMs,
    durationMs,
    leftPct,
    widthPct,
    open: segment.open,
    clipped: segment.endMs > axisStartMs + axisMs,
    label: barLabel(segment, durationMs),
  };
}

function barLabel(segment: Segment, durationMs: number): string {
  const took = `${formatDuration(durationMs)}${segment.open ? " so far" : ""}`;
  if (segment.kind === "backoff") return `waiting to retry · ${took}`;
  if (segment.kind === "wait") return `wait · ${segment.status} · ${took}`;
  if (segment.kind === "marker") return `budget exceeded · the run failed`;
  return `attempt ${segment.attempt} · ${segment.status.replace("_", " ")} · ${took}`;
}

/** The last execution's end plus 15 %, so a wait that follows still shows as a stub at the edge. */
function workScaleEnd(startMs: number, work: Segment[], wholeRunEnd: number): number {
  const lastWork = Math.max(...work.map((s) => s.endMs));
  return Math.min(wholeRunEnd, lastWork + Math.max(lastWork - startMs, 1) * 0.15);
}

/** Waits take most of the run: the "work" scale is worth offering. */
function waitsDominate(segments: Segment[], startMs: number, endMs: number): boolean {
  const waitMs = segments.filter((s) => s.kind === "wait").reduce((sum, s) => sum + (s.endMs - s.startMs), 0);
  return waitMs > 0.5 * Math.max(endMs - startMs, 1);
}

function spanOf(bars: TimelineBar[]): number {
  if (bars.length === 0) return 0;
  const start = Math.min(...bars.map((bar) => bar.startOffsetMs));
  const end = Math.max(...bars.map((bar) => bar.startOffsetMs + bar.durationMs));
  return end - start;
}

function totalsOf(steps: StepView[]): Omit<Timeline["totals"], "chargedUsd" | "failedAttemptsChargedUsd"> {
  let attempts = 0;
  let failedAttempts = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd = 0;
  for (const step of steps) {
    if (step.kind === "step" || step.kind === "llm") attempts += Math.max(step.attempts, step.attemptHistory.length, 1);
    failedAttempts += step.attemptHistory.filter((a) => a.status === "failed" || a.status === "timed_out").length;
    inputTokens += step.usage?.inputTokens ?? 0;
    outputTokens += step.usage?.outputTokens ?? 0;
    costUsd += step.usage?.costUsd ?? 0;
  }
  return { steps: steps.length, attempts, failedAttempts, inputTokens, outputTokens, costUsd: Math.round(costUsd * 1e6) / 1e6 };
}

function toMs(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}
