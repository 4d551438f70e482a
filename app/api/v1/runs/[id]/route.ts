// GET /api/v1/runs/{id} — the run with its steps.
import { getControl } from "../../../../../lib/control";
import { apiHandler, json, pathId } from "../../../../../lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read" }, async ({ actor, params }) => {
  const run = await (await getControl()).getRun(pathId(params.id, "Run"), actor);
  return json({ run });
});
