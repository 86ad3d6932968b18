/**
 * SHA-1, FIPS 180-4 section 6.1: the MAC hash of SSL_RSA_WITH_*_SHA suites and half of SSL
 * 3.0's key derivation and Finished/CertificateVerify hashes (RFC 6101 sections 5.2.3.1,
 * 5.6.8, 5.6.9, 6.1, 6.2.2). SHA-1 is broken for collision resistance (SHAttered); it is
 * here for legacy peers only.
 *
 * Why not @noble/hashes' sha1: its compression function expands the 80-word schedule
 * into a shared array and loops over the 80 steps, picking the round function and
 * constant by branch, one block per call; on 16 KiB inputs on the two-core reference
 * machine it ran at ~95-160 MB/s against ~800-1200 MB/s for node:crypto (OpenSSL), which
 * capped the record layer (an rc4-128-sha record at ~92 MB/s). This one is the same
 * algorithm fully unrolled on local 32-bit variables: the 16-word message schedule lives
 * in sixteen locals updated in place (W[t] overwrites W[t - 16]), the five working
 * variables rotate roles instead of being shifted, and all blocks of an update are
 * compressed in one call: ~640 MB/s of CPU time on the same machine, ~3.8x noble. Native
 * there is OpenSSL on the CPU's SHA extensions (SHA-NI), ~1300 MB/s, which JavaScript cannot
 * reach (bench row "sha1", ~0.5x); against OpenSSL's software SHA-1 (SSSE3/AVX2 message
 * schedule, ~770 MB/s, row "sha1-no-sha-ext") this runs at ~0.84x. Rewrites measured no
 * faster (within 1%: the message schedule in a 16-word ring array, the sums reordered to
 * shorten the chain through `a`, Maj as (b & c) + (d & (b ^ c)), no saved copies of the
 * working variables): TurboFan already emits rotates, 32-bit adds and byte-swapping loads.
 *
 * Each step is FIPS 180-4 6.1.2 step 3,
 *   T = ROTL5(a) + f_t(b, c, d) + e + K_t + W_t;  e = d;  d = c;  c = ROTL30(b);  b = a;  a = T
 * with the additions reordered so the newest register enters last, and Ch in its xor form
 * d ^ (b & (c ^ d)). test/ciphers/sha1.test.ts has the FIPS/NIST examples.
 */
import { hashFunction, MdHash, type HashFunction } from './md-hash.js';

export type Sha1 = MdHash;

function compress(state: Int32Array, data: DataView, offset: number, end: number): void {
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let e = state[4];
  for (; offset < end; offset += 64) {
    const a0 = a;
    const b0 = b;
    const c0 = c;
    const d0 = d;
    const e0 = e;
    let w0 = data.getInt32(offset);
    let w1 = data.getInt32(offset + 4);
    let w2 = data.getInt32(offset + 8);
    let w3 = data.getInt32(offset + 12);
    let w4 = data.getInt32(offset + 16);
    let w5 = data.getInt32(offset + 20);
    let w6 = data.getInt32(offset + 24);
    let w7 = data.getInt32(offset + 28);
    let w8 = data.getInt32(offset + 32);
    let w9 = data.getInt32(offset + 36);
    let w10 = data.getInt32(offset + 40);
    let w11 = data.getInt32(offset + 44);
    let w12 = data.getInt32(offset + 48);
    let w13 = data.getInt32(offset + 52);
    let w14 = data.getInt32(offset + 56);
    let w15 = data.getInt32(offset + 60);
    // t = 0..19: Ch, K = 0x5a827999
    e = (e + w0 + 0x5a827999 + (d ^ (b & (c ^ d))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    d = (d + w1 + 0x5a827999 + (c ^ (a & (b ^ c))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    c = (c + w2 + 0x5a827999 + (b ^ (e & (a ^ b))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    b = (b + w3 + 0x5a827999 + (a ^ (d & (e ^ a))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    a = (a + w4 + 0x5a827999 + (e ^ (c & (d ^ e))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    e = (e + w5 + 0x5a827999 + (d ^ (b & (c ^ d))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    d = (d + w6 + 0x5a827999 + (c ^ (a & (b ^ c))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    c = (c + w7 + 0x5a827999 + (b ^ (e & (a ^ b))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    b = (b + w8 + 0x5a827999 + (a ^ (d & (e ^ a))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    a = (a + w9 + 0x5a827999 + (e ^ (c & (d ^ e))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    e = (e + w10 + 0x5a827999 + (d ^ (b & (c ^ d))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    d = (d + w11 + 0x5a827999 + (c ^ (a & (b ^ c))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    c = (c + w12 + 0x5a827999 + (b ^ (e & (a ^ b))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    b = (b + w13 + 0x5a827999 + (a ^ (d & (e ^ a))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    a = (a + w14 + 0x5a827999 + (e ^ (c & (d ^ e))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    e = (e + w15 + 0x5a827999 + (d ^ (b & (c ^ d))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w0 ^= w13 ^ w8 ^ w2;
    w0 = (w0 << 1) | (w0 >>> 31);
    d = (d + w0 + 0x5a827999 + (c ^ (a & (b ^ c))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w1 ^= w14 ^ w9 ^ w3;
    w1 = (w1 << 1) | (w1 >>> 31);
    c = (c + w1 + 0x5a827999 + (b ^ (e & (a ^ b))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w2 ^= w15 ^ w10 ^ w4;
    w2 = (w2 << 1) | (w2 >>> 31);
    b = (b + w2 + 0x5a827999 + (a ^ (d & (e ^ a))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w3 ^= w0 ^ w11 ^ w5;
    w3 = (w3 << 1) | (w3 >>> 31);
    a = (a + w3 + 0x5a827999 + (e ^ (c & (d ^ e))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    // t = 20..39: Parity, K = 0x6ed9eba1
    w4 ^= w1 ^ w12 ^ w6;
    w4 = (w4 << 1) | (w4 >>> 31);
    e = (e + w4 + 0x6ed9eba1 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w5 ^= w2 ^ w13 ^ w7;
    w5 = (w5 << 1) | (w5 >>> 31);
    d = (d + w5 + 0x6ed9eba1 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w6 ^= w3 ^ w14 ^ w8;
    w6 = (w6 << 1) | (w6 >>> 31);
    c = (c + w6 + 0x6ed9eba1 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w7 ^= w4 ^ w15 ^ w9;
    w7 = (w7 << 1) | (w7 >>> 31);
    b = (b + w7 + 0x6ed9eba1 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w8 ^= w5 ^ w0 ^ w10;
    w8 = (w8 << 1) | (w8 >>> 31);
    a = (a + w8 + 0x6ed9eba1 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w9 ^= w6 ^ w1 ^ w11;
    w9 = (w9 << 1) | (w9 >>> 31);
    e = (e + w9 + 0x6ed9eba1 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w10 ^= w7 ^ w2 ^ w12;
    w10 = (w10 << 1) | (w10 >>> 31);
    d = (d + w10 + 0x6ed9eba1 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w11 ^= w8 ^ w3 ^ w13;
    w11 = (w11 << 1) | (w11 >>> 31);
    c = (c + w11 + 0x6ed9eba1 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w12 ^= w9 ^ w4 ^ w14;
    w12 = (w12 << 1) | (w12 >>> 31);
    b = (b + w12 + 0x6ed9eba1 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w13 ^= w10 ^ w5 ^ w15;
    w13 = (w13 << 1) | (w13 >>> 31);
    a = (a + w13 + 0x6ed9eba1 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w14 ^= w11 ^ w6 ^ w0;
    w14 = (w14 << 1) | (w14 >>> 31);
    e = (e + w14 + 0x6ed9eba1 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w15 ^= w12 ^ w7 ^ w1;
    w15 = (w15 << 1) | (w15 >>> 31);
    d = (d + w15 + 0x6ed9eba1 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w0 ^= w13 ^ w8 ^ w2;
    w0 = (w0 << 1) | (w0 >>> 31);
    c = (c + w0 + 0x6ed9eba1 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w1 ^= w14 ^ w9 ^ w3;
    w1 = (w1 << 1) | (w1 >>> 31);
    b = (b + w1 + 0x6ed9eba1 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w2 ^= w15 ^ w10 ^ w4;
    w2 = (w2 << 1) | (w2 >>> 31);
    a = (a + w2 + 0x6ed9eba1 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w3 ^= w0 ^ w11 ^ w5;
    w3 = (w3 << 1) | (w3 >>> 31);
    e = (e + w3 + 0x6ed9eba1 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w4 ^= w1 ^ w12 ^ w6;
    w4 = (w4 << 1) | (w4 >>> 31);
    d = (d + w4 + 0x6ed9eba1 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w5 ^= w2 ^ w13 ^ w7;
    w5 = (w5 << 1) | (w5 >>> 31);
    c = (c + w5 + 0x6ed9eba1 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w6 ^= w3 ^ w14 ^ w8;
    w6 = (w6 << 1) | (w6 >>> 31);
    b = (b + w6 + 0x6ed9eba1 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w7 ^= w4 ^ w15 ^ w9;
    w7 = (w7 << 1) | (w7 >>> 31);
    a = (a + w7 + 0x6ed9eba1 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    // t = 40..59: Maj, K = 0x8f1bbcdc
    w8 ^= w5 ^ w0 ^ w10;
    w8 = (w8 << 1) | (w8 >>> 31);
    e = (e + w8 + 0x8f1bbcdc + ((b & c) | (d & (b | c))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w9 ^= w6 ^ w1 ^ w11;
    w9 = (w9 << 1) | (w9 >>> 31);
    d = (d + w9 + 0x8f1bbcdc + ((a & b) | (c & (a | b))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w10 ^= w7 ^ w2 ^ w12;
    w10 = (w10 << 1) | (w10 >>> 31);
    c = (c + w10 + 0x8f1bbcdc + ((e & a) | (b & (e | a))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w11 ^= w8 ^ w3 ^ w13;
    w11 = (w11 << 1) | (w11 >>> 31);
    b = (b + w11 + 0x8f1bbcdc + ((d & e) | (a & (d | e))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w12 ^= w9 ^ w4 ^ w14;
    w12 = (w12 << 1) | (w12 >>> 31);
    a = (a + w12 + 0x8f1bbcdc + ((c & d) | (e & (c | d))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w13 ^= w10 ^ w5 ^ w15;
    w13 = (w13 << 1) | (w13 >>> 31);
    e = (e + w13 + 0x8f1bbcdc + ((b & c) | (d & (b | c))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w14 ^= w11 ^ w6 ^ w0;
    w14 = (w14 << 1) | (w14 >>> 31);
    d = (d + w14 + 0x8f1bbcdc + ((a & b) | (c & (a | b))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w15 ^= w12 ^ w7 ^ w1;
    w15 = (w15 << 1) | (w15 >>> 31);
    c = (c + w15 + 0x8f1bbcdc + ((e & a) | (b & (e | a))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w0 ^= w13 ^ w8 ^ w2;
    w0 = (w0 << 1) | (w0 >>> 31);
    b = (b + w0 + 0x8f1bbcdc + ((d & e) | (a & (d | e))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w1 ^= w14 ^ w9 ^ w3;
    w1 = (w1 << 1) | (w1 >>> 31);
    a = (a + w1 + 0x8f1bbcdc + ((c & d) | (e & (c | d))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w2 ^= w15 ^ w10 ^ w4;
    w2 = (w2 << 1) | (w2 >>> 31);
    e = (e + w2 + 0x8f1bbcdc + ((b & c) | (d & (b | c))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w3 ^= w0 ^ w11 ^ w5;
    w3 = (w3 << 1) | (w3 >>> 31);
    d = (d + w3 + 0x8f1bbcdc + ((a & b) | (c & (a | b))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w4 ^= w1 ^ w12 ^ w6;
    w4 = (w4 << 1) | (w4 >>> 31);
    c = (c + w4 + 0x8f1bbcdc + ((e & a) | (b & (e | a))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w5 ^= w2 ^ w13 ^ w7;
    w5 = (w5 << 1) | (w5 >>> 31);
    b = (b + w5 + 0x8f1bbcdc + ((d & e) | (a & (d | e))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w6 ^= w3 ^ w14 ^ w8;
    w6 = (w6 << 1) | (w6 >>> 31);
    a = (a + w6 + 0x8f1bbcdc + ((c & d) | (e & (c | d))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w7 ^= w4 ^ w15 ^ w9;
    w7 = (w7 << 1) | (w7 >>> 31);
    e = (e + w7 + 0x8f1bbcdc + ((b & c) | (d & (b | c))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w8 ^= w5 ^ w0 ^ w10;
    w8 = (w8 << 1) | (w8 >>> 31);
    d = (d + w8 + 0x8f1bbcdc + ((a & b) | (c & (a | b))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w9 ^= w6 ^ w1 ^ w11;
    w9 = (w9 << 1) | (w9 >>> 31);
    c = (c + w9 + 0x8f1bbcdc + ((e & a) | (b & (e | a))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w10 ^= w7 ^ w2 ^ w12;
    w10 = (w10 << 1) | (w10 >>> 31);
    b = (b + w10 + 0x8f1bbcdc + ((d & e) | (a & (d | e))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w11 ^= w8 ^ w3 ^ w13;
    w11 = (w11 << 1) | (w11 >>> 31);
    a = (a + w11 + 0x8f1bbcdc + ((c & d) | (e & (c | d))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    // t = 60..79: Parity, K = 0xca62c1d6
    w12 ^= w9 ^ w4 ^ w14;
    w12 = (w12 << 1) | (w12 >>> 31);
    e = (e + w12 + 0xca62c1d6 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w13 ^= w10 ^ w5 ^ w15;
    w13 = (w13 << 1) | (w13 >>> 31);
    d = (d + w13 + 0xca62c1d6 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w14 ^= w11 ^ w6 ^ w0;
    w14 = (w14 << 1) | (w14 >>> 31);
    c = (c + w14 + 0xca62c1d6 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w15 ^= w12 ^ w7 ^ w1;
    w15 = (w15 << 1) | (w15 >>> 31);
    b = (b + w15 + 0xca62c1d6 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w0 ^= w13 ^ w8 ^ w2;
    w0 = (w0 << 1) | (w0 >>> 31);
    a = (a + w0 + 0xca62c1d6 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w1 ^= w14 ^ w9 ^ w3;
    w1 = (w1 << 1) | (w1 >>> 31);
    e = (e + w1 + 0xca62c1d6 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w2 ^= w15 ^ w10 ^ w4;
    w2 = (w2 << 1) | (w2 >>> 31);
    d = (d + w2 + 0xca62c1d6 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w3 ^= w0 ^ w11 ^ w5;
    w3 = (w3 << 1) | (w3 >>> 31);
    c = (c + w3 + 0xca62c1d6 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w4 ^= w1 ^ w12 ^ w6;
    w4 = (w4 << 1) | (w4 >>> 31);
    b = (b + w4 + 0xca62c1d6 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w5 ^= w2 ^ w13 ^ w7;
    w5 = (w5 << 1) | (w5 >>> 31);
    a = (a + w5 + 0xca62c1d6 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w6 ^= w3 ^ w14 ^ w8;
    w6 = (w6 << 1) | (w6 >>> 31);
    e = (e + w6 + 0xca62c1d6 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w7 ^= w4 ^ w15 ^ w9;
    w7 = (w7 << 1) | (w7 >>> 31);
    d = (d + w7 + 0xca62c1d6 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w8 ^= w5 ^ w0 ^ w10;
    w8 = (w8 << 1) | (w8 >>> 31);
    c = (c + w8 + 0xca62c1d6 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w9 ^= w6 ^ w1 ^ w11;
    w9 = (w9 << 1) | (w9 >>> 31);
    b = (b + w9 + 0xca62c1d6 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w10 ^= w7 ^ w2 ^ w12;
    w10 = (w10 << 1) | (w10 >>> 31);
    a = (a + w10 + 0xca62c1d6 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w11 ^= w8 ^ w3 ^ w13;
    w11 = (w11 << 1) | (w11 >>> 31);
    e = (e + w11 + 0xca62c1d6 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w12 ^= w9 ^ w4 ^ w14;
    w12 = (w12 << 1) | (w12 >>> 31);
    d = (d + w12 + 0xca62c1d6 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w13 ^= w10 ^ w5 ^ w15;
    w13 = (w13 << 1) | (w13 >>> 31);
    c = (c + w13 + 0xca62c1d6 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w14 ^= w11 ^ w6 ^ w0;
    w14 = (w14 << 1) | (w14 >>> 31);
    b = (b + w14 + 0xca62c1d6 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w15 ^= w12 ^ w7 ^ w1;
    w15 = (w15 << 1) | (w15 >>> 31);
    a = (a + w15 + 0xca62c1d6 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    a = (a + a0) | 0;
    b = (b + b0) | 0;
    c = (c + c0) | 0;
    d = (d + d0) | 0;
    e = (e + e0) | 0;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  state[4] = e;
}

/** SHA-1: `sha1(data)` one-shot, or `sha1.create()` for update()/digest()/clone(). */
export const sha1: HashFunction = hashFunction({
  outputLen: 20,
  iv: [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0],
  littleEndian: false,
  compress,
});
