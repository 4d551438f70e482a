"use client";
/**
 * The budgets: each with its current period's spend, and (for admins) a form to create or change
 * one (Edit fills it in) and a Delete per row.
 */
import { useActionState, useState } from "react";
import type { BudgetPolicyWithUsage } from "../../../../../lib/data/budget-policy-store";
import { EmptyState } from "../../../../_ui/states";
import { deleteBudgetAction, saveBudgetAction } from "../actions";
import adminStyles from "../../_components/admin.module.css";
import styles from "./budgets.module.css";
import { submitKeepingValues } from "./keep-values";
import { UsageBar } from "../../../../_ui/usage-bar";

const SCOPE_LABEL: Record<BudgetPolicyWithUsage["scope"], string> = {
  "workflow-day": "Workflow, per day",
  "workflow-month": "Workflow, per month",
  "global-day": "All workflows, per day",
};

const percentList = (fractions: number[]) => fractions.map((fraction) => `${Math.round(fraction * 1000) / 10}`).join(", ");

export function BudgetsPanel({ policies, workflows, canEdit }: { policies: BudgetPolicyWithUsage[]; workflows: string[]; canEdit: boolean }) {
  const [editing, setEditing] = useState<BudgetPolicyWithUsage | null>(null);
  return (
    <section className="card" aria-labelledby="budgets-title">
      <div className="card-header">
        <h2 id="budgets-title" className="section-title">Budgets <span className="badge">{policies.length}</span></h2>
        <span className="muted">Periods are UTC days and months</span>
      </div>
      {policies.length === 0 ? (
        <EmptyState title="No workflow or global budgets yet">
          Runs are limited only by their own budgets.{canEdit ? " Add one below." : ""}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Budgets and their current usage</caption>
            <thead>
              <tr>
                <th scope="col">Budget</th>
                <th scope="col">Period</th>
                <th scope="col">Used</th>
                <th scope="col">Over the limit</th>
                <th scope="col">Alerts at</th>
                {canEdit ? <th scope="col" className="right">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {policies.map((policy) => (
                <tr key={policy.id} data-budget-id={policy.id}>
                  <td>
                    <div>{policy.workflow ? <span className="mono">{policy.workflow}</span> : "All workflows"}</div>
                    <div className="muted">{SCOPE_LABEL[policy.scope]}</div>
                  </td>
                  <td className="mono nowrap">{policy.current.period}</td>
                  <td><UsageBar usage={policy.current} /></td>
                  <td>{policy.onExceed === "pause" ? "pause the run" : "fail the run"}</td>
                  <td className="num">{policy.alertThresholds.length ? `${percentList(policy.alertThresholds)} %` : <span className="faint">none</span>}</td>
                  {canEdit ? (
                    <td className="right">
                      <div className={styles.actions}>
                        <button type="button" className="btn btn-sm" onClick={() => setEditing(policy)} aria-label={`Edit budget ${policy.id}`}>
                          Edit
                        </button>
                        <DeleteButton id={policy.id} />
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canEdit ? <BudgetForm key={editing?.id ?? "new"} editing={editing} workflows={workflows} onDone={() => setEditing(null)} /> : null}
    </section>
  );
}

function DeleteButton({ id }: { id: string }) {
  const [result, action, pending] = useActionState(deleteBudgetAction, null);
  return (
    <form action={action}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="btn btn-sm btn-danger" disabled={pending} aria-label={`Delete budget ${id}`}>Delete</button>
      {result && !result.ok ? <div className="field-error" role="alert">{result.message}</div> : null}
    </form>
  );
}

function BudgetForm({ editing, workflows, onDone }: { editing: BudgetPolicyWithUsage | null; workflows: string[]; onDone: () => void }) {
  const [result, action, pending] = useActionState(saveBudgetAction, null);
  const [scope, setScope] = useState<string>(editing?.scope ?? "workflow-day");
  const errors = result?.fieldErrors ?? {};
  return (
    <div className={adminStyles.createForm}>
      <form onSubmit={submitKeepingValues(action)} aria-label={editing ? `Change budget ${editing.id}` : "Add a budget"}>
        <h3 className={adminStyles.formTitle}>{editing ? `Change ${editing.id}` : "Add or change a budget"}</h3>
        <div className={styles.formGrid}>
          <div className="field">
            <label htmlFor="budget-scope" className="field-label">Applies to</label>
            <select id="budget-scope" name="scope" className="select" value={scope} onChange={(event) => setScope(event.target.value)} disabled={!!editing}>
              {Object.entries(SCOPE_LABEL).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
            {editing ? <input type="hidden" name="scope" value={scope} /> : null}
          </div>
          <div className="field">
            <label htmlFor="budget-workflow" className="field-label">Workflow</label>
            <select
              id="budget-workflow"
              name="workflow"
              className="select"
              defaultValue={editing?.workflow ?? workflows[0]}
              disabled={scope === "global-day" || !!editing}
              aria-invalid={errors.workflow ? true : undefined}
            >
              {workflows.map((name) => <option key={name} value={name}>{name}</option>)}
            </select>
            {editing?.workflow ? <input type="hidden" name="workflow" value={editing.workflow} /> : null}
            {errors.workflow ? <span className="field-error">{errors.workflow}</span> : null}
          </div>
          <div className="field">
            <label htmlFor="budget-on-exceed" className="field-label">When a call does not fit</label>
            <select id="budget-on-exceed" name="onExceed" className="select" defaultValue={editing?.onExceed ?? "pause"}>
              <option value="pause">Pause the run (approval in the inbox)</option>
              <option value="fail">Fail the run</option>
            </select>
          </div>
          <LimitField name="limitUsd" label="Limit (USD)" step="0.01" defaultValue={editing?.limitUsd} error={errors.limitUsd} />
          <LimitField name="limitTokens" label="Limit (tokens)" step="1" defaultValue={editing?.limitTokens} error={errors.limitTokens} />
          <div className="field">
            <label htmlFor="budget-thresholds" className="field-label">Alert at (% of the limit)</label>
            <input
              id="budget-thresholds"
              name="alertThresholds"
              className="input"
              defaultValue={editing ? percentList(editing.alertThresholds) : "80"}
              placeholder="80, 95"
              aria-invalid={Object.keys(errors).some((key) => key.startsWith("alertThresholds")) ? true : undefined}
            />
            {Object.entries(errors).find(([key]) => key.startsWith("alertThresholds"))?.[1] ? (
              <span className="field-error">Alert thresholds are percentages above 0 and at most 100, at most 5 of them.</span>
            ) : (
              <span className="field-hint">Comma-separated; each alerts once per period.</span>
            )}
          </div>
        </div>
        <div className="row" style={{ marginTop: 10 }}>
          <button type="submit" className="btn btn-primary" disabled={pending}>{pending ? "Saving…" : editing ? "Save changes" : "Save budget"}</button>
          {editing ? <button type="button" className="btn btn-ghost" onClick={onDone}>Cancel</button> : null}
        </div>
      </form>
      <div role="status" aria-live="polite">
        {result ? <p className={`callout ${result.ok ? "callout-ok" : "callout-error"}`}>{result.message}</p> : null}
      </div>
    </div>
  );
}

function LimitField({ name, label, step, defaultValue, error }: { name: string; label: string; step: string; defaultValue?: number | null; error?: string }) {
  return (
    <div className="field">
      <label htmlFor={`budget-${name}`} className="field-label">{label}</label>
      <input
        id={`budget-${name}`}
        name={name}
        type="number"
        min="0"
        step={step}
        inputMode="decimal"
        className="input"
        defaultValue={defaultValue ?? ""}
        placeholder="no limit"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `budget-${name}-error` : undefined}
      />
      {error ? <span id={`budget-${name}-error`} className="field-error">{error}</span> : <span className="field-hint">Empty: no limit of this kind.</span>}
    </div>
  );
}
