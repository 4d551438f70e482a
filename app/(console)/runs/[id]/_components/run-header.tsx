/** The run's identity and facts: workflow@version, status, times, cost, who started it, lineage. */
import Link from "next/link";
import type { RunView } from "../../../../../lib/data/views";
import { CopyButton } from "../../../../_ui/copy-button";
import { formatCount, formatDuration, formatUsd } from "../../../../_ui/format";
import { StatusBadge } from "../../../../_ui/status-badge";
import { LocalTime } from "../../../../_ui/time";
import { CancelRunButton } from "./cancel-run-button";
import styles from "./run-detail.module.css";

export function RunHeader({ run, requestedByLabel, canCancel, live, now }: {
  run: RunView;
  requestedByLabel: string | null;
  canCancel: boolean;
  live: boolean;
  now: number;
}) {
  const duration = run.startedAt ? formatDuration((run.finishedAt ? Date.parse(run.finishedAt) : now) - Date.parse(run.startedAt)) : "–";
  return (
    <header className="stack-sm">
      <nav aria-label="Breadcrumb" className="muted">
        <Link href="/runs">Runs</Link> <span aria-hidden="true">/</span>{" "}
        <Link href={`/workflows/${encodeURIComponent(run.workflow)}`}>{run.workflow}</Link>
      </nav>
      <div className={styles.titleRow}>
        <h1 className={styles.title}>
          {run.workflow}
          <span className="faint">@{run.version}</span>
        </h1>
        <span data-run-status={run.status} aria-live="polite">
          <StatusBadge status={run.status} />
        </span>
        <span className="mono muted">{run.id}</span>
        <CopyButton text={run.id} label="Copy id" className="btn btn-ghost btn-sm" />
        <span className="spacer" />
        <Link href={`/runs/${encodeURIComponent(run.id)}/trace`} className="btn btn-sm">
          Trace
        </Link>
        {canCancel && live ? <CancelRunButton runId={run.id} /> : null}
      </div>
      <dl className={styles.facts}>
        <Fact label="Created"><LocalTime iso={run.createdAt} /></Fact>
        <Fact label="Started"><LocalTime iso={run.startedAt} /></Fact>
        <Fact label="Finished">{run.finishedAt ? <LocalTime iso={run.finishedAt} /> : <span className="muted">{live ? "not yet" : "–"}</span>}</Fact>
        <Fact label={live ? "Running for" : "Duration"}><span className="num">{duration}</span></Fact>
        <Fact label="Tokens"><span className="num">{formatCount(run.totalTokens)}</span></Fact>
        <Fact label="Cost"><span className="num">{formatUsd(run.totalCostUsd)}</span></Fact>
        <Fact label="Requested by">{requestedByLabel ?? <span className="faint">–</span>}</Fact>
        {run.budget ? (
          <Fact label="Budget">
            {[
              run.budget.maxCostUsd !== undefined ? `${formatUsd(run.budget.maxCostUsd)} max` : null,
              run.budget.maxTokens !== undefined ? `${formatCount(run.budget.maxTokens)} tokens max` : null,
              run.budget.onExceed ? `on exceed: ${run.budget.onExceed}` : null,
            ]
              .filter(Boolean)
              .join(" · ")}
          </Fact>
        ) : null}
        {run.forkedFromRunId ? (
          <Fact label="Forked from">
            <Link href={`/runs/${encodeURIComponent(run.forkedFromRunId)}`} className="mono">{run.forkedFromRunId}</Link>
            {run.forkedAtStep ? <span className="muted"> at step {run.forkedAtStep}</span> : null}
          </Fact>
        ) : null}
        {run.wakeAt && live ? <Fact label={run.status === "waiting" ? "Wait ends by" : "Next attempt"}><LocalTime iso={run.wakeAt} /></Fact> : null}
      </dl>
      {run.error ? (
        <div className="callout callout-error" role="status">
          <strong>{run.error.reason ? `Failed: ${run.error.reason.replaceAll("_", " ")}` : "Failed"}</strong>
          <div className="text-pre" style={{ marginTop: 4 }}>
            {run.error.name}: {run.error.message}
          </div>
        </div>
      ) : null}
    </header>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className={styles.fact}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
