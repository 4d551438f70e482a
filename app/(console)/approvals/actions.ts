"use server";
/**
 * Approve or reject from the inbox; for a budget approval, "Raise and continue" (approve with the
 * amount to add to the limit) or "Abort run" (reject). Checks the approver role itself; lib/control
 * checks it again, checks the payload hash and audits.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireActor } from "../../../lib/auth/current-actor";
import { getControl } from "../../../lib/control";
import type { DecideApprovalRequest } from "../../../lib/control/types";
import { decisionBody } from "../../../lib/http/api-schemas";
import { formatCount, formatUsd } from "../../_ui/format";
import { toActionResult, type ActionResult } from "../_lib/action-result";

const decisionSchema = z.object({
  approvalId: z.string().min(1).max(200),
  decision: z.enum(["approve", "reject"]),
  comment: z.string().max(2000, "Keep the comment under 2,000 characters.").optional(),
  payloadHash: z.string().max(200).optional(),
});

/** The API's own bounds for a raise (positive; tokens whole). */
const raiseSchema = decisionBody.shape.raiseBudget.unwrap();

export async function decideApprovalAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return toActionResult(async (): Promise<ActionResult> => {
    const actor = await requireActor("approver");
    const optional = (name: string) => {
      const value = formData.get(name);
      return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
    };
    const parsed = decisionSchema.safeParse({
      approvalId: formData.get("approvalId"),
      decision: formData.get("decision"),
      comment: optional("comment"),
      payloadHash: optional("payloadHash"),
    });
    if (!parsed.success) {
      const comment = parsed.error.issues.find((issue) => issue.path[0] === "comment");
      return {
        ok: false,
        status: 400,
        message: comment ? comment.message : "Choose Approve or Reject. If this keeps happening, reload the page.",
        fieldErrors: comment ? { comment: comment.message } : undefined,
      };
    }
    const { approvalId, decision, comment, payloadHash } = parsed.data;
    const isBudget = formData.get("kind") === "budget";
    let raiseBudget: DecideApprovalRequest["raiseBudget"];
    if (isBudget && decision === "approve") {
      const raised = raiseFrom(optional("raiseAmount"), formData.get("raiseUnit"));
      if ("error" in raised) return { ok: false, status: 400, message: raised.error, fieldErrors: { raiseAmount: raised.error } };
      raiseBudget = raised.raise;
    }
    const control = await getControl();
    const approval = await control.decideApproval(approvalId, { decision, comment, payloadHash, ...(raiseBudget ? { raiseBudget } : {}) }, actor);
    revalidatePath("/approvals");
    revalidatePath(`/runs/${approval.runId}`);
    if (isBudget) {
      return {
        ok: true,
        message: raiseBudget
          ? `Raised the budget by ${raiseBudget.usd !== undefined ? formatUsd(raiseBudget.usd) : `${formatCount(raiseBudget.tokens)} tokens`}. Run ${approval.runId} continues now.`
          : `Aborted run ${approval.runId}: it ends as failed (budget exceeded).`,
      };
    }
    return {
      ok: true,
      message: `${approval.status === "approved" ? "Approved" : "Rejected"} “${approval.summary}”. Run ${approval.runId} resumes now.`,
    };
  });
}

/** "Raise by" amount and unit → `{usd}` or `{tokens}`, or what is wrong with them. */
function raiseFrom(amount: string | undefined, unit: FormDataEntryValue | null): { raise: { usd?: number; tokens?: number } } | { error: string } {
  if (amount === undefined) return { error: "Enter how much to raise the budget by, or abort the run." };
  const value = Number(amount);
  const key = unit === "tokens" ? "tokens" : "usd";
  const parsed = raiseSchema.safeParse({ [key]: value });
  if (!Number.isFinite(value) || !parsed.success) {
    return {
      error: key === "tokens" ? "Raise by a whole number of tokens above 0 (at most 10¹²)." : "Raise by an amount in USD above 0 (at most $1,000,000).",
    };
  }
  return { raise: parsed.data };
}
