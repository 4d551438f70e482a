/** Traces: every trace the console holds (workers' and any app's that exports OTLP here), filterable by service, model and status. */
import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "../../../lib/auth/current-actor";
import { getDb } from "../../../lib/control";
import { findTraces, spanExportStats, traceFacets, traceSearchQuery } from "../../../lib/control/traces";
import { AutoRefresh } from "../../_ui/auto-refresh";
import { formatCount, formatDuration, formatUsd } from "../../_ui/format";
import { PageHeader } from "../../_ui/page-header";
import { EmptyState } from "../../_ui/states";
import { LocalTime } from "../../_ui/time";
import { ExportStats } from "./_components/export-stats";

export const metadata: Metadata = { title: "Traces" };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function TracesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireActor("viewer");
  const raw = await searchParams;
  const single = Object.fromEntries(Object.entries(raw).flatMap(([k, v]) => (typeof v === "string" && v !== "" ? [[k, v]] : [])));
  const parsed = traceSearchQuery.safeParse(single);
  const filter = parsed.success ? parsed.data : {};
  const db = await getDb();
  const [page, facets, stats] = await Promise.all([findTraces(db, filter, actor), traceFacets(db, actor), spanExportStats(db, actor)]);
  const hrefWith = (cursor?: string) => {
    const params = new URLSearchParams();
    for (const key of ["service", "model", "status"] as const) if (filter[key]) params.set(key, filter[key]!);
    if (cursor) params.set("cursor", cursor);
    const qs = params.toString();
    return qs ? `/traces?${qs}` : "/traces";
  };
  const filtered = Boolean(filter.service || filter.model || filter.status);

  return (
    <div className="stack">
      <AutoRefresh intervalMs={5_000} />
      <PageHeader
        title="Traces"
        description="Runs' traces and those of any app that exports OTLP to this console (POST /api/v1/otlp/v1/traces)."
      />
      <form method="get" action="/traces" className="card card-body row" aria-label="Filter traces">
        <label className="field">
          <span className="field-label">Service</span>
          <select name="service" className="select" defaultValue={filter.service ?? ""}>
            <option value="">Any service</option>
            {facets.services.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Model</span>
          <select name="model" className="select" defaultValue={filter.model ?? ""}>
            <option value="">Any model</option>
            {facets.models.map((m) => (
              <option key={m} value={m}>{m}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Status</span>
          <select name="status" className="select" defaultValue={filter.status ?? ""}>
            <option value="">Any status</option>
            <option value="ok">OK</option>
            <option value="error">Has errors</option>
          </select>
        </label>
        <div className="field">
          <span className="field-label" aria-hidden="true">&nbsp;</span>
          <div className="row">
            <button type="submit" className="btn btn-primary">Filter</button>
            {filtered ? <Link href="/traces" className="btn">Clear</Link> : null}
          </div>
        </div>
      </form>
      {!parsed.success ? (
        <p className="callout callout-warn" role="status">Some filters in the address were not understood and are ignored.</p>
      ) : null}
      <section className="card">
        {page.traces.length === 0 ? (
          <EmptyState title={filtered ? "No traces match these filters" : "No traces yet"}>
            {filtered ? <Link href="/traces">Show every trace</Link> : "Start a run, or point an OpenTelemetry SDK at this console's OTLP endpoint."}
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Traces, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Trace</th>
                  <th scope="col">Service</th>
                  <th scope="col">Models</th>
                  <th scope="col" className="num">Spans</th>
                  <th scope="col" className="num">Tokens in / out</th>
                  <th scope="col" className="num">Cost</th>
                  <th scope="col">Status</th>
                  <th scope="col">Started</th>
                  <th scope="col" className="num">Duration</th>
                </tr>
              </thead>
              <tbody>
                {page.traces.map((t) => (
                  <tr key={t.traceId} data-trace-id={t.traceId}>
                    <td>
                      <Link href={t.runId ? `/runs/${encodeURIComponent(t.runId)}/trace` : `/traces/${t.traceId}`} className="mono">
                        {t.rootName}
                      </Link>
                      <div className="faint mono">{t.traceId.slice(0, 16)}…{t.rootPresent ? "" : " · root pending"}</div>
                    </td>
                    <td className="mono">{t.services.join(", ")}</td>
                    <td className="mono">{t.models.join(", ") || "–"}</td>
                    <td className="num">{formatCount(t.spanCount)}</td>
                    <td className="num">{formatCount(t.inputTokens)} / {formatCount(t.outputTokens)}</td>
                    <td className="num">{formatUsd(t.costUsd)}</td>
                    <td>
                      <span className={`badge ${t.status === "error" ? "tone-bad" : "tone-ok"}`}>
                        {t.status === "error" ? `${t.errorCount} error${t.errorCount === 1 ? "" : "s"}` : "ok"}
                      </span>
                    </td>
                    <td className="nowrap muted"><LocalTime iso={t.startTime} /></td>
                    <td className="num">{formatDuration(t.durationMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {filter.cursor || page.nextCursor ? (
          <nav aria-label="Pages" className="row" style={{ justifyContent: "space-between", padding: "8px 12px", borderTop: "1px solid var(--border)" }}>
            {filter.cursor ? <Link href={hrefWith()} className="btn btn-sm">← Newest</Link> : <span />}
            {page.nextCursor ? <Link href={hrefWith(page.nextCursor)} className="btn btn-sm">Older traces →</Link> : null}
          </nav>
        ) : null}
      </section>
      <ExportStats stats={stats} />
    </div>
  );
}
