"use client";
/**
 * A budget approval's own parts: what was spent against which limit and which LLM step did not
 * fit, and the decision — "Raise and continue" by an amount (USD or tokens) or "Abort run".
 */
import { useActionState, useEffect, useId, useState } from "react";
import type { Json } from "../../../../lib/engine/types";
import type { ApprovalView } from "../../../../lib/data/views";
import { describeBudgetLedger } from "../../../../lib/timeline/budget-events";
import { formatCount, formatPercent, formatUsd } from "../../../_ui/format";
import { submitKeepingValues } from "../../admin/budgets/_components/keep-values";
import { decideApprovalAction } from "../actions";
import styles from "./approvals.module.css";

/** The numbers a budget approval carries (lib/data/budget-guard.ts), read defensively. */
export interface BudgetApprovalFacts {
  ledgerId: string | null;
  scope: string | null;
  stepId: string | null;
  limitUsd: number | null;
  limitTokens: number | null;
  spentUsd: number;
  spentTokens: number;
  reservedUsd: number;
}

export function budgetFactsOf(data: Json | null): BudgetApprovalFacts {
  const d = data && typeof data === "object" && !Array.isArray(data) ? data : {};
  const num = (value: Json | undefined) => (typeof value === "number" && Number.isFinite(value) ? value : null);
  const str = (value: Json | undefined) => (typeof value === "string" ? value : null);
  return {
    ledgerId: str(d.ledgerId),
    scope: str(d.scope),
    stepId: str(d.stepId),
    limitUsd: num(d.limitUsd),
    limitTokens: num(d.limitTokens),
    spentUsd: num(d.spentUsd) ?? 0,
    spentTokens: num(d.spentTokens) ?? 0,
    reservedUsd: num(d.reservedUsd) ?? 0,
  };
}

const budgetName = (facts: Pick<BudgetApprovalFacts, "scope" | "ledgerId">) => describeBudgetLedger(facts.scope, facts.ledgerId);

export function BudgetFacts({ approval }: { approval: ApprovalView }) {
  const facts = budgetFactsOf(approval.data);
  return (
    <section className="stack-sm" aria-label="Budget">
      <h4 className={styles.subheading}>Budget</h4>
      <dl className="kv" data-testid="budget-facts">
        <dt>Limit</dt>
        <dd>
          {budgetName(facts)}
          {facts.ledgerId ? <div className="faint mono">{facts.ledgerId}</div> : null}
        </dd>
        <dt>Refused step</dt>
        <dd className="mono">{facts.stepId ?? "–"}</dd>
        {facts.limitUsd !== null ? (
          <>
            <dt>Spent (USD)</dt>
            <dd><Meter spent={facts.spentUsd + facts.reservedUsd} limit={facts.limitUsd} text={`${formatUsd(facts.spentUsd + facts.reservedUsd)} of ${formatUsd(facts.limitUsd)}`} /></dd>
          </>
        ) : null}
        {facts.limitTokens !== null ? (
          <>
            <dt>Spent (tokens)</dt>
            <dd><Meter spent={facts.spentTokens} limit={facts.limitTokens} text={`${formatCount(facts.spentTokens)} of ${formatCount(facts.limitTokens)} tokens`} /></dd>
          </>
        ) : null}
      </dl>
      <p className="muted">{facts.reservedUsd > 0 ? `Includes ${formatUsd(facts.reservedUsd)} reserved by calls still running. ` : ""}The next call did not fit; its estimate is in the title.</p>
    </section>
  );
}

function Meter({ spent, limit, text }: { spent: number; limit: number; text: string }) {
  const used = limit > 0 ? spent / limit : 1;
  return (
    <div className={styles.meterBox}>
      <span className="num">{text}</span>
      <span className="faint num">{formatPercent(used)}</span>
      <div className={styles.meter} role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(Math.min(used, 1) * 100)} aria-label={text}>
        <div className={styles.meterFill} style={{ width: `${Math.min(used, 1) * 100}%` }} data-over={used >= 1} />
      </div>
    </div>
  );
}

/**
 * The limit closest to full, which is the one that refused the call: raising the other would pause
 * the run again at once.
 */
function fullestLimit(facts: BudgetApprovalFacts): "usd" | "tokens" | null {
  const usd = facts.limitUsd ? (facts.spentUsd + facts.reservedUsd) / facts.limitUsd : -1;
  const tokens = facts.limitTokens ? facts.spentTokens / facts.limitTokens : -1;
  if (usd < 0 && tokens < 0) return null;
  return tokens > usd ? "tokens" : "usd";
}

/** A sensible first raise: as much again as the limit (the smallest step that visibly moves it). */
function suggestedRaise(facts: BudgetApprovalFacts, unit: "usd" | "tokens"): string {
  if (unit === "tokens") return String(Math.max(1000, facts.limitTokens ?? 0));
  const usd = Math.max(facts.limitUsd ?? 0, 0.01);
  return String(Number(usd.toPrecision(2)));
}

export function BudgetDecisionForm({ approval, onDecided }: { approval: ApprovalView; onDecided: (message: string, runId: string) => void }) {
  const facts = budgetFactsOf(approval.data);
  const units = [...(facts.limitUsd !== null ? (["usd"] as const) : []), ...(facts.limitTokens !== null ? (["tokens"] as const) : [])];
  const [unit, setUnit] = useState<"usd" | "tokens">(fullestLimit(facts) ?? units[0] ?? "usd");
  const [result, formAction, pending] = useActionState(decideApprovalAction, null);
  const id = useId();

  useEffect(() => {
    if (result?.ok && result.message) onDecided(result.message, approval.runId);
  }, [result, onDecided, approval.runId]);

  const raiseError = result && !result.ok ? result.fieldErrors?.raiseAmount : undefined;
  return (
    <form onSubmit={submitKeepingValues(formAction)} className={styles.decisionForm} aria-label={`Decide budget: ${approval.summary}`}>
      <input type="hidden" name="approvalId" value={approval.id} />
      <input type="hidden" name="payloadHash" value={approval.payloadHash} />
      <input type="hidden" name="kind" value="budget" />
      <div className="field">
        <label htmlFor={`${id}-raise`} className="field-label">Raise by</label>
        <div className={styles.raiseRow}>
          <input
            key={unit}
            id={`${id}-raise`}
            name="raiseAmount"
            type="number"
            className={`input ${styles.raiseInput}`}
            min={unit === "tokens" ? 1 : 0}
            step={unit === "tokens" ? 1 : "any"}
            inputMode={unit === "tokens" ? "numeric" : "decimal"}
            defaultValue={suggestedRaise(facts, unit)}
            aria-invalid={raiseError ? true : undefined}
            aria-describedby={`${id}-raise-note`}
          />
          {units.length > 1 ? (
            <select name="raiseUnit" className="select" aria-label="Unit" value={unit} onChange={(event) => setUnit(event.target.value as "usd" | "tokens")}>
              <option value="usd">USD</option>
              <option value="tokens">tokens</option>
            </select>
          ) : (
            <>
              <input type="hidden" name="raiseUnit" value={unit} />
              <span className="muted">{unit === "usd" ? "USD" : "tokens"}</span>
            </>
          )}
        </div>
        <span id={`${id}-raise-note`} className={raiseError ? "field-error" : "field-hint"}>
          {raiseError ?? `Added to the limit of ${budgetName(facts)}.`}
        </span>
      </div>
      <div className="field" style={{ flex: 1, minWidth: 200 }}>
        <label htmlFor={`${id}-comment`} className="field-label">
          Comment <span className="faint">(optional)</span>
        </label>
        <textarea id={`${id}-comment`} name="comment" className="textarea" rows={2} maxLength={2000} placeholder="Why, for the record" />
      </div>
      <div className={styles.decisionButtons}>
        <button type="submit" name="decision" value="approve" className="btn btn-approve" disabled={pending}>
          Raise and continue
        </button>
        <button type="submit" name="decision" value="reject" className="btn btn-danger" disabled={pending}>
          Abort run
        </button>
      </div>
      {result && !result.ok && !raiseError ? (
        <p className="callout callout-error" role="alert" style={{ flexBasis: "100%" }}>
          {result.message}
        </p>
      ) : null}
    </form>
  );
}
