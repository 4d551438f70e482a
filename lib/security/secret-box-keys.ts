/**
 * The key ring of lib/security/secret-box: parsing and validating `WAYMARK_ENCRYPTION_KEYS`, and
 * generating a key. Kept apart (no configuration imports) so lib/config can validate the variable
 * with the same rules the box applies.
 */
import { randomBytes } from "node:crypto";

export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A malformed key ring, an unknown key id or a value that fails authentication. Never carries key material. */
export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

export interface KeyRing {
  /** The id new values are sealed with (the ring's first key) */
  activeId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export const isKeyId = (id: string) => KEY_ID.test(id);

function decodeKey(encoded: string): Buffer | null {
  if (BASE64.test(encoded)) return Buffer.from(encoded, "base64");
  if (BASE64URL.test(encoded)) return Buffer.from(encoded, "base64url");
  return null;
}

/**
 * Parses `id:base64key[,id:base64key…]` (first = active). Each key must decode to exactly 32 bytes
 * and ids must be unique; errors name the entry by position and id, never its key.
 */
export function parseKeyRing(spec: string): KeyRing {
  const entries = spec.split(",").map((part) => part.trim()).filter(Boolean);
  if (entries.length === 0) throw new SecretBoxError("no keys given: expected `id:base64key[,id:base64key…]` (first = active)");
  const keys = new Map<string, Buffer>();
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(":");
    const id = colon > 0 ? entry.slice(0, colon) : "";
    const where = `key #${index + 1}${isKeyId(id) ? ` ("${id}")` : ""}`;
    if (!isKeyId(id)) throw new SecretBoxError(`${where} must look like \`id:base64key\` with an id of 1–32 letters, digits, _ or -`);
    if (keys.has(id)) throw new SecretBoxError(`${where}: the id "${id}" appears twice; give each key its own id`);
    const key = decodeKey(entry.slice(colon + 1));
    if (!key || key.length !== KEY_BYTES) {
      const got = key ? `${key.length} bytes` : "something that is not base64";
      throw new SecretBoxError(`${where} must be ${KEY_BYTES} random bytes in base64 (got ${got}); generate one with \`openssl rand -base64 32\``);
    }
    keys.set(id, key);
  });
  return { activeId: [...keys.keys()][0], keys };
}

/** A new key ring entry `<id>:<base64 of 32 random bytes>`; the id defaults to `k<yyyymmddhhmmss>`. */
export function generateKeyEntry(id = `k${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}`): string {
  if (!isKeyId(id)) throw new SecretBoxError(`"${id}" is not a key id: use 1–32 letters, digits, _ or -`);
  return `${id}:${randomBytes(KEY_BYTES).toString("base64")}`;
}
