// POST /api/v1/admin/api-keys/{id}/revoke — {apiKey}; the key stops working on its next request.
import { adminRevokeApiKey } from "../../../../../../../lib/auth/admin";
import { getDb } from "../../../../../../../lib/control";
import { apiHandler, json, pathId } from "../../../../../../../lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ auth: "write", minRole: "admin" }, async ({ actor, params }) => {
  const apiKey = await adminRevokeApiKey(await getDb(), actor, pathId(params.id, "API key"));
  return json({ apiKey });
});
