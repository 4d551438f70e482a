/**
 * The run timeline as the console draws it: rows of bars on one time axis. Built from a RunView
 * by `buildTimeline` (pure), so the waterfall's geometry is unit-tested rather than eyeballed.
 */
import type { StepKind } from "../engine/types";
import type { StepView } from "../data/views";

/** What a bar stands for, which decides how it is drawn. */
export type BarKind =
  /** One execution of a step's function (or of an LLM call) */
  | "attempt"
  /** A wait for a person or a timer: drawn hatched */
  | "wait"
  /** The pause between a failed attempt and its scheduled retry */
  | "backoff";

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

export interface TimelineRow {
  key: string;
  /** "step" rows are the journal entries; "attempt" rows are a retried step's individual attempts */
  type: "step" | "attempt";
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
  /** The source step, for the detail panel */
  step: StepView;
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
  totals: { steps: number; attempts: number; failedAttempts: number; inputTokens: number; outputTokens: number; costUsd: number };
}
