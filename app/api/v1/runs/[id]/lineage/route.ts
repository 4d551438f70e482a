// GET /api/v1/runs/{id}/lineage — {lineage}: the run it was forked from (and at which step), and its forks.
import { getControl } from "../../../../../../lib/control";
import { apiHandler, json, pathId } from "../../../../../../lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read" }, async ({ actor, params }) => {
  const lineage = await (await getControl()).getRunLineage(pathId(params.id, "Run"), actor);
  return json({ lineage });
});
