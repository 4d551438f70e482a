/**
 * The JSON viewer's rules, kept pure so they are tested: what a collapsed node says, how many
 * children render at once, how long strings are cut. These caps are what keep a 5 MB payload
 * usable: nothing renders until it is opened, and then only one page of it.
 */
export type JsonKind = "object" | "array" | "string" | "number" | "boolean" | "null";

/** Children rendered per "show more" page. @defaultValue 100 */
export const CHILD_PAGE_SIZE = 100;
/** Characters of a string shown before "show more". @defaultValue 400 */
export const STRING_PREVIEW_CHARS = 400;
/** Characters added by each "show more" on a string. @defaultValue 20_000 */
export const STRING_PAGE_CHARS = 20_000;
/** Containers with at most this many children start open at shallow depths. @defaultValue 30 */
export const AUTO_EXPAND_MAX_CHILDREN = 30;

export function jsonKind(value: unknown): JsonKind {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "object":
      return "object";
    case "string":
      return "string";
    case "number":
    case "bigint":
      return "number";
    case "boolean":
      return "boolean";
    default:
      return "string";
  }
}

export function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  const kind = jsonKind(value);
  return kind === "object" || kind === "array";
}

export function childCount(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (value && typeof value === "object") return Object.keys(value).length;
  return 0;
}

/** What a closed container shows: "{ 3 keys }", "[ 1 item ]". */
export function summarize(value: unknown): string {
  const n = childCount(value);
  if (Array.isArray(value)) return `[ ${n.toLocaleString("en-US")} ${n === 1 ? "item" : "items"} ]`;
  return `{ ${n.toLocaleString("en-US")} ${n === 1 ? "key" : "keys"} }`;
}

/** The first `limit` children as [key, value] pairs (array indices as keys), plus how many exist. */
export function childEntries(value: unknown, limit: number): { entries: Array<[string, unknown]>; total: number } {
  if (Array.isArray(value)) {
    return { entries: value.slice(0, limit).map((item, index) => [String(index), item]), total: value.length };
  }
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    return { entries: keys.slice(0, limit).map((key) => [key, (value as Record<string, unknown>)[key]]), total: keys.length };
  }
  return { entries: [], total: 0 };
}

/** Whether a container starts open: the first `depth` levels, if they are small. */
export function startsExpanded(value: unknown, depth: number, expandDepth: number): boolean {
  return isContainer(value) && depth < expandDepth && childCount(value) <= AUTO_EXPAND_MAX_CHILDREN;
}

/** A string cut to `visibleChars`, and how many characters are hidden. */
export function previewString(text: string, visibleChars: number): { shown: string; hidden: number } {
  if (text.length <= visibleChars) return { shown: text, hidden: 0 };
  return { shown: text.slice(0, visibleChars), hidden: text.length - visibleChars };
}

/** A scalar as the viewer prints it (strings JSON-quoted so whitespace and quotes stay visible). */
export function scalarText(value: unknown): string {
  const kind = jsonKind(value);
  if (kind === "null") return "null";
  if (kind === "string") return JSON.stringify(value);
  return String(value);
}
