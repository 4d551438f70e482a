// POST /api/v1/runs/{id}/replay/preview — {fromStep, version?, input?} → {preview}: the steps reused and run
// again, their side effects and LLM cost. Changes nothing.
import { getControl } from "../../../../../../../lib/control";
import { apiHandler, json, pathId } from "../../../../../../../lib/http";
import { replayBody } from "../../../../../../../lib/http/replay-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ auth: "read", body: replayBody }, async ({ actor, params, body }) => {
  const preview = await (await getControl()).previewReplay(pathId(params.id, "Run"), body, actor);
  return json({ preview });
});
