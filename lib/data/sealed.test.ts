import { describe, expect, it } from "vitest";
import { searchWords } from "./sealed";

describe("searchWords (what the runs search finds in a sealed input)", () => {
  it("takes the lowercased words of every string and number, without sentence punctuation", () => {
    expect(searchWords({ customer: "Zebra Logistics, Inc.", lane: ["HAM-NYC"], weightKg: 1200, urgent: true, note: null })).toEqual([
      "zebra",
      "logistics",
      "inc",
      "ham-nyc",
      "1200",
    ]);
    expect(searchWords("50% (50_)")).toEqual(["50%", "50_"]);
  });

  it("leaves out words too long to be useful and stops at a bounded number of words", () => {
    expect(searchWords(`short ${"x".repeat(65)}`)).toEqual(["short"]);
    expect(searchWords(Array.from({ length: 1000 }, (_, i) => `w${i}`).join(" "))).toHaveLength(256);
  });
});
