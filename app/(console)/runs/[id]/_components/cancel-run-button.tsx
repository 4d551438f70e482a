"use client";
/** "Cancel run" with a confirmation step; runs the cancelRunAction server action. */
import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect, useState } from "react";
import { runQuery } from "../../../../_queries/runs";
import { cancelRunAction } from "../actions";

export function CancelRunButton({ runId }: { runId: string }) {
  const [confirming, setConfirming] = useState(false);
  const [result, formAction, pending] = useActionState(cancelRunAction, null);
  const queryClient = useQueryClient();

  useEffect(() => {
    if (result?.ok) {
      setConfirming(false);
      void queryClient.invalidateQueries({ queryKey: runQuery(runId).queryKey });
      void queryClient.invalidateQueries({ queryKey: ["runs"] });
    }
  }, [result, queryClient, runId]);

  if (!confirming) {
    return (
      <div className="row">
        {result && !result.ok ? <span className="field-error" role="alert">{result.message}</span> : null}
        <button type="button" className="btn btn-danger" onClick={() => setConfirming(true)}>
          Cancel run
        </button>
      </div>
    );
  }
  return (
    <form action={formAction} className="row" aria-label="Confirm cancel">
      <input type="hidden" name="runId" value={runId} />
      <span className="muted">Stop this run? Completed steps stay done.</span>
      <button type="submit" className="btn btn-danger" disabled={pending} autoFocus>
        {pending ? "Cancelling…" : "Yes, cancel it"}
      </button>
      <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)} disabled={pending}>
        Keep running
      </button>
    </form>
  );
}
