/**
 * BigInt number theory and prime generation under RSA (bigint-math.ts, primes.ts):
 * against naive arithmetic, known primes and pseudoprimes, and node's own primality test.
 */
import { describe, expect, it } from 'vitest';
import * as nodeCrypto from 'node:crypto';
import { gcd, lcm, mod, modInverse, modPow } from '../../src/pki/bigint-math.js';
import { generatePrime, isProbablePrime, millerRabinRounds, SMALL_PRIMES } from '../../src/pki/primes.js';
import { bitLength } from '../../src/pki/rsa-key.js';
import { i2osp, os2ip } from '../../src/pki/rsa-raw.js';
import { seededRandom } from '../helpers/keys.js';


function randomBig(bytes: number): bigint {
  return BigInt('0x' + nodeCrypto.randomBytes(bytes).toString('hex'));
}

/** Square-and-multiply with no windows: an independent reference for modPow. */
function naiveModPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n % m;
  b = mod(b, m);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

describe('modPow', () => {
  it('matches ** on small values, including edge cases', () => {
    for (let b = -5n; b <= 12n; b++) {
      for (let e = 0n; e <= 20n; e++) {
        for (const m of [1n, 2n, 3n, 7n, 10n, 97n, 256n]) {
          expect(modPow(b, e, m)).toBe(mod(b ** e, m));
        }
      }
    }
  });

  it('matches square-and-multiply for random operands of every window size', () => {
    for (const expBytes of [1, 3, 10, 30, 90, 128, 256]) {
      const m = randomBig(128) | 1n;
      const b = randomBig(130);
      const e = randomBig(expBytes);
      expect(modPow(b, e, m)).toBe(naiveModPow(b, e, m));
    }
  });

  it('handles exponents with long zero runs and all-one windows', () => {
    const m = randomBig(64) | 1n;
    const b = randomBig(64);
    for (const e of [1n << 700n, (1n << 700n) + 1n, (1n << 701n) - 1n, 0b1000001n, (1n << 64n) | (1n << 3n)]) {
      expect(modPow(b, e, m)).toBe(naiveModPow(b, e, m));
    }
  });

  it('rejects a non-positive modulus and a negative exponent', () => {
    expect(() => modPow(2n, 3n, 0n)).toThrow(RangeError);
    expect(() => modPow(2n, -1n, 5n)).toThrow(RangeError);
  });
});

describe('gcd, lcm, modInverse', () => {
  it('gcd and lcm on known values', () => {
    expect(gcd(0n, 0n)).toBe(0n);
    expect(gcd(12n, 18n)).toBe(6n);
    expect(gcd(-12n, 18n)).toBe(6n);
    expect(gcd(17n, 0n)).toBe(17n);
    expect(lcm(4n, 6n)).toBe(12n);
    expect(lcm(0n, 6n)).toBe(0n);
  });

  it('modInverse inverts and refuses non-invertible values', () => {
    for (let i = 0; i < 20; i++) {
      const m = randomBig(64) | 1n;
      const a = randomBig(70);
      if (gcd(a, m) !== 1n) continue;
      const inv = modInverse(a, m);
      expect(inv >= 0n && inv < m).toBe(true);
      expect(mod(a * inv, m)).toBe(1n);
    }
    expect(modInverse(-3n, 7n)).toBe(2n); // -3 * 2 = -6 = 1 mod 7
    expect(() => modInverse(6n, 9n)).toThrow(RangeError);
    expect(() => modInverse(3n, 0n)).toThrow(RangeError);
  });
});

describe('primes', () => {
  it('the sieve table is the odd primes below 2^14', () => {
    expect(SMALL_PRIMES.slice(0, 6)).toEqual([3, 5, 7, 11, 13, 17]);
    expect(SMALL_PRIMES.length).toBe(1899); // pi(16384) = 1900, minus the prime 2
    expect(SMALL_PRIMES[SMALL_PRIMES.length - 1]).toBe(16381);
  });

  it('isProbablePrime knows small numbers exactly', () => {
    const naive = (n: number) => {
      if (n < 2) return false;
      for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
      return true;
    };
    for (let n = 0; n < 3000; n++) expect(isProbablePrime(BigInt(n))).toBe(naive(n));
  });

  it('accepts large known primes', () => {
    for (const p of [(1n << 127n) - 1n, (1n << 521n) - 1n, (1n << 607n) - 1n, (1n << 255n) - 19n]) {
      expect(isProbablePrime(p)).toBe(true);
    }
  });

  it('rejects Carmichael numbers, strong pseudoprimes and products of large primes', () => {
    const pseudo = [
      561n,
      41041n,
      825265n,
      321197185n,
      3215031751n, // strong pseudoprime to bases 2, 3, 5, 7
      3825123056546413051n, // strong pseudoprime to the first nine prime bases
      318665857834031151167461n, // strong pseudoprime to all prime bases up to 37
    ];
    for (const n of pseudo) expect(isProbablePrime(n)).toBe(false);
    const p = (1n << 127n) - 1n;
    const q = (1n << 89n) - 1n;
    expect(isProbablePrime(p * q)).toBe(false);
    expect(isProbablePrime(p * p)).toBe(false);
  });

  it('agrees with node on random odd 256-bit numbers', () => {
    for (let i = 0; i < 60; i++) {
      const n = randomBig(32) | 1n;
      const buf = Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
      expect(isProbablePrime(n)).toBe(nodeCrypto.checkPrimeSync(buf, { checks: 32 }));
    }
  });

  it('generatePrime: exact length, top two bits set, e-compatible, deterministic per seed', () => {
    for (const bits of [64, 256, 257, 512]) {
      const p = generatePrime(bits, 65537n, seededRandom(`prime-${bits}`));
      expect(bitLength(p)).toBe(bits);
      expect(p >> BigInt(bits - 2)).toBe(3n);
      expect(gcd(65537n, p - 1n)).toBe(1n);
      expect(nodeCrypto.checkPrimeSync(p, { checks: 32 })).toBe(true);
      expect(generatePrime(bits, 65537n, seededRandom(`prime-${bits}`))).toBe(p);
    }
  });

  it('generatePrime with e = 3 never returns p = 1 mod 3', () => {
    for (let i = 0; i < 10; i++) expect(generatePrime(128, 3n) % 3n).toBe(2n);
  });

  it('uses FIPS 186-5 round counts at RSA sizes', () => {
    expect(millerRabinRounds(1024)).toBe(5);
    expect(millerRabinRounds(1536)).toBe(4);
    expect(millerRabinRounds(2048)).toBe(4);
    expect(millerRabinRounds(512)).toBeGreaterThanOrEqual(7);
  });
});

describe('I2OSP / OS2IP', () => {
  it('round-trips with fixed length and leading zeros', () => {
    expect(i2osp(0n, 4)).toEqual(new Uint8Array(4));
    expect(i2osp(0x0102n, 4)).toEqual(Uint8Array.of(0, 0, 1, 2));
    expect(i2osp(0xabcdefn, 3)).toEqual(Uint8Array.of(0xab, 0xcd, 0xef));
    for (let i = 0; i < 50; i++) {
      const bytes = new Uint8Array(nodeCrypto.randomBytes(64));
      bytes[0] = i < 10 ? 0 : bytes[0];
      expect(i2osp(os2ip(bytes), 64)).toEqual(bytes);
    }
  });

  it('decodes every hex digit', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(i2osp(os2ip(all), 256)).toEqual(all);
  });

  it('refuses integers that do not fit', () => {
    expect(() => i2osp(1n << 32n, 4)).toThrow(/too large/);
    expect(() => i2osp((1n << 33n) + 5n, 4)).toThrow(/too large/);
    expect(() => i2osp(1n << 40n, 4)).toThrow(/too large/);
    expect(i2osp((1n << 32n) - 1n, 4)).toEqual(Uint8Array.of(255, 255, 255, 255));
    expect(() => i2osp(-1n, 4)).toThrow();
  });
});
