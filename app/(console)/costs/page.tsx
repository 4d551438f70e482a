/** Costs: LLM spend and tokens over time by model, workflow or version; top runs; latency; errors; budgets. Live. */
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { requireActor } from "../../../lib/auth/current-actor";
import { getControl } from "../../../lib/control";
import { getQueryClient } from "../../_queries/query-client";
import { parseUsageParams, toUsageFilter, usageQuery } from "../../_queries/usage";
import { PageHeader } from "../../_ui/page-header";
import { CostsControls } from "./_components/costs-controls";
import { CostsDashboard } from "./_components/costs-dashboard";

export const metadata: Metadata = { title: "Costs" };

export default async function CostsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireActor("viewer");
  const params = parseUsageParams(await searchParams);
  const control = await getControl();
  const queryClient = getQueryClient();
  const [workflows] = await Promise.all([
    control.listWorkflows(actor),
    // Same key the browser polls with, filled from the use case directly for the first paint.
    queryClient.prefetchQuery({ ...usageQuery(params), queryFn: () => control.getUsage(toUsageFilter(params), actor) }),
  ]);

  return (
    <>
      <PageHeader
        title="Costs"
        description="What LLM calls cost, by model, workflow or version, with latency, error rates and budgets. Failed attempts are charged too."
      />
      <CostsControls params={params} workflows={workflows.map((workflow) => workflow.name)} />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <CostsDashboard params={params} />
      </HydrationBoundary>
    </>
  );
}
