/**
 * Constant-time helpers: comparisons and selections whose running time does not depend on
 * secret values (MACs, Finished hashes, RSA padding, CBC padding). docs/architecture.md, "Principles": "Secrets".
 *
 * Masks are 32-bit integers that are either 0 or -1 (all bits set); they let callers combine
 * several checks with & and | and choose a result without a data-dependent branch.
 */

/** -1 if a === b else 0, for 0 <= a, b < 2^31. */
export function ctEqMask(a: number, b: number): number {
  const x = (a ^ b) | 0;
  // (x | -x) has its top bit set exactly when x != 0.
  return ~((x | -x) >> 31);
}

/** -1 if a < b else 0, for 0 <= a, b < 2^31. */
export function ctLtMask(a: number, b: number): number {
  return ((a - b) | 0) >> 31;
}

/** -1 if x === 0 else 0. */
export function ctIsZeroMask(x: number): number {
  return ctEqMask(x, 0);
}

/** a when mask is -1, b when mask is 0. */
export function ctSelect(mask: number, a: number, b: number): number {
  return (a & mask) | (b & ~mask);
}

/** Compares two byte arrays without an early exit. Lengths are public. */
export function ctBytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** out[i] = mask ? a[i] : b[i], for equal-length arrays, without branching on mask. */
export function ctSelectBytes(mask: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new RangeError('ctSelectBytes: length mismatch');
  const out = new Uint8Array(a.length);
  const m = mask & 0xff;
  for (let i = 0; i < a.length; i++) out[i] = (a[i] & m) | (b[i] & ~m);
  return out;
}
