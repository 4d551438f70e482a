// POST /api/v1/hooks/{workflow} — a Standard Webhooks delivery starts a run of the workflow with the
// JSON body as input: 201 {runId, created:true}; a replayed `webhook-id` answers 200 {runId, created:false}.
// No API key or session: the HMAC signature with the workflow's secret is the authentication.
import { getConfig } from "../../../../../lib/config/env";
import { getControl, getDb } from "../../../../../lib/control";
import { apiHandler, json, pathId } from "../../../../../lib/http";
import { readBodyBytes } from "../../../../../lib/http/json-body";
import { acceptWebhookDelivery } from "../../../../../lib/security/webhook-delivery";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

export const POST = apiHandler({ auth: "none" }, async ({ request, params }) => {
  const workflow = pathId(params.workflow, "Workflow");
  const rawBody = await readBodyBytes(request, MAX_WEBHOOK_BODY_BYTES, "put large data elsewhere and send a reference");
  const result = await acceptWebhookDelivery(
    { db: await getDb(), control: await getControl(), rateLimit: { limit: getConfig().WAYMARK_RATE_LIMIT_WEBHOOKS } },
    workflow,
    rawBody,
    request.headers,
  );
  return json(result, result.created ? 201 : 200);
});
