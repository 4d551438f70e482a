"use server";
/** Bulk replay from the console: preview (viewer) and replay (operator). lib/control checks the role again. */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireActor } from "../../../../../lib/auth/current-actor";
import { getConfig } from "../../../../../lib/config/env";
import { getControl, getDb } from "../../../../../lib/control";
import { consumeBulkReplayLimit } from "../../../../../lib/security/rate-limit";
import type { BulkReplayPreview, BulkReplayResult } from "../../../../../lib/control/types";
import { toActionResult, type ActionResult } from "../../../_lib/action-result";

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const bulkSchema = z.object({
  workflow: z.string().min(1).max(200),
  version: z.number().int().positive(),
  targetVersion: z.number().int().positive().optional(),
  createdAfter: instant.optional(),
  createdBefore: instant.optional(),
  limit: z.number().int().min(1).max(500).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
});
export type BulkReplayActionRequest = z.input<typeof bulkSchema>;

export interface BulkPreviewResult extends ActionResult {
  preview?: BulkReplayPreview;
}

export interface BulkReplayActionResult extends ActionResult {
  result?: BulkReplayResult;
}

function parse(request: BulkReplayActionRequest) {
  const parsed = bulkSchema.safeParse(request);
  if (parsed.success) return { ok: true as const, data: parsed.data };
  const fieldErrors = Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join("."), issue.message]));
  return { ok: false as const, result: { ok: false, status: 400, message: "Some fields need attention.", fieldErrors } };
}

export async function previewBulkReplayAction(request: BulkReplayActionRequest): Promise<BulkPreviewResult> {
  let preview: BulkReplayPreview | undefined;
  const result = await toActionResult(async () => {
    const actor = await requireActor("viewer");
    const parsed = parse(request);
    if (!parsed.ok) return parsed.result;
    preview = await (await getControl()).previewBulkReplay(parsed.data, actor);
    return { ok: true };
  });
  return { ...result, preview };
}

export async function bulkReplayAction(request: BulkReplayActionRequest): Promise<BulkReplayActionResult> {
  let replayed: BulkReplayResult | undefined;
  const result = await toActionResult(async () => {
    const actor = await requireActor("operator");
    const parsed = parse(request);
    if (!parsed.ok) return parsed.result;
    await consumeBulkReplayLimit(await getDb(), actor, getConfig().WAYMARK_RATE_LIMIT_BULK_REPLAYS);
    replayed = await (await getControl()).bulkReplay(parsed.data, actor);
    return { ok: true, message: `${replayed.forks.length} ${replayed.forks.length === 1 ? "run was" : "runs were"} replayed.` };
  });
  if (replayed) revalidatePath("/runs");
  return { ...result, result: replayed };
}
