// GET /api/v1/compat — ?workflow=&version=&limit= → {report}: in-flight runs whose journals do not replay
// against the definitions this server runs, each with its first diverging step.
import { getControl } from "../../../../lib/control";
import { apiHandler, json } from "../../../../lib/http";
import { compatQuery } from "../../../../lib/http/replay-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read", query: compatQuery }, async ({ actor, query }) => {
  const report = await (await getControl()).checkCompat(query, actor);
  return json({ report });
});
