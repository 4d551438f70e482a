// GET /api/v1/approvals?status=pending — {approvals}.
import { getControl } from "../../../../lib/control";
import { apiHandler, json } from "../../../../lib/http";
import { approvalListQuery } from "../../../../lib/http/api-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read", query: approvalListQuery }, async ({ actor, query }) => {
  const approvals = await (await getControl()).listApprovals(query, actor);
  return json({ approvals });
});
