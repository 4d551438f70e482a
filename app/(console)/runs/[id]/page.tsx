/** Run detail: header, the live timeline, and each step's input, output, attempts and decision. */
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { hasRole, requireActor } from "../../../../lib/auth/current-actor";
import { getControl, getDb } from "../../../../lib/control";
import { resolveActorLabels } from "../../../../lib/data/console-queries";
import type { RunView } from "../../../../lib/data/views";
import { getQueryClient } from "../../../_queries/query-client";
import { runQuery } from "../../../_queries/runs";
import { runBudgetQuery } from "../../../_queries/run-budget";
import { asAppError } from "../../_lib/action-result";
import { RunDetail } from "./_components/run-detail";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Run ${id}` };
}

export default async function RunPage({ params }: Props) {
  const actor = await requireActor("viewer");
  const { id } = await params;
  const control = await getControl();
  let run: RunView;
  try {
    run = await control.getRun(id, actor);
  } catch (error) {
    if (asAppError(error)?.status === 404) notFound();
    throw error;
  }
  const [labels, workflows, budget] = await Promise.all([
    resolveActorLabels(await getDb(), [run.requestedBy]),
    control.listWorkflows(actor),
    control.getRunBudget(id, actor).catch(() => null),
  ]);
  const versions = (workflows.find((w) => w.name === run.workflow)?.versions ?? []).filter((v) => v.registered).map((v) => v.version);

  const queryClient = getQueryClient();
  queryClient.setQueryData(runQuery(id).queryKey, { run });
  if (budget) queryClient.setQueryData(runBudgetQuery(id).queryKey, { budget });

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <RunDetail
        runId={id}
        requestedByLabel={run.requestedBy ? (labels[run.requestedBy] ?? run.requestedBy) : null}
        canCancel={hasRole(actor, "operator")}
        canReplay={hasRole(actor, "operator")}
        versions={versions}
        renderedAt={Date.now()}
      />
    </HydrationBoundary>
  );
}
