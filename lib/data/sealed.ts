/**
 * Payload columns at rest (issue #7, S22): step and run inputs, outputs and errors, approval
 * payloads and decisions are sealed with lib/security/secret-box before they are written and
 * opened when read, so the engine, lib/control and the console see plaintext and a database dump
 * does not. Columns that queries filter or add up (status, names, ids, costs, tokens, times) stay
 * plaintext. Values written before encryption are read as they are.
 */
import { activeKeyRing, blindHashes, openSecret, sealJson, sealSecret } from "../security/secret-box";

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

/** Most words of one input kept in its search index */
const MAX_INDEXED_WORDS = 256;
/** Longer "words" (ids, blobs) are left out of the index */
const MAX_WORD_LENGTH = 64;

/** Lowercased words of a text, without surrounding sentence punctuation (`%`, `_`… stay part of a word). */
function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((raw) => raw.replace(/^[.,;:!?"'()[\]{}<>]+|[.,;:!?"'()[\]{}<>]+$/g, ""))
    .filter(Boolean);
}

/**
 * The words of a value's strings and numbers (at most {@link MAX_INDEXED_WORDS}, each at most
 * {@link MAX_WORD_LENGTH} long): what the runs search can find in a sealed input (whole words only).
 */
export function searchWords(value: unknown): string[] {
  const words = new Set<string>();
  const visit = (node: unknown) => {
    if (typeof node === "string" || typeof node === "number") {
      for (const word of wordsOf(String(node))) {
        if (words.size >= MAX_INDEXED_WORDS) return;
        if (word.length <= MAX_WORD_LENGTH) words.add(word);
      }
    } else if (node && typeof node === "object") {
      for (const child of Array.isArray(node) ? node : Object.values(node)) visit(child);
    }
  };
  visit(value);
  return [...words];
}

/** The `runs.input_search` parameter of an input: its words' blind hashes under the active key. */
export function inputSearchParam(input: unknown): string {
  const ring = activeKeyRing();
  return JSON.stringify(blindHashes(searchWords(input), ring.activeId, ring));
}

/**
 * A search term as `input_search @>` parameters, one per ring key (rows indexed before a rotation
 * match too); empty when the term has no words.
 */
export function inputSearchTerms(term: string): string[] {
  // every word of the term must match (a word too long to be indexed then simply finds nothing)
  const words = [...new Set(wordsOf(term))];
  if (words.length === 0) return [];
  const ring = activeKeyRing();
  return [...ring.keys.keys()].map((keyId) => JSON.stringify(blindHashes(words, keyId, ring)));
}
