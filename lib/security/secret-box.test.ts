import { describe, expect, it } from "vitest";
import { generateKeyEntry, isSealed, openJson, openSecret, parseKeyRing, resealed, sealJson, sealSecret, sealedKeyId, SecretBoxError } from "./secret-box";

const keyA = generateKeyEntry("a");
const keyB = generateKeyEntry("b");
const ringA = parseKeyRing(keyA);
const ringBA = parseKeyRing(`${keyB},${keyA}`);
const ringB = parseKeyRing(keyB);

describe("secret box", () => {
  it("seals text and JSON so the plaintext is not in what is stored, and opens them again", () => {
    const sealed = sealSecret("the CANARY-text", ringA);
    expect(sealed).not.toContain("CANARY");
    expect(isSealed(sealed)).toBe(true);
    expect(openSecret(sealed, ringA)).toBe("the CANARY-text");
    const json = sealJson({ nested: ["CANARY", 1, null] }, ringA)!;
    expect(json).not.toContain("CANARY");
    expect(openJson(json, ringA)).toEqual({ nested: ["CANARY", 1, null] });
    expect(openJson(sealJson(null, ringA), ringA)).toBeNull();
    expect(sealJson(undefined, ringA)).toBeUndefined();
  });

  it("uses a fresh IV each time: the same plaintext seals differently", () => {
    expect(sealSecret("same", ringA)).not.toBe(sealSecret("same", ringA));
  });

  it("reads values stored before encryption as they are", () => {
    expect(openSecret("whsec_plain", ringA)).toBe("whsec_plain");
    expect(openJson({ lane: "HAM-NYC" }, ringA)).toEqual({ lane: "HAM-NYC" });
    expect(openJson(null, ringA)).toBeNull();
  });

  it("rotation: new values use the first key, values sealed with an older key still open", () => {
    const old = sealSecret("written under A", ringA);
    expect(sealedKeyId(old)).toBe("a");
    expect(openSecret(old, ringBA)).toBe("written under A");
    const fresh = sealSecret("written under B", ringBA);
    expect(sealedKeyId(fresh)).toBe("b");
    expect(resealed(old, ringBA)).not.toBeNull();
    expect(sealedKeyId(resealed(old, ringBA)!)).toBe("b");
    expect(resealed(fresh, ringBA)).toBeNull();
  });

  it("refuses a value sealed with a key id the ring does not have, saying which key is missing", () => {
    const old = sealSecret("written under A", ringA);
    expect(() => openSecret(old, ringB)).toThrowError(SecretBoxError);
    expect(() => openSecret(old, ringB)).toThrowError(/sealed with key "a", which is not in WAYMARK_ENCRYPTION_KEYS/);
  });

  it("refuses altered ciphertext, tag or IV (GCM authentication)", () => {
    const sealed = sealSecret("pay 10 EUR to alice", ringA);
    const [version, keyId, iv, tag, ciphertext] = sealed.split(".");
    const prefix = `${version}.${keyId}`;
    const flip = (text: string) => {
      const bytes = Buffer.from(text, "base64url");
      bytes[0] ^= 1;
      return bytes.toString("base64url");
    };
    for (const altered of [
      [prefix, iv, tag, flip(ciphertext)],
      [prefix, iv, flip(tag), ciphertext],
      [prefix, flip(iv), tag, ciphertext],
    ]) {
      expect(() => openSecret(altered.join("."), ringA)).toThrowError(/failed authentication/);
    }
    // the same key id with another key is refused too, not decrypted to garbage
    const impostor = parseKeyRing(generateKeyEntry("a"));
    expect(() => openSecret(sealed, impostor)).toThrowError(/failed authentication/);
  });

  it("explains a malformed key ring without echoing key material", () => {
    expect(() => parseKeyRing("")).toThrowError(/no keys given/);
    expect(() => parseKeyRing("justakey")).toThrowError(/key #1 must look like `id:base64key`/);
    expect(() => parseKeyRing("k1:c2hvcnQ=")).toThrowError(/key #1 \("k1"\) must be 32 random bytes in base64 \(got 5 bytes\)/);
    expect(() => parseKeyRing("k1:not base64!!")).toThrowError(/not base64/);
    expect(() => parseKeyRing(`${keyA},${keyA}`)).toThrowError(/appears twice/);
    try {
      parseKeyRing(`k1:${"A".repeat(40)}`);
    } catch (error) {
      expect((error as Error).message).not.toContain("A".repeat(40));
    }
    expect(parseKeyRing(` ${keyB} , ${keyA} `).activeId).toBe("b");
  });
});
