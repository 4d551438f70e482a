/** Overview: what is running, what waits for a person, what failed, what it cost today. */
import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "../../lib/auth/current-actor";
import { getControl, getDb } from "../../lib/control";
import { getOverviewStats } from "../../lib/data/console-queries";
import { AutoRefresh } from "../_ui/auto-refresh";
import { formatCount, formatUsd } from "../_ui/format";
import { PageHeader } from "../_ui/page-header";
import { EmptyState } from "../_ui/states";
import { RelativeTime } from "../_ui/time";
import { RunsTable } from "./runs/_components/runs-table";
import styles from "./overview.module.css";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const actor = await requireActor("viewer");
  const control = await getControl();
  const now = Date.now();
  const [stats, recent, pending, failures] = await Promise.all([
    getOverviewStats(await getDb()),
    control.listRuns({ limit: 10 }, actor),
    control.listApprovals({ status: "pending" }, actor),
    control.listRuns({ status: ["failed"], createdAfter: new Date(now - 86_400_000), limit: 6 }, actor),
  ]);

  return (
    <>
      <AutoRefresh intervalMs={5_000} />
      <PageHeader title="Overview" description="Live state of every workflow run. Updates every few seconds." />

      <section aria-label="Key numbers" className={styles.stats}>
        <Stat
          label="Active runs"
          value={formatCount(stats.activeRuns)}
          detail={`${stats.runningRuns} running · ${stats.queuedRuns} queued`}
          href="/runs?status=queued,running"
        />
        <Stat
          label="Waiting for a person"
          value={formatCount(stats.runsWaitingForPerson)}
          detail={`${stats.pendingApprovals} pending ${stats.pendingApprovals === 1 ? "approval" : "approvals"}`}
          href="/approvals"
          tone={stats.runsWaitingForPerson > 0 ? "warn" : undefined}
        />
        <Stat
          label="Failed, last 24 h"
          value={formatCount(stats.failedLast24h)}
          detail={`of ${stats.finishedLast24h} finished`}
          href="/runs?status=failed&range=24h"
          tone={stats.failedLast24h > 0 ? "bad" : undefined}
        />
        <Stat label="Spend today" value={formatUsd(stats.spendTodayUsd)} detail={`${formatCount(stats.tokensToday)} tokens since 00:00 UTC`} />
      </section>

      <div className="two-col">
        <section className="card" aria-labelledby="needs-decision">
          <div className="card-header">
            <h2 id="needs-decision" className="section-title">Needs a decision</h2>
            <Link href="/approvals">Open inbox</Link>
          </div>
          {pending.length === 0 ? (
            <EmptyState title="Nothing waits for a decision">Approvals requested by runs show up here.</EmptyState>
          ) : (
            <ul className={styles.list}>
              {pending.slice(0, 6).map((approval) => (
                <li key={approval.id}>
                  <Link href={`/approvals#approval-${approval.id}`} className={styles.listLink}>
                    <span className="truncate">{approval.summary}</span>
                    <span className="faint nowrap">
                      {approval.workflow ? `${approval.workflow} · ` : ""}
                      <RelativeTime iso={approval.createdAt} />
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="card" aria-labelledby="recent-failures">
          <div className="card-header">
            <h2 id="recent-failures" className="section-title">Failures, last 24 h</h2>
            <Link href="/runs?status=failed&range=24h">All failures</Link>
          </div>
          {failures.items.length === 0 ? (
            <EmptyState title="No failed runs in the last 24 hours" />
          ) : (
            <ul className={styles.list}>
              {failures.items.map((run) => (
                <li key={run.id}>
                  <Link href={`/runs/${encodeURIComponent(run.id)}`} className={styles.listLink}>
                    <span className="stack-sm" style={{ gap: 2, minWidth: 0 }}>
                      <span className="nowrap">
                        {run.workflow}
                        <span className="faint">@{run.version}</span> <span className="mono faint">{run.id}</span>
                      </span>
                      <span className="field-error truncate">{run.error?.message ?? "Failed"}</span>
                    </span>
                    <span className="faint nowrap">
                      <RelativeTime iso={run.finishedAt ?? run.updatedAt} />
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="recent-runs" style={{ marginTop: 16 }}>
        <div className="card-header">
          <h2 id="recent-runs" className="section-title">Recent runs</h2>
          <Link href="/runs">All runs</Link>
        </div>
        {recent.items.length === 0 ? (
          <EmptyState title="No runs yet" action={<Link href="/workflows" className="btn btn-primary">Start a run</Link>}>
            Start one from a workflow&apos;s page, or through the API.
          </EmptyState>
        ) : (
          <RunsTable runs={recent.items} now={now} caption="Ten most recent runs" />
        )}
      </section>
    </>
  );
}

function Stat({ label, value, detail, href, tone }: { label: string; value: string; detail: string; href?: string; tone?: "warn" | "bad" }) {
  const body = (
    <>
      <span className={styles.statLabel}>{label}</span>
      <span className={`${styles.statValue} num`} data-tone={tone}>{value}</span>
      <span className={styles.statDetail}>{detail}</span>
    </>
  );
  return href ? (
    <Link href={href} className={`card ${styles.stat}`}>
      {body}
    </Link>
  ) : (
    <div className={`card ${styles.stat}`}>{body}</div>
  );
}
