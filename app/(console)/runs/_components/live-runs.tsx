"use client";
/**
 * The runs table, polled: every 2 s while any run on the page is queued, running or waiting,
 * every 10 s otherwise (so new runs still appear).
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { isActiveStatus, runsPageHref, type RunListParams } from "../../../_queries/run-list-params";
import { runsQuery } from "../../../_queries/runs";
import { EmptyState, ErrorState, SkeletonRows } from "../../../_ui/states";
import { useNow } from "../../../_ui/time";
import { RunsTable } from "./runs-table";
import styles from "./runs.module.css";

const ACTIVE_POLL_MS = 2_000;
const IDLE_POLL_MS = 10_000;

export function LiveRuns({ params, renderedAt }: { params: RunListParams; renderedAt: number }) {
  const query = useQuery({
    ...runsQuery(params),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.runs.some((run) => isActiveStatus(run.status)) ? ACTIVE_POLL_MS : IDLE_POLL_MS),
  });
  const anyActive = query.data?.runs.some((run) => isActiveStatus(run.status)) ?? false;
  const now = useNow(1_000, anyActive, renderedAt);
  const filtered = Boolean(params.workflow || params.version || params.status || params.search || params.range);

  if (query.isPending) {
    return (
      <section className="card card-body" aria-label="Runs">
        <SkeletonRows rows={8} label="Loading runs" />
      </section>
    );
  }
  if (query.isError && !query.data) {
    return (
      <ErrorState
        title="Runs could not be loaded"
        message={query.error.message}
        action={<button type="button" className="btn btn-sm" onClick={() => query.refetch()}>Try again</button>}
      />
    );
  }

  const { runs, nextCursor } = query.data;
  return (
    <section className="card" aria-label="Runs">
      <div className={styles.tableHeader}>
        <span className="muted" aria-live="polite">
          {runs.length === 0 ? "No runs" : `${runs.length}${nextCursor ? "+" : ""} ${runs.length === 1 ? "run" : "runs"}`}
          {params.cursor ? " (older page)" : ""}
        </span>
        <span className={styles.liveIndicator} data-live={anyActive}>
          <span className={styles.liveDot} aria-hidden="true" />
          {anyActive ? "Live: updating every 2 s" : "Up to date"}
        </span>
        {query.isError ? <span className="field-error">Update failed: {query.error.message}</span> : null}
      </div>
      {runs.length === 0 ? (
        filtered ? (
          <EmptyState title="No runs match these filters" action={<Link href="/runs" className="btn">Clear filters</Link>}>
            Widen the time range or clear the search.
          </EmptyState>
        ) : (
          <EmptyState title="No runs yet" action={<Link href="/workflows" className="btn btn-primary">Start a run</Link>}>
            Runs appear here as soon as they are started, from the console or the API.
          </EmptyState>
        )
      ) : (
        <RunsTable runs={runs} now={now} caption="Runs matching the filters" />
      )}
      {params.cursor || nextCursor ? (
        <nav className={styles.pager} aria-label="Pages">
          {params.cursor ? <Link href={runsPageHref(params)} className="btn btn-sm">← Newest</Link> : <span />}
          {nextCursor ? (
            <Link href={runsPageHref(params, { cursor: nextCursor })} className="btn btn-sm">
              Older runs →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}
