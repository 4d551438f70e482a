"use client";
/**
 * The runs filters as a GET form: the URL is the state (shareable, back button works), and
 * next/form navigates client-side. Selects apply at once; the search applies on Enter.
 */
import Form from "next/form";
import Link from "next/link";
import { useState } from "react";
import { RUN_STATUS_OPTIONS, TIME_RANGES, type RunListParams } from "../../../_queries/run-list-params";
import styles from "./runs.module.css";

export function RunFilters({ params, workflows }: { params: RunListParams; workflows: Array<{ name: string; versions: number[] }> }) {
  const [workflow, setWorkflow] = useState(params.workflow ?? "");
  const versions = workflows.find((w) => w.name === workflow)?.versions ?? [];
  const statusValue = statusSelectValue(params.status);
  const submit = (event: React.ChangeEvent<HTMLSelectElement>) => event.currentTarget.form?.requestSubmit();

  return (
    <Form action="/runs" className={styles.filters} aria-label="Filter runs">
      <div className={`field ${styles.search}`}>
        <label className="field-label" htmlFor="runs-q">Search</label>
        <input
          id="runs-q"
          name="q"
          className="input"
          type="search"
          placeholder="Run id or text in the input"
          defaultValue={params.search ?? ""}
        />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="runs-workflow">Workflow</label>
        <select
          id="runs-workflow"
          name="workflow"
          className="select"
          value={workflow}
          onChange={(event) => {
            setWorkflow(event.currentTarget.value);
            const version = event.currentTarget.form?.elements.namedItem("version") as HTMLSelectElement | null;
            if (version) version.value = "";
            submit(event);
          }}
        >
          <option value="">All workflows</option>
          {workflows.map((w) => (
            <option key={w.name} value={w.name}>{w.name}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="runs-version">Version</label>
        <select id="runs-version" name="version" className="select" defaultValue={params.version ?? ""} disabled={!workflow} onChange={submit}>
          <option value="">All versions</option>
          {versions.map((v) => (
            <option key={v} value={v}>v{v}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="runs-status">Status</label>
        <select id="runs-status" name="status" className="select" defaultValue={statusValue} onChange={submit}>
          <option value="">Any status</option>
          <option value="active">Active (queued, running, waiting)</option>
          {RUN_STATUS_OPTIONS.map((status) => (
            <option key={status} value={status}>{status}</option>
          ))}
          {statusValue.includes(",") ? <option value={statusValue}>{statusValue.replaceAll(",", ", ")}</option> : null}
        </select>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="runs-range">Created</label>
        <select id="runs-range" name="range" className="select" defaultValue={params.range ?? ""} onChange={submit}>
          <option value="">Any time</option>
          {Object.entries(TIME_RANGES).map(([key, range]) => (
            <option key={key} value={key}>{range.label}</option>
          ))}
        </select>
      </div>
      <div className={styles.filterActions}>
        <button type="submit" className="btn btn-primary">Apply</button>
        <Link href="/runs" className="btn btn-ghost">Clear</Link>
      </div>
    </Form>
  );
}

function statusSelectValue(status: RunListParams["status"]): string {
  if (!status || status.length === 0) return "";
  const sorted = [...status].sort().join(",");
  if (sorted === ["queued", "running", "waiting"].join(",")) return "active";
  return status.join(",");
}
