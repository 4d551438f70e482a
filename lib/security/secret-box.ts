/**
 * Encryption at rest for step I/O, approval payloads and signing secrets (Temporal's payload-codec
 * model: plaintext exists only in the worker and API processes, never in the database).
 *
 * AES-256-GCM from node:crypto. The envelope around it is written here by hand on purpose: the
 * primitive is node:crypto's (OpenSSL), which is the well-kept part; the envelope is only a key
 * id, a random 96-bit IV, the 128-bit tag and the ciphertext, joined as text:
 *
 *   wmenc1.<key id>.<iv>.<tag>.<ciphertext>      (base64url fields)
 *
 * Keys come in a ring (`WAYMARK_ENCRYPTION_KEYS=k2:<base64>,k1:<base64>`): the first key seals new
 * values, every key opens the values it sealed, so rotation is "prepend a new key" and old rows keep
 * decrypting. Values that are not envelopes are returned as they are, so databases written before
 * encryption existed keep working (and `npm run rotate-keys` seals them).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { getConfig } from "../config/env";
import { parseKeyRing, SecretBoxError, type KeyRing } from "./secret-box-keys";

export { generateKeyEntry, parseKeyRing, SecretBoxError, type KeyRing } from "./secret-box-keys";

const PREFIX = "wmenc1.";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Whether a stored value is a sealed envelope (anything else is legacy plaintext). */
export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

/** Seals text with the ring's active key. */
export function sealSecret(plaintext: string, ring: KeyRing = activeKeyRing()): string {
  const key = ring.keys.get(ring.activeId)!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [`${PREFIX}${ring.activeId}`, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

/** The key id a sealed value was written with, or null for plaintext. */
export function sealedKeyId(value: unknown): string | null {
  return isSealed(value) ? value.slice(PREFIX.length).split(".")[0] : null;
}

/**
 * Opens a value {@link sealSecret} wrote, with whichever ring key sealed it. Plaintext (a value
 * stored before encryption) is returned unchanged. Throws SecretBoxError for an unknown key id
 * or a value that was altered (GCM authentication).
 */
export function openSecret(stored: string, ring: KeyRing = activeKeyRing()): string {
  if (!isSealed(stored)) return stored;
  const parts = stored.slice(PREFIX.length).split(".");
  const [keyId, iv, tag, ciphertext] = parts;
  if (parts.length !== 4) throw new SecretBoxError("a sealed value is malformed (expected key id, iv, tag and ciphertext)");
  const key = ring.keys.get(keyId);
  if (!key) {
    throw new SecretBoxError(
      `a value was sealed with key "${keyId}", which is not in WAYMARK_ENCRYPTION_KEYS (it has ${[...ring.keys.keys()].map((id) => `"${id}"`).join(", ")}); add that key back to the ring to read it`,
    );
  }
  const ivBytes = Buffer.from(iv, "base64url");
  const tagBytes = Buffer.from(tag, "base64url");
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new SecretBoxError("a sealed value is malformed (bad iv or tag length)");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretBoxError(`a value sealed with key "${keyId}" failed authentication: it was altered or sealed with another key of that id`);
  }
}

/** Seals a JSON value (its JSON text). `undefined` stays `undefined`, so absent columns stay SQL NULL. */
export function sealJson(value: unknown, ring?: KeyRing): string | undefined {
  return value === undefined ? undefined : sealSecret(JSON.stringify(value), ring);
}

/** Opens what {@link sealJson} wrote; any other value (legacy plaintext JSON, null) is returned as it is. */
export function openJson<T = unknown>(stored: unknown, ring?: KeyRing): T {
  return (isSealed(stored) ? JSON.parse(openSecret(stored, ring)) : stored) as T;
}

/** Re-seals a stored value with the active key; null when it already is (nothing to write). */
export function resealed(stored: string, ring: KeyRing = activeKeyRing()): string | null {
  if (sealedKeyId(stored) === ring.activeId) return null;
  return sealSecret(openSecret(stored, ring), ring);
}

const indexKeys = new WeakMap<Buffer, Buffer>();

/**
 * Keyed hashes (HMAC-SHA256 under a key derived from ring key `keyId` with HKDF) of words, for a
 * blind index: a search hashes its words the same way and matches them, while the database holds
 * no word. Equal words hash alike under one key, which is what the index reveals.
 */
export function blindHashes(words: readonly string[], keyId: string, ring: KeyRing = activeKeyRing()): string[] {
  const key = ring.keys.get(keyId);
  if (!key) throw new SecretBoxError(`no key "${keyId}" in the ring`);
  let indexKey = indexKeys.get(key);
  if (!indexKey) {
    indexKey = Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), "waymark blind index v1", 32));
    indexKeys.set(key, indexKey);
  }
  return words.map((word) => createHmac("sha256", indexKey).update(word, "utf8").digest("base64url").slice(0, 22));
}

const digestKeys = new WeakMap<Buffer, Buffer>();

/**
 * A keyed digest of a payload (HMAC-SHA256 under a key derived from the active ring key), as
 * `<keyId>.<hex>`. Used where a hash of sealed data sits in plaintext (approval payload hashes,
 * audit rows): an unkeyed sha256 would let anyone holding a dump confirm a guessed payload.
 */
export function payloadDigest(text: string, ring: KeyRing = activeKeyRing()): string {
  const key = ring.keys.get(ring.activeId)!;
  let digestKey = digestKeys.get(key);
  if (!digestKey) {
    digestKey = Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), "waymark payload digest v1", 32));
    digestKeys.set(key, digestKey);
  }
  return `${ring.activeId}.${createHmac("sha256", digestKey).update(text, "utf8").digest("hex")}`;
}

// ---------------------------------------------------------------------------------------------
// The process's key ring


let current: KeyRing | undefined;

/** Sets the process's key ring (tests, the rotate-keys command); `undefined` forgets it. */
export function useKeyRing(ring: KeyRing | undefined): void {
  current = ring;
}

/** The ring from configuration: the variable if set, else the key file, else a clear error. */
export function keyRingFromSettings(settings: { keys?: string; keyFile: string; cwd: string }): KeyRing {
  if (settings.keys) return parseKeyRing(settings.keys);
  const path = resolve(settings.cwd, settings.keyFile);
  if (existsSync(path)) {
    try {
      return parseKeyRing(readFileSync(path, "utf8").trim());
    } catch (error) {
      throw new SecretBoxError(`The key file ${path} is not a valid key ring: ${(error as Error).message}`);
    }
  }
  throw new SecretBoxError(
    [
      "No encryption key: step inputs, outputs and secrets are encrypted at rest and need one.",
      "Set WAYMARK_ENCRYPTION_KEYS=<id>:<base64 of 32 random bytes> (e.g. `k1:$(openssl rand -base64 32)`),",
      `or run \`npm start\` once, which writes ${settings.keyFile} for local use. Every process of one deployment needs the same keys.`,
    ].join("\n"),
  );
}

/** The ring in use: set with {@link useKeyRing}, else resolved once from configuration. */
export function activeKeyRing(): KeyRing {
  if (!current) {
    const config = getConfig();
    current = keyRingFromSettings({ keys: config.WAYMARK_ENCRYPTION_KEYS, keyFile: config.WAYMARK_ENCRYPTION_KEY_FILE, cwd: process.cwd() });
  }
  return current;
}
