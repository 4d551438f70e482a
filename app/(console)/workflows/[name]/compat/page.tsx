/**
 * Compatibility check of one workflow: the stored journals of its in-flight and waiting runs are
 * replayed against the definitions this console runs (nothing executes), and the runs that would
 * break are listed with their first diverging step. Before a deploy, the same check runs from the
 * new checkout with `npm run waymark -- check-compat`.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "../../../../../lib/auth/current-actor";
import { getControl } from "../../../../../lib/control";
import { PageHeader } from "../../../../_ui/page-header";
import { EmptyState } from "../../../../_ui/states";
import { StatusBadge } from "../../../../_ui/status-badge";
import { LocalTime } from "../../../../_ui/time";

type Props = { params: Promise<{ name: string }> };

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Compatibility of ${decodeURIComponent((await params).name)}` };
}

const PROBLEMS: Record<string, string> = {
  step_mismatch: "different step",
  steps_removed: "steps removed",
  workflow_error: "code now throws",
  invalid_input: "input no longer valid",
  timeout: "replay hangs",
  would_fail: "would fail",
  version_missing: "version not registered",
};

export default async function CompatPage({ params }: Props) {
  const actor = await requireActor("viewer");
  const name = decodeURIComponent((await params).name);
  const report = await (await getControl()).checkCompat({ workflow: name }, actor);
  const workflowHref = `/workflows/${encodeURIComponent(name)}`;

  return (
    <>
      <PageHeader
        eyebrow={<><Link href="/workflows">Workflows</Link> / <Link href={workflowHref}>{name}</Link> /</>}
        title="Compatibility check"
        description={
          <>
            The journals of {name}&apos;s in-flight and waiting runs, replayed against the definitions this console runs (nothing executes).
            Before a deploy, run <code>npm run waymark -- check-compat</code> from the new checkout.
          </>
        }
      />
      <section className="card" aria-labelledby="compat-result">
        <div className="card-header">
          <h2 id="compat-result" className="section-title" data-testid="compat-summary">
            {report.checkedRuns} in-flight {report.checkedRuns === 1 ? "run" : "runs"} checked: {report.broken.length} would break
          </h2>
          <span className="spacer" />
          <span className="muted">
            checked <LocalTime iso={report.checkedAt} />
          </span>
        </div>
        {report.broken.length === 0 ? (
          <EmptyState title={report.checkedRuns === 0 ? "No runs in flight" : "Every in-flight run replays cleanly"}>
            {report.checkedRuns === 0 ? "Nothing of this workflow is queued, running or waiting." : "The current definitions make the same steps the runs recorded."}
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Runs that would break</caption>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Version</th>
                  <th scope="col">Status</th>
                  <th scope="col">Problem</th>
                  <th scope="col">First diverging step</th>
                  <th scope="col">What happens</th>
                </tr>
              </thead>
              <tbody>
                {report.broken.map((broken) => (
                  <tr key={broken.runId} data-run-id={broken.runId}>
                    <td><Link href={`/runs/${encodeURIComponent(broken.runId)}`} className="mono">{broken.runId}</Link></td>
                    <td className="num">v{broken.version}</td>
                    <td><StatusBadge status={broken.status} /></td>
                    <td><span className="badge tone-bad">{PROBLEMS[broken.problem] ?? broken.problem}</span></td>
                    <td>{broken.step ? <><span className="mono">{broken.step.id}</span> <span className="faint">#{broken.step.seq}</span></> : <span className="faint">–</span>}</td>
                    <td>{broken.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {report.truncated ? <p className="card-body muted">Only the oldest runs were checked; the command line takes a --limit.</p> : null}
      </section>
    </>
  );
}
