/** One workflow: each version's steps as seen in runs, run counts, failure rate, input schema, and a Start run form. */
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { hasRole, requireActor } from "../../../../lib/auth/current-actor";
import { getControl, getDb } from "../../../../lib/control";
import { getVersionStats, RUN_STATUSES, type VersionStats } from "../../../../lib/data/console-queries";
import type { VersionCoverageView } from "../../../../lib/control/types";
import type { WorkflowVersionView } from "../../../../lib/data/views";
import { formatPercent } from "../../../_ui/format";
import { KIND_LABELS, StepKindIcon } from "../../../_ui/icons";
import { JsonViewer } from "../../../_ui/json-viewer";
import { PageHeader } from "../../../_ui/page-header";
import { StatusBadge } from "../../../_ui/status-badge";
import { RelativeTime } from "../../../_ui/time";
import { StartRunForm } from "../_form/start-run-form";
import styles from "../workflows.module.css";

type Props = { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function WorkflowPage({ params, searchParams }: Props) {
  const actor = await requireActor("viewer");
  const name = decodeURIComponent((await params).name);
  const control = await getControl();
  const [workflows, stats, coverage] = await Promise.all([
    control.listWorkflows(actor),
    getVersionStats(await getDb(), name),
    control.listVersionCoverage(actor, name),
  ]);
  const workflow = workflows.find((w) => w.name === name);
  if (!workflow) notFound();

  const requested = Number((await searchParams).version);
  const registered = workflow.versions.filter((v) => v.registered);
  const formVersion = registered.find((v) => v.version === requested) ?? registered[0] ?? null;
  const canStart = hasRole(actor, "operator");

  return (
    <>
      <PageHeader
        eyebrow={<><Link href="/workflows">Workflows</Link> /</>}
        title={workflow.name}
        description={workflow.versions[0]?.description ?? undefined}
        actions={
          <>
            <Link href={`/workflows/${encodeURIComponent(workflow.name)}/compat`} className="btn">Compatibility check</Link>
            <Link href={`/workflows/${encodeURIComponent(workflow.name)}/replay`} className="btn">Bulk replay</Link>
            <Link href={`/runs?workflow=${encodeURIComponent(workflow.name)}`} className="btn">View runs</Link>
          </>
        }
      />
      <div className={styles.layout}>
        <div className="stack">
          {workflow.versions.map((version) => (
            <VersionSection
              key={version.version}
              workflowName={workflow.name}
              version={version}
              stats={stats.find((s) => s.version === version.version)}
              coverage={coverage.find((c) => c.version === version.version)}
              latest={version.version === workflow.latestVersion}
              selected={version.version === formVersion?.version}
            />
          ))}
        </div>
        <aside className={styles.formColumn} aria-label="Start a run">
          <section className="card">
            <div className="card-header">
              <h2 className="section-title">Start a run</h2>
              {formVersion ? <span className="badge tone-accent">v{formVersion.version}</span> : null}
            </div>
            <div className="card-body">
              {!formVersion ? (
                <p className="muted">No version of this workflow is registered in this process, so it cannot be started here.</p>
              ) : !canStart ? (
                <p className="muted">
                  Starting runs needs the operator role; you are signed in as {actor.role}. Ask an admin for access.
                </p>
              ) : (
                <StartRunForm key={formVersion.version} workflow={workflow.name} version={formVersion.version} inputSchema={formVersion.inputSchema} />
              )}
            </div>
          </section>
        </aside>
      </div>
    </>
  );
}

function VersionSection({ workflowName, version, stats, coverage, latest, selected }: {
  workflowName: string;
  version: WorkflowVersionView;
  stats: VersionStats | undefined;
  coverage: VersionCoverageView | undefined;
  latest: boolean;
  selected: boolean;
}) {
  const runsHref = (status?: string) =>
    `/runs?workflow=${encodeURIComponent(workflowName)}&version=${version.version}${status ? `&status=${status}` : ""}`;
  return (
    <section className="card" aria-labelledby={`version-${version.version}`} data-selected={selected}>
      <div className="card-header">
        <div className="row">
          <h2 id={`version-${version.version}`} className="section-title">Version {version.version}</h2>
          {version.registered ? <span className="badge tone-accent">registered</span> : <span className="badge tone-neutral">not loaded here</span>}
          {version.hash ? <span className="mono faint" title="Definition hash">{version.hash.slice(0, 12)}</span> : null}
        </div>
        {version.registered && !selected ? (
          <Link href={`/workflows/${encodeURIComponent(workflowName)}?version=${version.version}`} className="btn btn-sm">
            Use this version
          </Link>
        ) : null}
      </div>
      <div className="card-body stack">
        <div className={styles.statsRow}>
          <div className={styles.bigStat}>
            <span className="muted">Runs</span>
            <Link href={runsHref()} className={`${styles.bigNumber} num`}>{stats?.totalRuns ?? 0}</Link>
          </div>
          <div className={styles.bigStat}>
            <span className="muted">Failure rate</span>
            <span className={`${styles.bigNumber} num`} data-bad={(stats?.failureRate ?? 0) > 0}>{formatPercent(stats?.failureRate ?? null)}</span>
          </div>
          <div className={styles.bigStat}>
            <span className="muted">Last run</span>
            <span>{stats?.lastRunAt ? <RelativeTime iso={stats.lastRunAt} /> : "never"}</span>
          </div>
          <ul className={styles.statusCounts} aria-label="Runs by status">
            {RUN_STATUSES.map((status) => (
              <li key={status}>
                <Link href={runsHref(status)} className={styles.statusCount}>
                  <StatusBadge status={status} />
                  <span className="num">{stats?.runsByStatus[status] ?? 0}</span>
                </Link>
              </li>
            ))}
          </ul>
        </div>

        {coverage ? <VersionCoverage coverage={coverage} latest={latest} /> : null}

        <div className="stack-sm">
          <h3>Steps seen in runs</h3>
          {stats && stats.steps.length > 0 ? (
            <ol className={styles.steps}>
              {stats.steps.map((step, index) => (
                <li key={step.stepId} className={styles.step}>
                  <span className={styles.stepPos} aria-hidden="true">{index + 1}</span>
                  <StepKindIcon kind={step.kind} size={14} />
                  <span className="mono">{step.stepId}</span>
                  <span className="faint">{KIND_LABELS[step.kind]}</span>
                  <span className="spacer" />
                  <span className="faint num">
                    {step.seenInRuns === stats.sampledRuns ? "every run" : `${step.seenInRuns} of ${stats.sampledRuns} runs`}
                  </span>
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">No runs yet: steps are listed once a run records them.</p>
          )}
        </div>

        <details className={styles.schema}>
          <summary>Input schema</summary>
          <JsonViewer value={version.inputSchema} label={`Input schema of version ${version.version}`} expandDepth={3} />
        </details>
      </div>
    </section>
  );
}

/**
 * Runs still in flight on this version and the live workers that serve it: an operator retires an
 * old version once nothing is in flight; "no worker has version N" means its runs wait.
 */
function VersionCoverage({ coverage, latest }: { coverage: VersionCoverageView; latest: boolean }) {
  const { inFlight, workers, unserved, refusedBy } = coverage;
  return (
    <div className="stack-sm" data-testid={`coverage-v${coverage.version}`}>
      <div className="row">
        <span className="muted">In flight</span>
        <span className="num" style={{ fontWeight: 600 }}>{inFlight.total}</span>
        <span className="muted num">
          ({inFlight.queued} queued · {inFlight.running} running · {inFlight.waiting} waiting)
        </span>
        <span className="muted">· Workers serving it</span>
        <span className="num" style={{ fontWeight: 600 }}>{workers ?? "unknown"}</span>
        {unserved ? (
          <span className="badge tone-bad">no worker has version {coverage.version}</span>
        ) : inFlight.total === 0 && !latest ? (
          <span className="badge tone-ok">no runs in flight: can be retired</span>
        ) : null}
      </div>
      {unserved ? (
        <p className="callout callout-error">
          No worker has version {coverage.version}: its {inFlight.total} in-flight {inFlight.total === 1 ? "run waits" : "runs wait"} (runs stay on
          the version they started on). Start a worker whose code still registers version {coverage.version}.
        </p>
      ) : null}
      {refusedBy.map((refusal) => (
        <p key={refusal.workerId} className="callout callout-warn">
          Worker <span className="mono">{refusal.workerId}</span>: {refusal.message}
        </p>
      ))}
    </div>
  );
}
