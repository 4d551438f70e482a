// PUT /api/v1/admin/workflows/{workflow}/policy — {forbidSelfApproval} → 200 {policy}: with it on,
// the actor who started a run of this workflow cannot decide its approvals (403). Audited.
import { z } from "zod";
import { getControl, getDb } from "../../../../../../../lib/control";
import { AppError } from "../../../../../../../lib/errors/app-error";
import { apiHandler, json, pathId } from "../../../../../../../lib/http";
import { setWorkflowPolicy } from "../../../../../../../lib/security/approval-policy";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const policyBody = z.strictObject({ forbidSelfApproval: z.boolean() });

export const PUT = apiHandler({ auth: "write", minRole: "admin", body: policyBody }, async ({ actor, body, params }) => {
  const workflow = pathId(params.workflow, "Workflow");
  const workflows = await (await getControl()).listWorkflows(actor);
  if (!workflows.some((w) => w.name === workflow)) {
    throw new AppError("not_found", 404, `Workflow "${workflow}" is not registered. Registered workflows: ${workflows.map((w) => w.name).join(", ") || "none"}.`);
  }
  return json({ policy: await setWorkflowPolicy(await getDb(), actor, workflow, body) });
});
