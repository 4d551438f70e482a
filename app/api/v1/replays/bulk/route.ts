// POST /api/v1/replays/bulk — {workflow, version, createdAfter?, createdBefore?, limit?, targetVersion?}
// (+ Idempotency-Key) → 201 {bulkReplay}: every failed run of the version in the range forked from its failed step;
// 429 with Retry-After past WAYMARK_RATE_LIMIT_BULK_REPLAYS per minute per key or user.
import { getConfig } from "../../../../../lib/config/env";
import { getControl, getDb } from "../../../../../lib/control";
import { apiHandler, checkedId, json } from "../../../../../lib/http";
import { idempotencyKeyFrom } from "../../../../../lib/http/api-schemas";
import { bulkReplayBody } from "../../../../../lib/http/replay-schemas";
import { consumeBulkReplayLimit } from "../../../../../lib/security/rate-limit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ auth: "write", minRole: "operator", body: bulkReplayBody }, async ({ request, actor, body }) => {
  const idempotencyKey = idempotencyKeyFrom(request.headers);
  checkedId(body.workflow, "workflow name", "workflow");
  await consumeBulkReplayLimit(await getDb(), actor, getConfig().WAYMARK_RATE_LIMIT_BULK_REPLAYS);
  const bulkReplay = await (await getControl()).bulkReplay({ ...body, idempotencyKey }, actor);
  const created = bulkReplay.forks.some((fork) => fork.created);
  return json({ bulkReplay }, created ? 201 : 200);
});
