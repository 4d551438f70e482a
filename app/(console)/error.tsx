"use client";
/**
 * A console page failed to render. Server errors arrive without their message in production
 * (Next hides it), so this says what to try and shows the digest to match the server log.
 */
import Link from "next/link";

export default function ConsoleError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error && "digest" in error ? String((error as { digest?: string }).digest ?? "") : "";
  const message = error instanceof Error && !digest ? error.message : null;
  return (
    <div className="stack" style={{ maxWidth: 640 }}>
      <h1>This page could not be loaded</h1>
      <div className="callout callout-error stack-sm" role="alert">
        <span>
          {message ??
            "The server hit an error while preparing this page. It is often temporary (a database or Redis restart): try again in a moment."}
        </span>
        {digest ? <span className="muted">Reference for the server log: <code>{digest}</code></span> : null}
      </div>
      <div className="row">
        <button type="button" className="btn btn-primary" onClick={() => retry()}>Try again</button>
        <Link href="/" className="btn">Go to the overview</Link>
      </div>
    </div>
  );
}
