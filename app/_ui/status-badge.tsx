/** A status as a coloured pill with a dot; the text always says the status (colour is extra). */
const TONES: Record<string, string> = {
  queued: "tone-neutral",
  running: "tone-info",
  waiting: "tone-warn",
  pending: "tone-warn",
  succeeded: "tone-ok",
  approved: "tone-ok",
  failed: "tone-bad",
  rejected: "tone-bad",
  timed_out: "tone-bad",
  expired: "tone-neutral",
  cancelled: "tone-neutral",
  interrupted: "tone-neutral",
  revoked: "tone-neutral",
  disabled: "tone-neutral",
  active: "tone-ok",
};

export function statusTone(status: string): string {
  return TONES[status] ?? "tone-neutral";
}

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span className={`badge ${statusTone(status)}`} data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {label ?? status.replace("_", " ")}
    </span>
  );
}
