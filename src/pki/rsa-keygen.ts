/**
 * RSA key-pair generation (FIPS 186-5 appendix A.1.3, "probable primes", with the RFC 8017
 * section 3.2 CRT representation) and a consistency check for private keys read from files.
 *
 * Choices, and why:
 * - d = e^-1 mod lcm(p-1, q-1) (Carmichael's lambda), as FIPS 186-5 A.1.1 requires; the
 *   d mod phi(n) of older generators is equally valid and validateRsaPrivateKey accepts both.
 *   The CRT exponents dp, dq are the same either way.
 * - p > q, so qinv = q^-1 mod p matches RFC 8017's coefficient and OpenSSL's habit.
 * - Key sizes 512..4096 bits: far below FIPS's 2048, but the legacy devices this project
 *   exists for (SSL 3.0-era management boards, printers) often hold 512- or 1024-bit keys,
 *   and a test harness must be able to make such keys.
 */

import { RsaError } from '../util/errors.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { bitLength, type RsaPrivateKey } from './rsa-key.js';
import { gcd, lcm, mod, modInverse } from './bigint-math.js';
import { generatePrime } from './primes.js';

export interface RsaKeyGenOptions {
  /** Public exponent: odd, >= 3. Default 65537 (F4), which every peer accepts. */
  e?: bigint;
  /** Randomness; inject a deterministic source for reproducible tests. */
  random?: RandomSource;
}

export const RSA_MIN_KEY_BITS = 512;
export const RSA_MAX_KEY_BITS = 4096;

/**
 * A new RSA private key whose modulus has exactly `bits` bits (512..4096, RsaError
 * 'BAD_KEY_SIZE' otherwise; RsaError 'BAD_EXPONENT' for an even or tiny e).
 * Takes about 0.1-0.5 s for 1024 bits and 1-5 s for 2048 bits (primes are random).
 */
export function generateRsaKey(bits = 2048, opts: RsaKeyGenOptions = {}): RsaPrivateKey {
  if (!Number.isInteger(bits) || bits < RSA_MIN_KEY_BITS || bits > RSA_MAX_KEY_BITS) {
    throw new RsaError('BAD_KEY_SIZE', `RSA key size must be an integer from ${RSA_MIN_KEY_BITS} to ${RSA_MAX_KEY_BITS} bits, got ${bits}`);
  }
  const e = opts.e ?? 65537n;
  // FIPS 186-5 wants 2^16 < e < 2^256; we allow e = 3 (old devices use it) but not beyond 2^256.
  if (typeof e !== 'bigint' || e < 3n || (e & 1n) === 0n || bitLength(e) > 256) {
    throw new RsaError('BAD_EXPONENT', 'RSA public exponent must be odd, at least 3 and below 2^256');
  }
  const random = opts.random ?? systemRandom;

  // Each prime has its top two bits set, so p*q >= (3/4)^2 * 2^bits > 2^(bits-1):
  // the modulus always has exactly `bits` bits, odd sizes included.
  const pBits = bits - (bits >> 1);
  const qBits = bits >> 1;
  // FIPS 186-5 A.1.3 step 5.4: |p - q| > 2^(nlen/2 - 100), so Fermat factoring is hopeless.
  const minDistance = 1n << BigInt((bits >> 1) - 100);
  // FIPS 186-5 A.1.1: d > 2^(nlen/2), ruling out the small-d attacks (Wiener, Boneh-Durfee).
  const minD = 1n << BigInt(bits >> 1);

  for (;;) {
    let p = generatePrime(pBits, e, random);
    let q = generatePrime(qBits, e, random);
    const diff = p > q ? p - q : q - p;
    if (diff <= minDistance) continue;
    if (p < q) [p, q] = [q, p];

    const n = p * q;
    if (bitLength(n) !== bits) continue; // cannot happen (see above); cheap insurance
    const d = modInverse(e, lcm(p - 1n, q - 1n));
    if (d <= minD) continue; // probability about 2^-(nlen/2); FIPS says to draw new primes

    return {
      n,
      e,
      d,
      p,
      q,
      dp: d % (p - 1n),
      dq: d % (q - 1n),
      qinv: modInverse(q, p),
    };
  }
}

/**
 * Checks that the fields of a private key belong together (RFC 8017 3.2): n = p q,
 * e d = 1 mod lcm(p-1, q-1), dp = d mod (p-1), dq = d mod (q-1), q qinv = 1 mod p.
 * Primality of p and q is not tested (use isProbablePrime for that). Throws RsaError
 * 'BAD_KEY' naming the first relation that fails. Meant for keys read from files: a key
 * with wrong CRT values would otherwise fail every private operation with 'FAULT_DETECTED'.
 */
export function validateRsaPrivateKey(key: RsaPrivateKey): void {
  const fields = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qinv'] as const;
  for (const f of fields) {
    if (typeof key[f] !== 'bigint' || key[f] <= 0n) throw new RsaError('BAD_KEY', `RSA key field ${f} is missing or not positive`);
  }
  const { n, e, d, p, q, dp, dq, qinv } = key;
  const fail = (what: string): never => {
    throw new RsaError('BAD_KEY', `inconsistent RSA private key: ${what}`);
  };
  if (p < 3n || q < 3n || p * q !== n) fail('n != p * q');
  if (e < 3n || (e & 1n) === 0n) fail('e must be odd and >= 3');
  if (gcd(e, p - 1n) !== 1n || gcd(e, q - 1n) !== 1n) fail('e is not invertible');
  if (mod(e * d, lcm(p - 1n, q - 1n)) !== 1n) fail('e * d != 1 mod lcm(p-1, q-1)');
  if (dp !== d % (p - 1n)) fail('dp != d mod (p-1)');
  if (dq !== d % (q - 1n)) fail('dq != d mod (q-1)');
  if (qinv >= p || mod(q * qinv, p) !== 1n) fail('qinv != q^-1 mod p');
}
