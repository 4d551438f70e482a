/** Decided approvals: decision (a budget approval's as "continued" / "aborted"), approver, comment, when. */
import Link from "next/link";
import type { ApprovalView } from "../../../../lib/data/views";
import { EmptyState } from "../../../_ui/states";
import { StatusBadge } from "../../../_ui/status-badge";
import { LocalTime } from "../../../_ui/time";

export function DecisionHistory({ approvals }: { approvals: ApprovalView[] }) {
  if (approvals.length === 0) {
    return (
      <div className="card">
        <EmptyState title="No decisions yet">Approved, rejected and timed-out requests are listed here.</EmptyState>
      </div>
    );
  }
  return (
    <div className="card table-wrap">
      <table className="table" aria-label="Decided approvals">
        <thead>
          <tr>
            <th scope="col">Decision</th>
            <th scope="col">Request</th>
            <th scope="col">Decided by</th>
            <th scope="col">Comment</th>
            <th scope="col">Decided at</th>
            <th scope="col">Run</th>
          </tr>
        </thead>
        <tbody>
          {approvals.map((approval) => (
            <tr key={approval.id} data-approval-id={approval.id}>
              <td>
                <StatusBadge
                  status={approval.status}
                  label={approval.kind === "budget" && approval.status !== "expired" ? (approval.status === "approved" ? "continued" : "aborted") : undefined}
                />
              </td>
              <td style={{ maxWidth: 420 }}>
                <div>{approval.summary}</div>
                <div className="faint">
                  {approval.workflow ?? ""}
                  {approval.version ? `@${approval.version}` : ""} · <span className="mono">{approval.stepId}</span>
                </div>
              </td>
              <td>{approval.decidedBy ?? (approval.status === "expired" ? <span className="muted">timed out</span> : "–")}</td>
              <td style={{ maxWidth: 320, overflowWrap: "anywhere" }}>{approval.comment ?? <span className="faint">–</span>}</td>
              <td className="nowrap"><LocalTime iso={approval.decidedAt} /></td>
              <td><Link href={`/runs/${encodeURIComponent(approval.runId)}`} className="mono">{approval.runId}</Link></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
