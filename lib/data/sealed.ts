/**
 * Payload columns at rest (issue #7, S22): step and run inputs, outputs and errors, approval
 * payloads and decisions are sealed with lib/security/secret-box before they are written and
 * opened when read, so the engine, lib/control and the console see plaintext and a database dump
 * does not. Columns that queries filter or add up (status, names, ids, costs, tokens, times) stay
 * plaintext. Values written before encryption are read as they are.
 */
import { openSecret, sealJson, sealSecret } from "../security/secret-box";

/** A jsonb column as stored (sealed, or plaintext from before encryption) → its value. */
export { openJson } from "../security/secret-box";

/** A value as a sealed jsonb query parameter: `undefined` becomes SQL NULL (the column stays absent). */
export function sealedJsonParam(value: unknown): string | null {
  const sealed = sealJson(value);
  return sealed === undefined ? null : JSON.stringify(sealed);
}

/** Text for a sealed text column; null stays null. */
export function sealedText(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : sealSecret(text);
}

/** A sealed (or legacy plaintext) text column → its text. */
export function openedText<T extends string | null>(stored: T): T {
  return (stored === null ? null : openSecret(stored)) as T;
}
