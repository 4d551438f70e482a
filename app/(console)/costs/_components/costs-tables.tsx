/**
 * Spend per group (with its share, error rate and latency) and the runs that cost the most.
 * Presentational: the dashboard polls and passes the report down.
 */
import Link from "next/link";
import type { UsageReport } from "../../../../lib/data/usage-queries";
import { formatCount, formatDuration, formatPercent, formatUsd } from "../../../_ui/format";
import { StatusBadge } from "../../../_ui/status-badge";
import { RelativeTime } from "../../../_ui/time";
import { USAGE_GROUP_OPTIONS, type UsageGroupOption } from "../../../_queries/usage";
import styles from "./costs.module.css";

/** A table's header row: the first column is a label, the others are numbers (right-aligned) unless marked `left`. */
export function HeadRow({ columns, left = 1 }: { columns: string[]; left?: number }) {
  return (
    <thead>
      <tr>
        {columns.map((column, i) => (
          <th key={column} scope="col" className={i < left ? undefined : "right"}>{column}</th>
        ))}
      </tr>
    </thead>
  );
}

const TOP_RUN_COLUMNS = ["Run", "Workflow", "Status", "Created", "Calls", "Tokens", "Cost"];

export function GroupTable({ report, groupBy, color }: { report: UsageReport; groupBy: UsageGroupOption; color: (key: string) => string | undefined }) {
  const latency = new Map(report.latency.llmByGroup.map((group) => [group.key, group]));
  const total = report.totals.costUsd;
  return (
    <section className="card" aria-labelledby="by-group-title">
      <div className="card-header">
        <h2 id="by-group-title" className="section-title">Spend by {USAGE_GROUP_OPTIONS[groupBy].toLowerCase()}</h2>
      </div>
      <div className="table-wrap">
        <table className={`table ${styles.tones}`} data-testid="spend-by-group">
          <caption className="visually-hidden">LLM spend by {USAGE_GROUP_OPTIONS[groupBy].toLowerCase()}</caption>
          <HeadRow columns={[USAGE_GROUP_OPTIONS[groupBy], "Cost", "Share", "Calls", "Errors", "Input", "Cached", "Output", "p50 / p95"]} />
          <tbody>
            {report.rows.map((row) => {
              const stats = latency.get(row.key);
              const swatch = color(row.key);
              return (
                <tr key={row.key} data-group={row.key}>
                  <td>
                    <span className={styles.groupCell}>
                      <span className={styles.swatch} style={{ background: swatch ?? "transparent" }} aria-hidden="true" />
                      <span className="mono truncate">{row.key}</span>
                    </span>
                  </td>
                  <td className="num right">{formatUsd(row.costUsd)}</td>
                  <td className="num right muted">{total > 0 ? formatPercent(row.costUsd / total) : "–"}</td>
                  <td className="num right">{formatCount(row.calls)}</td>
                  <td className="num right" data-tone={row.failedCalls > 0 ? "warn" : undefined}>{row.failedCalls > 0 ? formatPercent(row.failedCalls / row.calls) : "0%"}</td>
                  <td className="num right">{formatCount(row.inputTokens)}</td>
                  <td className="num right">{formatCount(row.cachedInputTokens)}</td>
                  <td className="num right">{formatCount(row.outputTokens)}</td>
                  <td className="num right nowrap">
                    {stats?.p50Ms != null ? `${formatDuration(stats.p50Ms)} / ${formatDuration(stats.p95Ms ?? stats.p50Ms)}` : "–"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function TopRunsTable({ report }: { report: UsageReport }) {
  return (
    <section className="card" aria-labelledby="top-runs-title">
      <div className="card-header">
        <h2 id="top-runs-title" className="section-title">Top runs by cost</h2>
        <span className="muted">LLM spend within the range</span>
      </div>
      <div className="table-wrap">
        <table className="table" data-testid="top-runs">
          <caption className="visually-hidden">The runs with the highest LLM cost in the range</caption>
          <HeadRow columns={TOP_RUN_COLUMNS} left={4} />
          <tbody>
            {report.topRuns.map((run) => (
              <tr key={run.runId} data-run-id={run.runId}>
                <td>
                  <Link href={`/runs/${encodeURIComponent(run.runId)}`} className="mono">{run.runId}</Link>
                </td>
                <td className="nowrap">
                  {run.workflow}
                  <span className="faint">@{run.version}</span>
                </td>
                <td><StatusBadge status={run.status} /></td>
                <td className="nowrap muted"><RelativeTime iso={run.createdAt} /></td>
                <td className="num right">{formatCount(run.calls)}</td>
                <td className="num right">{formatCount(run.totalTokens)}</td>
                <td className="num right">{formatUsd(run.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
