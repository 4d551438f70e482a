"use client";
/**
 * The alert webhook: where budget alerts are POSTed (a threshold reached, a run paused for budget),
 * signed with a Standard Webhooks secret that is shown once, when it is created or rotated.
 */
import { useActionState } from "react";
import type { AlertEndpointView } from "../../../../../lib/alerts/endpoint-store";
import { LocalTime } from "../../../../_ui/time";
import { StatusBadge } from "../../../../_ui/status-badge";
import { ShownOnce } from "../../_components/shown-once";
import adminStyles from "../../_components/admin.module.css";
import { saveAlertEndpointAction } from "../actions";
import styles from "./budgets.module.css";
import { submitKeepingValues } from "./keep-values";

export function AlertEndpointPanel({ endpoint }: { endpoint: AlertEndpointView | null }) {
  const [result, action, pending] = useActionState(saveAlertEndpointAction, null);
  const errors = result?.fieldErrors ?? {};
  return (
    <section className="card" aria-labelledby="alerts-title">
      <div className="card-header">
        <h2 id="alerts-title" className="section-title">Alert webhook</h2>
        <span className="muted">
          <code>budget.threshold</code> and <code>budget.paused</code> events, signed (Standard Webhooks)
        </span>
      </div>
      <div className="card-body">
        {endpoint ? (
          <dl className="kv">
            <dt>Sends to</dt>
            <dd className="mono">{endpoint.urlOrigin}{endpoint.urlHasPath ? "/…" : ""}</dd>
            <dt>Status</dt>
            <dd><StatusBadge status={endpoint.enabled ? "active" : "disabled"} /></dd>
            <dt>Changed</dt>
            <dd className="muted"><LocalTime iso={endpoint.updatedAt} /></dd>
          </dl>
        ) : (
          <p className="muted">No alert webhook yet: budgets still pause and fail runs, but nobody is notified outside the console.</p>
        )}
      </div>
      <div className={adminStyles.createForm}>
        <form onSubmit={submitKeepingValues(action)} aria-label="Set the alert webhook">
          <h3 className={adminStyles.formTitle}>{endpoint ? "Change the alert webhook" : "Set the alert webhook"}</h3>
          <div className={styles.endpointGrid}>
            <div className="field">
              <label htmlFor="alert-url" className="field-label">URL</label>
              <input
                id="alert-url"
                name="url"
                type="url"
                className="input"
                placeholder={endpoint ? "keep the current URL" : "https://hooks.example.com/waymark"}
                required={!endpoint}
                aria-invalid={errors.url ? true : undefined}
                aria-describedby={errors.url ? "alert-url-error" : undefined}
              />
              {errors.url ? <span id="alert-url-error" className="field-error">{errors.url}</span> : null}
            </div>
            <label className={styles.checkbox}>
              <input type="checkbox" name="enabled" defaultChecked={endpoint?.enabled ?? true} /> Enabled
            </label>
            <button type="submit" name="intent" value="save" className="btn btn-primary" disabled={pending}>{pending ? "Saving…" : "Save"}</button>
            {endpoint ? (
              <button type="submit" name="intent" value="rotate" className="btn" disabled={pending}>Rotate secret</button>
            ) : null}
          </div>
        </form>
        {result?.ok && !result.secret ? <p className="callout callout-ok" role="status">{result.message}</p> : null}
        <ShownOnce
          result={result}
          secret={result?.secret}
          heading={`${result?.message} Copy the signing secret now: it is shown only this once.`}
          copyLabel="Copy secret"
          testId="alert-secret"
        />
      </div>
    </section>
  );
}
