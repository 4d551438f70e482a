"use server";
/** Run actions from the run page. Each checks the role itself; lib/control checks it again. */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireActor } from "../../../../lib/auth/current-actor";
import { getControl } from "../../../../lib/control";
import { toActionResult, type ActionResult } from "../../_lib/action-result";

const cancelSchema = z.object({ runId: z.string().min(1).max(200) });

export async function cancelRunAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return toActionResult(async () => {
    const actor = await requireActor("operator");
    const parsed = cancelSchema.safeParse({ runId: formData.get("runId") });
    if (!parsed.success) return { ok: false, status: 400, message: "No run id was sent with the cancel request. Reload the page and try again." };
    const control = await getControl();
    const run = await control.cancelRun(parsed.data.runId, actor);
    revalidatePath(`/runs/${parsed.data.runId}`);
    revalidatePath("/runs");
    return { ok: true, message: `Run ${run.id} is ${run.status}.` };
  });
}
