"use client";
/**
 * A trace: span tree with a waterfall on the left, the selected span's details on the right
 * (GenAI facts, captured messages, attributes, events). Everything is rendered as text through
 * React, never as HTML, so prompts and completions with markup show as markup.
 */
import { useMemo, useState } from "react";
import type { Json } from "../../../../lib/engine/types";
import type { SpanView } from "../../../../lib/data/span-store";
import { formatCount, formatDuration, formatUsd } from "../../../_ui/format";
import { EmptyState } from "../../../_ui/states";
import { LocalTime } from "../../../_ui/time";
import { buildTraceTree, type TraceRow } from "../_lib/trace-tree";
import styles from "./trace-view.module.css";

export interface TraceViewProps {
  spans: SpanView[];
  /** The run's root span while its span has not arrived (it is exported when the run ends) */
  pendingRoot?: { spanId: string; name: string; inProgress: boolean } | null;
  /** Render time for a trace in progress (ms since epoch) */
  now?: number;
  emptyTitle?: string;
  emptyText?: string;
}

export function TraceView({ spans, pendingRoot, now, emptyTitle, emptyText }: TraceViewProps) {
  const tree = useMemo(() => buildTraceTree(spans, { pendingRoot, now }), [spans, pendingRoot, now]);
  const [selected, setSelected] = useState<string | null>(null);
  if (tree.rows.length === 0) {
    return (
      <section className="card">
        <EmptyState title={emptyTitle ?? "No spans yet"}>{emptyText ?? "Spans appear here as soon as they are exported."}</EmptyState>
      </section>
    );
  }
  const selectedRow =
    tree.rows.find((r) => r.key === selected) ?? tree.rows.find((r) => r.llm !== null) ?? tree.rows[0];
  return (
    <div className="stack">
      <dl className={`card card-body ${styles.stats}`} aria-label="Trace totals">
        <Stat label="Spans" value={formatCount(tree.totals.spans)} />
        <Stat label="LLM calls" value={formatCount(tree.totals.llmCalls)} />
        <Stat label="Input tokens" value={formatCount(tree.totals.inputTokens)} />
        <Stat label="Output tokens" value={formatCount(tree.totals.outputTokens)} />
        <Stat label="Cost" value={formatUsd(tree.totals.costUsd)} />
        <Stat label="Errors" value={formatCount(tree.totals.errors)} />
        <Stat label="Duration" value={formatDuration(tree.axis.durationMs)} />
      </dl>
      <div className={styles.layout}>
        <section className={`card ${styles.waterfall}`} aria-labelledby="spans-title">
          <div className="card-header">
            <h2 id="spans-title" className="section-title">Spans</h2>
            <span className="muted">tree and waterfall</span>
          </div>
          <div className={styles.axis} aria-hidden="true">
            <span>Span</span>
            <span className={styles.axisTrack}>
              {tree.axis.ticks.map((tick, index) => (
                <span
                  key={tick.offsetMs}
                  className={styles.tick}
                  style={{ left: `${tick.leftPct}%` }}
                  data-last={index === tree.axis.ticks.length - 1 && tick.leftPct > 92}
                >
                  {tick.label}
                </span>
              ))}
            </span>
          </div>
          <ol className={styles.rows} aria-label="Spans in tree order">
            {tree.rows.map((row) => (
              <li key={row.key} data-span-name={row.name} data-testid="span-row">
                <button
                  type="button"
                  className={styles.row}
                  aria-pressed={row.key === selectedRow.key}
                  onClick={() => setSelected(row.key)}
                >
                  <span className={styles.label} style={{ paddingLeft: `${Math.min(row.depth, 12) * 14}px` }}>
                    <span className={styles.labelMain}>
                      <span className={`${styles.name} truncate`}>{row.name}</span>
                      <RowBadges row={row} />
                      <span className={styles.duration}>{row.span ? formatDuration(row.durationMs) : "…"}</span>
                    </span>
                    <RowFacts row={row} />
                  </span>
                  <span className={styles.track}>
                    <span
                      className={styles.bar}
                      data-status={row.status}
                      data-llm={row.llm !== null}
                      style={{ left: `${row.leftPct}%`, width: `${Math.min(row.widthPct, 100 - row.leftPct)}%` }}
                      title={`${row.name} · ${formatDuration(row.durationMs)}`}
                    />
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </section>
        <aside className={styles.detail} aria-label="Span detail">
          <SpanDetail row={selectedRow} />
        </aside>
      </div>
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className={styles.stat}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function RowBadges({ row }: { row: TraceRow }) {
  return (
    <>
      {row.kind === "client" ? <span className="badge tone-llm">client</span> : null}
      {row.status === "error" ? <span className="badge tone-bad">error</span> : null}
      {row.status === "in_progress" ? <span className="badge tone-info">in progress</span> : null}
    </>
  );
}

function RowFacts({ row }: { row: TraceRow }) {
  if (row.llm) {
    return (
      <span className={styles.facts} data-testid="llm-facts">
        {row.llm.model ?? "model unknown"} · {formatCount(row.llm.inputTokens)} in / {formatCount(row.llm.outputTokens)} out tokens ·{" "}
        {formatUsd(row.llm.costUsd)}
      </span>
    );
  }
  if (!row.span) {
    return (
      <span className={styles.facts}>
        {row.status === "in_progress" ? "The run has not ended: its root span is exported when it does." : "No root span was exported for this run."}
      </span>
    );
  }
  return row.span.status.message ? <span className={`${styles.facts}`}>{row.span.status.message}</span> : null;
}

/** Attribute values as plain text: strings as they are, anything else as JSON. */
function valueText(value: Json): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

interface MessagePart {
  type?: string;
  content?: unknown;
}
interface Message {
  role?: string;
  parts?: MessagePart[];
  finish_reason?: string;
}

/** `gen_ai.input.messages` / `gen_ai.output.messages` as [{role, text}], or null when absent or not in the conventions' shape. */
function parseMessages(value: Json | undefined): Array<{ role: string; text: string }> | null {
  if (typeof value !== "string") return null;
  try {
    const parsed = JSON.parse(value) as Message[];
    if (!Array.isArray(parsed)) return null;
    return parsed.map((m) => ({
      role: m.role ?? "unknown",
      text: (m.parts ?? []).map((p) => (typeof p.content === "string" ? p.content : JSON.stringify(p.content ?? p))).join("\n"),
    }));
  } catch {
    return [{ role: "raw", text: value }];
  }
}

function SpanDetail({ row }: { row: TraceRow }) {
  const span = row.span;
  if (!span) {
    return (
      <div className="card card-body stack-sm">
        <h2 className="section-title">{row.name}</h2>
        <p className="muted">
          {row.status === "in_progress"
            ? "The run is still going. Its root span is exported when it ends; until then its spans are shown under this placeholder."
            : "This run ended without a root span (it was cancelled, or the export was dropped); its spans are shown under this placeholder."}
        </p>
      </div>
    );
  }
  const a = span.attributes;
  const input = parseMessages(a["gen_ai.input.messages"]);
  const output = parseMessages(a["gen_ai.output.messages"]);
  const finishReasons = a["gen_ai.response.finish_reasons"];
  return (
    <>
      <section className="card" aria-label="Span" data-testid="span-detail">
        <div className="card-header">
          <h2 className="section-title mono truncate">{span.name}</h2>
          <span className={`badge ${span.status.code === "error" ? "tone-bad" : "tone-neutral"}`}>{span.status.code}</span>
        </div>
        <div className="card-body">
          <dl className="kv">
            <dt>Kind</dt>
            <dd>{span.kind}</dd>
            <dt>Service</dt>
            <dd className="mono">{span.serviceName}</dd>
            <dt>Started</dt>
            <dd><LocalTime iso={span.startTime} /></dd>
            <dt>Duration</dt>
            <dd className="num">{formatDuration(span.durationMs)}</dd>
            <dt>Span id</dt>
            <dd className="mono">{span.spanId}</dd>
            <dt>Trace id</dt>
            <dd className="mono truncate">{span.traceId}</dd>
            {span.status.message ? (
              <>
                <dt>Status</dt>
                <dd>{span.status.message}</dd>
              </>
            ) : null}
          </dl>
        </div>
      </section>
      {row.llm ? (
        <section className="card" aria-label="LLM call" data-testid="genai-detail">
          <div className="card-header">
            <h3 className="section-title">LLM call</h3>
          </div>
          <div className="card-body">
            <dl className="kv">
              <dt>Model</dt>
              <dd className="mono">{span.genAi.responseModel ?? span.genAi.requestModel ?? "–"}</dd>
              {span.genAi.requestModel && span.genAi.responseModel && span.genAi.requestModel !== span.genAi.responseModel ? (
                <>
                  <dt>Requested</dt>
                  <dd className="mono">{span.genAi.requestModel}</dd>
                </>
              ) : null}
              <dt>Provider</dt>
              <dd>{span.genAi.provider ?? "–"}</dd>
              <dt>Tokens</dt>
              <dd className="num">
                {formatCount(span.genAi.inputTokens)} in · {formatCount(span.genAi.outputTokens)} out
              </dd>
              <dt>Cost</dt>
              <dd className="num">{formatUsd(span.genAi.costUsd)}</dd>
              <dt>Finish reason</dt>
              <dd>{Array.isArray(finishReasons) ? finishReasons.join(", ") : finishReasons === undefined ? "–" : valueText(finishReasons)}</dd>
            </dl>
          </div>
        </section>
      ) : null}
      {row.llm ? (
        <section className="card" aria-label="Messages">
          <div className="card-header">
            <h3 className="section-title">Messages</h3>
          </div>
          <div className="card-body stack-sm">
            {input || output ? (
              [...(input ?? []), ...(output ?? [])].map((m, index) => (
                <div key={index} className={styles.message}>
                  <div className={styles.messageRole}>{m.role}</div>
                  <p className={styles.messageText}>{m.text}</p>
                </div>
              ))
            ) : (
              <p className="muted">
                Not captured. Prompt and completion content is off by default; set WAYMARK_CAPTURE_CONTENT=true on the workers to record it
                (secrets are redacted).
              </p>
            )}
          </div>
        </section>
      ) : null}
      <AttributeTable title="Attributes" entries={Object.entries(span.attributes).filter(([k]) => k !== "gen_ai.input.messages" && k !== "gen_ai.output.messages")} />
      <AttributeTable title="Resource" entries={Object.entries(span.resourceAttributes)} />
      {span.events.length > 0 ? (
        <section className="card" aria-label="Events">
          <div className="card-header">
            <h3 className="section-title">Events</h3>
          </div>
          <div className="card-body stack-sm">
            {span.events.map((event, index) => (
              <div key={index}>
                <strong className="mono">{event.name}</strong>
                <table className={styles.attrTable}>
                  <tbody>
                    {Object.entries(event.attributes).map(([key, value]) => (
                      <tr key={key}>
                        <th scope="row">{key}</th>
                        <td>{valueText(value)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          </div>
        </section>
      ) : null}
    </>
  );
}

function AttributeTable({ title, entries }: { title: string; entries: Array<[string, Json]> }) {
  if (entries.length === 0) return null;
  return (
    <section className="card" aria-label={title}>
      <div className="card-header">
        <h3 className="section-title">{title}</h3>
      </div>
      <table className={styles.attrTable}>
        <tbody>
          {entries
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([key, value]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td>{valueText(value)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}
