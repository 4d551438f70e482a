/**
 * What people are shown: the views the Control hands to the console and the HTTP API, with
 * key-like secrets and secret-named fields redacted in payloads (inputs, outputs, errors, approval
 * texts). Only payloads: ids, actors and names stay as they are. The engine and replay read the
 * journal themselves, never these views, so nothing redacted is ever run with.
 */
import type { Json } from "../engine/types";
import type { RunBudgetView } from "../data/run-budget";
import type { ApprovalView, Page, RunSummaryView, RunView, StepView } from "../data/views";
import { redactJson, redactSecrets } from "../log/redact";
import type { ReplayPreview } from "./types";

/** What a redacted payload value reads as; an edited replay input that still holds it is refused. */
export const REDACTED = "[REDACTED]";

const shownError = <E extends { message: string } | null>(error: E): E => (error === null ? error : { ...error, message: redactSecrets(error.message) });
const shownJson = <J extends Json | null>(value: J): J => redactJson(value);

export function shownApproval(approval: ApprovalView): ApprovalView {
  return {
    ...approval,
    summary: redactSecrets(approval.summary),
    data: shownJson(approval.data),
    comment: approval.comment === null ? null : redactSecrets(approval.comment),
  };
}

function shownStep(step: StepView): StepView {
  return {
    ...step,
    input: shownJson(step.input),
    output: shownJson(step.output),
    error: shownError(step.error),
    attemptHistory: step.attemptHistory.map((attempt) => ({ ...attempt, error: shownError(attempt.error) })),
    approval: step.approval && shownApproval(step.approval),
  };
}

export function shownRunSummary<R extends RunSummaryView>(run: R): R {
  return { ...run, error: shownError(run.error) };
}

export function shownRun(run: RunView): RunView {
  return { ...shownRunSummary(run), input: shownJson(run.input), output: shownJson(run.output), steps: run.steps.map(shownStep) };
}

export const shownRunPage = (page: Page<RunSummaryView>): Page<RunSummaryView> => ({ ...page, items: page.items.map(shownRunSummary) });

export const shownReplayPreview = (preview: ReplayPreview): ReplayPreview => ({ ...preview, input: shownJson(preview.input) });

export function shownRunBudget(budget: RunBudgetView): RunBudgetView {
  return {
    ...budget,
    pauses: budget.pauses.map((pause) => ({ ...pause, summary: redactSecrets(pause.summary), comment: pause.comment === null ? null : redactSecrets(pause.comment) })),
  };
}

/** True when a JSON value still holds a redacted placeholder (an edited copy of a shown payload). */
export function holdsRedacted(value: unknown): boolean {
  if (typeof value === "string") return value.includes(REDACTED);
  if (Array.isArray(value)) return value.some(holdsRedacted);
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsRedacted);
  return false;
}
