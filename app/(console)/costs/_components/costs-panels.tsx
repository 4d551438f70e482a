/**
 * The dashboard's summary tiles, latency and error rates, and budget usage against limits.
 * Presentational: the dashboard polls and passes the report down.
 */
import Link from "next/link";
import type { UsageReport } from "../../../../lib/data/usage-queries";
import type { ErrorRate, LatencyStats } from "../../../../lib/data/usage-insights";
import { formatCount, formatDuration, formatPercent, formatUsd } from "../../../_ui/format";
import { UsageBar } from "../../../_ui/usage-bar";
import { HeadRow } from "./costs-tables";
import styles from "./costs.module.css";

const ms = (value: number | null) => (value === null ? "–" : formatDuration(value));

function Tile({ label, value, detail, tone, testId }: { label: string; value: string; detail?: string; tone?: "bad" | "warn"; testId?: string }) {
  return (
    <div className={`card ${styles.tile}`} data-testid={testId}>
      <span className={styles.tileLabel}>{label}</span>
      <span className={`${styles.tileValue} num`} data-tone={tone}>{value}</span>
      {detail ? <span className={styles.tileDetail}>{detail}</span> : null}
    </div>
  );
}

/** ", 42%" of the input read from prompt caches; nothing when there was no input. */
const cachedShare = (totals: UsageReport["totals"]) => (totals.inputTokens > 0 ? `, ${formatPercent(totals.cachedInputTokens / totals.inputTokens)}` : "");

const rateTone = (rate: number | null) => (rate === null || rate === 0 ? undefined : rate >= 0.1 ? "bad" : "warn");

export function SummaryTiles({ report }: { report: UsageReport }) {
  const { totals, latency, errors } = report;
  return (
    <section aria-label="Totals" className={styles.tiles}>
      <Tile label="Total cost" value={formatUsd(totals.costUsd)} detail={`${formatCount(totals.calls)} LLM ${totals.calls === 1 ? "call" : "calls"}`} testId="total-cost" />
      <Tile
        label="Tokens"
        value={formatCount(totals.totalTokens)}
        detail={`${formatCount(totals.inputTokens)} in (${formatCount(totals.cachedInputTokens)} cached${cachedShare(totals)}) · ${formatCount(totals.outputTokens)} out`}
        testId="total-tokens"
      />
      <Tile
        label="LLM error rate"
        value={formatPercent(errors.llmCalls.rate)}
        detail={`${errors.llmCalls.failed} of ${errors.llmCalls.total} attempts failed`}
        tone={rateTone(errors.llmCalls.rate)}
      />
      <Tile label="LLM latency p50 / p95" value={`${ms(latency.llm.p50Ms)} / ${ms(latency.llm.p95Ms)}`} detail={`over ${formatCount(latency.llm.count)} attempts`} />
    </section>
  );
}

function RateRow({ label, rate, unit }: { label: string; rate: ErrorRate; unit: string }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="num right" data-tone={rateTone(rate.rate)}>{formatPercent(rate.rate)}</td>
      <td className="num right muted">{rate.failed} of {formatCount(rate.total)} {unit}</td>
    </tr>
  );
}

function LatencyRow({ label, stats }: { label: string; stats: LatencyStats }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="num right">{ms(stats.p50Ms)}</td>
      <td className="num right">{ms(stats.p95Ms)}</td>
      <td className="num right muted">{formatCount(stats.count)}</td>
    </tr>
  );
}

export function LatencyAndErrors({ report }: { report: UsageReport }) {
  const { latency, errors } = report;
  return (
    <section className="card" aria-labelledby="latency-title">
      <div className="card-header">
        <h2 id="latency-title" className="section-title">Latency and errors</h2>
      </div>
      <div className="table-wrap">
        <table className={`table ${styles.compact}`}>
          <caption className="visually-hidden">Latency percentiles</caption>
          <HeadRow columns={["Latency", "p50", "p95", "Samples"]} />
          <tbody>
            <LatencyRow label="LLM call attempts" stats={latency.llm} />
            <LatencyRow label="Steps (retries included)" stats={latency.steps} />
          </tbody>
        </table>
        <table className={`table ${styles.compact} ${styles.tones} ${styles.rates}`}>
          <caption className="visually-hidden">Error rates</caption>
          <HeadRow columns={["Error rate", "Rate", "Failed"]} />
          <tbody>
            <RateRow label="LLM call attempts" rate={errors.llmCalls} unit="attempts" />
            <RateRow label="Steps" rate={errors.steps} unit="steps" />
            <RateRow label="Runs" rate={errors.runs} unit="ended runs" />
          </tbody>
        </table>
      </div>
    </section>
  );
}

const SCOPE_LABEL = { "workflow-day": "per day", "workflow-month": "per month", "global-day": "per day" } as const;

export function BudgetUsage({ report }: { report: UsageReport }) {
  return (
    <section className="card" aria-labelledby="budget-usage-title">
      <div className="card-header">
        <h2 id="budget-usage-title" className="section-title">Budgets</h2>
        <Link href="/admin/budgets">Manage</Link>
      </div>
      {report.budgets.length === 0 ? (
        <p className={`muted ${styles.padded}`}>
          No workflow or global budgets. Runs are limited only by their own budgets; an admin can add some in <Link href="/admin/budgets">Admin › Budgets</Link>.
        </p>
      ) : (
        <ul className={styles.budgets}>
          {report.budgets.map((budget) => (
            <li key={budget.id} data-budget-id={budget.id}>
              <div className={styles.budgetName}>
                <span className={budget.workflow ? "mono truncate" : "truncate"}>{budget.workflow ?? "All workflows"}</span>
                <span className="faint nowrap">{SCOPE_LABEL[budget.scope]} · {budget.current.period}</span>
              </div>
              <UsageBar usage={budget.current} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
