/** Audit: the append-only log of operator actions (start, cancel, decide, user and key changes), newest first. */
import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "../../../lib/auth/current-actor";
import { getDb } from "../../../lib/control";
import { listAuditActions, listAuditEntries, type AuditEntryView } from "../../../lib/data/console-queries";
import { JsonViewer } from "../../_ui/json-viewer";
import { PageHeader } from "../../_ui/page-header";
import { EmptyState } from "../../_ui/states";
import { LocalTime } from "../../_ui/time";
import { AuditFilter } from "./audit-filter";

export const metadata: Metadata = { title: "Audit" };

const PAGE_SIZE = 50;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireActor("viewer");
  const query = await searchParams;
  const cursor = typeof query.cursor === "string" ? query.cursor : undefined;
  const action = typeof query.action === "string" && query.action ? query.action : undefined;
  const db = await getDb();
  const [page, actions] = await Promise.all([listAuditEntries(db, { cursor, action, limit: PAGE_SIZE }), listAuditActions(db)]);
  const href = (next?: string) => {
    const params = new URLSearchParams();
    if (action) params.set("action", action);
    if (next) params.set("cursor", next);
    const qs = params.toString();
    return qs ? `/audit?${qs}` : "/audit";
  };

  return (
    <>
      <PageHeader title="Audit log" description="Every operator action, append-only: the database refuses edits and deletes." actions={<AuditFilter actions={actions} current={action ?? ""} />} />
      <section className="card">
        {page.items.length === 0 ? (
          <EmptyState title={action || cursor ? "No entries on this page" : "No audited actions yet"}>
            {action || cursor ? <Link href="/audit">Show the newest entries</Link> : "Starting or cancelling runs, decisions and user or key changes are recorded here."}
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Audit entries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col" style={{ width: "38%" }}>Data</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((entry) => (
                  <tr key={entry.id}>
                    <td className="nowrap muted"><LocalTime iso={entry.createdAt} /></td>
                    <td>
                      <div>{entry.actorLabel}</div>
                      {entry.actorLabel !== entry.actor ? <div className="mono faint">{entry.actor}</div> : null}
                    </td>
                    <td><span className="badge tone-accent mono">{entry.action}</span></td>
                    <td><Target entry={entry} /></td>
                    <td>{entry.data === null ? <span className="faint">–</span> : <JsonViewer value={entry.data} label={`Data of audit entry ${entry.id}`} expandDepth={0} copyable={false} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cursor || page.nextCursor ? (
          <nav aria-label="Pages" className="row" style={{ justifyContent: "space-between", padding: "8px 12px", borderTop: "1px solid var(--border)" }}>
            {cursor ? <Link href={href()} className="btn btn-sm">← Newest</Link> : <span />}
            {page.nextCursor ? <Link href={href(page.nextCursor)} className="btn btn-sm">Older entries →</Link> : null}
          </nav>
        ) : null}
      </section>
    </>
  );
}

function Target({ entry }: { entry: AuditEntryView }) {
  if (!entry.target) return <span className="faint">–</span>;
  const runId = entry.action.startsWith("run.") ? entry.target : typeof entry.data === "object" && entry.data && !Array.isArray(entry.data) && typeof entry.data.runId === "string" ? entry.data.runId : null;
  return (
    <div>
      <span className="mono">{entry.target}</span>
      {runId ? (
        <div>
          <Link href={`/runs/${encodeURIComponent(runId)}`}>open run</Link>
        </div>
      ) : null}
    </div>
  );
}
