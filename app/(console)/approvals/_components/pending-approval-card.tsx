"use client";
/**
 * One pending approval: what is asked, how long it has waited, the data, the run so far (each
 * earlier step with its output), and Approve / Reject with an optional comment.
 */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useActionState, useEffect, useId } from "react";
import type { ApprovalView } from "../../../../lib/data/views";
import { runQuery } from "../../../_queries/runs";
import { formatDuration } from "../../../_ui/format";
import { StepKindIcon } from "../../../_ui/icons";
import { JsonViewer } from "../../../_ui/json-viewer";
import { StatusBadge } from "../../../_ui/status-badge";
import { LocalTime, RelativeTime } from "../../../_ui/time";
import { decideApprovalAction } from "../actions";
import { BudgetDecisionForm, BudgetFacts, budgetFactsOf } from "./budget-approval";
import styles from "./approvals.module.css";

export function PendingApprovalCard({ approval, canDecide, onDecided }: {
  approval: ApprovalView;
  canDecide: boolean;
  onDecided: (message: string, runId: string) => void;
}) {
  const titleId = useId();
  return (
    <article id={`approval-${approval.id}`} className={`card ${styles.card} ${approval.kind === "budget" ? styles.budgetCard : ""}`} aria-labelledby={titleId} data-approval-id={approval.id}>
      <header className={styles.cardHeader}>
        <div className="stack-sm" style={{ gap: 4, minWidth: 0 }}>
          <h3 id={titleId} className={styles.summary}>{approval.summary}</h3>
          <div className="row muted">
            <span className={`badge ${approval.kind === "budget" ? "tone-bad" : "tone-warn"}`}>
              {approval.kind === "budget" ? "Budget exceeded" : "Approval"}
            </span>
            <span>
              waiting <strong className="num"><RelativeTime iso={approval.createdAt} suffix="" /></strong>
            </span>
            <span aria-hidden="true">·</span>
            <span>
              {approval.workflow ?? "run"}
              {approval.version ? <span className="faint">@{approval.version}</span> : null}
            </span>
            <span aria-hidden="true">·</span>
            <span>step <span className="mono">{approval.kind === "budget" ? (budgetFactsOf(approval.data).stepId ?? approval.stepId) : approval.stepId}</span></span>
            <span aria-hidden="true">·</span>
            <Link href={`/runs/${encodeURIComponent(approval.runId)}`} className="mono">{approval.runId}</Link>
            {approval.expiresAt ? (
              <>
                <span aria-hidden="true">·</span>
                <span>times out <LocalTime iso={approval.expiresAt} /></span>
              </>
            ) : null}
          </div>
        </div>
      </header>
      <div className={styles.cardBody}>
        {approval.kind === "budget" ? (
          <BudgetFacts approval={approval} />
        ) : (
          <section className="stack-sm" aria-label="Data">
            <h4 className={styles.subheading}>Data</h4>
            {approval.data === null ? <p className="muted">No data attached.</p> : <JsonViewer value={approval.data} label={`Data for ${approval.summary}`} expandDepth={1} />}
          </section>
        )}
        <RunContext runId={approval.runId} stepId={approval.stepId} />
      </div>
      <footer className={styles.cardFooter}>
        {!canDecide ? (
          <p className="muted">Read-only: the approver role can {approval.kind === "budget" ? "raise the budget or abort the run" : "approve or reject"}.</p>
        ) : approval.kind === "budget" ? (
          <BudgetDecisionForm approval={approval} onDecided={onDecided} />
        ) : (
          <DecisionForm approval={approval} onDecided={onDecided} />
        )}
      </footer>
    </article>
  );
}

/** The steps the run recorded before it asked, each with its output. */
function RunContext({ runId, stepId }: { runId: string; stepId: string }) {
  const query = useQuery(runQuery(runId));
  const run = query.data?.run;
  const waitingStep = run?.steps.find((s) => s.id === stepId);
  const previous = run ? run.steps.filter((s) => (waitingStep ? s.seq < waitingStep.seq : s.id !== stepId)).sort((a, b) => a.seq - b.seq) : [];
  return (
    <section className="stack-sm" aria-label="Run so far">
      <h4 className={styles.subheading}>Run so far</h4>
      {query.isPending ? (
        <p className="muted">Loading the run…</p>
      ) : query.isError ? (
        <p className="field-error">The run could not be loaded: {query.error.message}</p>
      ) : previous.length === 0 ? (
        <p className="muted">No earlier steps.</p>
      ) : (
        <ol className={styles.previousSteps}>
          {previous.map((step) => (
            <li key={step.id}>
              <details>
                <summary className={styles.stepSummary}>
                  <StepKindIcon kind={step.kind} size={14} />
                  <span className="mono">{step.id}</span>
                  <StatusBadge status={step.status} />
                  <span className="faint num">
                    {step.finishedAt ? formatDuration(Date.parse(step.finishedAt) - Date.parse(step.startedAt)) : ""}
                  </span>
                </summary>
                <div className={styles.stepOutput}>
                  {step.output === null ? <p className="muted">No output.</p> : <JsonViewer value={step.output} label={`Output of ${step.id}`} expandDepth={1} />}
                </div>
              </details>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function DecisionForm({ approval, onDecided }: { approval: ApprovalView; onDecided: (message: string, runId: string) => void }) {
  const [result, formAction, pending] = useActionState(decideApprovalAction, null);
  const commentId = useId();

  useEffect(() => {
    if (result?.ok && result.message) onDecided(result.message, approval.runId);
  }, [result, onDecided, approval.runId]);

  return (
    <form action={formAction} className={styles.decisionForm} aria-label={`Decide: ${approval.summary}`}>
      <input type="hidden" name="approvalId" value={approval.id} />
      <input type="hidden" name="payloadHash" value={approval.payloadHash} />
      <div className="field" style={{ flex: 1 }}>
        <label htmlFor={commentId} className="field-label">
          Comment <span className="faint">(optional)</span>
        </label>
        <textarea id={commentId} name="comment" className="textarea" rows={2} maxLength={2000} placeholder="Why, for the record" />
      </div>
      <div className={styles.decisionButtons}>
        <button type="submit" name="decision" value="approve" className="btn btn-approve" disabled={pending}>
          Approve
        </button>
        <button type="submit" name="decision" value="reject" className="btn btn-danger" disabled={pending}>
          Reject
        </button>
      </div>
      {result && !result.ok ? (
        <p className="callout callout-error" role="alert" style={{ flexBasis: "100%" }}>
          {result.message}
        </p>
      ) : null}
    </form>
  );
}
