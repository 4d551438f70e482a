/** Approvals inbox: pending decisions first (oldest first, with the run's context), then the decided history. */
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { hasRole, requireActor } from "../../../lib/auth/current-actor";
import { getControl } from "../../../lib/control";
import { approvalsQuery } from "../../_queries/approvals";
import { getQueryClient } from "../../_queries/query-client";
import { runQuery } from "../../_queries/runs";
import { PageHeader } from "../../_ui/page-header";
import { ApprovalsInbox } from "./_components/approvals-inbox";

export const metadata: Metadata = { title: "Approvals" };

/** Pending approvals whose run context is rendered on the server for the first paint. */
const PREFETCH_RUNS = 20;

export default async function ApprovalsPage() {
  const actor = await requireActor("viewer");
  const control = await getControl();
  const [pending, all] = await Promise.all([control.listApprovals({ status: "pending" }, actor), control.listApprovals({}, actor)]);
  const queryClient = getQueryClient();
  queryClient.setQueryData(approvalsQuery("pending").queryKey, { approvals: pending });
  queryClient.setQueryData(approvalsQuery("all").queryKey, { approvals: all });
  const runIds = [...new Set(pending.map((a) => a.runId))].slice(0, PREFETCH_RUNS);
  const runs = await Promise.all(runIds.map((id) => control.getRun(id, actor).catch(() => null)));
  for (const run of runs) if (run) queryClient.setQueryData(runQuery(run.id).queryKey, { run });

  return (
    <>
      <PageHeader title="Approvals" description="Runs waiting for a person. A decision resumes the run at once." />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <ApprovalsInbox canDecide={hasRole(actor, "approver")} role={actor.role} />
      </HydrationBoundary>
    </>
  );
}
