/** Workflows: every definition with its versions, run counts and failure rate. */
import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "../../../lib/auth/current-actor";
import { getControl, getDb } from "../../../lib/control";
import { getVersionStats } from "../../../lib/data/console-queries";
import { formatCount, formatPercent } from "../../_ui/format";
import { PageHeader } from "../../_ui/page-header";
import { EmptyState } from "../../_ui/states";
import { RelativeTime } from "../../_ui/time";

export const metadata: Metadata = { title: "Workflows" };

export default async function WorkflowsPage() {
  const actor = await requireActor("viewer");
  const control = await getControl();
  const [workflows, stats] = await Promise.all([control.listWorkflows(actor), getVersionStats(await getDb())]);

  return (
    <>
      <PageHeader title="Workflows" description="Definitions the workers run, with every version that has runs." />
      <section className="card">
        {workflows.length === 0 ? (
          <EmptyState title="No workflows registered">
            Workflows are TypeScript files listed in <code>lib/workflows/index.ts</code>; a worker registers them when it starts.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Workflows</caption>
              <thead>
                <tr>
                  <th scope="col">Workflow</th>
                  <th scope="col">Versions</th>
                  <th scope="col" className="right">Runs</th>
                  <th scope="col" className="right">Active</th>
                  <th scope="col" className="right">Failure rate</th>
                  <th scope="col">Last run</th>
                </tr>
              </thead>
              <tbody>
                {workflows.map((workflow) => {
                  const versions = stats.filter((s) => s.workflow === workflow.name);
                  const total = versions.reduce((sum, v) => sum + v.totalRuns, 0);
                  const active = versions.reduce((sum, v) => sum + v.runsByStatus.queued + v.runsByStatus.running + v.runsByStatus.waiting, 0);
                  const failed = versions.reduce((sum, v) => sum + v.runsByStatus.failed, 0);
                  const succeeded = versions.reduce((sum, v) => sum + v.runsByStatus.succeeded, 0);
                  const lastRunAt = versions.map((v) => v.lastRunAt).filter((t): t is string => t !== null).sort().at(-1) ?? null;
                  const latest = workflow.versions[0];
                  return (
                    <tr key={workflow.name}>
                      <td>
                        <Link href={`/workflows/${encodeURIComponent(workflow.name)}`} style={{ fontWeight: 600 }}>
                          {workflow.name}
                        </Link>
                        {latest?.description ? <div className="muted">{latest.description}</div> : null}
                      </td>
                      <td>
                        <div className="row">
                          {workflow.versions.map((v) => (
                            <span key={v.version} className={`badge ${v.registered ? "tone-accent" : "tone-neutral"}`} title={v.registered ? "Registered" : "Not loaded by this process"}>
                              v{v.version}
                            </span>
                          ))}
                        </div>
                      </td>
                      <td className="right num">{formatCount(total)}</td>
                      <td className="right num">{formatCount(active)}</td>
                      <td className="right num">{formatPercent(failed + succeeded === 0 ? null : failed / (failed + succeeded))}</td>
                      <td className="muted nowrap">{lastRunAt ? <RelativeTime iso={lastRunAt} /> : "never"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
