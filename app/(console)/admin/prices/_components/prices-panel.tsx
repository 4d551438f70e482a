"use client";
/**
 * The price table: per model the price in force, changes scheduled for later and earlier prices,
 * and (for admins) a form to add a price from now or a later date ("Change" fills it in).
 */
import { startTransition, useActionState, useId, useState, type FormEvent } from "react";
import type { ModelPriceRowView, ModelPricesView, PriceTableView } from "../../../../../lib/control/prices";
import { EmptyState } from "../../../../_ui/states";
import { LocalTime } from "../../../../_ui/time";
import { addPriceAction } from "../actions";
import adminStyles from "../../_components/admin.module.css";
import budgetStyles from "../../budgets/_components/budgets.module.css";
import { formatPerMTok } from "./format-price";
import styles from "./prices.module.css";

export function PricesPanel({ table, actorLabels, canEdit }: { table: PriceTableView; actorLabels: Record<string, string>; canEdit: boolean }) {
  const [filter, setFilter] = useState("");
  const [prefill, setPrefill] = useState<ModelPricesView | null>(null);
  const needle = filter.trim().toLowerCase();
  const models = needle
    ? table.models.filter((m) => m.model.includes(needle) || (m.provider ?? "").includes(needle) || m.aliases.some((a) => a.includes(needle)))
    : table.models;
  const scheduledCount = table.models.reduce((sum, m) => sum + m.scheduled.length, 0);
  const who = (row: ModelPriceRowView) => (row.createdBy === "seed" ? "shipped with Waymark" : row.createdBy ? (actorLabels[row.createdBy] ?? row.createdBy) : "–");

  return (
    <section className="card" aria-labelledby="prices-title">
      <div className="card-header">
        <h2 id="prices-title" className="section-title">
          Models <span className="badge">{table.models.length}</span>
          {scheduledCount > 0 ? <span className="badge tone-info">{scheduledCount} scheduled</span> : null}
        </h2>
        <span className="spacer" />
        <input
          type="search"
          className={`input ${styles.filter}`}
          placeholder="Filter models"
          aria-label="Filter models"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
      </div>
      {models.length === 0 ? (
        <EmptyState title={table.models.length === 0 ? "No prices yet" : `No model matches “${filter}”`}>
          {table.models.length === 0 ? "Calls to unpriced models cost $0 until a price is added." : "Clear the filter to see every model."}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Model prices in USD per million tokens</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Vendor</th>
                <th scope="col" className="right">Input</th>
                <th scope="col" className="right">Cached input</th>
                <th scope="col" className="right">Output</th>
                <th scope="col">In force since</th>
                <th scope="col">Scheduled</th>
                {canEdit ? <th scope="col" className="right">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {models.map((model) => (
                <tr key={model.model} data-model={model.model}>
                  <td>
                    <div className="mono">{model.model}</div>
                    {model.aliases.length > 0 ? <div className="faint">also {model.aliases.join(", ")}</div> : null}
                    {model.history.length > 0 ? <History model={model} who={who} /> : null}
                  </td>
                  <td>{model.provider ?? <span className="faint">–</span>}</td>
                  {model.current ? (
                    <>
                      <td className="right num" data-testid="current-input">{formatPerMTok(model.current.inputPerMTok)}</td>
                      <td className="right num">{model.current.cachedInputPerMTok === null ? <span className="faint">–</span> : formatPerMTok(model.current.cachedInputPerMTok)}</td>
                      <td className="right num" data-testid="current-output">{formatPerMTok(model.current.outputPerMTok)}</td>
                      <td className="nowrap">
                        {model.current.createdBy === "seed" ? (
                          <span className="faint">list price shipped with Waymark</span>
                        ) : (
                          <>
                            <div><LocalTime iso={model.current.effectiveFrom} /></div>
                            <div className="faint">{who(model.current)}</div>
                          </>
                        )}
                      </td>
                    </>
                  ) : (
                    <td colSpan={4} className="muted">No price in force yet: calls cost $0 until the first scheduled one.</td>
                  )}
                  <td>
                    {model.scheduled.length === 0 ? (
                      <span className="faint">none</span>
                    ) : (
                      <ul className={styles.scheduled} aria-label={`Scheduled prices of ${model.model}`}>
                        {model.scheduled.map((row) => (
                          <li key={row.id} data-testid="scheduled-price">
                            <span className="badge tone-info">from <LocalTime iso={row.effectiveFrom} /></span>
                            <span className="num nowrap">
                              {formatPerMTok(row.inputPerMTok)} in · {formatPerMTok(row.outputPerMTok)} out
                              {row.cachedInputPerMTok !== null ? <span className="faint"> · {formatPerMTok(row.cachedInputPerMTok)} cached</span> : null}
                            </span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  {canEdit ? (
                    <td className="right">
                      <button type="button" className="btn btn-sm" onClick={() => setPrefill(model)} aria-label={`Change the price of ${model.model}`}>
                        Change
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canEdit ? <PriceForm key={prefill?.model ?? "new"} prefill={prefill} models={table.models.map((m) => m.model)} onDone={() => setPrefill(null)} /> : null}
    </section>
  );
}

function History({ model, who }: { model: ModelPricesView; who: (row: ModelPriceRowView) => string }) {
  return (
    <details className={styles.history}>
      <summary className="faint">{model.history.length} earlier {model.history.length === 1 ? "price" : "prices"}</summary>
      <ol>
        {model.history.map((row) => (
          <li key={row.id} className="num">
            {row.createdBy === "seed" ? "shipped with Waymark" : <>from <LocalTime iso={row.effectiveFrom} /></>}: {formatPerMTok(row.inputPerMTok)} in · {formatPerMTok(row.outputPerMTok)} out
            {row.createdBy === "seed" ? null : <span className="faint"> · {who(row)}</span>}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** datetime-local is the browser's local time without a zone: sent as an ISO instant. */
function submitWithInstant(dispatch: (data: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const local = data.get("effectiveFromLocal");
    data.delete("effectiveFromLocal");
    if (typeof local === "string" && local !== "") {
      const instant = new Date(local);
      data.set("effectiveFrom", Number.isNaN(instant.getTime()) ? local : instant.toISOString());
    }
    startTransition(() => dispatch(data));
  };
}

function PriceForm({ prefill, models, onDone }: { prefill: ModelPricesView | null; models: string[]; onDone: () => void }) {
  const [result, action, pending] = useActionState(addPriceAction, null);
  const id = useId();
  const errors = result?.fieldErrors ?? {};
  const current = prefill?.current ?? null;
  const field = (name: string, label: string, hint: string, props: React.InputHTMLAttributes<HTMLInputElement>) => {
    const error = errors[name === "effectiveFromLocal" ? "effectiveFrom" : name];
    return (
    <div className="field">
      <label htmlFor={`${id}-${name}`} className="field-label">{label}</label>
      <input
        id={`${id}-${name}`}
        name={name}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-${name}-note`}
        {...props}
      />
      <span id={`${id}-${name}-note`} className={error ? "field-error" : "field-hint"}>{error ?? hint}</span>
    </div>
    );
  };
  return (
    <div className={adminStyles.createForm}>
      <form onSubmit={submitWithInstant(action)} aria-label="Add a price">
        <h3 className={adminStyles.formTitle}>{prefill ? `Change the price of ${prefill.model}` : "Add a price"}</h3>
        <div className={budgetStyles.formGrid}>
          {field("model", "Model", "A family name prices its dated versions too.", { required: true, defaultValue: prefill?.model ?? "", list: `${id}-models`, placeholder: "gpt-4o-mini", autoComplete: "off" })}
          <datalist id={`${id}-models`}>{models.map((name) => <option key={name} value={name} />)}</datalist>
          {field("provider", "Vendor", "Empty: kept, or guessed from the name.", { defaultValue: prefill?.provider ?? "", placeholder: "openai" })}
          {field("effectiveFromLocal", "Applies from", "Your local time. Empty: now. Never in the past.", { type: "datetime-local" })}
          {field("inputPerMTok", "Input (USD / 1M tokens)", "Prompt tokens.", { required: true, type: "number", min: 0, step: "any", inputMode: "decimal", defaultValue: current?.inputPerMTok ?? "" })}
          {field("cachedInputPerMTok", "Cached input (USD / 1M)", "Optional.", { type: "number", min: 0, step: "any", inputMode: "decimal", defaultValue: current?.cachedInputPerMTok ?? "" })}
          {field("outputPerMTok", "Output (USD / 1M tokens)", "Completion tokens.", { required: true, type: "number", min: 0, step: "any", inputMode: "decimal", defaultValue: current?.outputPerMTok ?? "" })}
        </div>
        <div className="row" style={{ marginTop: 10 }}>
          <button type="submit" className="btn btn-primary" disabled={pending}>{pending ? "Saving…" : "Add price"}</button>
          {prefill ? <button type="button" className="btn btn-ghost" onClick={onDone}>Cancel</button> : null}
        </div>
      </form>
      <div role="status" aria-live="polite">
        {result ? <p className={`callout ${result.ok ? "callout-ok" : "callout-error"}`}>{result.message}</p> : null}
      </div>
    </div>
  );
}
