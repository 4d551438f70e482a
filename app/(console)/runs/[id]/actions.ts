"use server";
/** Run actions from the run page: cancel, replay preview, replay. Each checks the role itself; lib/control checks it again. */
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireActor } from "../../../../lib/auth/current-actor";
import { getConfig } from "../../../../lib/config/env";
import { getControl, getDb } from "../../../../lib/control";
import { consumeReplayLimit } from "../../../../lib/security/rate-limit";
import type { ReplayPreview } from "../../../../lib/control/types";
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

const replaySchema = z.object({
  runId: z.string().min(1).max(200),
  fromStep: z.string().min(1).max(200),
  version: z.number().int().positive().optional(),
  /** The input editor's text; omitted: the run's own input */
  inputJson: z.string().max(256 * 1024).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
});
export type ReplayActionRequest = z.input<typeof replaySchema>;

export interface ReplayPreviewResult extends ActionResult {
  preview?: ReplayPreview;
}

/** Parses the editor's JSON; a syntax error becomes a message on the input field. */
function editedInput(inputJson: string | undefined): { ok: true; input: unknown } | { ok: false; result: ActionResult } {
  if (inputJson === undefined) return { ok: true, input: undefined };
  try {
    return { ok: true, input: JSON.parse(inputJson) };
  } catch (error) {
    const message = `Not valid JSON: ${(error as Error).message}`;
    return { ok: false, result: { ok: false, status: 400, message: "The input is not valid JSON; fix it and preview again.", fieldErrors: { "(root)": message } } };
  }
}

/** What a replay from a step would reuse and run again (viewer); changes nothing. */
export async function previewReplayAction(request: ReplayActionRequest): Promise<ReplayPreviewResult> {
  let preview: ReplayPreview | undefined;
  const result = await toActionResult(
    async () => {
      const actor = await requireActor("viewer");
      const parsed = replaySchema.safeParse(request);
      if (!parsed.success) return { ok: false, status: 400, message: "The replay request was incomplete. Reload the page and try again." };
      const input = editedInput(parsed.data.inputJson);
      if (!input.ok) return input.result;
      const { runId, fromStep, version } = parsed.data;
      preview = await (await getControl()).previewReplay(runId, { fromStep, version, input: input.input }, actor);
      return { ok: true };
    },
    { issuePrefix: "input" },
  );
  return { ...result, preview };
}

/** Forks the run from the step (operator) and opens the new run. */
export async function replayRunAction(request: ReplayActionRequest): Promise<ActionResult> {
  let forkId: string | null = null;
  const result = await toActionResult(
    async () => {
      const actor = await requireActor("operator");
      const parsed = replaySchema.safeParse(request);
      if (!parsed.success) return { ok: false, status: 400, message: "The replay request was incomplete. Reload the page and try again." };
      const input = editedInput(parsed.data.inputJson);
      if (!input.ok) return input.result;
      const { runId, fromStep, version, idempotencyKey } = parsed.data;
      await consumeReplayLimit(await getDb(), actor, getConfig().WAYMARK_RATE_LIMIT_REPLAYS);
      const { run } = await (await getControl()).replayRun(runId, { fromStep, version, input: input.input, idempotencyKey }, actor);
      forkId = run.id;
      return { ok: true };
    },
    { issuePrefix: "input" },
  );
  if (forkId) {
    revalidatePath(`/runs/${request.runId}`);
    revalidatePath("/runs");
    redirect(`/runs/${encodeURIComponent(forkId)}`);
  }
  return result;
}
