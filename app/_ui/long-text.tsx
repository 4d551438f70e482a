"use client";
/** Preformatted text (an LLM completion, a message) cut at `previewChars` with "show more". Always text, never HTML. */
import { useState } from "react";
import { previewString } from "./json-tree-model";

export function LongText({ text, previewChars = 1_500, label }: { text: string; previewChars?: number; label?: string }) {
  const [visible, setVisible] = useState(previewChars);
  const { shown, hidden } = previewString(text, visible);
  return (
    <div className="long-text" role={label ? "group" : undefined} aria-label={label}>
      <pre className="text-pre">
        {shown}
        {hidden > 0 ? "…" : ""}
      </pre>
      {hidden > 0 ? (
        <button type="button" className="btn-link" onClick={() => setVisible(visible + 20_000)}>
          show more ({hidden.toLocaleString("en-US")} more characters)
        </button>
      ) : null}
    </div>
  );
}
