// GET /api/v1/usage?groupBy=workflow,version,model,day&from=&to=&workflow=&version=&model= — {groupBy, rows, totals}:
// LLM calls (failed attempts included), tokens and cost, from what each call was charged.
import { getControl } from "../../../../lib/control";
import { apiHandler, json } from "../../../../lib/http";
import { usageQuery } from "../../../../lib/http/api-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read", query: usageQuery }, async ({ actor, query }) => {
  const usage = await (await getControl()).getUsage(query, actor);
  return json(usage);
});
