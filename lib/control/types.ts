/**
 * The use cases' signatures (contract between lib/control and its callers in app/ and worker/).
 * Every write checks the actor's role here, not only in middleware, and writes an audit row.
 */
import type { UsageFilter, UsageReport } from "../data/usage-queries";
import type { BudgetConfig, Json, RunStatus, StepKind, StepStatus } from "../engine/types";
import type { JournalDivergence } from "../engine/compat";
import type { ApprovalView, Page, RunSummaryView, RunView, WorkflowView } from "../data/views";
import type { ForkSummary } from "../data/replay-store";
import type { BudgetPolicyWithUsage } from "../data/budget-policy-store";
import type { AlertEndpointView } from "../alerts/endpoint-store";
import type { AlertEndpointInput, BudgetPolicyCreateInput, BudgetPolicyUpdateInput } from "./budget-policies-schemas";
import type { ModelPriceInput, ModelPricesView, PriceTableView } from "./prices";
import type { RunBudgetView } from "../data/run-budget";

export type Role = "viewer" | "operator" | "approver" | "admin";
export const ROLES: readonly Role[] = ["viewer", "operator", "approver", "admin"];

/** Who performs an action: a signed-in user, an API key, a webhook or the system itself. */
export interface Actor {
  kind: "user" | "apikey" | "webhook" | "system";
  id: string;
  /** Human-readable: an email, a key name */
  label: string;
  role: Role;
}

export interface StartRunRequest {
  workflow: string;
  /** Default: the latest registered version */
  version?: number;
  input: unknown;
  idempotencyKey?: string;
  budget?: BudgetConfig;
}

export interface DecideApprovalRequest {
  decision: "approve" | "reject";
  comment?: string;
  /** The payload hash the approver was shown; a stale one is refused with 409 */
  payloadHash?: string;
  /**
   * For a budget approval (kind "budget") being approved: raise the run's budget by these amounts
   * before it continues. Without it the run continues only if the budget was raised otherwise.
   */
  raiseBudget?: { usd?: number; tokens?: number };
}

export interface RunFilter {
  workflow?: string;
  version?: number;
  status?: string[];
  /** Matches a run id prefix or text inside the input */
  search?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  limit?: number;
  cursor?: string;
}

export interface HealthReport {
  status: "ok" | "degraded";
  postgres: "up" | "down";
  redis: "up" | "down";
}

/** `POST /api/v1/runs/{id}/replay`: fork an ended run from one of its steps. */
export interface ReplayRequest {
  /** Id of the step to run again: steps before it are reused from the source run, it and later ones run again */
  fromStep: string;
  /** Version the fork runs on. @defaultValue the source run's version */
  version?: number;
  /** Input of the fork, validated against that version's schema. @defaultValue the source run's input */
  input?: unknown;
  /** A repeat with the same key (for the same source run) returns the same fork */
  idempotencyKey?: string;
}

/** One step of a replay preview. */
export interface ReplayStepPlan {
  seq: number;
  id: string;
  kind: StepKind;
  /**
   * - `reuse`: finished before the chosen step; its result (or failure) is copied, it does not run again;
   * - `rerun`: recorded in the source run at or after the chosen step (or before it but never
   *   finished, e.g. an open approval); it runs, or waits, again;
   * - `likely`: never recorded by the source run (it ended before), but a finished run of the
   *   version went on with it, so it will probably run too.
   */
  action: "reuse" | "rerun" | "likely";
  /** Its status in the source run (or in the finished run a `likely` step comes from) */
  status: StepStatus;
  /** Declared `sideEffect: true`: running it again touches the outside world again */
  sideEffect: boolean;
  /** LLM calls: model and the cost recorded last time (an estimate of what running it again costs) */
  model: string | null;
  costUsd: number | null;
}

export interface ReplayTotals {
  reusedSteps: number;
  /** Steps that run again (`rerun` plus `likely`) */
  rerunSteps: number;
  /** Of those, steps declared `sideEffect: true` */
  sideEffectSteps: number;
  /** Of those, LLM calls (they cost money again) */
  llmCalls: number;
  /** Recorded cost of those LLM calls, USD */
  estimatedCostUsd: number;
  /** Of those, approvals a person is asked again */
  approvals: number;
}

/** What a replay would do, shown before the operator confirms (`POST /api/v1/runs/{id}/replay/preview`). */
export interface ReplayPreview {
  sourceRun: { id: string; workflow: string; version: number; status: RunStatus };
  fromStep: { id: string; seq: number };
  /** The version the fork runs on */
  version: number;
  versionChanged: boolean;
  /** The fork's input (validated) */
  input: Json;
  inputChanged: boolean;
  steps: ReplayStepPlan[];
  totals: ReplayTotals;
  /** The finished run the `likely` steps come from */
  likelyStepsFrom: string | null;
  /**
   * Where the fork's version calls other steps than the source journal, at or after `fromStep`
   * (before it, the replay is refused with 422). From there on that version's code decides.
   */
  divergence: JournalDivergence | null;
  /** Plain-language cautions (steps that may run that nobody recorded, a changed version or input) */
  warnings: string[];
}

/** `POST /api/v1/replays/bulk`: replay the failed runs of a workflow version, each from its failed step. */
export interface BulkReplayRequest {
  workflow: string;
  version: number;
  /** Runs created at or after this time */
  createdAfter?: Date;
  /** Runs created before this time */
  createdBefore?: Date;
  /** Most runs to replay. @defaultValue 50 (at most 500) */
  limit?: number;
  /** Version the forks run on. @defaultValue each run's own version */
  targetVersion?: number;
  /** A repeat with the same key returns the same forks */
  idempotencyKey?: string;
}

export interface BulkReplayRunPlan {
  runId: string;
  createdAt: string;
  fromStep: { id: string; seq: number };
  totals: ReplayTotals;
}

export interface BulkReplayPreview {
  workflow: string;
  version: number;
  targetVersion: number;
  limit: number;
  /** Failed runs that will be replayed, oldest first */
  runs: BulkReplayRunPlan[];
  /** Failed runs that cannot be replayed, with the reason */
  skipped: Array<{ runId: string; reason: string }>;
  /** Failed runs left out because they were replayed before */
  alreadyReplayed: number;
  /** More failed runs match than `limit` */
  truncated: boolean;
  /** Sums over `runs` */
  totals: ReplayTotals & { runs: number };
}

export interface BulkReplayResult extends BulkReplayPreview {
  /** The forks made (a retry with the same Idempotency-Key returns the first request's forks, `created: false`) */
  forks: Array<{ sourceRunId: string; runId: string; created: boolean }>;
}

/** `GET /api/v1/compat` and `npm run waymark -- check-compat`. */
export interface CompatCheckRequest {
  workflow?: string;
  version?: number;
  /** Most in-flight runs to check. @defaultValue 1000 */
  limit?: number;
}

export interface CompatRunReport {
  runId: string;
  workflow: string;
  version: number;
  status: RunStatus;
  /** Journal entries the run has */
  journaledSteps: number;
  /**
   * Why it would break: a journal divergence, the code now failing where it did not
   * (`would_fail`), or no definition of its version in this code (`version_missing`)
   */
  problem: JournalDivergence["reason"] | "would_fail" | "version_missing";
  /** The first diverging step (the journal's step at that position), when one applies */
  step: { id: string; seq: number; kind: StepKind } | null;
  message: string;
}

export interface CompatReport {
  checkedAt: string;
  /** In-flight runs checked */
  checkedRuns: number;
  /** Runs that replay cleanly against the current definitions */
  compatibleRuns: number;
  /** Runs that would break, oldest first, each with its first diverging step */
  broken: CompatRunReport[];
  /** More in-flight runs exist than were checked */
  truncated: boolean;
}

/** A workflow version with its runs in flight and the workers that serve it. */
export interface VersionCoverageView {
  workflow: string;
  version: number;
  /** Stored definition hash (null: never registered by a worker) */
  hash: string | null;
  inFlight: { queued: number; running: number; waiting: number; total: number };
  /** Live workers serving it; null when no worker has ever reported presence */
  workers: number | null;
  /** Live workers that refuse it because its body changed under this version number, with why */
  refusedBy: Array<{ workerId: string; message: string }>;
  /** True when runs of it are in flight and no live worker serves it ("no worker has version N") */
  unserved: boolean;
}

/** Where a run comes from and what was forked from it. */
export interface RunLineage {
  runId: string;
  forkedFrom: { runId: string; atStep: string | null; status: RunStatus | null } | null;
  forks: ForkSummary[];
}

export interface Control {
  startRun(request: StartRunRequest, actor: Actor): Promise<{ run: RunView; created: boolean }>;
  cancelRun(runId: string, actor: Actor): Promise<RunView>;
  decideApproval(approvalId: string, request: DecideApprovalRequest, actor: Actor): Promise<ApprovalView>;
  getRun(runId: string, actor: Actor): Promise<RunView>;
  listRuns(filter: RunFilter, actor: Actor): Promise<Page<RunSummaryView>>;
  listWorkflows(actor: Actor): Promise<WorkflowView[]>;
  listApprovals(filter: { status?: ApprovalView["status"] }, actor: Actor): Promise<ApprovalView[]>;
  health(): Promise<HealthReport>;
  /** Forks an ended run from one of its steps (operator, audited `run.replay`); 409 while it runs, 422 when the version diverges before the step. */
  replayRun(runId: string, request: ReplayRequest, actor: Actor): Promise<{ run: RunView; created: boolean }>;
  /** What `replayRun` would reuse and run again, with side effects and cost; changes nothing. */
  previewReplay(runId: string, request: ReplayRequest, actor: Actor): Promise<ReplayPreview>;
  previewBulkReplay(request: BulkReplayRequest, actor: Actor): Promise<BulkReplayPreview>;
  /** Replays every failed run of a version in a time range from its failed step (operator, audited). */
  bulkReplay(request: BulkReplayRequest, actor: Actor): Promise<BulkReplayResult>;
  /** Replays the journals of in-flight runs against this process's definitions; lists the runs that would break. */
  checkCompat(request: CompatCheckRequest, actor: Actor): Promise<CompatReport>;
  /** Per workflow version: runs in flight and the live workers serving it. */
  listVersionCoverage(actor: Actor, workflow?: string): Promise<VersionCoverageView[]>;
  getRunLineage(runId: string, actor: Actor): Promise<RunLineage>;
  /** LLM calls, tokens and cost (failed attempts included), grouped and filtered (viewer). Sums equal the journal's. */
  getUsage(filter: UsageFilter, actor: Actor): Promise<UsageReport>;
  /** Workflow day/month and global daily budgets, each with its current period's usage (viewer). */
  listBudgetPolicies(actor: Actor): Promise<BudgetPolicyWithUsage[]>;
  /** Admin, audited `budget_policy.create`; 409 when the (scope, workflow) budget exists, 404 for an unknown workflow. */
  createBudgetPolicy(input: BudgetPolicyCreateInput, actor: Actor): Promise<BudgetPolicyWithUsage>;
  /** Admin, audited `budget_policy.update`; also changes the current period's ledger limits. */
  updateBudgetPolicy(id: string, patch: BudgetPolicyUpdateInput, actor: Actor): Promise<BudgetPolicyWithUsage>;
  /** Admin, audited `budget_policy.delete`. */
  deleteBudgetPolicy(id: string, actor: Actor): Promise<void>;
  /** Where budget alerts go (admin); never the secret. */
  getAlertEndpoint(actor: Actor): Promise<AlertEndpointView | null>;
  /** Admin, audited; `secret` is the new signing secret, shown once (new endpoint or `rotateSecret`). */
  saveAlertEndpoint(input: AlertEndpointInput, actor: Actor): Promise<{ endpoint: AlertEndpointView; secret: string | null }>;
  deleteAlertEndpoint(actor: Actor): Promise<void>;
  /** The model price table: per model the price in force, scheduled changes and history (viewer). */
  listPrices(actor: Actor): Promise<PriceTableView>;
  /** Admin, audited `model_price.add`: a price from now or a later date on (400 when dated in the past). */
  addPrice(input: ModelPriceInput, actor: Actor): Promise<ModelPricesView>;
  /** A run's budget pauses with their decisions, its own ledger, and what each LLM attempt was charged (viewer). */
  getRunBudget(runId: string, actor: Actor): Promise<RunBudgetView>;
}
