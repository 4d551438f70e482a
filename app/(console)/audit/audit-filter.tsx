"use client";
/** Filters the audit log by action; applies on change (and on submit without JavaScript). */
import Form from "next/form";

export function AuditFilter({ actions, current }: { actions: string[]; current: string }) {
  return (
    <Form action="/audit" className="row" aria-label="Filter audit log">
      <label htmlFor="audit-action" className="muted">Action</label>
      <select id="audit-action" name="action" className="select" style={{ width: "auto" }} defaultValue={current} onChange={(e) => e.currentTarget.form?.requestSubmit()}>
        <option value="">All actions</option>
        {actions.map((action) => (
          <option key={action} value={action}>{action}</option>
        ))}
      </select>
      <noscript>
        <button type="submit" className="btn btn-sm">Filter</button>
      </noscript>
    </Form>
  );
}
