/** Operator actions on existing runs and approvals: cancel, decide. Each is role-checked and audited. */
import { checkBudgetRaise } from "../data/budget-guard";
import { conflict, invalidInput, notFound } from "../errors/app-error";
import { assertMaySelfApprove } from "../security/approval-policy";
import { actorRef, assertRole } from "./authorize";
import type { ControlDeps } from "./deps";
import { appendAudit, cancelRun as cancelRunRow, decideApproval as decideApprovalRow, getRunView } from "./data-port";
import { wakeRun } from "./start-run";
import type { Actor, DecideApprovalRequest } from "./types";

/** A budget approval's "raise and continue" amount; a bad one is invalid input. */
function checkedRaise(by: NonNullable<DecideApprovalRequest["raiseBudget"]>) {
  try {
    checkBudgetRaise(by);
  } catch (error) {
    if (error instanceof RangeError) throw invalidInput(error.message);
    throw error;
  }
  return by;
}

export async function cancelRun(deps: ControlDeps, runId: string, actor: Actor) {
  assertRole(actor, "operator", "cancelling a run");
  const before = await getRunView(deps.db, runId);
  if (!before) throw notFound("Run", runId);
  const { changed } = await cancelRunRow(deps.db, { runId, by: actorRef(actor) });
  if (!changed) {
    throw conflict(`Run ${runId} is already ${before.status}; only queued, running or waiting runs can be cancelled.`);
  }
  await appendAudit(deps.db, { actor: actorRef(actor), action: "run.cancel", target: runId, data: { actorLabel: actor.label } });
  const run = await getRunView(deps.db, runId);
  return run!;
}

export async function decideApproval(deps: ControlDeps, approvalId: string, request: DecideApprovalRequest, actor: Actor) {
  assertRole(actor, "approver", "deciding an approval");
  await assertMaySelfApprove(deps.db, approvalId, actor);
  // Raised in the decision's own transaction, before the run wakes, so its next tick finds the room.
  const { approval, runId, raised } = await decideApprovalRow(deps.db, {
    approvalId,
    decision: request.decision,
    comment: request.comment,
    decidedBy: actor.label,
    payloadHash: request.payloadHash,
    ...(request.decision === "approve" && request.raiseBudget ? { raiseBudget: checkedRaise(request.raiseBudget) } : {}),
  });
  await appendAudit(deps.db, {
    actor: actorRef(actor),
    action: request.decision === "approve" ? "approval.approve" : "approval.reject",
    target: approvalId,
    data: {
      runId,
      decision: request.decision,
      // The hash of what the approver was shown (summary and data), as the approval stores it.
      payloadHash: approval.payloadHash,
      comment: request.comment ?? null,
      actorLabel: actor.label,
      ...(raised ? { raisedBudget: request.raiseBudget, limitUsd: raised.limitUsd, limitTokens: raised.limitTokens } : {}),
    },
  });
  await wakeRun(deps, runId, "approval");
  return approval;
}
