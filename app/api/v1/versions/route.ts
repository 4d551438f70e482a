// GET /api/v1/versions — ?workflow= → {versions}: per workflow version, runs in flight and the live workers
// serving it (`unserved`: runs wait and no worker has the version).
import { getControl } from "../../../../lib/control";
import { apiHandler, json } from "../../../../lib/http";
import { versionsQuery } from "../../../../lib/http/replay-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read", query: versionsQuery }, async ({ actor, query }) => {
  const versions = await (await getControl()).listVersionCoverage(actor, query.workflow);
  return json({ versions });
});
