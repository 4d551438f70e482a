"use client";
/**
 * Lineage: the forks made from a run, kept live so a fork made elsewhere appears without a reload
 * (the header says where a fork came from). Plus, for a queued run, whether any worker serves its
 * version: runs are pinned to their version, so without one it waits.
 */
import { queryOptions, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { RunLineage, VersionCoverageView } from "../../../../../lib/control/types";
import type { RunView } from "../../../../../lib/data/views";
import { fetchJson } from "../../../../_queries/fetch-json";
import { StatusBadge } from "../../../../_ui/status-badge";
import { LocalTime } from "../../../../_ui/time";
import styles from "./replay.module.css";

/** How often lineage and version coverage are refreshed. @defaultValue 3_000 */
const REFRESH_MS = 3_000;

export function lineageQuery(runId: string) {
  return queryOptions({
    queryKey: ["run", runId, "lineage"] as const,
    queryFn: ({ signal }) => fetchJson<{ lineage: RunLineage }>(`/api/v1/runs/${encodeURIComponent(runId)}/lineage`, signal),
  });
}

function coverageQuery(workflow: string) {
  return queryOptions({
    queryKey: ["versions", workflow] as const,
    queryFn: ({ signal }) => fetchJson<{ versions: VersionCoverageView[] }>(`/api/v1/versions?workflow=${encodeURIComponent(workflow)}`, signal),
  });
}

/** The forks made from this run (the header already says where this run was forked from). */
export function RunLineageCard({ runId }: { runId: string }) {
  const { data } = useQuery({ ...lineageQuery(runId), refetchInterval: REFRESH_MS });
  const forks = data?.lineage.forks ?? [];
  if (forks.length === 0) return null;
  return (
    <section className="card" aria-labelledby="forks-title">
      <div className="card-header">
        <h2 id="forks-title" className="section-title">Forks of this run</h2>
        <span className="muted">replays from one of its steps</span>
      </div>
      <div className="card-body">
        <ul className={styles.lineage} aria-label="Forks of this run">
          {forks.map((fork) => (
            <li key={fork.id} data-fork-id={fork.id}>
              <Link href={`/runs/${encodeURIComponent(fork.id)}`} className="mono">{fork.id}</Link>
              <StatusBadge status={fork.status} />
              <span className="muted">
                from step <span className="mono">{fork.forkedAtStep ?? "–"}</span> on v{fork.version}
              </span>
              <span className="faint"><LocalTime iso={fork.createdAt} /></span>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

/** "No worker has version N": shown while the run is queued and no live worker serves its version. */
export function VersionCoverageNotice({ run }: { run: RunView }) {
  const queued = run.status === "queued";
  const { data } = useQuery({ ...coverageQuery(run.workflow), enabled: queued, refetchInterval: queued ? REFRESH_MS : false });
  const coverage = data?.versions.find((v) => v.version === run.version);
  if (!queued || !coverage?.unserved) return null;
  return (
    <div className="callout callout-warn stack-sm" role="status" data-testid="no-worker-notice">
      <strong>
        No worker has version {run.version} of {run.workflow}
      </strong>
      <span>
        Runs stay on the version they started on, so this run waits until a worker that serves version {run.version} is running
        ({coverage.inFlight.total} {coverage.inFlight.total === 1 ? "run waits" : "runs wait"} for it).
      </span>
      {coverage.refusedBy.map((refusal) => (
        <span key={refusal.workerId} className="muted">
          Worker <span className="mono">{refusal.workerId}</span>: {refusal.message}
        </span>
      ))}
    </div>
  );
}
