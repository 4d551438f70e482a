/** Random bearer secrets and their stored form. */
import { createHash, randomBytes } from "node:crypto";

/** 32 random bytes, base64url (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * How a secret is stored: sha256 hex. A fast hash is enough here because the secrets are 256-bit
 * random values (nothing to brute-force), unlike passwords.
 */
export function sha256Hex(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}
