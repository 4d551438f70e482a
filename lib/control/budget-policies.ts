/**
 * Budget policies and the alert endpoint, for admins (viewers may read the policies and their
 * current usage). Every change is audited; the alert secret never is.
 */
import { alertTargetUrl } from "../alerts/guarded-post";
import { deleteAlertEndpoint as deleteEndpointRow, getAlertEndpoint as getEndpointRow, saveAlertEndpoint as saveEndpointRow, type AlertEndpointView } from "../alerts/endpoint-store";
import {
  budgetPolicyId,
  deleteBudgetPolicy as deletePolicyRow,
  getBudgetPolicy,
  listBudgetPolicies as listPolicyRows,
  saveBudgetPolicy,
  type BudgetPolicy,
  type BudgetPolicyWithUsage,
} from "../data/budget-policy-store";
import { conflict, invalidInput, notFound } from "../errors/app-error";
import { actorRef, assertRole } from "./authorize";
import type { BudgetPolicyCreateInput, BudgetPolicyUpdateInput, AlertEndpointInput } from "./budget-policies-schemas";
import { appendAudit } from "./data-port";
import type { ControlDeps } from "./deps";
import type { Actor } from "./types";

const now = () => new Date();

async function audit(deps: ControlDeps, actor: Actor, action: string, target: string, data: Record<string, unknown> = {}) {
  await appendAudit(deps.db, { actor: actorRef(actor), action, target, data: { actorLabel: actor.label, ...data } as never });
}

const settingsOf = (policy: BudgetPolicy) => ({
  limitUsd: policy.limitUsd,
  limitTokens: policy.limitTokens,
  onExceed: policy.onExceed,
  alertThresholds: policy.alertThresholds,
});

async function withUsage(deps: ControlDeps, id: string): Promise<BudgetPolicyWithUsage> {
  const found = (await listPolicyRows(deps.db, now())).find((policy) => policy.id === id);
  if (!found) throw notFound("Budget policy", id);
  return found;
}

export async function listBudgetPolicies(deps: ControlDeps, actor: Actor): Promise<BudgetPolicyWithUsage[]> {
  assertRole(actor, "viewer", "viewing budgets");
  return listPolicyRows(deps.db, now());
}

export async function createBudgetPolicy(deps: ControlDeps, input: BudgetPolicyCreateInput, actor: Actor): Promise<BudgetPolicyWithUsage> {
  assertRole(actor, "admin", "creating a budget");
  const workflow = input.workflow ?? null;
  if (workflow !== null && !deps.registry.latest(workflow)) {
    throw notFound("Workflow", workflow);
  }
  const id = budgetPolicyId(input.scope, workflow);
  const saved = await saveBudgetPolicy(
    deps.db,
    { scope: input.scope, workflow, limitUsd: input.limitUsd ?? null, limitTokens: input.limitTokens ?? null, onExceed: input.onExceed, alertThresholds: input.alertThresholds },
    { by: actorRef(actor), at: now(), mustNotExist: true },
  );
  if ("conflict" in saved) throw conflict(`Budget ${id} exists already; change it with PATCH /api/v1/admin/budgets/${id}.`);
  await audit(deps, actor, "budget_policy.create", id, settingsOf(saved.policy));
  return withUsage(deps, id);
}

export async function updateBudgetPolicy(deps: ControlDeps, id: string, patch: BudgetPolicyUpdateInput, actor: Actor): Promise<BudgetPolicyWithUsage> {
  assertRole(actor, "admin", "changing a budget");
  const current = await getBudgetPolicy(deps.db, id);
  if (!current) throw notFound("Budget policy", id);
  const next = { ...settingsOf(current), ...patch };
  if (next.limitUsd === null && next.limitTokens === null) {
    throw invalidInput("A budget needs limitUsd, limitTokens or both; delete the budget to remove its limits.", [
      { path: "limitUsd", message: "set limitUsd, limitTokens or both" },
    ]);
  }
  const saved = await saveBudgetPolicy(deps.db, { scope: current.scope, workflow: current.workflow, ...next }, { by: actorRef(actor), at: now(), mustExist: true });
  if ("conflict" in saved) throw notFound("Budget policy", id);
  await audit(deps, actor, "budget_policy.update", id, { before: settingsOf(current), after: settingsOf(saved.policy) });
  return withUsage(deps, id);
}

export async function deleteBudgetPolicy(deps: ControlDeps, id: string, actor: Actor): Promise<void> {
  assertRole(actor, "admin", "deleting a budget");
  const deleted = await deletePolicyRow(deps.db, id, now());
  if (!deleted) throw notFound("Budget policy", id);
  await audit(deps, actor, "budget_policy.delete", id, settingsOf(deleted));
}

export async function getAlertEndpoint(deps: ControlDeps, actor: Actor): Promise<AlertEndpointView | null> {
  assertRole(actor, "admin", "viewing the alert endpoint");
  return getEndpointRow(deps.db.pool);
}

/** Sets the endpoint; `secret` is the new signing secret, returned once (a new endpoint or `rotateSecret`). */
export async function saveAlertEndpoint(
  deps: ControlDeps,
  input: AlertEndpointInput,
  actor: Actor,
): Promise<{ endpoint: AlertEndpointView; secret: string | null }> {
  assertRole(actor, "admin", "setting the alert endpoint");
  if (input.url !== undefined) {
    try {
      alertTargetUrl(input.url);
    } catch (error) {
      throw invalidInput(`Invalid alert URL: ${(error as Error).message}`, [{ path: "url", message: (error as Error).message }]);
    }
  }
  const saved = await saveEndpointRow(deps.db.pool, input, actorRef(actor));
  if ("missingUrl" in saved) {
    throw invalidInput("No alert endpoint is set yet; send its url.", [{ path: "url", message: "required when no endpoint is set" }]);
  }
  await audit(deps, actor, "alert_endpoint.save", "budget-alerts", {
    urlOrigin: saved.endpoint.urlOrigin,
    enabled: saved.endpoint.enabled,
    secretIssued: saved.secret !== null,
  });
  return saved;
}

export async function deleteAlertEndpoint(deps: ControlDeps, actor: Actor): Promise<void> {
  assertRole(actor, "admin", "removing the alert endpoint");
  if (!(await deleteEndpointRow(deps.db.pool))) throw notFound("Alert endpoint", "budget-alerts");
  await audit(deps, actor, "alert_endpoint.delete", "budget-alerts");
}
