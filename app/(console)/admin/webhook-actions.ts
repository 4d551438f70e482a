"use server";
/** Admin action: create or rotate a workflow's webhook signing secret (shown once in the result). */
import { revalidatePath } from "next/cache";
import { requireActor } from "../../../lib/auth/current-actor";
import { getControl, getDb } from "../../../lib/control";
import { issueWebhookSecretForWorkflow } from "../../../lib/security/webhook-admin";
import { toActionResult, type ActionResult } from "../_lib/action-result";

export interface WebhookSecretResult extends ActionResult {
  /** The plaintext secret: returned once, never listed again */
  secret?: string;
  workflow?: string;
}

export async function issueWebhookSecretAction(_previous: WebhookSecretResult | null, formData: FormData): Promise<WebhookSecretResult> {
  return toActionResult(async () => {
    const actor = await requireActor("admin");
    const workflow = formData.get("workflow");
    if (typeof workflow !== "string" || workflow.trim() === "" || workflow.length > 200) {
      return { ok: false, status: 400, message: "Choose a workflow." };
    }
    const { record, secret } = await issueWebhookSecretForWorkflow({ db: await getDb(), control: await getControl() }, actor, workflow);
    revalidatePath("/admin");
    const what = record.rotatedAt ? "Rotated" : "Created";
    const note = record.previousActive ? " The previous secret keeps working until the next rotation." : "";
    return { ok: true, secret, workflow, message: `${what} the webhook secret of ${workflow}.${note}` } satisfies WebhookSecretResult;
  });
}
