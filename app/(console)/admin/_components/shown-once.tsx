"use client";
/** The answer to creating a secret (API key, webhook secret): the secret once, with a copy button, or the error. */
import { CopyButton } from "../../../_ui/copy-button";
import styles from "./admin.module.css";

export function ShownOnce(props: {
  result: { ok: boolean; message?: string } | null;
  secret: string | undefined;
  heading: string;
  copyLabel: string;
  testId?: string;
}) {
  const { result, secret } = props;
  return (
    <div role="status" aria-live="polite">
      {result?.ok && secret ? (
        <div className={`callout callout-ok ${styles.newKey}`}>
          <strong>{props.heading}</strong>
          <div className="row">
            <code className={styles.keyText} data-testid={props.testId}>{secret}</code>
            <CopyButton text={secret} label={props.copyLabel} />
          </div>
        </div>
      ) : result && !result.ok ? (
        <p className="callout callout-error">{result.message}</p>
      ) : null}
    </div>
  );
}
