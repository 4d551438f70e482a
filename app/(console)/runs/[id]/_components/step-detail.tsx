"use client";
/**
 * One step in full: facts, LLM call, approval decision, every attempt with its error, and the
 * recorded input and output (JSON viewer; completion text as plain text).
 */
import type { Json } from "../../../../../lib/engine/types";
import type { StepView } from "../../../../../lib/data/views";
import type { ChargeFacts } from "../../../../../lib/timeline/types";
import { formatCount, formatDuration, formatUsd } from "../../../../_ui/format";
import { KIND_LABELS, StepKindIcon } from "../../../../_ui/icons";
import { JsonViewer } from "../../../../_ui/json-viewer";
import { LongText } from "../../../../_ui/long-text";
import { StatusBadge } from "../../../../_ui/status-badge";
import { LocalTime } from "../../../../_ui/time";
import styles from "./run-detail.module.css";

export function StepDetail({ step, charges = [], live, now, onReplay, reusedFrom }: {
  step: StepView;
  /** LLM steps: what each attempt was charged, failed ones included */
  charges?: ChargeFacts[];
  live: boolean;
  now: number;
  /** Offered on ended runs to operators: opens the replay preview from this step */
  onReplay?: () => void;
  /** For a fork's steps before its fork point: the run whose recorded result was copied */
  reusedFrom?: string | null;
}) {
  const end = step.finishedAt ? Date.parse(step.finishedAt) : live ? now : null;
  const duration = end === null ? "–" : formatDuration(end - Date.parse(step.startedAt));
  const completion = llmText(step.output);
  const approval = step.approval;
  const status = approval && approval.status !== "pending" ? approval.status : step.status;

  return (
    <div className={`card ${styles.stepCard}`}>
      <div className="card-header">
        <h2 className={`section-title ${styles.stepTitle}`}>
          <StepKindIcon kind={step.kind} />
          <span className="mono truncate">{step.id}</span>
        </h2>
        <StatusBadge status={status} />
      </div>
      <div className="card-body stack">
        {reusedFrom ? (
          <p className="callout" data-testid="reused-from">
            Reused from run <a href={`/runs/${encodeURIComponent(reusedFrom)}`} className="mono">{reusedFrom}</a>: recorded there before this
            run was forked from it, and not run again here.
          </p>
        ) : null}
        {onReplay ? (
          <div className="row">
            <button type="button" className="btn btn-sm" onClick={onReplay}>
              Replay from here
            </button>
            <span className="faint">Preview what runs again before anything happens.</span>
          </div>
        ) : null}
        <dl className="kv">
          <dt>Kind</dt>
          <dd>{KIND_LABELS[step.kind]}{step.sideEffect ? " · has side effects" : ""}</dd>
          <dt>Position</dt>
          <dd className="num">#{step.seq}</dd>
          <dt>Started</dt>
          <dd><LocalTime iso={step.startedAt} /></dd>
          <dt>Finished</dt>
          <dd>{step.finishedAt ? <LocalTime iso={step.finishedAt} /> : <span className="muted">not yet</span>}</dd>
          <dt>Duration</dt>
          <dd className="num">{duration}</dd>
          {step.kind === "step" || step.kind === "llm" ? (
            <>
              <dt>Attempts</dt>
              <dd className="num">{Math.max(step.attempts, step.attemptHistory.length)}</dd>
            </>
          ) : null}
          {step.wakeAt && !step.finishedAt ? (
            <>
              <dt>{step.kind === "sleep" ? "Wakes at" : step.kind === "approval" ? "Times out" : "Next retry"}</dt>
              <dd><LocalTime iso={step.wakeAt} /></dd>
            </>
          ) : null}
        </dl>

        {step.usage ? (
          <section aria-label="LLM call" className="stack-sm">
            <h3>LLM call</h3>
            <dl className="kv">
              <dt>Model</dt>
              <dd className="mono">{step.usage.model ?? requestedModel(step.input) ?? "–"}</dd>
              <dt>Provider</dt>
              <dd>{step.usage.provider ?? "–"}</dd>
              <dt>Tokens</dt>
              <dd className="num">
                {formatCount(step.usage.inputTokens)} in · {formatCount(step.usage.outputTokens)} out
              </dd>
              <dt>Cost</dt>
              <dd className="num">{formatUsd(step.usage.costUsd)}</dd>
              <dt>Finish reason</dt>
              <dd>{step.usage.finishReason ?? "–"}</dd>
              {step.usage.latencyMs !== null ? (
                <>
                  <dt>Latency</dt>
                  <dd className="num">{formatDuration(step.usage.latencyMs)}</dd>
                </>
              ) : null}
            </dl>
          </section>
        ) : null}

        {charges.length > 0 ? <Charges charges={charges} /> : null}

        {approval ? (
          <section aria-label="Decision" className="stack-sm">
            <h3>Decision</h3>
            <p>{approval.summary}</p>
            <dl className="kv">
              <dt>Status</dt>
              <dd><StatusBadge status={approval.status} /></dd>
              <dt>Decided by</dt>
              <dd>{approval.decidedBy ?? <span className="muted">nobody yet</span>}</dd>
              <dt>Decided at</dt>
              <dd>{approval.decidedAt ? <LocalTime iso={approval.decidedAt} /> : <span className="muted">–</span>}</dd>
              <dt>Comment</dt>
              <dd>{approval.comment ? <span className="text-pre" style={{ fontFamily: "inherit" }}>{approval.comment}</span> : <span className="muted">none</span>}</dd>
              {approval.expiresAt ? (
                <>
                  <dt>Expires</dt>
                  <dd><LocalTime iso={approval.expiresAt} /></dd>
                </>
              ) : null}
            </dl>
            {approval.status === "pending" ? <a href={`/approvals#approval-${approval.id}`}>Decide in the inbox →</a> : null}
          </section>
        ) : null}

        {step.attemptHistory.length > 1 || step.attemptHistory.some((a) => a.error) ? (
          <section aria-label="Attempts" className="stack-sm">
            <h3>Attempts</h3>
            <ol className={styles.attempts}>
              {step.attemptHistory.map((attempt) => (
                <li key={attempt.attempt}>
                  <div className="row">
                    <span className="num">#{attempt.attempt}</span>
                    <StatusBadge status={attempt.status} />
                    <span className="muted num">
                      {attempt.finishedAt ? formatDuration(Date.parse(attempt.finishedAt) - Date.parse(attempt.startedAt)) : "running"}
                    </span>
                    <span className="faint"><LocalTime iso={attempt.startedAt} timeOnly /></span>
                  </div>
                  {attempt.error ? (
                    <p className={`field-error ${styles.attemptError}`}>
                      {attempt.error.name}: {attempt.error.message}
                    </p>
                  ) : null}
                </li>
              ))}
            </ol>
          </section>
        ) : null}

        {step.error ? (
          <div className="callout callout-error">
            <strong>{step.error.reason ? step.error.reason.replaceAll("_", " ") : "Error"}</strong>
            <div className="text-pre">
              {step.error.name}: {step.error.message}
            </div>
          </div>
        ) : null}

        {completion !== null ? (
          <section aria-label="Completion" className="stack-sm">
            <h3>Completion</h3>
            <LongText text={completion} label="Completion text" />
          </section>
        ) : null}

        <section aria-label="Step input" className="stack-sm">
          <h3>Input</h3>
          {step.input === null ? <p className="muted">No input recorded.</p> : <JsonViewer value={step.input} label="Step input" expandDepth={2} />}
        </section>
        <section aria-label="Step output" className="stack-sm">
          <h3>Output</h3>
          {step.output === null ? (
            <p className="muted">{step.finishedAt ? "No output." : "No output yet."}</p>
          ) : (
            <JsonViewer value={step.output} label="Step output" expandDepth={2} />
          )}
        </section>
      </div>
    </div>
  );
}

/** Every attempt's charge with the price it was charged at (a snapshot: later price changes leave it). */
function Charges({ charges }: { charges: ChargeFacts[] }) {
  const total = charges.reduce((sum, charge) => sum + charge.costUsd, 0);
  return (
    <section aria-label="Charges" className="stack-sm">
      <h3>Charged per attempt</h3>
      <ol className={styles.attempts}>
        {charges.map((charge) => (
          <li key={charge.attempt} data-testid="charge" data-attempt={charge.attempt} data-status={charge.status}>
            <div className="row">
              <span className="num">#{charge.attempt}</span>
              <StatusBadge status={charge.status} />
              <strong className="num">{formatUsd(charge.costUsd)}</strong>
              <span className="muted num">
                {formatCount(charge.inputTokens)} in{charge.cachedInputTokens > 0 ? ` (${formatCount(charge.cachedInputTokens)} cached)` : ""} · {formatCount(charge.outputTokens)} out
              </span>
            </div>
            <div className={`faint num ${styles.attemptError}`}>
              {charge.price
                ? `at $${charge.price.inputPerMTok} in${charge.cachedInputTokens > 0 && charge.price.cachedInputPerMTok !== null ? ` / $${charge.price.cachedInputPerMTok} cached` : ""} / $${charge.price.outputPerMTok} out per 1M tokens${charge.model ? ` (${charge.model})` : ""}`
                : "no price known for this model: charged $0"}
              {charge.status !== "succeeded" ? " · a failed attempt is charged what it used" : ""}
            </div>
          </li>
        ))}
      </ol>
      {charges.length > 1 ? <p className="muted num">Total charged: {formatUsd(total)}</p> : null}
    </section>
  );
}

/** The model the step asked for (an LLM step's recorded input), when the provider never answered. */
function requestedModel(input: Json | null): string | null {
  return input && typeof input === "object" && !Array.isArray(input) && typeof input.model === "string" ? input.model : null;
}

function llmText(output: Json | null): string | null {
  if (output && typeof output === "object" && !Array.isArray(output) && typeof output.text === "string") return output.text;
  return null;
}
