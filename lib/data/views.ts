/**
 * JSON shapes of the HTTP API v1 (contract) and the console. Dates are ISO strings; money is a
 * number of USD. Read models in lib/data return these; route handlers serialise them as-is.
 */
import type { BudgetConfig, Json, RunStatus, SerializedError, StepKind, StepStatus } from "../engine/types";

export interface StepAttemptView {
  attempt: number;
  status: "failed" | "timed_out" | "succeeded" | "running";
  error: Pick<SerializedError, "name" | "message"> | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface StepUsageView {
  provider: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  finishReason: string | null;
  latencyMs: number | null;
}

export interface StepView {
  seq: number;
  id: string;
  kind: StepKind;
  status: StepStatus;
  attempts: number;
  sideEffect: boolean;
  startedAt: string;
  finishedAt: string | null;
  wakeAt: string | null;
  input: Json | null;
  output: Json | null;
  error: Pick<SerializedError, "name" | "message" | "reason"> | null;
  usage: StepUsageView | null;
  /** Failed attempts first, then the final one */
  attemptHistory: StepAttemptView[];
  /** For approval steps: the decision, who and when */
  approval: ApprovalView | null;
}

export interface RunSummaryView {
  id: string;
  workflow: string;
  version: number;
  status: RunStatus;
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  stepCount: number;
  totalTokens: number;
  totalCostUsd: number;
  error: Pick<SerializedError, "name" | "message" | "reason"> | null;
  forkedFromRunId: string | null;
  forkedAtStep: string | null;
}

export interface RunView extends RunSummaryView {
  input: Json;
  output: Json | null;
  budget: BudgetConfig | null;
  wakeAt: string | null;
  deadlineAt: string | null;
  idempotencyKey: string | null;
  steps: StepView[];
}

export interface ApprovalView {
  id: string;
  runId: string;
  stepId: string;
  kind: "approval" | "budget";
  status: "pending" | "approved" | "rejected" | "expired";
  summary: string;
  data: Json | null;
  payloadHash: string;
  createdAt: string;
  expiresAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  workflow?: string;
  version?: number;
}

export interface WorkflowVersionView {
  version: number;
  hash: string;
  description: string | null;
  /** JSON Schema (draft 2020-12) of the input */
  inputSchema: Json;
  /** Whether a definition for this version is loaded in this process */
  registered: boolean;
}

export interface WorkflowView {
  name: string;
  latestVersion: number;
  versions: WorkflowVersionView[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
