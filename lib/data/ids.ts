/**
 * Time-ordered ids (`run_01JD…`): a ULID body (48-bit milliseconds + 80 random bits, Crockford
 * base32) behind a type prefix. Sorting by id sorts by creation time, which keeps the runs list,
 * keyset pages and index inserts in order. Hand-written (a few lines) instead of a dependency because
 * the `ulid` package is not installed and the format is fixed and tiny; randomness is node:crypto.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

let lastTime = -1;
let lastRandom = new Uint8Array(10);

function encode(bytes: Uint8Array, time: number): string {
  let out = "";
  for (let i = 9, t = time; i >= 0; i--, t = Math.floor(t / 32)) out = ALPHABET[t % 32] + out;
  // 80 random bits = 16 base32 characters, 5 bits at a time.
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** A 26-character ULID; ids made in the same millisecond by this process stay in order. */
export function ulid(now = Date.now()): string {
  if (now <= lastTime) {
    // Same millisecond (or a clock step back): increment the previous random part (monotonic ULID).
    const next = Uint8Array.from(lastRandom);
    for (let i = next.length - 1; i >= 0; i--) {
      if (next[i] < 255) {
        next[i]++;
        break;
      }
      next[i] = 0;
    }
    lastRandom = next;
    return encode(next, lastTime);
  }
  lastTime = now;
  lastRandom = Uint8Array.from(randomBytes(10));
  return encode(lastRandom, now);
}

/** `<prefix>_<ulid>`, e.g. `apr_01JD3…`. */
export function createId(prefix: string): string {
  return `${prefix}_${ulid()}`;
}

export function createRunId(): string {
  return createId("run");
}
