// GET /api/v1/runs/{id}/budget — {budget: {runLedger, pauses, charges}}: the run's budget pauses with
// their decisions (raised by how much, by whom; aborted), its own ledger, and each LLM attempt's charge (viewer).
import { getControl } from "../../../../../../lib/control";
import { apiHandler, json, pathId } from "../../../../../../lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read" }, async ({ actor, params }) => {
  return json({ budget: await (await getControl()).getRunBudget(pathId(params.id, "Run"), actor) });
});
