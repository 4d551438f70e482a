// GET /api/v1/admin/webhooks — {webhooks: [{workflow, createdAt, rotatedAt, previousActive}]} (never a secret).
import { getDb } from "../../../../../lib/control";
import { apiHandler, json } from "../../../../../lib/http";
import { listWebhookSecrets } from "../../../../../lib/security/webhook-secrets";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read", minRole: "admin" }, async ({ actor }) => {
  return json({ webhooks: await listWebhookSecrets(await getDb(), actor) });
});
