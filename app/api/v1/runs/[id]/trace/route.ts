// GET /api/v1/runs/{id}/trace — the run's spans (one trace across every tick and worker).
import { getDb } from "../../../../../../lib/control";
import { getRunTrace } from "../../../../../../lib/control/traces";
import { apiHandler, json, pathId } from "../../../../../../lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read" }, async ({ actor, params }) => {
  const trace = await getRunTrace(await getDb(), pathId(params.id, "Run"), actor);
  return json(trace);
});
