"use client";
/**
 * A collapsible JSON viewer that stays usable with large payloads: children render only when a
 * node is opened, one page at a time, and long strings are cut with "show more". Everything is
 * rendered as text through React (no HTML injection), so LLM output with markup shows as markup.
 *
 * Written here because the small viewers on npm (react-json-view-lite, react-json-tree) render
 * every child of an opened node and every character of a string, which is what hangs a tab on a
 * 50,000-item tool result.
 */
import { memo, useId, useMemo, useState } from "react";
import { CopyButton } from "./copy-button";
import {
  CHILD_PAGE_SIZE,
  STRING_PAGE_CHARS,
  STRING_PREVIEW_CHARS,
  childCount,
  childEntries,
  isContainer,
  jsonKind,
  previewString,
  scalarText,
  startsExpanded,
  summarize,
} from "./json-tree-model";
import styles from "./json-viewer.module.css";

export interface JsonViewerProps {
  value: unknown;
  /** Accessible name of the viewer, e.g. "Step output" */
  label: string;
  /** Levels opened at first (small containers only). @defaultValue 1 */
  expandDepth?: number;
  /** Show the copy button. @defaultValue true */
  copyable?: boolean;
}

/**
 * Memoised: live pages re-render every tick, and React Query keeps unchanged payloads
 * referentially equal, so a large payload is not re-rendered while the run's clock ticks.
 */
export const JsonViewer = memo(function JsonViewer({ value, label, expandDepth = 1, copyable = true }: JsonViewerProps) {
  const copyText = useMemo(() => (copyable ? safeStringify(value) : ""), [value, copyable]);
  return (
    <div className={styles.viewer} role="group" aria-label={label}>
      {copyable ? (
        <div className={styles.toolbar}>
          <CopyButton text={copyText} label="Copy JSON" className={`btn btn-ghost btn-sm ${styles.copy}`} />
        </div>
      ) : null}
      <div className={styles.tree}>
        {isContainer(value) ? (
          <ContainerNode name={null} value={value} depth={0} expandDepth={expandDepth} last />
        ) : (
          <div className={styles.line}>
            <span className={styles.content}>
              <ScalarValue value={value} />
            </span>
          </div>
        )}
      </div>
    </div>
  );
});

function ContainerNode({ name, value, depth, expandDepth, last }: {
  name: string | null;
  value: Record<string, unknown> | unknown[];
  depth: number;
  expandDepth: number;
  last: boolean;
}) {
  const [open, setOpen] = useState(() => startsExpanded(value, depth, expandDepth));
  const [visible, setVisible] = useState(CHILD_PAGE_SIZE);
  const childrenId = useId();
  const isArray = Array.isArray(value);
  const total = childCount(value);
  const [openBracket, closeBracket] = isArray ? ["[", "]"] : ["{", "}"];

  if (total === 0) {
    return (
      <div className={styles.line}>
        <span className={styles.gutter} />
        <span className={styles.content}>
          <Key name={name} />
          <span className={styles.punct}>{openBracket}{closeBracket}{last ? "" : ","}</span>
        </span>
      </div>
    );
  }

  const { entries } = open ? childEntries(value, visible) : { entries: [] };
  return (
    <div>
      <div className={styles.line}>
        <button
          type="button"
          className={styles.toggle}
          aria-expanded={open}
          aria-controls={open ? childrenId : undefined}
          aria-label={`${open ? "Collapse" : "Expand"} ${name ?? "root"} (${summarize(value)})`}
          onClick={() => setOpen(!open)}
        >
          <span className={open ? styles.chevronOpen : styles.chevron} aria-hidden="true">▸</span>
        </button>
        <span className={styles.content}>
          <Key name={name} />
          {open ? (
            <span className={styles.punct}>{openBracket}</span>
          ) : (
            <button type="button" className={styles.summary} onClick={() => setOpen(true)} tabIndex={-1}>
              {summarize(value)}
            </button>
          )}
          {!open && !last ? <span className={styles.punct}>,</span> : null}
        </span>
      </div>
      {open ? (
        <div id={childrenId} className={styles.children}>
          {entries.map(([key, child], index) =>
            isContainer(child) ? (
              <ContainerNode
                key={key}
                name={isArray ? null : key}
                value={child}
                depth={depth + 1}
                expandDepth={expandDepth}
                last={index === total - 1}
              />
            ) : (
              <div key={key} className={styles.line}>
                <span className={styles.gutter} />
                <span className={styles.content}>
                  <Key name={isArray ? null : key} index={isArray ? key : undefined} />
                  <ScalarValue value={child} />
                  {index === total - 1 ? null : <span className={styles.punct}>,</span>}
                </span>
              </div>
            ),
          )}
          {total > visible ? (
            <div className={styles.line}>
              <span className={styles.gutter} />
              <button type="button" className="btn-link" onClick={() => setVisible(visible + CHILD_PAGE_SIZE)}>
                Show {Math.min(CHILD_PAGE_SIZE, total - visible).toLocaleString("en-US")} more of {total.toLocaleString("en-US")}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      {open ? (
        <div className={styles.line}>
          <span className={styles.gutter} />
          <span className={styles.punct}>{closeBracket}{last ? "" : ","}</span>
        </div>
      ) : null}
    </div>
  );
}

function Key({ name, index }: { name: string | null; index?: string }) {
  if (index !== undefined) return <span className={styles.index}>{index}: </span>;
  if (name === null) return null;
  return (
    <>
      <span className={styles.key}>{JSON.stringify(name)}</span>
      <span className={styles.punct}>: </span>
    </>
  );
}

function ScalarValue({ value }: { value: unknown }) {
  const kind = jsonKind(value);
  if (kind === "string") return <StringValue text={value as string} />;
  return <span className={styles[kind]}>{scalarText(value)}</span>;
}

function StringValue({ text }: { text: string }) {
  const [visibleChars, setVisibleChars] = useState(STRING_PREVIEW_CHARS);
  const { shown, hidden } = previewString(text, visibleChars);
  return (
    <span className={styles.string}>
      &quot;{shown}
      {hidden > 0 ? (
        <>
          <span aria-hidden="true">…</span>
          <button type="button" className={`btn-link ${styles.more}`} onClick={() => setVisibleChars(visibleChars + STRING_PAGE_CHARS)}>
            show more ({hidden.toLocaleString("en-US")} more characters)
          </button>
        </>
      ) : (
        <>&quot;</>
      )}
    </span>
  );
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? "null";
  } catch {
    return String(value);
  }
}
