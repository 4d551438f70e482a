"use client";
/**
 * The waterfall: one row per step (and per attempt of a retried step), bars on a shared time
 * axis. Geometry comes from lib/timeline's pure projection; this file only draws it. Each row is
 * a button that opens the step's detail.
 */
import type { Timeline as TimelineModel, TimelineRow } from "../../../../../lib/timeline/types";
import { formatCount, formatDuration, formatUsd } from "../../../../_ui/format";
import { KIND_LABELS, StepKindIcon } from "../../../../_ui/icons";
import { EmptyState } from "../../../../_ui/states";
import { statusTone } from "../../../../_ui/status-badge";
import { LocalTime } from "../../../../_ui/time";
import styles from "./timeline.module.css";

export function Timeline({ timeline, selectedStepId, onSelect, runStatus }: {
  timeline: TimelineModel;
  selectedStepId: string | null;
  onSelect: (stepId: string) => void;
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
              aria-pressed={row.stepId === selectedStepId}
              aria-label={rowAccessibleName(row)}
              onClick={() => onSelect(row.stepId)}
            >
              <span className={styles.label}>
                <span className={styles.labelMain}>
                  {row.depth === 0 ? (
                    <span className={`${styles.kindIcon} ${row.kind === "llm" ? "tone-llm" : row.kind === "approval" || row.kind === "sleep" ? "tone-warn" : "tone-neutral"}`}>
                      <StepKindIcon kind={row.kind} size={13} />
                    </span>
                  ) : (
                    <span className={styles.attemptIndent} aria-hidden="true">↳</span>
                  )}
                  <span className={`${styles.stepId} truncate`}>{row.label}</span>
                  {row.depth === 0 && row.attemptCount > 1 ? <span className="badge tone-warn">{row.attemptCount} attempts</span> : null}
                  <span className={`badge ${statusTone(row.status)} ${styles.statusBadge}`}>{row.status.replace("_", " ")}</span>
                  <span className={`${styles.duration} num`}>{formatDuration(row.durationMs)}</span>
                </span>
                <RowFacts row={row} />
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

/** The second line of a row: the fact a person scans for (error, decision, model and cost). */
function RowFacts({ row }: { row: TimelineRow }) {
  if (row.type === "attempt") {
    const error = row.errors[0];
    return error ? (
      <span className={`${styles.facts} ${styles.error}`} title={`${error.name}: ${error.message}`}>
        {error.name}: {error.message}
      </span>
    ) : null;
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
    return (
      <span className={styles.facts}>
        {row.llm.model ?? "model unknown"} · {formatCount(row.llm.totalTokens)} tokens · {formatUsd(row.llm.costUsd)}
        {row.llm.finishReason ? ` · ${row.llm.finishReason}` : ""}
      </span>
    );
  }
  if (row.attemptCount > 1) {
    return <span className={styles.facts}>{row.errors.length} failed {row.errors.length === 1 ? "attempt" : "attempts"} before this result</span>;
  }
  return null;
}

function rowAccessibleName(row: TimelineRow): string {
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
