"use client";
/**
 * The waterfall: one row per step (and per attempt of a retried step), bars on a shared time
 * axis. Geometry comes from lib/timeline's pure projection; this file only draws it. Each row is
 * a button that opens the step's detail.
 */
import type { BudgetPauseFacts, ChargeFacts, Timeline as TimelineModel, TimelineRow } from "../../../../../lib/timeline/types";
import { formatCount, formatDuration, formatUsd } from "../../../../_ui/format";
import { KIND_LABELS, StepKindIcon } from "../../../../_ui/icons";
import { EmptyState } from "../../../../_ui/states";
import { statusTone } from "../../../../_ui/status-badge";
import { LocalTime } from "../../../../_ui/time";
import styles from "./timeline.module.css";

export function Timeline({ timeline, selectedKey, onSelect, runStatus }: {
  timeline: TimelineModel;
  /** A step id (its step and attempt rows are pressed) or a budget row's key */
  selectedKey: string | null;
  onSelect: (row: TimelineRow) => void;
  runStatus: string;
}) {
  if (timeline.rows.length === 0) {
    return (
      <EmptyState title={runStatus === "queued" ? "Waiting for a worker" : "No steps recorded"}>
        {runStatus === "queued"
          ? "The run is queued. Its first step appears here as soon as a worker picks it up."
          : "This run ended before it recorded any step."}
      </EmptyState>
    );
  }
  return (
    <div className={styles.timeline}>
      <div className={styles.grid} aria-hidden="true">
        {timeline.axis.ticks.map((tick) => (
          <span key={tick.offsetMs} className={styles.gridLine} style={{ left: `${tick.leftPct}%` }} />
        ))}
      </div>
      <div className={styles.axis} aria-hidden="true">
        <span className={styles.axisLabel}>Step</span>
        <span className={styles.axisTrack}>
          {timeline.axis.ticks.map((tick, index) => (
            <span
              key={tick.offsetMs}
              className={styles.tick}
              style={{ left: `${tick.leftPct}%` }}
              data-last={index === timeline.axis.ticks.length - 1 && tick.leftPct > 92}
            >
              {tick.label}
            </span>
          ))}
        </span>
      </div>
      <ol className={styles.rows} aria-label="Steps in order of start">
        {timeline.rows.map((row) => (
          <li key={row.key} className={styles.rowItem} data-step-id={row.stepId} data-row-type={row.type} data-status={row.status}>
            <button
              type="button"
              className={styles.row}
              data-depth={row.depth}
              aria-pressed={row.type === "budget" ? row.key === selectedKey : row.stepId === selectedKey}
              aria-label={rowAccessibleName(row)}
              onClick={() => onSelect(row)}
            >
              <span className={styles.label}>
                <span className={styles.labelMain}>
                  {row.type === "budget" ? (
                    <span className={`${styles.kindIcon} ${styles.budgetIcon} tone-bad`} aria-hidden="true">$</span>
                  ) : row.depth === 0 ? (
                    <span className={`${styles.kindIcon} ${row.kind === "llm" ? "tone-llm" : row.kind === "approval" || row.kind === "sleep" ? "tone-warn" : "tone-neutral"}`}>
                      <StepKindIcon kind={row.kind} size={13} />
                    </span>
                  ) : (
                    <span className={styles.attemptIndent} aria-hidden="true">↳</span>
                  )}
                  <span className={`${styles.stepId} truncate`}>{row.label}</span>
                  {row.depth === 0 && row.attemptCount > 1 ? <span className="badge tone-warn">{row.attemptCount} attempts</span> : null}
                  <span className={`badge ${statusTone(row.status)} ${styles.statusBadge}`}>{statusLabel(row)}</span>
                  <span className={`${styles.duration} num`}>{formatDuration(row.durationMs)}</span>
                </span>
                <RowFacts row={row} failure={timeline.budgetFailure} />
              </span>
              <span className={styles.track}>
                {row.bars.map((bar) => (
                  <span
                    key={bar.key}
                    className={styles.bar}
                    data-kind={bar.kind}
                    data-status={bar.status}
                    data-open={bar.open}
                    data-clipped={bar.clipped}
                    style={{ left: `${bar.leftPct}%`, width: `${bar.widthPct}%` }}
                    title={bar.label}
                  />
                ))}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** A budget row's badge says what happened to the pause; other rows show their status. */
function statusLabel(row: TimelineRow): string {
  const outcome = row.budget?.decision.outcome;
  if (outcome === "pending") return "paused";
  if (outcome) return outcome;
  return row.status.replace("_", " ");
}

/** "$0.0004 of $0.0005", "900 of 1,000 tokens": what was used of the limit that refused. */
export function budgetUse(pause: BudgetPauseFacts): string {
  return [
    pause.limitUsd !== null ? `${formatUsd(pause.spentUsd)} of ${formatUsd(pause.limitUsd)}` : null,
    pause.limitTokens !== null ? `${formatCount(pause.spentTokens)} of ${formatCount(pause.limitTokens)} tokens` : null,
  ]
    .filter(Boolean)
    .join(", ");
}

/** "$0.05", "5k tokens", "$0.05 and 5k tokens" */
export function raiseText(raised: { usd: number | null; tokens: number | null }): string {
  return [raised.usd !== null ? formatUsd(raised.usd) : null, raised.tokens !== null ? `${formatCount(raised.tokens)} tokens` : null].filter(Boolean).join(" and ");
}

function BudgetFacts({ row, failure }: { row: TimelineRow; failure: TimelineModel["budgetFailure"] }) {
  const pause = row.budget;
  if (!pause) {
    const reason = failure?.message ?? "The next LLM call did not fit the budget.";
    return <span className={`${styles.facts} ${styles.error}`} data-testid="budget-event" title={reason}>The run failed: {reason}</span>;
  }
  const { decision } = pause;
  const when = decision.at ? <> · <LocalTime iso={decision.at} timeOnly /></> : null;
  return (
    <span className={styles.facts} data-testid="budget-event" title={pause.summary}>
      {decision.outcome === "pending" ? (
        "Waiting for a raise or an abort"
      ) : decision.outcome === "raised" ? (
        <><strong>Raised by {raiseText(decision.raisedBy!)}</strong>{decision.by ? <> by {decision.by}</> : null}{when}</>
      ) : decision.outcome === "aborted" ? (
        <><strong>Aborted</strong>{decision.by ? <> by {decision.by}</> : null}{when}</>
      ) : decision.outcome === "continued" ? (
        <><strong>Continued</strong>{decision.by ? <> by {decision.by}</> : null}{when}</>
      ) : (
        <strong>Expired</strong>
      )}
      {decision.comment ? <> · “{decision.comment}”</> : null}
      {" · "}
      {pause.budget}: {budgetUse(pause)}
    </span>
  );
}

/** "charged $0.0004" for one attempt's charge. */
function chargeText(charges: ChargeFacts[]): string {
  const charge = charges[0];
  return charge ? `charged ${formatUsd(charge.costUsd)}` : "";
}

/** The second line of a row: the fact a person scans for (error, decision, model and cost). */
function RowFacts({ row, failure }: { row: TimelineRow; failure: TimelineModel["budgetFailure"] }) {
  if (row.type === "budget") return <BudgetFacts row={row} failure={failure} />;
  if (row.type === "attempt") {
    const error = row.errors[0];
    if (!error) return row.charges.length > 0 ? <span className={styles.facts}>{chargeText(row.charges)}</span> : null;
    return (
      <span className={`${styles.facts} ${styles.error}`} title={`${error.name}: ${error.message}`}>
        {row.charges.length > 0 ? <><span className={styles.charge} data-testid="attempt-charge">{chargeText(row.charges)}</span> · </> : null}
        {error.name}: {error.message}
      </span>
    );
  }
  if (row.wait?.kind === "approval") {
    const decision = row.wait.decision;
    if (!decision || decision.status === "pending") {
      return <span className={styles.facts}>Waiting for a person to approve or reject</span>;
    }
    return (
      <span className={styles.facts} data-testid="approval-decision">
        <strong>{decision.status}</strong>
        {decision.decidedBy ? <> by {decision.decidedBy}</> : null}
        {decision.decidedAt ? <> · <LocalTime iso={decision.decidedAt} timeOnly /></> : null}
        {decision.comment ? <> · “{decision.comment}”</> : null}
      </span>
    );
  }
  if (row.wait?.kind === "sleep") {
    return row.wait.wakeAt ? (
      <span className={styles.facts}>
        Sleeps until <LocalTime iso={row.wait.wakeAt} timeOnly />
      </span>
    ) : null;
  }
  if (row.status === "failed" && row.errors.length > 0) {
    const last = row.errors[row.errors.length - 1];
    return (
      <span className={`${styles.facts} ${styles.error}`} title={`${last.name}: ${last.message}`}>
        {last.name}: {last.message}
      </span>
    );
  }
  if (row.llm) {
    const failed = row.charges.filter((charge) => charge.status !== "succeeded");
    const failedUsd = failed.reduce((sum, charge) => sum + charge.costUsd, 0);
    return (
      <span className={styles.facts}>
        {row.llm.model ?? "model unknown"} · {formatCount(row.llm.totalTokens)} tokens · {formatUsd(row.llm.costUsd)}
        {row.llm.finishReason ? ` · ${row.llm.finishReason}` : ""}
        {failedUsd > 0 ? ` · +${formatUsd(failedUsd)} on ${failed.length} failed ${failed.length === 1 ? "attempt" : "attempts"}` : ""}
      </span>
    );
  }
  if (row.attemptCount > 1) {
    return <span className={styles.facts}>{row.errors.length} failed {row.errors.length === 1 ? "attempt" : "attempts"} before this result</span>;
  }
  return null;
}

function rowAccessibleName(row: TimelineRow): string {
  if (row.type === "budget") {
    const decision = row.budget?.decision;
    return [
      row.label,
      statusLabel(row),
      decision?.outcome === "raised" && decision.raisedBy ? `raised by ${raiseText(decision.raisedBy)}` : null,
      decision?.by ? `by ${decision.by}` : null,
    ]
      .filter(Boolean)
      .join(", ");
  }
  const parts = [row.depth === 0 ? `${KIND_LABELS[row.kind]} ${row.label}` : `${row.stepId}, ${row.label}`, row.status.replace("_", " "), formatDuration(row.durationMs)];
  if (row.depth === 0 && row.attemptCount > 1) parts.push(`${row.attemptCount} attempts`);
  const decision = row.wait?.decision;
  if (decision && decision.status !== "pending") {
    parts.push(`${decision.status}${decision.decidedBy ? ` by ${decision.decidedBy}` : ""}${decision.comment ? `: ${decision.comment}` : ""}`);
  }
  const error = row.errors.at(-1);
  if (error && (row.type === "attempt" || row.status === "failed")) parts.push(`${error.name}: ${error.message}`);
  return parts.join(", ");
}
