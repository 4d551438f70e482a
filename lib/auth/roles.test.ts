import { describe, expect, it } from "vitest";
import { safeNextPath } from "./cookie";
import { hasRole, parseRole } from "./roles";

describe("roles", () => {
  it("orders viewer < operator < approver < admin", () => {
    expect(hasRole({ role: "viewer" }, "viewer")).toBe(true);
    expect(hasRole({ role: "viewer" }, "operator")).toBe(false);
    expect(hasRole({ role: "operator" }, "approver")).toBe(false);
    expect(hasRole({ role: "approver" }, "operator")).toBe(true);
    expect(hasRole({ role: "admin" }, "approver")).toBe(true);
    expect(hasRole(null, "viewer")).toBe(false);
  });

  it("grants nothing for an unknown stored role", () => {
    expect(parseRole("superuser")).toBeNull();
    expect(parseRole("approver")).toBe("approver");
  });
});

describe("safeNextPath", () => {
  it("keeps same-site paths and drops everything else", () => {
    expect(safeNextPath("/runs?status=failed")).toBe("/runs?status=failed");
    for (const bad of ["https://evil.example/", "//evil.example", "/\\evil.example", "/\t/evil.example", "javascript:alert(1)", "", null, "/login?next=/x"]) {
      expect(safeNextPath(bad)).toBe("/");
    }
  });
});
