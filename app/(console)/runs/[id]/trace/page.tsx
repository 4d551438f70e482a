/** A run's trace: its spans across every tick and worker, as a tree with a waterfall and GenAI details. */
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireActor } from "../../../../../lib/auth/current-actor";
import { getDb } from "../../../../../lib/control";
import { getRunTrace, spanExportStats, type RunTraceView } from "../../../../../lib/control/traces";
import { PageHeader } from "../../../../_ui/page-header";
import { StatusBadge } from "../../../../_ui/status-badge";
import { asAppError } from "../../../_lib/action-result";
import { ExportStats } from "../../../traces/_components/export-stats";
import { LiveRunTrace } from "./live-run-trace";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Trace of run ${id}` };
}

export default async function RunTracePage({ params }: Props) {
  const actor = await requireActor("viewer");
  const { id } = await params;
  const db = await getDb();
  let trace: RunTraceView;
  try {
    trace = await getRunTrace(db, id, actor);
  } catch (error) {
    if (asAppError(error)?.status === 404) notFound();
    throw error;
  }
  return (
    <div className="stack">
      <PageHeader
        eyebrow={<Link href={`/runs/${encodeURIComponent(id)}`}>← Run {id}</Link>}
        title={
          <>
            Trace · {trace.run.workflow} <span className="muted">v{trace.run.version}</span>
          </>
        }
        description={trace.traceId ? <span className="mono">trace {trace.traceId}</span> : "No trace yet: the run has not started."}
        actions={<StatusBadge status={trace.run.status} />}
      />
      <LiveRunTrace initial={trace} renderedAt={Date.now()} />
      {/* Spans missing from a trace? Dropped spans are counted here, per destination. */}
      <ExportStats stats={await spanExportStats(db, actor)} />
    </div>
  );
}
