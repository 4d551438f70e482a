"use client";
/** A run's trace, polled while the run can still change (spans arrive as they are exported). */
import { useQuery } from "@tanstack/react-query";
import type { RunTraceView } from "../../../../../lib/control/traces";
import { fetchJson } from "../../../../_queries/fetch-json";
import { useNow } from "../../../../_ui/time";
import { TraceView } from "../../../traces/_components/trace-view";

/** Poll while the run is active. @defaultValue 2_000 */
const LIVE_POLL_MS = 2_000;
const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

export function LiveRunTrace({ initial, renderedAt }: { initial: RunTraceView; renderedAt: number }) {
  const query = useQuery({
    queryKey: ["run-trace", initial.run.id] as const,
    queryFn: ({ signal }) => fetchJson<RunTraceView>(`/api/v1/runs/${encodeURIComponent(initial.run.id)}/trace`, signal),
    initialData: initial,
    // After the run ends its root span still has to arrive; keep polling until it has.
    refetchInterval: (q) => {
      const data = q.state.data;
      const ended = data && TERMINAL.has(data.run.status);
      const rootArrived = data && data.spans.some((s) => s.spanId === data.rootSpanId);
      return ended && (rootArrived || data.run.status === "cancelled") ? false : LIVE_POLL_MS;
    },
  });
  const trace = query.data;
  const inProgress = !TERMINAL.has(trace.run.status);
  const now = useNow(1_000, inProgress, renderedAt);
  return (
    <div className="stack">
      {query.isError ? (
        <p className="callout callout-warn" role="status">
          Live updates paused: {query.error.message}
        </p>
      ) : null}
      <TraceView
        spans={trace.spans}
        pendingRoot={trace.rootSpanId ? { spanId: trace.rootSpanId, name: `invoke_workflow ${trace.run.workflow}`, inProgress } : null}
        now={now}
        emptyTitle={trace.run.status === "queued" ? "Waiting for a worker" : "No spans recorded"}
        emptyText={
          trace.run.status === "queued"
            ? "The run is queued; its spans appear as soon as a worker runs it."
            : "No spans were stored for this run. Workers store them unless WAYMARK_TRACE_STORE=false."
        }
      />
    </div>
  );
}
