/**
 * Deterministic randomness for workflows: a PRNG seeded from the run id, so `ctx.random()` and
 * `ctx.uuid()` return the same sequence on every replay without journal writes.
 */

/** xmur3 string hash: spreads a string into a stream of 32-bit seeds. */
function xmur3(text: string): () => number {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
}

export interface Prng {
  /** A float in [0, 1) */
  next(): number;
  /** An unsigned 32-bit integer */
  nextUint32(): number;
}

/** sfc32 (Small Fast Counting) generator seeded from `seed`; passes PractRand and is tiny. */
export function createPrng(seed: string): Prng {
  const seeds = xmur3(seed);
  let a = seeds();
  let b = seeds();
  let c = seeds();
  let d = seeds();
  const nextUint32 = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  return { nextUint32, next: () => nextUint32() / 4294967296 };
}

/** An RFC 4122 version-4-shaped UUID drawn from the generator (not cryptographically random). */
export function uuidFromPrng(prng: Prng): string {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i += 4) {
    const word = prng.nextUint32();
    bytes[i] = word >>> 24;
    bytes[i + 1] = (word >>> 16) & 0xff;
    bytes[i + 2] = (word >>> 8) & 0xff;
    bytes[i + 3] = word & 0xff;
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
