// POST /api/v1/runs/{id}/replay — {fromStep, version?, input?} (+ Idempotency-Key) → 201 {run} (the fork),
// 200 with the same fork when the key repeats; 409 while the run is going; 422 when the version diverges before fromStep;
// 429 with Retry-After past WAYMARK_RATE_LIMIT_REPLAYS per minute per key or user.
import { getConfig } from "../../../../../../lib/config/env";
import { getControl, getDb } from "../../../../../../lib/control";
import { apiHandler, json, pathId } from "../../../../../../lib/http";
import { idempotencyKeyFrom } from "../../../../../../lib/http/api-schemas";
import { replayBody } from "../../../../../../lib/http/replay-schemas";
import { consumeReplayLimit } from "../../../../../../lib/security/rate-limit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ auth: "write", minRole: "operator", body: replayBody }, async ({ request, actor, params, body }) => {
  const idempotencyKey = idempotencyKeyFrom(request.headers);
  const runId = pathId(params.id, "Run");
  await consumeReplayLimit(await getDb(), actor, getConfig().WAYMARK_RATE_LIMIT_REPLAYS);
  const { run, created } = await (await getControl()).replayRun(runId, { ...body, idempotencyKey }, actor);
  return json({ run }, { status: created ? 201 : 200, headers: { Location: `/api/v1/runs/${encodeURIComponent(run.id)}` } });
});
