"use client";
/**
 * The cost dashboard, polled every 10 s: preset ranges slide with the clock, so new calls appear
 * without a reload. Loading, empty ("no LLM calls in this range") and error states.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { USAGE_RANGE_PRESETS } from "../../../../lib/data/usage-range";
import { usagePageHref, usageQuery, type UsagePageParams } from "../../../_queries/usage";
import { EmptyState, ErrorState, SkeletonRows } from "../../../_ui/states";
import { LocalTime } from "../../../_ui/time";
import { costByGroup, tokensByKind } from "../_lib/chart-data";
import { BudgetUsage, LatencyAndErrors, SummaryTiles } from "./costs-panels";
import { GroupTable, TopRunsTable } from "./costs-tables";
import { bandColor, StackedBarChart, TOKEN_COLORS } from "./usage-charts";
import styles from "./costs.module.css";

/** @defaultValue 10_000 */
const POLL_MS = 10_000;

export function CostsDashboard({ params }: { params: UsagePageParams }) {
  const query = useQuery({ ...usageQuery(params), placeholderData: keepPreviousData, refetchInterval: POLL_MS });
  const report = query.data;
  const charts = useMemo(() => {
    if (!report) return null;
    const cost = costByGroup(report.series, report.rows);
    const colorOf = new Map(cost.keys.map((key, index) => [key, bandColor(key, index)]));
    return { cost, tokens: tokensByKind(report.series), colorOf };
  }, [report]);

  if (query.isPending) {
    return (
      <section className="card card-body" aria-label="Costs">
        <SkeletonRows rows={8} label="Loading costs" />
      </section>
    );
  }
  if (query.isError && !report) {
    return (
      <ErrorState
        title="Costs could not be loaded"
        message={query.error.message}
        action={<button type="button" className="btn btn-sm" onClick={() => query.refetch()}>Try again</button>}
      />
    );
  }
  if (!report || !charts) return null;

  const rangeLabel = params.range ? USAGE_RANGE_PRESETS[params.range].label.toLowerCase() : "this range";
  return (
    <div className="stack" aria-busy={query.isFetching && query.isPlaceholderData ? "true" : undefined}>
      <div className={styles.status}>
        <span className="muted">
          {report.window.from ? <LocalTime iso={report.window.from} /> : "Since the first call"} – {report.window.to ? <LocalTime iso={report.window.to} /> : "now"}
          {" · "}per {report.window.bucket}
        </span>
        <span className="faint">Updates every {POLL_MS / 1000} s</span>
        {query.isError ? <span className="field-error">Update failed: {query.error.message}</span> : null}
      </div>
      <SummaryTiles report={report} />
      {report.totals.calls === 0 ? (
        <section className="card">
          <EmptyState
            title="No LLM calls in this range"
            action={params.range !== "30d" ? <Link href={usagePageHref(params, { range: "30d" })} className="btn">Show the last 30 days</Link> : undefined}
          >
            Nothing was charged {params.range ? `in the ${rangeLabel}` : "between these times"}
            {params.workflow ? ` for ${params.workflow}` : ""}. Calls appear here within seconds of being made.
          </EmptyState>
        </section>
      ) : (
        <>
          <div className={styles.chartGrid}>
            <section className="card" aria-labelledby="cost-chart-title">
              <div className="card-header">
                <h2 id="cost-chart-title" className="section-title">Cost over time</h2>
              </div>
              <StackedBarChart series={charts.cost} bucket={report.window.bucket} format="usd" colors={bandColor} label={`LLM cost per ${report.window.bucket}, stacked by ${params.groupBy}`} />
            </section>
            <section className="card" aria-labelledby="tokens-chart-title">
              <div className="card-header">
                <h2 id="tokens-chart-title" className="section-title">Tokens over time</h2>
              </div>
              <StackedBarChart
                series={charts.tokens}
                bucket={report.window.bucket}
                format="tokens"
                colors={(key) => TOKEN_COLORS[key as keyof typeof TOKEN_COLORS]}
                label={`Cached input, uncached input and output tokens per ${report.window.bucket}`}
              />
            </section>
          </div>
          <GroupTable report={report} groupBy={params.groupBy} color={(key) => charts.colorOf.get(key) ?? charts.colorOf.get("Other")} />
          <TopRunsTable report={report} />
        </>
      )}
      <div className={styles.chartGrid}>
        <LatencyAndErrors report={report} />
        <BudgetUsage report={report} />
      </div>
    </div>
  );
}
