"use client";
/** Webhook signing secrets: which workflows accept signed deliveries, and create/rotate (shown once). */
import { useActionState } from "react";
import type { WebhookSecretRecord } from "../../../../lib/security/webhook-secrets";
import { LocalTime } from "../../../_ui/time";
import { issueWebhookSecretAction } from "../webhook-actions";
import styles from "./admin.module.css";
import { ShownOnce } from "./shown-once";

export function WebhooksPanel({ webhooks, workflows }: { webhooks: WebhookSecretRecord[]; workflows: string[] }) {
  const [result, action, pending] = useActionState(issueWebhookSecretAction, null);
  return (
    <section className="card" aria-labelledby="webhooks-title">
      <div className="card-header">
        <h2 id="webhooks-title" className="section-title">Webhooks</h2>
        <span className="muted">Signed deliveries to <code>POST /api/v1/hooks/&lt;workflow&gt;</code> (Standard Webhooks)</span>
      </div>
      {webhooks.length === 0 ? (
        <p className="card-body muted">No workflow accepts webhooks yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Webhook secrets</caption>
            <thead>
              <tr>
                <th scope="col">Workflow</th>
                <th scope="col">Created</th>
                <th scope="col">Rotated</th>
                <th scope="col">Previous secret</th>
              </tr>
            </thead>
            <tbody>
              {webhooks.map((w) => (
                <tr key={w.workflow} data-webhook-workflow={w.workflow}>
                  <td className="mono">{w.workflow}</td>
                  <td className="muted nowrap"><LocalTime iso={w.createdAt} /></td>
                  <td className="muted nowrap">{w.rotatedAt ? <LocalTime iso={w.rotatedAt} /> : "never"}</td>
                  <td>{w.previousActive ? "still accepted" : "none"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className={styles.createForm}>
        <form action={action} aria-label="Create or rotate a webhook secret">
          <h3 className={styles.formTitle}>Create or rotate a webhook secret</h3>
          <div className={`${styles.formGrid} ${styles.keyGrid}`}>
            <div className="field">
              <label htmlFor="webhook-workflow" className="field-label">Workflow</label>
              <select id="webhook-workflow" name="workflow" className="select">
                {workflows.map((name) => <option key={name} value={name}>{name}</option>)}
              </select>
            </div>
            <button type="submit" className="btn btn-primary" disabled={pending}>{pending ? "Saving…" : "Create or rotate"}</button>
          </div>
        </form>
        <ShownOnce
          result={result}
          secret={result?.secret}
          heading={`${result?.message} Copy it now: it is shown only this once.`}
          copyLabel="Copy secret"
          testId="webhook-secret"
        />
      </div>
    </section>
  );
}
