/**
 * The use cases' signatures (contract between lib/control and its callers in app/ and worker/).
 * Every write checks the actor's role here, not only in middleware, and writes an audit row.
 */
import type { BudgetConfig } from "../engine/types";
import type { ApprovalView, Page, RunSummaryView, RunView, WorkflowView } from "../data/views";

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

export interface Control {
  startRun(request: StartRunRequest, actor: Actor): Promise<{ run: RunView; created: boolean }>;
  cancelRun(runId: string, actor: Actor): Promise<RunView>;
  decideApproval(approvalId: string, request: DecideApprovalRequest, actor: Actor): Promise<ApprovalView>;
  getRun(runId: string, actor: Actor): Promise<RunView>;
  listRuns(filter: RunFilter, actor: Actor): Promise<Page<RunSummaryView>>;
  listWorkflows(actor: Actor): Promise<WorkflowView[]>;
  listApprovals(filter: { status?: ApprovalView["status"] }, actor: Actor): Promise<ApprovalView[]>;
  health(): Promise<HealthReport>;
}
