"use client";
/**
 * "Replay from here": before anything runs, the operator sees which steps the fork reuses and
 * which run again, which of those touch the outside world (side effects) and what the LLM calls
 * cost; picks the version and may edit the input (validated by that version's schema). Confirming
 * creates the fork and opens it. A changed version or input must be previewed again first.
 */
import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import type { ReplayPreview, ReplayStepPlan } from "../../../../../lib/control/types";
import type { RunView, StepView } from "../../../../../lib/data/views";
import { formatUsd } from "../../../../_ui/format";
import { KIND_LABELS, StepKindIcon } from "../../../../_ui/icons";
import type { ActionResult } from "../../../_lib/action-result";
import { previewReplayAction, replayRunAction } from "../actions";
import styles from "./replay.module.css";

const ACTION_LABELS: Record<ReplayStepPlan["action"], string> = {
  reuse: "Reused",
  rerun: "Runs again",
  likely: "Likely runs",
};

export function ReplayDialog({ run, step, versions, onClose }: {
  run: RunView;
  step: StepView;
  /** Registered versions of the run's workflow, newest first */
  versions: number[];
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const originalInput = JSON.stringify(run.input, null, 2);
  const [version, setVersion] = useState(run.version);
  const [inputText, setInputText] = useState(originalInput);
  const [previewed, setPreviewed] = useState<{ version: number; inputText: string } | null>(null);
  const [preview, setPreview] = useState<ReplayPreview | null>(null);
  const [problem, setProblem] = useState<ActionResult | null>(null);
  const [loading, startPreview] = useTransition();
  const [replaying, startReplay] = useTransition();
  // One key per opened dialog: a double click or a retried request makes one fork.
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  const request = useCallback(
    (forVersion: number, forInput: string) => ({
      runId: run.id,
      fromStep: step.id,
      version: forVersion,
      inputJson: forInput === originalInput ? undefined : forInput,
    }),
    [run.id, step.id, originalInput],
  );

  const loadPreview = useCallback(
    (forVersion: number, forInput: string) =>
      startPreview(async () => {
        const result = await previewReplayAction(request(forVersion, forInput));
        setPreviewed({ version: forVersion, inputText: forInput });
        setPreview(result.ok ? (result.preview ?? null) : null);
        setProblem(result.ok ? null : result);
      }),
    [request],
  );

  useEffect(() => {
    dialog.current?.showModal();
    loadPreview(run.version, originalInput);
  }, [loadPreview, run.version, originalInput]);

  const stale = previewed === null || previewed.version !== version || previewed.inputText !== inputText;
  const confirm = () =>
    startReplay(async () => {
      const result = await replayRunAction({ ...request(version, inputText), idempotencyKey });
      // On success the action redirects to the new run; a result means it did not happen.
      if (result && !result.ok) setProblem(result);
    });
  const inputErrors = Object.entries(problem?.fieldErrors ?? {});

  return (
    <dialog ref={dialog} className={styles.dialog} aria-labelledby="replay-title" onClose={onClose}>
      <div className="card-header">
        <h2 id="replay-title" className="section-title">
          Replay from <span className="mono">{step.id}</span>
        </h2>
        <span className="spacer" />
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
      <div className={`card-body stack ${styles.body}`}>
        <p className="muted">
          A new run is created from run <span className="mono">{run.id}</span>: steps before <span className="mono">{step.id}</span> keep
          their recorded results; <span className="mono">{step.id}</span> and the steps after it run again, under the new run&apos;s own
          idempotency keys. This run stays as it is.
        </p>

        <div className={styles.options}>
          <label className="field">
            <span className="field-label">Version</span>
            <select className="select" value={version} onChange={(event) => setVersion(Number(event.target.value))}>
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}{v === run.version ? " (this run's version)" : ""}
                </option>
              ))}
            </select>
          </label>
          <label className={`field ${styles.inputField}`}>
            <span className="field-label">Input (JSON)</span>
            <textarea
              className={`textarea mono ${styles.inputEditor}`}
              value={inputText}
              onChange={(event) => setInputText(event.target.value)}
              spellCheck={false}
              rows={Math.min(14, originalInput.split("\n").length + 1)}
              aria-invalid={inputErrors.length > 0}
              aria-describedby="replay-input-hint"
            />
            <span id="replay-input-hint" className="field-hint">
              {inputText === originalInput ? "The run's input. Edit it to replay with another input from this step on." : "Edited: the fork uses this input from this step on."}
            </span>
            {inputErrors.map(([field, message]) => (
              <span key={field} className="field-error" role="alert">
                {field === "(root)" ? message : `${field}: ${message}`}
              </span>
            ))}
          </label>
        </div>
        <div className="row">
          <button type="button" className="btn" onClick={() => loadPreview(version, inputText)} disabled={loading || !stale}>
            {loading ? "Checking…" : "Update preview"}
          </button>
          {stale && previewed ? <span className="muted">The version or input changed: update the preview before replaying.</span> : null}
        </div>

        {problem?.message && inputErrors.length === 0 ? (
          <p className="callout callout-error" role="alert">
            {problem.message}
          </p>
        ) : null}

        {preview ? <PreviewTable preview={preview} /> : loading ? <p className="muted" role="status">Working out what would run…</p> : null}
      </div>
      <div className={styles.footer}>
        <button type="button" className="btn btn-ghost" onClick={() => dialog.current?.close()} disabled={replaying}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" onClick={confirm} disabled={!preview || stale || loading || replaying}>
          {replaying ? "Replaying…" : `Replay from ${step.id}`}
        </button>
      </div>
    </dialog>
  );
}

function PreviewTable({ preview }: { preview: ReplayPreview }) {
  const { totals } = preview;
  return (
    <section className="stack-sm" aria-label="Replay preview">
      <p className={styles.summary} data-testid="replay-totals">
        Reuses <strong className="num">{totals.reusedSteps}</strong> {totals.reusedSteps === 1 ? "step" : "steps"}. Runs{" "}
        <strong className="num">{totals.rerunSteps}</strong> again: <strong className="num">{totals.sideEffectSteps}</strong> with side
        effects, <strong className="num">{totals.llmCalls}</strong> LLM {totals.llmCalls === 1 ? "call" : "calls"}
        {totals.llmCalls > 0 ? <> (about {formatUsd(totals.estimatedCostUsd)})</> : null}
        {totals.approvals > 0 ? <>, {totals.approvals} approval{totals.approvals === 1 ? "" : "s"} asked again</> : null}.
      </p>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Steps of the fork</caption>
          <thead>
            <tr>
              <th scope="col" className="right">#</th>
              <th scope="col">Step</th>
              <th scope="col">In the fork</th>
              <th scope="col">Side effects</th>
              <th scope="col" className="right">LLM cost</th>
            </tr>
          </thead>
          <tbody>
            {preview.steps.map((step) => (
              <tr key={`${step.action}-${step.id}`} data-step-id={step.id} data-action={step.action}>
                <td className="right num faint">{step.seq}</td>
                <td>
                  <span className="row">
                    <StepKindIcon kind={step.kind} size={14} />
                    <span className="mono">{step.id}</span>
                    <span className="faint">{KIND_LABELS[step.kind]}</span>
                  </span>
                </td>
                <td>
                  <span className={`badge ${step.action === "reuse" ? "tone-neutral" : "tone-info"}`}>{ACTION_LABELS[step.action]}</span>
                </td>
                <td>
                  {step.sideEffect ? (
                    <span className={`badge ${step.action === "reuse" ? "tone-neutral" : "tone-warn"}`}>
                      {step.action === "reuse" ? "not repeated" : "happens again"}
                    </span>
                  ) : (
                    <span className="faint">none</span>
                  )}
                </td>
                <td className="right num">{step.kind === "llm" ? (step.action === "reuse" ? <span className="faint">reused</span> : formatUsd(step.costUsd)) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.warnings.length > 0 ? (
        <ul className={`callout callout-warn ${styles.warnings}`}>
          {preview.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
