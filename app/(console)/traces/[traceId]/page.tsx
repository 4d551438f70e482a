/** One trace by id: any service's spans (e.g. an app exporting OTLP to the console), as a tree with a waterfall. */
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireActor } from "../../../../lib/auth/current-actor";
import { getDb } from "../../../../lib/control";
import { getTrace } from "../../../../lib/control/traces";
import type { SpanView } from "../../../../lib/data/span-store";
import { AutoRefresh } from "../../../_ui/auto-refresh";
import { PageHeader } from "../../../_ui/page-header";
import { asAppError } from "../../_lib/action-result";
import { TraceView } from "../_components/trace-view";

type Props = { params: Promise<{ traceId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { traceId } = await params;
  return { title: `Trace ${traceId.slice(0, 16)}` };
}

export default async function TracePage({ params }: Props) {
  const actor = await requireActor("viewer");
  const { traceId } = await params;
  if (!/^[0-9a-f]{32}$/.test(traceId)) notFound();
  let spans: SpanView[];
  try {
    spans = await getTrace(await getDb(), traceId, actor);
  } catch (error) {
    if (asAppError(error)?.status === 404) notFound();
    throw error;
  }
  const services = [...new Set(spans.map((s) => s.serviceName))].join(", ");
  const runId = spans.find((s) => s.runId)?.runId;
  return (
    <>
      <AutoRefresh intervalMs={5_000} />
      <PageHeader
        eyebrow={<Link href="/traces">← Traces</Link>}
        title={<span className="mono">Trace {traceId.slice(0, 16)}…</span>}
        description={
          <>
            {services}
            {runId ? (
              <>
                {" · "}
                <Link href={`/runs/${encodeURIComponent(runId)}`}>run {runId}</Link>
              </>
            ) : null}
          </>
        }
      />
      <TraceView spans={spans} />
    </>
  );
}
