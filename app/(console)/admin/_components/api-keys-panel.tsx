"use client";
/** API keys: list with revoke, and a create form that shows the new key exactly once. */
import { useActionState } from "react";
import type { ApiKeyRecord } from "../../../../lib/auth/api-keys";
import { ROLES } from "../../../../lib/control/types";
import { StatusBadge } from "../../../_ui/status-badge";
import { LocalTime } from "../../../_ui/time";
import { createApiKeyAction, revokeApiKeyAction } from "../actions";
import { AdminField } from "./users-panel";
import styles from "./admin.module.css";
import { ShownOnce } from "./shown-once";

export function ApiKeysPanel({ keys }: { keys: ApiKeyRecord[] }) {
  return (
    <section className="card" aria-labelledby="keys-title">
      <div className="card-header">
        <h2 id="keys-title" className="section-title">API keys <span className="badge">{keys.filter((k) => !k.revokedAt).length} active</span></h2>
        <span className="muted">Send as <code>Authorization: Bearer &lt;key&gt;</code></span>
      </div>
      {keys.length === 0 ? (
        <p className="card-body muted">No API keys yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col" className="right">Revoke</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => <KeyRow key={key.id} apiKey={key} />)}
            </tbody>
          </table>
        </div>
      )}
      <CreateKeyForm />
    </section>
  );
}

function KeyRow({ apiKey }: { apiKey: ApiKeyRecord }) {
  const [result, action, pending] = useActionState(revokeApiKeyAction, null);
  return (
    <tr data-key-name={apiKey.name}>
      <td>
        {apiKey.name}
        {result && !result.ok ? <div className="field-error" role="alert">{result.message}</div> : null}
      </td>
      <td className="mono muted">{apiKey.prefix}…</td>
      <td>{apiKey.role}</td>
      <td><StatusBadge status={apiKey.revokedAt ? "revoked" : "active"} /></td>
      <td className="muted nowrap"><LocalTime iso={apiKey.createdAt} /></td>
      <td className="muted nowrap">{apiKey.lastUsedAt ? <LocalTime iso={apiKey.lastUsedAt} /> : "never"}</td>
      <td className="right">
        {apiKey.revokedAt ? (
          <span className="faint">revoked</span>
        ) : (
          <form action={action}>
            <input type="hidden" name="keyId" value={apiKey.id} />
            <button type="submit" className="btn btn-sm btn-danger" disabled={pending} aria-label={`Revoke ${apiKey.name}`}>
              Revoke
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

function CreateKeyForm() {
  const [result, action, pending] = useActionState(createApiKeyAction, null);
  const errors = result?.fieldErrors ?? {};
  return (
    <div className={styles.createForm}>
      <form action={action} aria-label="Create an API key">
        <h3 className={styles.formTitle}>Create an API key</h3>
        <div className={`${styles.formGrid} ${styles.keyGrid}`}>
          <AdminField name="name" label="Name" error={errors.name} required />
          <div className="field">
            <label htmlFor="new-key-role" className="field-label">Role</label>
            <select id="new-key-role" name="role" className="select" defaultValue="operator">
              {ROLES.map((role) => <option key={role} value={role}>{role}</option>)}
            </select>
          </div>
          <button type="submit" className="btn btn-primary" disabled={pending}>{pending ? "Creating…" : "Create key"}</button>
        </div>
      </form>
      <ShownOnce
        result={result}
        secret={result?.key}
        heading={`Copy “${result?.keyName}” now: it is shown only this once.`}
        copyLabel="Copy key"
      />
    </div>
  );
}
