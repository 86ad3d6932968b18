/**
 * The raw RSA primitives of RFC 8017 section 5 (RSAEP/RSAVP1 and RSADP/RSASP1) and the
 * integer <-> octet-string conversions of section 4 (I2OSP, OS2IP).
 *
 * The private operation is where RSA is attacked, so it does three things beyond the
 * textbook m = c^d mod n:
 * - CRT with Garner's recombination (RFC 8017 5.1.2 step 2.b): two half-size
 *   exponentiations, about 3-4 times faster than one full-size one.
 * - Base blinding (Kocher 1996; OpenSSL and BearSSL do the same): the exponentiation runs on
 *   c * r^e for a random r, and the result is multiplied by r^-1. The values whose
 *   timing V8's non-constant-time BigInt could leak are then unrelated to the attacker's c.
 *   The pair (r^e, r^-1) is cached per key and renewed by squaring, as OpenSSL's BN_BLINDING
 *   does; see nextBlinding.
 * - A final check that the result re-encrypts to the (blinded) input. A single fault in one
 *   CRT half would otherwise hand out a value whose gcd with n is a prime factor
 *   (the Bellcore attack, Boneh-DeMillo-Lipton 1997).
 */

import { RsaError } from '../util/errors.js';
import { bytesToBigInt } from '../util/bytes.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { modulusBytes, type RsaPrivateKey, type RsaPublicKey } from './rsa-key.js';
import { modInverse, modPow } from './bigint-math.js';

/** Programmer-error guard: a public key must have bigint n >= 3 (odd) and e >= 3 (odd). */
export function assertRsaPublicKey(key: RsaPublicKey): void {
  if (
    key === null ||
    typeof key !== 'object' ||
    typeof key.n !== 'bigint' ||
    typeof key.e !== 'bigint' ||
    key.n < 3n ||
    (key.n & 1n) === 0n ||
    key.e < 3n ||
    (key.e & 1n) === 0n
  ) {
    throw new RsaError('BAD_KEY', 'not a usable RSA public key');
  }
}

/** Programmer-error guard: every private field present, as bigints in a plausible range. */
export function assertRsaPrivateKey(key: RsaPrivateKey): void {
  assertRsaPublicKey(key);
  for (const f of ['d', 'p', 'q', 'dp', 'dq', 'qinv'] as const) {
    if (typeof key[f] !== 'bigint' || key[f] <= 0n) {
      throw new RsaError('BAD_KEY', `RSA private key field ${f} is missing or not a positive bigint`);
    }
  }
  if (key.p < 3n || key.q < 3n) throw new RsaError('BAD_KEY', 'RSA private key primes are too small');
}

/** OS2IP (RFC 8017 4.2): big-endian octets to a non-negative integer. */
export function os2ip(bytes: Uint8Array): bigint {
  return bytesToBigInt(bytes);
}

/**
 * I2OSP (RFC 8017 4.1): x as exactly k big-endian octets; RsaError when x >= 256^k.
 *
 * Safe for secret x (a decrypted padding block): adding 256^k first makes the hex string
 * exactly 2k+1 digits long whatever x's leading zeros are, and the digits are decoded with
 * arithmetic instead of a lookup or branch. A conversion whose work depends on the number of
 * leading zero bytes is a padding oracle (the "Marvin" attack, Kario 2023).
 */
export function i2osp(x: bigint, k: number): Uint8Array {
  if (x < 0n) throw new RsaError('OUT_OF_RANGE', 'I2OSP: negative integer');
  const hex = (x + (1n << BigInt(8 * k))).toString(16);
  // x < 256^k exactly when the sum is "1" followed by 2k digits.
  if (hex.length !== 2 * k + 1 || hex.charCodeAt(0) !== 49 /* '1' */) throw new RsaError('OUT_OF_RANGE', `I2OSP: integer too large for ${k} octets`);
  const out = new Uint8Array(k);
  for (let i = 0; i < k; i++) {
    const hi = hex.charCodeAt(1 + 2 * i);
    const lo = hex.charCodeAt(2 + 2 * i);
    // '0'..'9' = 0x30..0x39 -> c & 15; 'a'..'f' = 0x61..0x66 -> (c & 15) + 9, chosen by bit 6.
    out[i] = (((hi & 15) + 9 * (hi >> 6)) << 4) | ((lo & 15) + 9 * (lo >> 6));
  }
  return out;
}

/** RSAEP / RSAVP1 (RFC 8017 5.1.1, 5.2.2): m^e mod n, for 0 <= m < n. */
export function rsaPublic(key: RsaPublicKey, m: bigint): bigint {
  assertRsaPublicKey(key);
  if (typeof m !== 'bigint' || m < 0n || m >= key.n) {
    throw new RsaError('OUT_OF_RANGE', 'RSA input out of range (must be 0 <= x < n)');
  }
  return modPow(m, key.e, key.n);
}

/**
 * One key's blinding state: a = r^e mod n and ai = r^-1 mod n for the current r.
 * `random`, `n` and `e` record what the pair was made from, so that a call with another
 * random source (or a key object whose fields were replaced) starts a fresh pair.
 */
interface Blinding {
  readonly random: RandomSource;
  readonly n: bigint;
  readonly e: bigint;
  a: bigint;
  ai: bigint;
  uses: number;
}

/**
 * How many private operations one random r serves before a fresh one is drawn
 * (OpenSSL's BN_BLINDING_COUNTER). Exported for the tests.
 */
export const BLINDING_REFRESH_INTERVAL = 32;

/**
 * Keyed by the key object (weakly: dropping the key drops its state). Deterministic for an
 * injected RandomSource: the pair, and hence which calls read the source, follows from the
 * key object's history with that source.
 */
const blindings = new WeakMap<RsaPrivateKey, Blinding>();

/** A fresh pair from a random r in [2, n-1]. gcd(r, n) != 1 would reveal a factor: try again. */
function freshBlinding(n: bigint, e: bigint, random: RandomSource): Blinding {
  const bytes = modulusBytes({ n, e }) + 8; // 64 extra bits: bias below 2^-64
  for (;;) {
    const r = bytesToBigInt(random(bytes)) % n;
    if (r < 2n) continue;
    let ai: bigint;
    try {
      ai = modInverse(r, n);
    } catch {
      continue; // r shares a factor with n (probability about 2^-1000); draw another.
    }
    return { random, n, e, a: modPow(r, e, n), ai, uses: 0 };
  }
}

/**
 * The blinding pair (a, ai) for this operation, and the key's state advanced past it.
 *
 * A fresh pair costs a modular inverse and an e-th power mod n, about a tenth of the whole
 * private operation. If (r^e, r^-1) is a valid pair then so is its square ((r^2)^e, r^-2),
 * so, as OpenSSL does, the next pair is made with two multiplications mod n instead.
 * Every BLINDING_REFRESH_INTERVAL uses a new r is drawn: all the factors of one chain are
 * powers r^(2^i) of a single secret, so should one of them leak (through a side channel or
 * a fault), the refresh bounds the operations it unblinds to that many, for 1/32 of a fresh
 * draw's cost per call. The state is advanced before the pair is used, so no pair blinds
 * two operations, even when one of them fails.
 */
function nextBlinding(key: RsaPrivateKey, random: RandomSource): { a: bigint; ai: bigint } {
  const { n, e } = key;
  let b = blindings.get(key);
  if (b === undefined || b.random !== random || b.n !== n || b.e !== e || b.uses >= BLINDING_REFRESH_INTERVAL) {
    b = freshBlinding(n, e, random);
    blindings.set(key, b);
  }
  const { a, ai } = b;
  b.a = (a * a) % n;
  b.ai = (ai * ai) % n;
  b.uses++;
  return { a, ai };
}

/**
 * RSADP / RSASP1 (RFC 8017 5.1.2, 5.2.1): c^d mod n for 0 <= c < n, by CRT with blinding,
 * checked by re-encryption. RsaError 'OUT_OF_RANGE' for c outside [0, n),
 * 'BAD_KEY' for a malformed key, 'FAULT_DETECTED' when the result does not re-encrypt to
 * c (a computation fault or CRT parameters that do not belong to n, e: a broken key, never a
 * property of c, so this is no oracle on the input).
 *
 * `random` supplies the blinding factor r. It is read only when the key's blinding pair is
 * (re)made: on the first call for this key object, every BLINDING_REFRESH_INTERVAL calls,
 * after a fault, and whenever the source differs from the one the current pair came from.
 */
export function rsaPrivate(key: RsaPrivateKey, c: bigint, random: RandomSource = systemRandom): bigint {
  assertRsaPrivateKey(key);
  const { n, e, p, q, dp, dq, qinv } = key;
  if (typeof c !== 'bigint' || c < 0n || c >= n) {
    throw new RsaError('OUT_OF_RANGE', 'RSA input out of range (must be 0 <= x < n)');
  }

  const { a, ai } = nextBlinding(key, random);
  const cb = (c * a) % n; // c * r^e: decrypts to m * r

  // Garner: m1 = cb^dp mod p, m2 = cb^dq mod q, h = qinv (m1 - m2) mod p, mb = m2 + h q.
  const m1 = modPow(cb % p, dp, p);
  const m2 = modPow(cb % q, dq, q);
  let h = ((m1 - m2) * qinv) % p;
  if (h < 0n) h += p;
  const mb = m2 + h * q;

  // Checked on the blinded values, so the check's own timing says nothing about c or m.
  if (mb >= n || modPow(mb, e, n) !== cb) {
    // Start over with a fresh r next time rather than keep a chain that met a fault.
    blindings.delete(key);
    throw new RsaError('FAULT_DETECTED', 'RSA private operation failed its consistency check (faulty key or computation)');
  }
  return (mb * ai) % n;
}
