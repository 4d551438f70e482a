/**
 * Admin › Budgets: workflow budgets per day and month and the global daily budget, each with its
 * current period's spend (refreshed every few seconds), and the alert webhook. Viewers see the
 * budgets; changing them needs the admin role.
 */
import type { Metadata } from "next";
import { hasRole, requireActor } from "../../../../lib/auth/current-actor";
import { getControl } from "../../../../lib/control";
import { AdminReadablePage } from "../_components/admin-tabs";
import { AlertEndpointPanel } from "./_components/alert-endpoint-panel";
import { BudgetsPanel } from "./_components/budgets-panel";

export const metadata: Metadata = { title: "Budgets" };

export default async function BudgetsPage() {
  const actor = await requireActor("viewer");
  const control = await getControl();
  const isAdmin = hasRole(actor, "admin");
  const [policies, workflows, endpoint] = await Promise.all([
    control.listBudgetPolicies(actor),
    isAdmin ? control.listWorkflows(actor) : Promise.resolve([]),
    isAdmin ? control.getAlertEndpoint(actor) : Promise.resolve(null),
  ]);
  return (
    <AdminReadablePage
      title="Budgets"
      description="Limits per workflow per day and month, and for all workflows per day. An LLM call that would pass one pauses or fails its run, as the budget says."
      current="/admin/budgets"
      refreshMs={5_000}
      actor={actor}
      canEdit={isAdmin}
      changing="Changing budgets"
    >
      <BudgetsPanel policies={policies} workflows={[...new Set(workflows.map((w) => w.name))]} canEdit={isAdmin} />
      {isAdmin ? <AlertEndpointPanel endpoint={endpoint} /> : null}
    </AdminReadablePage>
  );
}
