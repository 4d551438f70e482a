import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import "../testing/encryption-keys";
import { approvalPayloadHash, canonicalJson, jsonParam } from "./canonical-json";

describe("canonicalJson", () => {
  it("serialises equal objects alike whatever their key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it("gives an approval the same hash for the same summary and data only", () => {
    const hash = approvalPayloadHash("Ship?", { a: 1, b: 2 });
    expect(hash).toMatch(/^test1\.[0-9a-f]{64}$/); // keyed (HMAC under the test key), not a plain sha256
    expect(hash).not.toContain(createHash("sha256").update(canonicalJson({ summary: "Ship?", data: { a: 1, b: 2 } })).digest("hex"));
    expect(approvalPayloadHash("Ship?", { b: 2, a: 1 })).toBe(hash);
    expect(approvalPayloadHash("Ship?", { a: 1, b: 3 })).not.toBe(hash);
    expect(approvalPayloadHash("Ship?", undefined)).toBe(approvalPayloadHash("Ship?", null));
  });

  it("passes undefined as SQL NULL and null as JSON null", () => {
    expect(jsonParam(undefined)).toBeNull();
    expect(jsonParam(null)).toBe("null");
    expect(jsonParam([1])).toBe("[1]");
  });
});
