/** S21/S27: a JSON error names the problem without echoing the body (which may hold a secret). */
import { describe, expect, it } from "vitest";
import { readJsonBody } from "../http/json-body";

const CANARY = "sk-CANARY-0123456789abcdef";

describe("invalid JSON errors", () => {
  it.each([
    CANARY,
    `{"key": ${CANARY}}`,
    `{"key": "${CANARY}" `,
    // Longer bodies get an excerpt around the error position instead of a whole quote.
    `{"workflow": "freight-quote", "input": ${CANARY}}`,
    `{"a": 1, "b": ${CANARY}${"x".repeat(50)}}`,
    `{"workflow": "x", "input": SELECT password FROM users}`,
  ])("do not echo %s", async (body) => {
    const request = new Request("http://x/", { method: "POST", headers: { "content-type": "application/json" }, body });
    const error = (await readJsonBody(request).then(
      () => new Error("expected a refusal"),
      (e: unknown) => e,
    )) as Error & { status: number };
    expect(error).toMatchObject({ status: 400, code: "invalid_json" });
    expect(error.message).not.toContain("CANARY");
    expect(error.message).not.toMatch(/sk-|SELECT|workflow/);
    expect(error.message).toMatch(/not valid JSON/);
  });
});
