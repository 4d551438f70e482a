// POST /api/v1/replays/bulk/preview — the same body as /replays/bulk → {preview}: the runs it would replay,
// from which step, with totals (steps reused and run again, side effects, LLM calls and cost). Changes nothing.
import { getControl } from "../../../../../../lib/control";
import { apiHandler, json } from "../../../../../../lib/http";
import { bulkReplayBody } from "../../../../../../lib/http/replay-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ auth: "read", body: bulkReplayBody }, async ({ actor, body }) => {
  const preview = await (await getControl()).previewBulkReplay(body, actor);
  return json({ preview });
});
