"use client";
/**
 * The dashboard's time range (presets as links, a custom from/to form) and grouping switch. The
 * URL is the state: shareable, and the back button works.
 */
import Form from "next/form";
import Link from "next/link";
import { useState } from "react";
import { USAGE_RANGE_PRESETS, type UsageRangePreset } from "../../../../lib/data/usage-range";
import { USAGE_GROUP_OPTIONS, usagePageHref, type UsageGroupOption, type UsagePageParams } from "../../../_queries/usage";
import styles from "./costs.module.css";

const PRESET_SHORT: Record<UsageRangePreset, string> = { "1h": "1h", "24h": "24h", "7d": "7d", "30d": "30d" };

/** `datetime-local` wants local wall-clock time without a zone. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

const toIso = (local: string) => (local ? new Date(local).toISOString() : "");

export function CostsControls({ params, workflows }: { params: UsagePageParams; workflows: string[] }) {
  const custom = !params.range;
  const [showCustom, setShowCustom] = useState(custom);
  const [from, setFrom] = useState(() => toLocalInput(params.from));
  const [to, setTo] = useState(() => toLocalInput(params.to));
  const invalid = from !== "" && to !== "" && new Date(from).getTime() >= new Date(to).getTime();

  return (
    <div className={styles.controls}>
      <div className={styles.controlGroup}>
        <span className="field-label" id="costs-range-label">Time range</span>
        <div className={styles.segmented} role="group" aria-labelledby="costs-range-label">
          {(Object.keys(USAGE_RANGE_PRESETS) as UsageRangePreset[]).map((range) => (
            <Link
              key={range}
              href={usagePageHref(params, { range })}
              className={styles.segment}
              aria-current={params.range === range ? "true" : undefined}
              title={USAGE_RANGE_PRESETS[range].label}
              scroll={false}
            >
              {PRESET_SHORT[range]}
            </Link>
          ))}
          <button type="button" className={styles.segment} aria-current={custom ? "true" : undefined} aria-expanded={showCustom} onClick={() => setShowCustom((open) => !open)}>
            Custom
          </button>
        </div>
      </div>
      <div className={styles.controlGroup}>
        <span className="field-label" id="costs-group-label">Group by</span>
        <div className={styles.segmented} role="group" aria-labelledby="costs-group-label">
          {(Object.keys(USAGE_GROUP_OPTIONS) as UsageGroupOption[]).map((groupBy) => (
            <Link key={groupBy} href={usagePageHref(params, { groupBy })} className={styles.segment} aria-current={params.groupBy === groupBy ? "true" : undefined} scroll={false}>
              {USAGE_GROUP_OPTIONS[groupBy]}
            </Link>
          ))}
        </div>
      </div>
      {workflows.length > 0 ? (
        <Form action="/costs" className={styles.controlGroup} aria-label="Filter by workflow">
          <label className="field-label" htmlFor="costs-workflow">Workflow</label>
          {params.range ? <input type="hidden" name="range" value={params.range} /> : null}
          {params.from ? <input type="hidden" name="from" value={params.from} /> : null}
          {params.to ? <input type="hidden" name="to" value={params.to} /> : null}
          <input type="hidden" name="groupBy" value={params.groupBy} />
          <select id="costs-workflow" name="workflow" className="select" defaultValue={params.workflow ?? ""} onChange={(event) => event.currentTarget.form?.requestSubmit()}>
            <option value="">All workflows</option>
            {workflows.map((name) => (
              <option key={name} value={name}>{name}</option>
            ))}
          </select>
        </Form>
      ) : null}
      {showCustom ? (
        <Form action="/costs" className={styles.customRange} aria-label="Custom time range">
          <div className="field">
            <label className="field-label" htmlFor="costs-from">From</label>
            <input id="costs-from" type="datetime-local" className="input" value={from} onChange={(event) => setFrom(event.currentTarget.value)} required />
          </div>
          <div className="field">
            <label className="field-label" htmlFor="costs-to">To</label>
            <input id="costs-to" type="datetime-local" className="input" value={to} onChange={(event) => setTo(event.currentTarget.value)} />
          </div>
          <input type="hidden" name="from" value={toIso(from)} />
          {to ? <input type="hidden" name="to" value={toIso(to)} /> : null}
          <input type="hidden" name="groupBy" value={params.groupBy} />
          {params.workflow ? <input type="hidden" name="workflow" value={params.workflow} /> : null}
          <button type="submit" className="btn btn-primary" disabled={!from || invalid}>Apply</button>
          {invalid ? <span className="field-error">“From” must be before “To”.</span> : <span className="field-hint">Your local time; “To” empty means now.</span>}
        </Form>
      ) : null}
    </div>
  );
}
