/**
 * Number theory on BigInt for RSA (RFC 8017 section 5; key generation per FIPS 186-5
 * appendix A.1): gcd, lcm, modular inverse, modular exponentiation.
 *
 * JavaScript has no built-in modular exponentiation, and `(b ** e) % m` would first build a
 * number of e * log2(b) bits, so modPow is a left-to-right sliding-window exponentiation
 * (Handbook of Applied Cryptography, algorithm 14.85) that reduces after every product.
 * Montgomery multiplication buys nothing here: with BigInt a reduction by `%` is one native
 * call, while REDC would need two extra full multiplications. Measured on Node 20 for a
 * 1024-bit modulus, `%` costs about 1.4 multiplications, and REDC (3 products) and Barrett
 * (2 products) were both slower, as was folding the top half in via a precomputed 2^k mod m.
 *
 * None of this is constant-time (V8's BigInt is not); rsa-raw.ts blinds the private-key
 * operation so that the values fed to modPow are unrelated to the attacker's input.
 */

/** a mod m in [0, m), also for negative a. */
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function abs(a: bigint): bigint {
  return a < 0n ? -a : a;
}

/** Greatest common divisor (Euclid), always >= 0. gcd(0, 0) = 0. */
export function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Least common multiple, always >= 0. lcm(x, 0) = 0. */
export function lcm(a: bigint, b: bigint): bigint {
  if (a === 0n || b === 0n) return 0n;
  return abs((a / gcd(a, b)) * b);
}

/**
 * a^-1 mod m by the extended Euclidean algorithm, tracking only the coefficient of a.
 * Throws RangeError when gcd(a, m) != 1 or m <= 0.
 */
export function modInverse(a: bigint, m: bigint): bigint {
  if (m <= 0n) throw new RangeError('modInverse: modulus must be positive');
  if (m === 1n) return 0n;
  let r0 = m;
  let r1 = mod(a, m);
  let t0 = 0n;
  let t1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    const r2 = r0 - q * r1;
    r0 = r1;
    r1 = r2;
    const t2 = t0 - q * t1;
    t0 = t1;
    t1 = t2;
  }
  if (r0 !== 1n) throw new RangeError('modInverse: value is not invertible');
  return mod(t0, m);
}

/**
 * Window width for an exponent of `bits` bits. These are OpenSSL's thresholds
 * (BN_window_bits_for_exponent_size): beyond them the table of odd powers costs more
 * multiplications to build than the wider window saves. For the 1024-bit CRT exponents of
 * RSA-2048, widths 4/5/6/7 average 1233/1206/1197/1210 modular products per exponentiation.
 */
function windowBits(bits: number): number {
  if (bits > 671) return 6;
  if (bits > 239) return 5;
  if (bits > 79) return 4;
  if (bits > 23) return 3;
  return 1;
}

/** base^exponent mod modulus, for exponent >= 0 and modulus >= 1. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus <= 0n) throw new RangeError('modPow: modulus must be positive');
  if (exponent < 0n) throw new RangeError('modPow: negative exponent');
  if (modulus === 1n) return 0n;
  if (exponent === 0n) return 1n;
  const b = mod(base, modulus);
  if (b === 0n) return 0n;

  const bits = exponent.toString(2);
  const w = windowBits(bits.length);

  // odd[i] = b^(2i+1): the values a window (which always ends in a 1 bit) can select.
  const odd: bigint[] = [b];
  if (w > 1) {
    const b2 = (b * b) % modulus;
    for (let i = 1; i < 1 << (w - 1); i++) odd.push((odd[i - 1] * b2) % modulus);
  }

  let result = 1n;
  let started = false; // squaring 1 is wasted work: skip until the first window is applied
  let i = 0;
  while (i < bits.length) {
    if (bits.charCodeAt(i) === 48 /* '0' */) {
      if (started) result = (result * result) % modulus;
      i++;
      continue;
    }
    // The longest run bits[i..j] of at most w bits that ends in a 1.
    let j = Math.min(i + w, bits.length) - 1;
    while (bits.charCodeAt(j) === 48) j--;
    let value = 0;
    for (let t = i; t <= j; t++) value = (value << 1) | (bits.charCodeAt(t) - 48);
    if (started) {
      for (let t = i; t <= j; t++) result = (result * result) % modulus;
      result = (result * odd[value >> 1]) % modulus;
    } else {
      result = odd[value >> 1];
      started = true;
    }
    i = j + 1;
  }
  return result;
}
