// POST /api/v1/admin/webhooks/{workflow}/secret — creates or rotates the workflow's webhook signing
// secret: 201 {webhook, secret}; `secret` is shown this once. After a rotation the previous secret
// stays valid until the next one.
import { getControl, getDb } from "../../../../../../../lib/control";
import { apiHandler, json, pathId } from "../../../../../../../lib/http";
import { issueWebhookSecretForWorkflow } from "../../../../../../../lib/security/webhook-admin";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ auth: "write", minRole: "admin" }, async ({ actor, params }) => {
  const workflow = pathId(params.workflow, "Workflow");
  const { record, secret } = await issueWebhookSecretForWorkflow({ db: await getDb(), control: await getControl() }, actor, workflow);
  return json({ webhook: record, secret }, 201);
});
