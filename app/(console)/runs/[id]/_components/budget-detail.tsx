"use client";
/**
 * The detail panel of a budget row: which limit stopped which LLM step, what was spent, the call's
 * estimate (in the summary), and the decision — raised by how much by whom, or aborted — or, for a
 * budget failure, the reason the run ended.
 */
import type { TimelineRow } from "../../../../../lib/timeline/types";
import { StatusBadge } from "../../../../_ui/status-badge";
import { LocalTime } from "../../../../_ui/time";
import { budgetUse, raiseText } from "./timeline";
import styles from "./run-detail.module.css";

export function BudgetPauseDetail({ row, failure }: { row: TimelineRow; failure: { message: string; abortedBy: string | null } | null }) {
  const pause = row.budget;
  if (!pause) {
    return (
      <div className={`card ${styles.stepCard}`} data-testid="budget-failure">
        <div className="card-header">
          <h2 className="section-title">Budget exceeded</h2>
          <StatusBadge status="failed" />
        </div>
        <div className="card-body stack">
          <p className="callout callout-error" style={{ overflowWrap: "anywhere" }}>
            <strong>The run failed.</strong> {failure?.message ?? "An LLM call did not fit its budget."}
          </p>
          <p className="muted">The budget says to fail rather than pause. Raise it and replay the run from the refused step.</p>
        </div>
      </div>
    );
  }
  const { decision } = pause;
  const status = decision.outcome === "pending" ? "waiting" : decision.outcome === "aborted" ? "rejected" : decision.outcome === "expired" ? "expired" : "approved";
  return (
    <div className={`card ${styles.stepCard}`} data-testid="budget-detail">
      <div className="card-header">
        <h2 className={`section-title ${styles.stepTitle}`}>
          <span className="truncate">Budget pause · <span className="mono">{pause.stepId}</span></span>
        </h2>
        <StatusBadge status={status} label={decision.outcome === "pending" ? "paused" : decision.outcome} />
      </div>
      <div className="card-body stack">
        <p>{pause.summary}</p>
        <dl className="kv">
          <dt>Limit</dt>
          <dd>
            {pause.budget}
            {pause.ledgerId ? <div className="faint mono">{pause.ledgerId}</div> : null}
          </dd>
          <dt>Used</dt>
          <dd className="num">{budgetUse(pause)}</dd>
          <dt>Paused at</dt>
          <dd><LocalTime iso={pause.pausedAt} /></dd>
        </dl>
        <section aria-label="Decision" className="stack-sm">
          <h3>Decision</h3>
          {decision.outcome === "pending" ? (
            <>
              <p className="muted">Waiting for an approver to raise the limit or abort the run.</p>
              <a href={`/approvals#approval-${pause.approvalId}`}>Decide in the inbox →</a>
            </>
          ) : (
            <dl className="kv">
              <dt>Outcome</dt>
              <dd data-testid="budget-outcome">
                {decision.outcome === "raised" && decision.raisedBy
                  ? `Raised by ${raiseText(decision.raisedBy)}, and the run continued`
                  : decision.outcome === "aborted"
                    ? "Aborted: the run ended as failed"
                    : decision.outcome === "continued"
                      ? "Continued without a raise"
                      : "Expired"}
              </dd>
              {decision.limitsAfter ? (
                <>
                  <dt>New limit</dt>
                  <dd className="num">{raiseText(decision.limitsAfter)}</dd>
                </>
              ) : null}
              <dt>Decided by</dt>
              <dd>{decision.by ?? <span className="muted">–</span>}</dd>
              <dt>Decided at</dt>
              <dd><LocalTime iso={decision.at} /></dd>
              <dt>Comment</dt>
              <dd>{decision.comment ? <span className="text-pre" style={{ fontFamily: "inherit" }}>{decision.comment}</span> : <span className="muted">none</span>}</dd>
            </dl>
          )}
          {decision.outcome === "aborted" && failure ? (
            <p className="callout callout-error" data-testid="budget-failure" style={{ overflowWrap: "anywhere" }}>
              <strong>The run failed{failure.abortedBy ? `: aborted by ${failure.abortedBy}` : ""}.</strong> {failure.message}
            </p>
          ) : null}
        </section>
      </div>
    </div>
  );
}
