"use client";
/**
 * The inbox, polled: pending approvals every 3 s (so new ones appear and decided ones leave),
 * the history every 10 s. A decision refreshes both at once.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { approvalsQuery } from "../../../_queries/approvals";
import { EmptyState, ErrorState, SkeletonRows } from "../../../_ui/states";
import { DecisionHistory } from "./decision-history";
import { PendingApprovalCard } from "./pending-approval-card";
import styles from "./approvals.module.css";

const PENDING_POLL_MS = 3_000;
const HISTORY_POLL_MS = 10_000;

export function ApprovalsInbox({ canDecide, role }: { canDecide: boolean; role: string }) {
  const pending = useQuery({ ...approvalsQuery("pending"), refetchInterval: PENDING_POLL_MS });
  const all = useQuery({ ...approvalsQuery("all"), refetchInterval: HISTORY_POLL_MS });
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);

  const onDecided = useCallback(
    (message: string, runId: string) => {
      setNotice(message);
      void queryClient.invalidateQueries({ queryKey: ["approvals"] });
      void queryClient.invalidateQueries({ queryKey: ["run", runId] });
    },
    [queryClient],
  );

  const decided = (all.data?.approvals ?? []).filter((a) => a.status !== "pending");

  return (
    <div className="stack">
      <div aria-live="polite" role="status">
        {notice ? (
          <p className={`callout callout-ok ${styles.notice}`}>
            <span>{notice}</span>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setNotice(null)}>Dismiss</button>
          </p>
        ) : null}
      </div>
      {!canDecide ? (
        <p className="callout">
          You can read every approval. Deciding needs the approver role; you are signed in as {role}.
        </p>
      ) : null}

      <section aria-labelledby="pending-title" className="stack-sm">
        <h2 id="pending-title" className="section-title">
          Pending
          {pending.data ? <span className="badge tone-warn">{pending.data.approvals.length}</span> : null}
        </h2>
        {pending.isPending ? (
          <div className="card card-body"><SkeletonRows rows={3} label="Loading pending approvals" /></div>
        ) : pending.isError && !pending.data ? (
          <ErrorState title="The inbox could not be loaded" message={pending.error.message} action={<button type="button" className="btn btn-sm" onClick={() => pending.refetch()}>Try again</button>} />
        ) : pending.data.approvals.length === 0 ? (
          <div className="card">
            <EmptyState title="Inbox zero">No run is waiting for a decision. New requests appear here within a few seconds.</EmptyState>
          </div>
        ) : (
          <ol className={styles.pendingList}>
            {pending.data.approvals.map((approval) => (
              <li key={approval.id}>
                <PendingApprovalCard approval={approval} canDecide={canDecide} onDecided={onDecided} />
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="history-title" className="stack-sm">
        <h2 id="history-title" className="section-title">Decided</h2>
        {all.isPending ? (
          <div className="card card-body"><SkeletonRows rows={3} label="Loading decided approvals" /></div>
        ) : all.isError && !all.data ? (
          <ErrorState title="The history could not be loaded" message={all.error.message} />
        ) : (
          <DecisionHistory approvals={decided} />
        )}
      </section>
    </div>
  );
}
