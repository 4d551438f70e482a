// POST /api/v1/runs/{id}/cancel — cancel a run (operator).
import { getControl } from "../../../../../../lib/control";
import { apiHandler, json, pathId } from "../../../../../../lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ auth: "write", minRole: "operator" }, async ({ actor, params }) => {
  const run = await (await getControl()).cancelRun(pathId(params.id, "Run"), actor);
  return json({ run });
});
