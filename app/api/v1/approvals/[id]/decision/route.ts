// POST /api/v1/approvals/{id}/decision — {decision, comment?, payloadHash?} → {approval}; 409 when already decided.
import { getControl } from "../../../../../../lib/control";
import { apiHandler, json, pathId } from "../../../../../../lib/http";
import { decisionBody } from "../../../../../../lib/http/api-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ auth: "write", minRole: "approver", body: decisionBody }, async ({ actor, params, body }) => {
  const approval = await (await getControl()).decideApproval(pathId(params.id, "Approval"), body, actor);
  return json({ approval });
});
