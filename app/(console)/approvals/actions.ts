"use server";
/** Approve or reject from the inbox. Checks the approver role itself; lib/control checks it again and audits. */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireActor } from "../../../lib/auth/current-actor";
import { getControl } from "../../../lib/control";
import { toActionResult, type ActionResult } from "../_lib/action-result";

const decisionSchema = z.object({
  approvalId: z.string().min(1).max(200),
  decision: z.enum(["approve", "reject"]),
  comment: z.string().max(2000, "Keep the comment under 2,000 characters.").optional(),
  payloadHash: z.string().max(200).optional(),
});

export async function decideApprovalAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return toActionResult(async () => {
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
    const control = await getControl();
    const approval = await control.decideApproval(approvalId, { decision, comment, payloadHash }, actor);
    revalidatePath("/approvals");
    revalidatePath(`/runs/${approval.runId}`);
    return {
      ok: true,
      message: `${approval.status === "approved" ? "Approved" : "Rejected"} “${approval.summary}”. Run ${approval.runId} resumes now.`,
    };
  });
}
