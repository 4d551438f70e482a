/**
 * The runs table used by the Runs page (live) and the Overview (recent runs). Presentational:
 * it renders what it is given; whoever polls owns the data.
 */
import Link from "next/link";
import type { RunSummaryView } from "../../../../lib/data/views";
import { formatCount, formatDuration, formatUsd } from "../../../_ui/format";
import { StatusBadge } from "../../../_ui/status-badge";
import { RelativeTime } from "../../../_ui/time";

export function RunsTable({ runs, now, caption }: { runs: RunSummaryView[]; now: number; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Workflow</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col" className="right">Duration</th>
            <th scope="col" className="right">Steps</th>
            <th scope="col" className="right">Tokens</th>
            <th scope="col" className="right">Cost</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run-id={run.id}>
              <td>
                <Link href={`/runs/${encodeURIComponent(run.id)}`} className="mono">
                  {run.id}
                </Link>
                {run.forkedFromRunId ? <span className="faint"> · fork</span> : null}
              </td>
              <td className="nowrap">
                {run.workflow}
                <span className="faint">@{run.version}</span>
              </td>
              <td>
                <StatusBadge status={run.status} />
                {run.error ? (
                  <div className="field-error truncate" style={{ maxWidth: 200 }} title={run.error.message}>
                    {run.error.message}
                  </div>
                ) : null}
              </td>
              <td className="nowrap muted">
                <RelativeTime iso={run.createdAt} />
              </td>
              <td className="right num">{runDuration(run, now)}</td>
              <td className="right num">{run.stepCount}</td>
              <td className="right num">{formatCount(run.totalTokens)}</td>
              <td className="right num">{formatUsd(run.totalCostUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function runDuration(run: RunSummaryView, now: number): string {
  if (!run.startedAt) return "–";
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return formatDuration(Math.max(0, end - Date.parse(run.startedAt)));
}
