/**
 * Budget policies (budget_policies): an admin's limits for a workflow per UTC day or month, or for
 * all workflows per UTC day. A policy is not charged itself: each period opens its own ledger
 * (`workflow-day:<name>:<yyyy-mm-dd>`, `workflow-month:<name>:<yyyy-mm>`, `global-day:<yyyy-mm-dd>`)
 * lazily, on its first LLM call, with the policy's limits. Changing a policy changes the current
 * period's ledger too; earlier periods keep the limits they ran under.
 */
import type { PoolClient } from "pg";
import { budgetLedgerId, usedFraction, type BudgetAccount, type BudgetLimits, type LedgerSpec } from "./budget-ledger";
import { jsonParam } from "./canonical-json";
import type { Db } from "./db";
import { withTransaction } from "./db";

export type BudgetPolicyScope = "workflow-day" | "workflow-month" | "global-day";
export const BUDGET_POLICY_SCOPES: readonly BudgetPolicyScope[] = ["workflow-day", "workflow-month", "global-day"];

export interface BudgetPolicySettings {
  /** Hard limit in USD per period; null: none */
  limitUsd: number | null;
  /** Hard limit in tokens per period; null: none */
  limitTokens: number | null;
  onExceed: "pause" | "fail";
  /** Fractions of a limit that raise an alert once per period, e.g. [0.8] */
  alertThresholds: number[];
}

export interface BudgetPolicy extends BudgetPolicySettings {
  /** `workflow-day:<workflow>`, `workflow-month:<workflow>` or `global-day` */
  id: string;
  scope: BudgetPolicyScope;
  /** null for the global budget */
  workflow: string | null;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

/** What the current period's ledger holds (zeros before its first call). */
export interface BudgetPeriodUsage
  extends Pick<BudgetAccount, "limitUsd" | "limitTokens" | "spentUsd" | "spentTokens" | "reservedUsd" | "reservedTokens"> {
  ledgerId: string;
  /** `yyyy-mm-dd` or `yyyy-mm` (UTC) */
  period: string;
  /** spent / limit, the larger of USD and tokens; null without limits */
  usedFraction: number | null;
}

export interface BudgetPolicyWithUsage extends BudgetPolicy {
  current: BudgetPeriodUsage;
}

export function budgetPolicyId(scope: BudgetPolicyScope, workflow: string | null): string {
  return scope === "global-day" ? scope : `${scope}:${workflow}`;
}

/** The UTC period a moment falls in: `yyyy-mm-dd` for day scopes, `yyyy-mm` for months. */
export function budgetPeriod(scope: BudgetPolicyScope, at: Date): string {
  const day = at.toISOString().slice(0, 10);
  return scope === "workflow-month" ? day.slice(0, 7) : day;
}

/** The ledger a policy charges at `at` (the id format the cost dashboard reads). */
export function periodLedgerId(policy: Pick<BudgetPolicy, "scope" | "workflow">, at: Date): string {
  const period = budgetPeriod(policy.scope, at);
  return policy.scope === "global-day" ? budgetLedgerId("global-day", period) : budgetLedgerId(policy.scope, policy.workflow!, period);
}

/** The period ledger a call at `at` is charged to under `policy`, with the limits it opens with. */
export function periodLedgerSpec(policy: BudgetPolicy, at: Date): LedgerSpec {
  const limits: BudgetLimits = {
    limitUsd: policy.limitUsd,
    limitTokens: policy.limitTokens,
    onExceed: policy.onExceed,
    alertThresholds: policy.alertThresholds,
  };
  return { id: periodLedgerId(policy, at), scope: policy.scope, limits };
}

interface PolicyRow {
  id: string;
  scope: BudgetPolicyScope;
  workflow_name: string | null;
  limit_usd: string | null;
  limit_tokens: number | null;
  on_exceed: "pause" | "fail";
  alert_thresholds: number[];
  created_by: string;
  updated_by: string;
  created_at: Date;
  updated_at: Date;
}

const POLICY_COLUMNS = "id, scope, workflow_name, limit_usd, limit_tokens, on_exceed, alert_thresholds, created_by, updated_by, created_at, updated_at";

const toPolicy = (row: PolicyRow): BudgetPolicy => ({
  id: row.id,
  scope: row.scope,
  workflow: row.workflow_name,
  limitUsd: row.limit_usd === null ? null : Number(row.limit_usd),
  limitTokens: row.limit_tokens,
  onExceed: row.on_exceed,
  alertThresholds: row.alert_thresholds,
  createdBy: row.created_by,
  updatedBy: row.updated_by,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The policies that apply to a run of `workflow`: its day and month budgets and the global day one. */
export async function policiesForWorkflow(db: Db, workflow: string): Promise<BudgetPolicy[]> {
  const ids = [budgetPolicyId("workflow-day", workflow), budgetPolicyId("workflow-month", workflow), budgetPolicyId("global-day", null)];
  const { rows } = await db.pool.query<PolicyRow>(`SELECT ${POLICY_COLUMNS} FROM budget_policies WHERE id = ANY($1)`, [ids]);
  return rows.map(toPolicy);
}

export async function getBudgetPolicy(db: Db, id: string): Promise<BudgetPolicy | undefined> {
  const { rows } = await db.pool.query<PolicyRow>(`SELECT ${POLICY_COLUMNS} FROM budget_policies WHERE id = $1`, [id]);
  return rows[0] ? toPolicy(rows[0]) : undefined;
}

/** Every policy (global first, then by workflow and scope) with its current period's usage. */
export async function listBudgetPolicies(db: Db, at: Date): Promise<BudgetPolicyWithUsage[]> {
  const { rows } = await db.pool.query<PolicyRow>(
    `SELECT ${POLICY_COLUMNS} FROM budget_policies ORDER BY workflow_name NULLS FIRST, scope`,
  );
  const policies = rows.map(toPolicy);
  const ledgerIds = policies.map((policy) => periodLedgerId(policy, at));
  const ledgers = await db.pool.query<{ id: string; limit_usd: string | null; limit_tokens: number | null; spent_usd: string; spent_tokens: number; reserved_usd: string; reserved_tokens: number }>(
    `SELECT id, limit_usd, limit_tokens, spent_usd, spent_tokens, reserved_usd, reserved_tokens FROM budget_ledgers WHERE id = ANY($1)`,
    [ledgerIds],
  );
  const byId = new Map(ledgers.rows.map((row) => [row.id, row]));
  return policies.map((policy, i) => {
    const row = byId.get(ledgerIds[i]!);
    const usage = {
      limitUsd: row ? (row.limit_usd === null ? null : Number(row.limit_usd)) : policy.limitUsd,
      limitTokens: row ? row.limit_tokens : policy.limitTokens,
      spentUsd: row ? Number(row.spent_usd) : 0,
      spentTokens: row?.spent_tokens ?? 0,
      reservedUsd: row ? Number(row.reserved_usd) : 0,
      reservedTokens: row?.reserved_tokens ?? 0,
    };
    return { ...policy, current: { ledgerId: ledgerIds[i]!, period: budgetPeriod(policy.scope, at), ...usage, usedFraction: usedFraction(usage) } };
  });
}

/**
 * Creates a policy (`created: true`) or replaces an existing one's settings, and applies them to
 * the current period's ledger if it is open (an approver's raise on it is replaced too).
 */
export async function saveBudgetPolicy(
  db: Db,
  policy: { scope: BudgetPolicyScope; workflow: string | null } & BudgetPolicySettings,
  options: { by: string; at: Date; mustExist?: boolean; mustNotExist?: boolean },
): Promise<{ policy: BudgetPolicy; created: boolean } | { conflict: "exists" | "missing" }> {
  const id = budgetPolicyId(policy.scope, policy.workflow);
  return withTransaction(db, async (client) => {
    const before = await client.query(`SELECT 1 FROM budget_policies WHERE id = $1 FOR UPDATE`, [id]);
    const exists = before.rows.length > 0;
    if (exists && options.mustNotExist) return { conflict: "exists" as const };
    if (!exists && options.mustExist) return { conflict: "missing" as const };
    const { rows } = await client.query<PolicyRow>(
      `INSERT INTO budget_policies (id, scope, workflow_name, limit_usd, limit_tokens, on_exceed, alert_thresholds, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $8)
       ON CONFLICT (id) DO UPDATE SET limit_usd = EXCLUDED.limit_usd, limit_tokens = EXCLUDED.limit_tokens, on_exceed = EXCLUDED.on_exceed,
         alert_thresholds = EXCLUDED.alert_thresholds, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING ${POLICY_COLUMNS}`,
      [id, policy.scope, policy.workflow, policy.limitUsd, policy.limitTokens, policy.onExceed, jsonParam(policy.alertThresholds), options.by],
    );
    const saved = toPolicy(rows[0]!);
    await applyToCurrentLedger(client, saved, options.at, saved);
    return { policy: saved, created: !exists };
  });
}

/** Deletes a policy; its current period's ledger keeps its spend but no longer limits anything. */
export async function deleteBudgetPolicy(db: Db, id: string, at: Date): Promise<BudgetPolicy | undefined> {
  return withTransaction(db, async (client) => {
    const { rows } = await client.query<PolicyRow>(`DELETE FROM budget_policies WHERE id = $1 RETURNING ${POLICY_COLUMNS}`, [id]);
    if (!rows[0]) return undefined;
    const deleted = toPolicy(rows[0]);
    await applyToCurrentLedger(client, deleted, at, { limitUsd: null, limitTokens: null, onExceed: deleted.onExceed, alertThresholds: [] });
    return deleted;
  });
}

async function applyToCurrentLedger(client: PoolClient, policy: BudgetPolicy, at: Date, settings: BudgetPolicySettings): Promise<void> {
  await client.query(
    `UPDATE budget_ledgers SET limit_usd = $2, limit_tokens = $3, on_exceed = $4, alert_thresholds = $5::jsonb, updated_at = now() WHERE id = $1`,
    [periodLedgerId(policy, at), settings.limitUsd, settings.limitTokens, settings.onExceed, jsonParam(settings.alertThresholds)],
  );
}
