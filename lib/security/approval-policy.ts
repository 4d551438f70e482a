/**
 * Workflow security options, starting with the four-eyes rule: when a workflow forbids self
 * approval, the actor who requested a run (same `kind:id` as the run's `requested_by`) cannot
 * decide its approvals. Known limit: a person's console account and their API key are different
 * actors, so the rule cannot link them.
 */
import type { Pool } from "pg";
import type { AuthDb } from "../auth/db";
import { actorRef, assertRole } from "../control/authorize";
import type { Actor } from "../control/types";
import { AppError } from "../errors/app-error";

export interface WorkflowPolicyView {
  workflow: string;
  forbidSelfApproval: boolean;
  updatedBy: string | null;
  updatedAt: string | null;
}

/** Sets a workflow's options (admin only, audited as `workflow_policy_change`). */
export async function setWorkflowPolicy(
  db: AuthDb,
  actor: Actor,
  workflow: string,
  change: { forbidSelfApproval: boolean },
): Promise<WorkflowPolicyView> {
  assertRole(actor, "admin", "changing a workflow's security options");
  const row = await db.prisma.$transaction(async (tx) => {
    const saved = await tx.workflowPolicy.upsert({
      where: { workflowName: workflow },
      create: { workflowName: workflow, forbidSelfApproval: change.forbidSelfApproval, updatedBy: actorRef(actor) },
      update: { forbidSelfApproval: change.forbidSelfApproval, updatedBy: actorRef(actor), updatedAt: new Date() },
    });
    await tx.auditEntry.create({
      data: {
        actor: actorRef(actor),
        action: "workflow_policy_change",
        target: workflow,
        data: { forbidSelfApproval: change.forbidSelfApproval, actorLabel: actor.label },
      },
    });
    return saved;
  });
  return {
    workflow: row.workflowName,
    forbidSelfApproval: row.forbidSelfApproval,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * 403 when the approval's workflow forbids self approval and `actor` requested the run. Unknown
 * approvals pass through (the decision itself answers 404).
 */
export async function assertMaySelfApprove(db: { pool: Pick<Pool, "query"> }, approvalId: string, actor: Actor): Promise<void> {
  const { rows } = await db.pool.query<{ requested_by: string | null; workflow_name: string; forbid: boolean | null }>(
    `SELECT r.requested_by, r.workflow_name, p.forbid_self_approval AS forbid
       FROM approvals a
       JOIN runs r ON r.id = a.run_id
       LEFT JOIN workflow_policies p ON p.workflow_name = r.workflow_name
      WHERE a.id = $1`,
    [approvalId],
  );
  const row = rows[0];
  if (row?.forbid && row.requested_by === actorRef(actor)) {
    throw new AppError(
      "forbidden",
      403,
      `${actor.label} started this ${row.workflow_name} run, and ${row.workflow_name} requires someone else to decide its approvals. Ask another approver.`,
    );
  }
}
