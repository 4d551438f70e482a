import { describe, expect, it } from "vitest";
import { childEntries, previewString, startsExpanded, summarize, scalarText } from "./json-tree-model";

describe("json tree model", () => {
  it("summarises closed containers with their size", () => {
    expect(summarize({ a: 1, b: 2, c: 3 })).toBe("{ 3 keys }");
    expect(summarize([1])).toBe("[ 1 item ]");
    expect(summarize(Array.from({ length: 12000 }, () => 0))).toBe("[ 12,000 items ]");
  });

  it("renders only one page of a large container", () => {
    const big = Array.from({ length: 5000 }, (_, i) => i);
    const { entries, total } = childEntries(big, 100);
    expect(entries).toHaveLength(100);
    expect(total).toBe(5000);
    expect(entries[99]).toEqual(["99", 99]);
  });

  it("keeps big containers closed even at the top level", () => {
    expect(startsExpanded({ a: 1 }, 0, 1)).toBe(true);
    expect(startsExpanded({ a: 1 }, 1, 1)).toBe(false);
    expect(startsExpanded(Array.from({ length: 500 }, () => 1), 0, 2)).toBe(false);
  });

  it("cuts long strings and says how much is hidden", () => {
    expect(previewString("x".repeat(1000), 400)).toEqual({ shown: "x".repeat(400), hidden: 600 });
    expect(previewString("short", 400)).toEqual({ shown: "short", hidden: 0 });
  });

  it("prints markup as a quoted string, never as HTML", () => {
    expect(scalarText('<img src=x onerror="alert(1)">')).toBe('"<img src=x onerror=\\"alert(1)\\">"');
    expect(scalarText(null)).toBe("null");
  });
});
