/** Creating/rotating a webhook secret for a workflow that exists (shared by the admin API and page). */
import type { AuthDb } from "../auth/db";
import type { Actor, Control } from "../control/types";
import { AppError } from "../errors/app-error";
import { issueWebhookSecret, type IssuedWebhookSecret } from "./webhook-secrets";

export async function issueWebhookSecretForWorkflow(
  deps: { db: AuthDb; control: Control },
  actor: Actor,
  workflow: string,
): Promise<IssuedWebhookSecret> {
  const workflows = await deps.control.listWorkflows(actor);
  if (!workflows.some((w) => w.name === workflow)) {
    const known = workflows.map((w) => w.name).join(", ") || "none";
    throw new AppError("not_found", 404, `Workflow "${workflow}" is not registered. Registered workflows: ${known}.`);
  }
  return issueWebhookSecret(deps.db, actor, workflow);
}
