/**
 * The run timeline as the console draws it: rows of bars on one time axis. Built from a RunView
 * by `buildTimeline` (pure), so the waterfall's geometry is unit-tested rather than eyeballed.
 */
import type { StepKind } from "../engine/types";
import type { StepView } from "../data/views";
import type { LlmChargeView } from "../data/price-store";

/** What a bar stands for, which decides how it is drawn. */
export type BarKind =
  /** One execution of a step's function (or of an LLM call) */
  | "attempt"
  /** A wait for a person or a timer: drawn hatched */
  | "wait"
  /** The pause between a failed attempt and its scheduled retry */
  | "backoff"
  /** An instant (a budget failure): drawn as a thin mark */
  | "marker";

export type BarStatus = "succeeded" | "failed" | "timed_out" | "running" | "waiting" | "approved" | "rejected" | "expired" | "interrupted";

export interface TimelineBar {
  key: string;
  kind: BarKind;
  status: BarStatus;
  /** 1-based attempt number for attempt bars */
  attempt: number | null;
  /** Milliseconds from the axis start */
  startOffsetMs: number;
  durationMs: number;
  /** Position and size on the axis in percent (0–100), ready for CSS */
  leftPct: number;
  widthPct: number;
  /** The bar is still growing (its end is `now`) */
  open: boolean;
  /** The bar goes on past the right edge of the axis (a long wait on the "work" scale) */
  clipped: boolean;
  /** Short text for a tooltip / accessible label */
  label: string;
}

export interface LlmFacts {
  provider: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
  finishReason: string | null;
  latencyMs: number | null;
}

export interface WaitFacts {
  kind: "approval" | "sleep";
  /** When the wait ends on its own (sleep end or approval timeout) */
  wakeAt: string | null;
  /** For approvals: the outcome once someone (or the timeout) decided */
  decision: {
    status: "pending" | "approved" | "rejected" | "expired";
    decidedBy: string | null;
    decidedAt: string | null;
    comment: string | null;
  } | null;
  summary: string | null;
}

export interface AttemptError {
  attempt: number;
  name: string;
  message: string;
}

/** What a budget pause was about and how it was decided (from a budget approval). */
export interface BudgetPauseFacts {
  approvalId: string;
  /** The LLM step whose call did not fit */
  stepId: string;
  /** "the run's budget", "the daily budget of freight-quote (2026-11-23)" */
  budget: string;
  ledgerId: string | null;
  limitUsd: number | null;
  limitTokens: number | null;
  spentUsd: number | null;
  spentTokens: number | null;
  /** What the approver was shown, with the call's estimate */
  summary: string;
  pausedAt: string;
  decision: {
    /** "raised": approved with a raise; "continued": approved without one; "aborted": rejected */
    outcome: "pending" | "raised" | "continued" | "aborted" | "expired";
    by: string | null;
    at: string | null;
    comment: string | null;
    raisedBy: { usd: number | null; tokens: number | null } | null;
    limitsAfter: { usd: number | null; tokens: number | null } | null;
  };
}

/** One LLM call attempt's charge: failed attempts are charged too. */
export type ChargeFacts = LlmChargeView;

export interface TimelineRow {
  key: string;
  /**
   * "step" rows are the journal entries; "attempt" rows are a retried step's individual attempts;
   * "budget" rows are budget pauses (a wait for a raise or an abort) and a budget failure
   */
  type: "step" | "attempt" | "budget";
  depth: 0 | 1;
  stepId: string;
  seq: number;
  kind: StepKind;
  /** Displayed status: the step's status, or the attempt's for attempt rows */
  status: BarStatus;
  label: string;
  /** From the first bar's start to the last bar's end (to `now` while open) */
  durationMs: number;
  attemptCount: number;
  bars: TimelineBar[];
  /** Errors of failed attempts (and of the final one if the step failed), oldest first */
  errors: AttemptError[];
  llm: LlmFacts | null;
  wait: WaitFacts | null;
  /** Budget rows: the pause and its decision (null for the failure row and for step rows) */
  budget: BudgetPauseFacts | null;
  /** LLM steps: what each attempt was charged (the step row: all; an attempt row: its own), when known */
  charges: ChargeFacts[];
  /** The source step, for the detail panel; null for budget rows */
  step: StepView | null;
}

export interface AxisTick {
  offsetMs: number;
  leftPct: number;
  label: string;
}

export interface TimelineAxis {
  /** Epoch milliseconds of the axis origin */
  startMs: number;
  endMs: number;
  durationMs: number;
  ticks: AxisTick[];
}

export interface Timeline {
  axis: TimelineAxis;
  rows: TimelineRow[];
  /** The run has not reached a terminal status: bars may still grow */
  live: boolean;
  /** What the axis spans: the whole run, or the executions only */
  scale: "run" | "work";
  /** Waits make up most of the run, so steps are hard to see on the whole-run scale */
  waitsDominate: boolean;
  totals: {
    steps: number;
    attempts: number;
    failedAttempts: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    /** Every attempt's charge, failed ones included (null when the charges are not known) */
    chargedUsd: number | null;
    /** Of that, what failed attempts were charged */
    failedAttemptsChargedUsd: number | null;
  };
  /** The run ended because of a budget (`onExceed: "fail"`, or an approver aborted it at a pause) */
  budgetFailure: { message: string; abortedBy: string | null } | null;
}
