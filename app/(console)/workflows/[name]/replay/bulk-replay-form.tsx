"use client";
/**
 * The bulk replay form: choose the version, a creation-time range and a limit, preview the failed
 * runs it takes (each from its failed step) with the same totals as a single replay, then confirm.
 * Changing a field after the preview asks for a new preview before anything is replayed.
 */
import Link from "next/link";
import { useState, useTransition } from "react";
import type { BulkReplayPreview, BulkReplayResult } from "../../../../../lib/control/types";
import { formatUsd } from "../../../../_ui/format";
import { LocalTime } from "../../../../_ui/time";
import type { ActionResult } from "../../../_lib/action-result";
import { bulkReplayAction, previewBulkReplayAction, type BulkReplayActionRequest } from "./actions";

const DEFAULT_LIMIT = 50;

/** "2026-11-23T10:00" (the browser's local time) → ISO, or undefined when empty/invalid. */
function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function BulkReplayForm({ workflow, versions, registeredVersions, canReplay }: {
  workflow: string;
  /** Every version with runs or registered, newest first */
  versions: number[];
  registeredVersions: number[];
  canReplay: boolean;
}) {
  const [version, setVersion] = useState(versions[0] ?? 1);
  const [targetVersion, setTargetVersion] = useState<number | "same">("same");
  const [after, setAfter] = useState("");
  const [before, setBefore] = useState("");
  const [limit, setLimit] = useState(String(DEFAULT_LIMIT));
  const [preview, setPreview] = useState<{ request: string; preview: BulkReplayPreview } | null>(null);
  const [result, setResult] = useState<BulkReplayResult | null>(null);
  const [problem, setProblem] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  const request: BulkReplayActionRequest = {
    workflow,
    version,
    targetVersion: targetVersion === "same" ? undefined : targetVersion,
    createdAfter: localToIso(after),
    createdBefore: localToIso(before),
    limit: Number(limit) || undefined,
  };
  const requestKey = JSON.stringify(request);
  const stale = preview?.request !== requestKey;

  const runPreview = () =>
    start(async () => {
      const response = await previewBulkReplayAction(request);
      setResult(null);
      setProblem(response.ok ? null : response);
      setPreview(response.ok && response.preview ? { request: requestKey, preview: response.preview } : null);
      setIdempotencyKey(crypto.randomUUID()); // a new preview is a new bulk replay
    });
  const confirm = () =>
    start(async () => {
      const response = await bulkReplayAction({ ...request, idempotencyKey });
      setProblem(response.ok ? null : response);
      if (response.ok && response.result) setResult(response.result);
    });

  return (
    <div className="stack">
      <section className="card" aria-label="Which runs">
        <div className="card-body stack">
          <div className="row" style={{ alignItems: "flex-end", gap: 16 }}>
            <label className="field">
              <span className="field-label">Failed runs of version</span>
              <select className="select" value={version} onChange={(event) => setVersion(Number(event.target.value))}>
                {versions.map((v) => <option key={v} value={v}>v{v}</option>)}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Created after</span>
              <input className="input" type="datetime-local" step={1} value={after} onChange={(event) => setAfter(event.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">Created before</span>
              <input className="input" type="datetime-local" step={1} value={before} onChange={(event) => setBefore(event.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">At most</span>
              <input className="input" type="number" min={1} max={500} value={limit} onChange={(event) => setLimit(event.target.value)} style={{ width: 90 }} />
            </label>
            <label className="field">
              <span className="field-label">Replay on</span>
              <select className="select" value={targetVersion} onChange={(event) => setTargetVersion(event.target.value === "same" ? "same" : Number(event.target.value))}>
                <option value="same">each run&apos;s version</option>
                {registeredVersions.map((v) => <option key={v} value={v}>v{v}</option>)}
              </select>
            </label>
            <button type="button" className="btn" onClick={runPreview} disabled={pending}>
              {pending && stale ? "Checking…" : "Preview"}
            </button>
          </div>
          {problem?.message ? (
            <div className="callout callout-error" role="alert">
              {problem.message}
              {Object.entries(problem.fieldErrors ?? {}).map(([field, message]) => <div key={field}>{field}: {message}</div>)}
            </div>
          ) : null}
        </div>
      </section>

      {preview ? <PreviewSection preview={preview.preview} stale={stale} /> : null}

      {preview && !result ? (
        <div className="row">
          {canReplay ? (
            <button
              type="button"
              className="btn btn-primary"
              onClick={confirm}
              disabled={pending || stale || preview.preview.runs.length === 0}
            >
              Replay {preview.preview.runs.length} {preview.preview.runs.length === 1 ? "run" : "runs"}
            </button>
          ) : (
            <span className="muted">Replaying needs the operator role.</span>
          )}
          {stale ? <span className="muted">The fields changed: preview again before replaying.</span> : null}
        </div>
      ) : null}

      {result ? (
        <section className="card" aria-label="Replayed runs">
          <div className="card-header">
            <h2 className="section-title" role="status">
              {result.forks.length} {result.forks.length === 1 ? "run" : "runs"} replayed
            </h2>
          </div>
          <ul className="card-body stack-sm">
            {result.forks.map((fork) => (
              <li key={fork.runId}>
                <Link href={`/runs/${encodeURIComponent(fork.runId)}`} className="mono">{fork.runId}</Link>{" "}
                <span className="muted">
                  fork of <Link href={`/runs/${encodeURIComponent(fork.sourceRunId)}`} className="mono">{fork.sourceRunId}</Link>
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

function PreviewSection({ preview, stale }: { preview: BulkReplayPreview; stale: boolean }) {
  const { totals } = preview;
  return (
    <section className="card" aria-label="Bulk replay preview" style={stale ? { opacity: 0.6 } : undefined}>
      <div className="card-header">
        <h2 className="section-title" data-testid="bulk-totals">
          {totals.runs} failed {totals.runs === 1 ? "run" : "runs"} to replay on {preview.targetVersion === preview.version ? `v${preview.version}` : `v${preview.targetVersion}`}:{" "}
          {totals.reusedSteps} steps reused, {totals.rerunSteps} run again ({totals.sideEffectSteps} with side effects, {totals.llmCalls} LLM{" "}
          {totals.llmCalls === 1 ? "call" : "calls"}{totals.llmCalls > 0 ? ` ≈ ${formatUsd(totals.estimatedCostUsd)}` : ""})
        </h2>
      </div>
      <div className="card-body stack-sm">
        {preview.truncated ? <p className="callout callout-warn">More failed runs match than the limit of {preview.limit}; replay in batches.</p> : null}
        {preview.alreadyReplayed > 0 ? <p className="muted">{preview.alreadyReplayed} failed {preview.alreadyReplayed === 1 ? "run was" : "runs were"} replayed before and {preview.alreadyReplayed === 1 ? "is" : "are"} left out.</p> : null}
        {preview.runs.length > 0 ? (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Runs to replay</caption>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Created</th>
                  <th scope="col">From step</th>
                  <th scope="col" className="right">Reused</th>
                  <th scope="col" className="right">Run again</th>
                  <th scope="col" className="right">Side effects</th>
                  <th scope="col" className="right">LLM cost</th>
                </tr>
              </thead>
              <tbody>
                {preview.runs.map((run) => (
                  <tr key={run.runId} data-run-id={run.runId}>
                    <td><Link href={`/runs/${encodeURIComponent(run.runId)}`} className="mono">{run.runId}</Link></td>
                    <td className="nowrap"><LocalTime iso={run.createdAt} /></td>
                    <td className="mono">{run.fromStep.id}</td>
                    <td className="right num">{run.totals.reusedSteps}</td>
                    <td className="right num">{run.totals.rerunSteps}</td>
                    <td className="right num">{run.totals.sideEffectSteps}</td>
                    <td className="right num">{run.totals.llmCalls > 0 ? formatUsd(run.totals.estimatedCostUsd) : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">No failed run in this range can be replayed.</p>
        )}
        {preview.skipped.length > 0 ? (
          <details>
            <summary className="muted">{preview.skipped.length} failed {preview.skipped.length === 1 ? "run is" : "runs are"} skipped</summary>
            <ul className="stack-sm">
              {preview.skipped.map((skip) => (
                <li key={skip.runId}>
                  <Link href={`/runs/${encodeURIComponent(skip.runId)}`} className="mono">{skip.runId}</Link>: {skip.reason}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </div>
    </section>
  );
}
