/** Runs: every run, filtered by workflow, version, status and time, searchable, live. */
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { requireActor } from "../../../lib/auth/current-actor";
import { getControl } from "../../../lib/control";
import { getQueryClient } from "../../_queries/query-client";
import { parseRunListParams, toRunFilter } from "../../_queries/run-list-params";
import { runsQuery } from "../../_queries/runs";
import { PageHeader } from "../../_ui/page-header";
import { LiveRuns } from "./_components/live-runs";
import { RunFilters } from "./_components/run-filters";

export const metadata: Metadata = { title: "Runs" };

export default async function RunsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireActor("viewer");
  const params = parseRunListParams(await searchParams);
  const control = await getControl();
  const queryClient = getQueryClient();
  const [workflows] = await Promise.all([
    control.listWorkflows(actor),
    // Same key the browser polls with, filled from the use case directly for the first paint.
    queryClient.prefetchQuery({
      ...runsQuery(params),
      queryFn: async () => {
        const page = await control.listRuns(toRunFilter(params, new Date()), actor);
        return { runs: page.items, nextCursor: page.nextCursor };
      },
    }),
  ]);

  return (
    <>
      <PageHeader title="Runs" description="Every run of every workflow. Status updates live while runs are active." />
      <RunFilters params={params} workflows={workflows.map((w) => ({ name: w.name, versions: w.versions.map((v) => v.version) }))} />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <LiveRuns params={params} renderedAt={Date.now()} />
      </HydrationBoundary>
    </>
  );
}
