"use client";
/** Users: list with role change and disable/enable, and a create form. */
import { useActionState, useId } from "react";
import type { UserRecord } from "../../../../lib/auth/users";
import { ROLES } from "../../../../lib/control/types";
import { StatusBadge } from "../../../_ui/status-badge";
import { LocalTime } from "../../../_ui/time";
import { createUserAction, updateUserAction } from "../actions";
import styles from "./admin.module.css";

export function UsersPanel({ users, currentUserId }: { users: UserRecord[]; currentUserId: string | null }) {
  return (
    <section className="card" aria-labelledby="users-title">
      <div className="card-header">
        <h2 id="users-title" className="section-title">Users <span className="badge">{users.length}</span></h2>
      </div>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Console users</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Status</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col" className="right">Access</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <UserRow key={user.id} user={user} isSelf={user.id === currentUserId} />
            ))}
          </tbody>
        </table>
      </div>
      <CreateUserForm />
    </section>
  );
}

function UserRow({ user, isSelf }: { user: UserRecord; isSelf: boolean }) {
  const [roleResult, roleAction, rolePending] = useActionState(updateUserAction, null);
  const [accessResult, accessAction, accessPending] = useActionState(updateUserAction, null);
  const roleId = useId();
  const result = accessResult ?? roleResult;
  return (
    <tr data-user-email={user.email}>
      <td>
        <div>{user.email}{isSelf ? <span className="faint"> (you)</span> : null}</div>
        {user.name ? <div className="faint">{user.name}</div> : null}
        {result && !result.ok ? <div className="field-error" role="alert">{result.message}</div> : null}
      </td>
      <td><StatusBadge status={user.disabledAt ? "disabled" : "active"} /></td>
      <td>
        <form action={roleAction} className="row" aria-label={`Change the role of ${user.email}`}>
          <input type="hidden" name="userId" value={user.id} />
          <label htmlFor={roleId} className="visually-hidden">Role of {user.email}</label>
          <select id={roleId} name="role" className="select" defaultValue={user.role} style={{ width: "auto" }} disabled={rolePending}>
            {ROLES.map((role) => <option key={role} value={role}>{role}</option>)}
          </select>
          <button type="submit" className="btn btn-sm" disabled={rolePending}>Save role</button>
          <span role="status" aria-live="polite" className="faint">{roleResult?.ok && !rolePending ? "Saved" : ""}</span>
        </form>
      </td>
      <td className="muted nowrap"><LocalTime iso={user.createdAt} /></td>
      <td className="right">
        <form action={accessAction}>
          <input type="hidden" name="userId" value={user.id} />
          <input type="hidden" name="disabled" value={user.disabledAt ? "false" : "true"} />
          <button type="submit" className={`btn btn-sm ${user.disabledAt ? "" : "btn-danger"}`} disabled={accessPending || isSelf} title={isSelf ? "You cannot disable your own account" : undefined}>
            {user.disabledAt ? "Enable" : "Disable"}
          </button>
        </form>
      </td>
    </tr>
  );
}

function CreateUserForm() {
  const [result, action, pending] = useActionState(createUserAction, null);
  const errors = result?.fieldErrors ?? {};
  return (
    <form action={action} className={styles.createForm} aria-label="Add a user">
      <h3 className={styles.formTitle}>Add a user</h3>
      <div className={styles.formGrid}>
        <AdminField name="email" label="Email" type="email" error={errors.email} autoComplete="off" required />
        <AdminField name="name" label="Name (optional)" error={errors.name} />
        <AdminField name="password" label="Initial password" type="password" error={errors.password} autoComplete="new-password" required />
        <div className="field">
          <label htmlFor="new-user-role" className="field-label">Role</label>
          <select id="new-user-role" name="role" className="select" defaultValue="viewer">
            {ROLES.map((role) => <option key={role} value={role}>{role}</option>)}
          </select>
        </div>
        <button type="submit" className="btn btn-primary" disabled={pending}>{pending ? "Adding…" : "Add user"}</button>
      </div>
      <div role="status" aria-live="polite">
        {result ? <p className={`callout ${result.ok ? "callout-ok" : "callout-error"}`}>{result.message}</p> : null}
      </div>
    </form>
  );
}

export function AdminField({ name, label, type = "text", error, ...rest }: {
  name: string;
  label: string;
  type?: string;
  error?: string;
  required?: boolean;
  autoComplete?: string;
}) {
  const id = `admin-${name}-${useId()}`;
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">{label}</label>
      <input id={id} name={name} type={type} className="input" aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...rest} />
      {error ? <span id={`${id}-error`} className="field-error">{error}</span> : null}
    </div>
  );
}
