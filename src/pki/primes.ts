/**
 * Probable primes for RSA key generation (FIPS 186-5 appendix A.1.3 and B.3; Miller-Rabin as
 * in FIPS 186-5 B.3.1 / Handbook of Applied Cryptography 4.24).
 *
 * A candidate is a random odd number with its top two bits set (so the product of two such
 * primes has exactly the requested length). Rather than drawing a fresh random number per
 * try, we sieve a window of 4096 consecutive odd numbers above the random start against all
 * primes below 2^14 at once, and run Miller-Rabin only on the survivors in order: about 90%
 * of odd candidates die in the sieve at the cost of a few array writes. This "random start,
 * incremental search" slightly favours primes that follow long gaps; OpenSSL and BoringSSL
 * accept the same bias, which is far from anything exploitable.
 */

import { systemRandom, type RandomSource } from '../util/random.js';
import { bytesToBigInt } from '../util/bytes.js';
import { bitLength } from './rsa-key.js';
import { gcd, modPow } from './bigint-math.js';

/** The sieve bound: odd primes below 2^14 (1899 of them). */
const SIEVE_LIMIT = 1 << 14;

/** Odd primes below SIEVE_LIMIT, by the sieve of Eratosthenes, computed once at load. */
export const SMALL_PRIMES: readonly number[] = (() => {
  const composite = new Uint8Array(SIEVE_LIMIT);
  const out: number[] = [];
  for (let i = 3; i < SIEVE_LIMIT; i += 2) {
    if (composite[i]) continue;
    out.push(i);
    for (let j = i * i; j < SIEVE_LIMIT; j += 2 * i) composite[j] = 1;
  }
  return out;
})();

const SMALL_PRIMES_BIG = SMALL_PRIMES.map(BigInt);

/**
 * Miller-Rabin rounds for a random candidate of `bits` bits. For 1024 bits and up these are
 * the FIPS 186-5 Table B.1 figures for p and q (5 rounds: error < 2^-112 at 1024 bits,
 * 4 rounds: < 2^-128 at 1536 bits, < 2^-144 at 2048). Below that the table stops (legacy key
 * sizes); we use about twice the Damgard-Landrock-Pomerance rounds for 2^-80 (HAC table 4.4),
 * which the test of a final prime can well afford: composites almost always fail round one.
 */
export function millerRabinRounds(bits: number): number {
  if (bits >= 1536) return 4;
  if (bits >= 1024) return 5;
  if (bits >= 512) return 8;
  if (bits >= 256) return 16;
  return 40;
}

/** A uniform-enough random integer in [lo, hi] (64 extra random bits make the bias < 2^-64). */
function randomBetween(lo: bigint, hi: bigint, random: RandomSource): bigint {
  const span = hi - lo + 1n;
  const bytes = ((bitLength(span) + 7) >> 3) + 8;
  return lo + (bytesToBigInt(random(bytes)) % span);
}

/**
 * Probabilistic primality test: trial division by the small primes, then `rounds`
 * Miller-Rabin rounds with random bases (default: millerRabinRounds of the size).
 * A "false" answer is always right; a "true" answer is wrong with probability below the
 * bound of the chosen round count for random candidates (4^-rounds for adversarial ones).
 */
export function isProbablePrime(n: bigint, rounds?: number, random: RandomSource = systemRandom): boolean {
  if (n < 2n) return false;
  if (n === 2n) return true;
  if ((n & 1n) === 0n) return false;
  for (const p of SMALL_PRIMES_BIG) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  // Every composite below SIEVE_LIMIT^2 has a factor below SIEVE_LIMIT.
  if (n < BigInt(SIEVE_LIMIT) * BigInt(SIEVE_LIMIT)) return true;
  return millerRabin(n, rounds ?? millerRabinRounds(bitLength(n)), random);
}

/** Miller-Rabin on an odd n > 3 (FIPS 186-5 B.3.1). */
function millerRabin(n: bigint, rounds: number, random: RandomSource): boolean {
  const nm1 = n - 1n;
  let d = nm1;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  for (let round = 0; round < rounds; round++) {
    const a = randomBetween(2n, n - 2n, random);
    let x = modPow(a, d, n);
    if (x === 1n || x === nm1) continue;
    let witness = true;
    for (let i = 1; i < s; i++) {
      x = (x * x) % n;
      if (x === nm1) {
        witness = false;
        break;
      }
      if (x === 1n) return false; // a non-trivial square root of 1: composite
    }
    if (witness) return false;
  }
  return true;
}

/** Number of odd offsets sieved per random start: well above the mean prime gap at 2048 bits. */
const SIEVE_WINDOW = 4096;

/**
 * A random probable prime of exactly `bits` bits with its top two bits set and, when `e` is
 * given, gcd(e, p-1) = 1 (so e is invertible modulo p-1, FIPS 186-5 A.1.3 step 4.5).
 */
export function generatePrime(bits: number, e?: bigint, random: RandomSource = systemRandom): bigint {
  if (!Number.isInteger(bits) || bits < 16) throw new RangeError('generatePrime: need at least 16 bits');
  const bytes = (bits + 7) >> 3;
  const topMask = 1n << BigInt(bits);
  const rounds = millerRabinRounds(bits);
  const sieve = new Uint8Array(SIEVE_WINDOW);
  for (;;) {
    // Random start: exactly `bits` bits, the top two set, odd.
    let start = bytesToBigInt(random(bytes)) & (topMask - 1n);
    start |= (3n << BigInt(bits - 2)) | 1n;

    // sieve[j] = 1 when start + 2j has a small factor.
    sieve.fill(0);
    for (let i = 0; i < SMALL_PRIMES.length; i++) {
      const p = SMALL_PRIMES[i];
      const r = Number(start % SMALL_PRIMES_BIG[i]);
      // First j with r + 2j = 0 (mod p): j = -r * 2^-1 = (p - r) * (p + 1) / 2 (mod p).
      // start >= 3 * 2^14 > every small prime, so a struck-out number is never the prime itself.
      let j = r === 0 ? 0 : ((p - r) * ((p + 1) >> 1)) % p;
      for (; j < SIEVE_WINDOW; j += p) sieve[j] = 1;
    }

    for (let j = 0; j < SIEVE_WINDOW; j++) {
      if (sieve[j]) continue;
      const candidate = start + BigInt(2 * j);
      if (candidate >= topMask) break; // ran past the bit length: draw a new start
      if (e !== undefined && gcd(e, candidate - 1n) !== 1n) continue;
      if (millerRabin(candidate, rounds, random)) return candidate;
    }
  }
}
