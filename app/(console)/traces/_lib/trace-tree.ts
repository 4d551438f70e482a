/**
 * A trace as the console draws it: spans in tree order (children under their parent, by start
 * time) with waterfall geometry on one time axis. Pure, so the tree and the bars are unit-tested.
 * While a Waymark run is still going its root span has not been exported yet (it is exported
 * when the run ends); its children are then shown under a placeholder root instead of as orphans.
 */
import { buildAxis } from "../../../../lib/timeline/axis";
import type { TimelineAxis } from "../../../../lib/timeline/types";
import type { SpanView } from "../../../../lib/data/span-store";

export interface TraceRow {
  /** The span id (the placeholder root uses the run's root span id) */
  key: string;
  span: SpanView | null;
  name: string;
  depth: number;
  childCount: number;
  status: "ok" | "error" | "unset" | "in_progress";
  kind: string;
  durationMs: number;
  leftPct: number;
  widthPct: number;
  /** Model, tokens and cost of an LLM span */
  llm: { model: string | null; inputTokens: number | null; outputTokens: number | null; costUsd: number | null } | null;
}

export interface TraceTree {
  rows: TraceRow[];
  axis: TimelineAxis;
  totals: { spans: number; llmCalls: number; inputTokens: number; outputTokens: number; costUsd: number; errors: number };
}

export interface TraceTreeOptions {
  /**
   * The root span id stored on the run, to hold the children while the root has not arrived.
   * `inProgress`: the run is still going (else the root never came: a cancelled run, a dropped export).
   */
  pendingRoot?: { spanId: string; name: string; inProgress: boolean } | null;
  /** End of the axis for a trace still in progress (ms since epoch) */
  now?: number;
}

const ns = (value: string) => BigInt(value);

/** Operations that group other spans (their usage, if any, is a sum of their children's). */
const GROUPING_OPERATIONS = new Set(["invoke_workflow", "invoke_agent", "create_agent", "execute_tool"]);

/** A model call: a GenAI inference operation, or (other instrumentations) a span with a model or token counts. */
export function isLlmSpan(span: SpanView): boolean {
  const operation = span.genAi.operation;
  if (operation !== null) return !GROUPING_OPERATIONS.has(operation);
  return span.genAi.requestModel !== null || span.genAi.inputTokens !== null || span.genAi.outputTokens !== null;
}

export function buildTraceTree(spans: SpanView[], options: TraceTreeOptions = {}): TraceTree {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const children = new Map<string | null, SpanView[]>();
  const pending = options.pendingRoot && !byId.has(options.pendingRoot.spanId) ? options.pendingRoot : null;
  for (const span of spans) {
    const parentKnown = span.parentSpanId !== null && (byId.has(span.parentSpanId) || span.parentSpanId === pending?.spanId);
    const parent = parentKnown ? span.parentSpanId : null;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  for (const list of children.values()) {
    list.sort((a, b) => (ns(a.startUnixNano) < ns(b.startUnixNano) ? -1 : ns(a.startUnixNano) > ns(b.startUnixNano) ? 1 : a.name.localeCompare(b.name)));
  }

  let startNs = spans.length ? spans.map((s) => ns(s.startUnixNano)).reduce((a, b) => (a < b ? a : b)) : 0n;
  let endNs = spans.length ? spans.map((s) => ns(s.endUnixNano)).reduce((a, b) => (a > b ? a : b)) : 0n;
  if (pending?.inProgress && options.now !== undefined) {
    const nowNs = BigInt(Math.round(options.now)) * 1_000_000n;
    if (nowNs > endNs) endNs = nowNs;
  }
  if (!spans.length) startNs = endNs;
  const axis = buildAxis(Number(startNs / 1_000_000n), Number(endNs / 1_000_000n));
  const axisNs = BigInt(Math.round(axis.durationMs * 1_000_000));
  const pct = (value: bigint) => Math.round(Math.min(100, Math.max(0, (Number(value - startNs) / Number(axisNs)) * 100)) * 100) / 100;

  const rows: TraceRow[] = [];
  const visited = new Set<string>();
  const visit = (span: SpanView, depth: number) => {
    if (visited.has(span.spanId)) return;
    visited.add(span.spanId);
    const kids = children.get(span.spanId) ?? [];
    const left = pct(ns(span.startUnixNano));
    rows.push({
      key: span.spanId,
      span,
      name: span.name,
      depth,
      childCount: kids.length,
      status: span.status.code,
      kind: span.kind,
      durationMs: span.durationMs,
      leftPct: left,
      widthPct: Math.max(0.4, Math.round((pct(ns(span.endUnixNano)) - left) * 100) / 100),
      llm: isLlmSpan(span)
        ? {
            model: span.genAi.responseModel ?? span.genAi.requestModel,
            inputTokens: span.genAi.inputTokens,
            outputTokens: span.genAi.outputTokens,
            costUsd: span.genAi.costUsd,
          }
        : null,
    });
    for (const child of kids) visit(child, depth + 1);
  };

  if (pending) {
    const kids = children.get(pending.spanId) ?? [];
    if (kids.length) {
      rows.push({
        key: pending.spanId,
        span: null,
        name: pending.name,
        depth: 0,
        childCount: kids.length,
        status: pending.inProgress ? "in_progress" : "unset",
        kind: "internal",
        durationMs: Number(endNs - ns(kids[0].startUnixNano)) / 1e6,
        leftPct: pct(ns(kids[0].startUnixNano)),
        widthPct: Math.max(0.4, 100 - pct(ns(kids[0].startUnixNano))),
        llm: null,
      });
      for (const child of kids) visit(child, 1);
    }
  }
  for (const root of children.get(null) ?? []) visit(root, 0);
  // Spans whose parents point at each other (a broken sender) are still shown.
  for (const span of spans) visit(span, 0);

  const llmSpans = spans.filter(isLlmSpan);
  return {
    rows,
    axis,
    totals: {
      spans: spans.length,
      llmCalls: llmSpans.length,
      inputTokens: llmSpans.reduce((sum, s) => sum + (s.genAi.inputTokens ?? 0), 0),
      outputTokens: llmSpans.reduce((sum, s) => sum + (s.genAi.outputTokens ?? 0), 0),
      costUsd: llmSpans.reduce((sum, s) => sum + (s.genAi.costUsd ?? 0), 0),
      errors: spans.filter((s) => s.status.code === "error").length,
    },
  };
}
