import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, verifyAgainstDummy, verifyPassword } from "./passwords";

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts every hash and keeps its parameters in the string", async () => {
    const a = await hashPassword("same password");
    const b = await hashPassword("same password");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$N=32768,r=8,p=3\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toContain("same password");
  });

  it("refuses unreadable or tampered hashes instead of throwing", async () => {
    const stored = await hashPassword("pw-123456");
    const [scheme, params, salt, key] = stored.split("$");
    const flipped = key.slice(0, -2) + (key.endsWith("AA") ? "BB" : "AA");
    expect(await verifyPassword("pw-123456", [scheme, params, salt, flipped].join("$"))).toBe(false);
    expect(await verifyPassword("pw-123456", "plaintext")).toBe(false);
    expect(await verifyPassword("pw-123456", `scrypt$N=3,r=8,p=1$${salt}$${key}`)).toBe(false);
    expect(await verifyPassword("pw-123456", `scrypt$N=1073741824,r=8,p=1$${salt}$${key}`)).toBe(false);
  });

  it("spends a verification on unknown accounts and always says no", async () => {
    expect(await verifyAgainstDummy("anything")).toBe(false);
  });

  it("generates long random passwords", () => {
    const a = generatePassword();
    expect(a).toHaveLength(24);
    expect(a).not.toBe(generatePassword());
  });
});
