"use client";
/**
 * The run page's live part: polls the run every second until it reaches a terminal status, and
 * rebuilds the timeline (a pure projection) with a ticking `now` so running bars grow.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { buildTimeline, isTerminalRunStatus } from "../../../../../lib/timeline/build-timeline";
import { runQuery } from "../../../../_queries/runs";
import { runBudgetQuery } from "../../../../_queries/run-budget";
import { formatUsd } from "../../../../_ui/format";
import { JsonViewer } from "../../../../_ui/json-viewer";
import { ErrorState } from "../../../../_ui/states";
import { useNow } from "../../../../_ui/time";
import { BudgetPauseDetail } from "./budget-detail";
import { ReplayDialog } from "./replay-dialog";
import { RunHeader } from "./run-header";
import { RunLineageCard, VersionCoverageNotice } from "./run-lineage";
import { StepDetail } from "./step-detail";
import { Timeline } from "./timeline";
import styles from "./run-detail.module.css";

/** Poll while the run can still change. @defaultValue 1_000 */
const LIVE_POLL_MS = 1_000;

export function RunDetail({ runId, requestedByLabel, canCancel, canReplay = false, versions = [], renderedAt }: {
  runId: string;
  requestedByLabel: string | null;
  canCancel: boolean;
  /** The viewer may replay (operator): ended runs offer "Replay from here" on each step */
  canReplay?: boolean;
  /** Registered versions of the run's workflow, newest first (the replay's version choice) */
  versions?: number[];
  /** Server render time: the first client render uses it, so live durations hydrate unchanged */
  renderedAt: number;
}) {
  const query = useQuery({
    ...runQuery(runId),
    refetchInterval: (q) => (q.state.data && isTerminalRunStatus(q.state.data.run.status) ? false : LIVE_POLL_MS),
    refetchIntervalInBackground: false,
  });
  const run = query.data?.run;
  const live = run ? !isTerminalRunStatus(run.status) : false;
  // Follows the run: polled while it is live, and once more when it ends (its last charge, the decision).
  const budgetQuery = useQuery({ ...runBudgetQuery(runId), refetchInterval: live ? LIVE_POLL_MS * 2 : false, refetchIntervalInBackground: false });
  const ended = run?.status;
  const refetchBudget = budgetQuery.refetch;
  useEffect(() => {
    if (ended && isTerminalRunStatus(ended)) void refetchBudget();
  }, [ended, refetchBudget]);
  const budget = budgetQuery.data?.budget;
  const now = useNow(500, live, renderedAt);
  const [scale, setScale] = useState<"run" | "work">("run");
  const timeline = useMemo(() => (run ? buildTimeline(run, new Date(now), { scale, budget }) : null), [run, now, scale, budget]);
  const [selected, setSelected] = useState<string | null>(null);
  const [selectedBudget, setSelectedBudget] = useState<string | null>(null);
  const [replayFrom, setReplayFrom] = useState<string | null>(null);

  if (!run || !timeline) {
    return query.isError ? (
      <ErrorState title="This run could not be loaded" message={query.error.message} />
    ) : null;
  }

  // Until someone picks a row: a budget pause that is waiting, or the budget failure that ended the run, is the news.
  const budgetNews = selected === null ? timeline.rows.find((row) => row.type === "budget" && (row.status === "waiting" || row.budget === null || (timeline.budgetFailure !== null && row.status === "rejected"))) : undefined;
  const selectedPause = timeline.rows.find((row) => row.type === "budget" && row.key === (selectedBudget ?? budgetNews?.key)) ?? null;
  const selectedStep = selectedPause ? undefined : (run.steps.find((step) => step.id === selected) ?? defaultStep(run.steps));
  const replayStep = run.steps.find((step) => step.id === replayFrom);
  const replayVersions = versions.length > 0 ? versions : [run.version];
  // A fork's steps before its fork point were copied from the source run, not run here (a copied
  // step also started before the fork was created, which tells them apart when the fork point's
  // step is not in this run's journal).
  const forkSeq = run.forkedFromRunId ? run.steps.find((step) => step.id === run.forkedAtStep)?.seq : undefined;
  const reusedFrom = (step: { seq: number; startedAt: string }) => {
    if (!run.forkedFromRunId) return null;
    const copied = forkSeq !== undefined ? step.seq < forkSeq : Date.parse(step.startedAt) < Date.parse(run.createdAt);
    return copied ? run.forkedFromRunId : null;
  };

  return (
    <div className="stack">
      <RunHeader run={run} requestedByLabel={requestedByLabel} canCancel={canCancel} live={live} now={now} />
      <VersionCoverageNotice run={run} />
      {query.isError ? (
        <p className="callout callout-warn" role="status">
          Live updates paused: {query.error.message}
        </p>
      ) : null}
      <div className={styles.body}>
        <section className={`card ${styles.timelineCard}`} aria-labelledby="timeline-title">
          <div className="card-header">
            <h2 id="timeline-title" className="section-title">Timeline</h2>
            {timeline.waitsDominate || scale === "work" ? <ScaleToggle scale={scale} onChange={setScale} /> : null}
            <span className="spacer" />
            <span className="muted">
              {timeline.totals.steps} {timeline.totals.steps === 1 ? "step" : "steps"} · {timeline.totals.attempts} attempts
              {timeline.totals.failedAttempts > 0 ? ` · ${timeline.totals.failedAttempts} failed` : ""}
              {timeline.totals.chargedUsd !== null && timeline.totals.chargedUsd > 0 ? (
                <span data-testid="charged-total">
                  {" "}· charged {formatUsd(timeline.totals.chargedUsd)}
                  {timeline.totals.failedAttemptsChargedUsd ? ` (${formatUsd(timeline.totals.failedAttemptsChargedUsd)} on failed attempts)` : ""}
                </span>
              ) : null}
            </span>
          </div>
          <Timeline
            timeline={timeline}
            selectedKey={selectedPause ? selectedPause.key : (selectedStep?.id ?? null)}
            onSelect={(row) => {
              if (row.type === "budget") {
                setSelectedBudget(row.key);
              } else {
                setSelectedBudget(null);
                setSelected(row.stepId);
              }
            }}
            runStatus={run.status}
          />
        </section>
        <aside className={styles.detail} aria-label="Step detail">
          {selectedPause ? (
            <BudgetPauseDetail row={selectedPause} failure={timeline.budgetFailure} />
          ) : selectedStep ? (
            <StepDetail
              key={selectedStep.id}
              step={selectedStep}
              charges={timeline.rows.find((row) => row.type === "step" && row.step === selectedStep)?.charges ?? []}
              live={live}
              now={now}
              onReplay={canReplay && !live ? () => setReplayFrom(selectedStep.id) : undefined}
              reusedFrom={reusedFrom(selectedStep)}
            />
          ) : (
            <div className="card card-body muted">Select a step on the timeline to see its input, output and attempts.</div>
          )}
        </aside>
      </div>
      <RunLineageCard runId={runId} />
      {replayStep ? <ReplayDialog run={run} step={replayStep} versions={replayVersions} onClose={() => setReplayFrom(null)} /> : null}
      <div className="two-col">
        <section className="card" aria-labelledby="run-input">
          <div className="card-header">
            <h2 id="run-input" className="section-title">Run input</h2>
          </div>
          <div className="card-body">
            <JsonViewer value={run.input} label="Run input" expandDepth={2} />
          </div>
        </section>
        <section className="card" aria-labelledby="run-output">
          <div className="card-header">
            <h2 id="run-output" className="section-title">Run output</h2>
          </div>
          <div className="card-body">
            {run.output === null ? (
              <p className="muted">{live ? "No output yet: the run has not finished." : "This run ended without an output."}</p>
            ) : (
              <JsonViewer value={run.output} label="Run output" expandDepth={2} />
            )}
          </div>
        </section>
      </div>
    </div>
  );
}

/** Whole run vs. executions only: when a long wait squeezes the steps into slivers. */
function ScaleToggle({ scale, onChange }: { scale: "run" | "work"; onChange: (scale: "run" | "work") => void }) {
  return (
    <div className={styles.scaleToggle} role="group" aria-label="Time axis">
      <button type="button" className="btn btn-sm" aria-pressed={scale === "run"} onClick={() => onChange("run")}>
        Whole run
      </button>
      <button type="button" className="btn btn-sm" aria-pressed={scale === "work"} onClick={() => onChange("work")}>
        Fit steps
      </button>
    </div>
  );
}

/** What a person most likely wants to see: the step that is waiting, running or failed; else the last one. */
function defaultStep<T extends { status: string; seq: number }>(steps: T[]): T | undefined {
  const sorted = [...steps].sort((a, b) => a.seq - b.seq);
  return (
    sorted.find((s) => s.status === "waiting") ??
    sorted.find((s) => s.status === "running") ??
    sorted.find((s) => s.status === "failed") ??
    sorted.at(-1)
  );
}
