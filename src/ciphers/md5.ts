/**
 * MD5, RFC 1321: the MAC hash of SSL_RSA_WITH_RC4_128_MD5 and half of SSL 3.0's key
 * derivation and Finished/CertificateVerify hashes (RFC 6101 sections 5.2.3.1, 5.6.8, 5.6.9,
 * 6.1, 6.2.2). MD5 is broken for collision resistance; it is here for legacy peers only.
 *
 * Why not @noble/hashes' md5: its compression function loops over the 64 steps, picking
 * the round function by branch and the shift, constant and message word from tables, one
 * block per call; on 16 KiB inputs on the two-core reference machine it ran at ~55 MB/s
 * against ~500 MB/s for node:crypto (OpenSSL), which capped the record layer (an
 * rc4-128-md5 record at ~47 MB/s). This one is the same algorithm fully unrolled on local
 * 32-bit variables, with the constants inline and all blocks of an update compressed in
 * one call: ~490-500 MB/s of CPU time on the same machine, 8x noble and ~0.86-0.9x
 * OpenSSL's assembly (bench/run.ts, row "md5"), whose MD5 is scalar too: one step's add,
 * rotate, add chain bounds both. Rewrites measured no faster (within 1%: message words
 * loaded where used instead of up front, no saved copies of the working variables).
 *
 * The steps below are RFC 1321 section 3.4 with each step written as
 *   a = b + ((a + X[k] + T[i] + F(b, c, d)) <<< s)
 * (the additions reordered so the newest register enters last, which shortens the
 * dependency chain) and F, G in their xor forms F = d ^ (b & (c ^ d)),
 * G = c ^ (d & (b ^ c)), which equal the RFC's (b & c) | (~b & d) and (b & d) | (c & ~d).
 * T[i] = floor(2^32 * |sin(i)|). test/ciphers/md5.test.ts has the RFC's test suite.
 */
import { hashFunction, MdHash, type HashFunction } from './md-hash.js';

export type Md5 = MdHash;

function compress(state: Int32Array, data: DataView, offset: number, end: number): void {
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  for (; offset < end; offset += 64) {
    const a0 = a;
    const b0 = b;
    const c0 = c;
    const d0 = d;
    const x0 = data.getInt32(offset, true);
    const x1 = data.getInt32(offset + 4, true);
    const x2 = data.getInt32(offset + 8, true);
    const x3 = data.getInt32(offset + 12, true);
    const x4 = data.getInt32(offset + 16, true);
    const x5 = data.getInt32(offset + 20, true);
    const x6 = data.getInt32(offset + 24, true);
    const x7 = data.getInt32(offset + 28, true);
    const x8 = data.getInt32(offset + 32, true);
    const x9 = data.getInt32(offset + 36, true);
    const x10 = data.getInt32(offset + 40, true);
    const x11 = data.getInt32(offset + 44, true);
    const x12 = data.getInt32(offset + 48, true);
    const x13 = data.getInt32(offset + 52, true);
    const x14 = data.getInt32(offset + 56, true);
    const x15 = data.getInt32(offset + 60, true);
    // Round 1: F, T[1..16]
    a = (a + x0 + 0xd76aa478 + (d ^ (b & (c ^ d)))) | 0;
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = (d + x1 + 0xe8c7b756 + (c ^ (a & (b ^ c)))) | 0;
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = (c + x2 + 0x242070db + (b ^ (d & (a ^ b)))) | 0;
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = (b + x3 + 0xc1bdceee + (a ^ (c & (d ^ a)))) | 0;
    b = (((b << 22) | (b >>> 10)) + c) | 0;
    a = (a + x4 + 0xf57c0faf + (d ^ (b & (c ^ d)))) | 0;
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = (d + x5 + 0x4787c62a + (c ^ (a & (b ^ c)))) | 0;
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = (c + x6 + 0xa8304613 + (b ^ (d & (a ^ b)))) | 0;
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = (b + x7 + 0xfd469501 + (a ^ (c & (d ^ a)))) | 0;
    b = (((b << 22) | (b >>> 10)) + c) | 0;
    a = (a + x8 + 0x698098d8 + (d ^ (b & (c ^ d)))) | 0;
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = (d + x9 + 0x8b44f7af + (c ^ (a & (b ^ c)))) | 0;
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = (c + x10 + 0xffff5bb1 + (b ^ (d & (a ^ b)))) | 0;
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = (b + x11 + 0x895cd7be + (a ^ (c & (d ^ a)))) | 0;
    b = (((b << 22) | (b >>> 10)) + c) | 0;
    a = (a + x12 + 0x6b901122 + (d ^ (b & (c ^ d)))) | 0;
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = (d + x13 + 0xfd987193 + (c ^ (a & (b ^ c)))) | 0;
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = (c + x14 + 0xa679438e + (b ^ (d & (a ^ b)))) | 0;
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = (b + x15 + 0x49b40821 + (a ^ (c & (d ^ a)))) | 0;
    b = (((b << 22) | (b >>> 10)) + c) | 0;
    // Round 2: G, T[17..32]
    a = (a + x1 + 0xf61e2562 + (c ^ (d & (b ^ c)))) | 0;
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = (d + x6 + 0xc040b340 + (b ^ (c & (a ^ b)))) | 0;
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = (c + x11 + 0x265e5a51 + (a ^ (b & (d ^ a)))) | 0;
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = (b + x0 + 0xe9b6c7aa + (d ^ (a & (c ^ d)))) | 0;
    b = (((b << 20) | (b >>> 12)) + c) | 0;
    a = (a + x5 + 0xd62f105d + (c ^ (d & (b ^ c)))) | 0;
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = (d + x10 + 0x02441453 + (b ^ (c & (a ^ b)))) | 0;
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = (c + x15 + 0xd8a1e681 + (a ^ (b & (d ^ a)))) | 0;
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = (b + x4 + 0xe7d3fbc8 + (d ^ (a & (c ^ d)))) | 0;
    b = (((b << 20) | (b >>> 12)) + c) | 0;
    a = (a + x9 + 0x21e1cde6 + (c ^ (d & (b ^ c)))) | 0;
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = (d + x14 + 0xc33707d6 + (b ^ (c & (a ^ b)))) | 0;
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = (c + x3 + 0xf4d50d87 + (a ^ (b & (d ^ a)))) | 0;
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = (b + x8 + 0x455a14ed + (d ^ (a & (c ^ d)))) | 0;
    b = (((b << 20) | (b >>> 12)) + c) | 0;
    a = (a + x13 + 0xa9e3e905 + (c ^ (d & (b ^ c)))) | 0;
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = (d + x2 + 0xfcefa3f8 + (b ^ (c & (a ^ b)))) | 0;
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = (c + x7 + 0x676f02d9 + (a ^ (b & (d ^ a)))) | 0;
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = (b + x12 + 0x8d2a4c8a + (d ^ (a & (c ^ d)))) | 0;
    b = (((b << 20) | (b >>> 12)) + c) | 0;
    // Round 3: H, T[33..48]
    a = (a + x5 + 0xfffa3942 + (b ^ c ^ d)) | 0;
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = (d + x8 + 0x8771f681 + (a ^ b ^ c)) | 0;
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = (c + x11 + 0x6d9d6122 + (d ^ a ^ b)) | 0;
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = (b + x14 + 0xfde5380c + (c ^ d ^ a)) | 0;
    b = (((b << 23) | (b >>> 9)) + c) | 0;
    a = (a + x1 + 0xa4beea44 + (b ^ c ^ d)) | 0;
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = (d + x4 + 0x4bdecfa9 + (a ^ b ^ c)) | 0;
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = (c + x7 + 0xf6bb4b60 + (d ^ a ^ b)) | 0;
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = (b + x10 + 0xbebfbc70 + (c ^ d ^ a)) | 0;
    b = (((b << 23) | (b >>> 9)) + c) | 0;
    a = (a + x13 + 0x289b7ec6 + (b ^ c ^ d)) | 0;
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = (d + x0 + 0xeaa127fa + (a ^ b ^ c)) | 0;
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = (c + x3 + 0xd4ef3085 + (d ^ a ^ b)) | 0;
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = (b + x6 + 0x04881d05 + (c ^ d ^ a)) | 0;
    b = (((b << 23) | (b >>> 9)) + c) | 0;
    a = (a + x9 + 0xd9d4d039 + (b ^ c ^ d)) | 0;
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = (d + x12 + 0xe6db99e5 + (a ^ b ^ c)) | 0;
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = (c + x15 + 0x1fa27cf8 + (d ^ a ^ b)) | 0;
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = (b + x2 + 0xc4ac5665 + (c ^ d ^ a)) | 0;
    b = (((b << 23) | (b >>> 9)) + c) | 0;
    // Round 4: I, T[49..64]
    a = (a + x0 + 0xf4292244 + (c ^ (b | ~d))) | 0;
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = (d + x7 + 0x432aff97 + (b ^ (a | ~c))) | 0;
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = (c + x14 + 0xab9423a7 + (a ^ (d | ~b))) | 0;
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = (b + x5 + 0xfc93a039 + (d ^ (c | ~a))) | 0;
    b = (((b << 21) | (b >>> 11)) + c) | 0;
    a = (a + x12 + 0x655b59c3 + (c ^ (b | ~d))) | 0;
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = (d + x3 + 0x8f0ccc92 + (b ^ (a | ~c))) | 0;
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = (c + x10 + 0xffeff47d + (a ^ (d | ~b))) | 0;
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = (b + x1 + 0x85845dd1 + (d ^ (c | ~a))) | 0;
    b = (((b << 21) | (b >>> 11)) + c) | 0;
    a = (a + x8 + 0x6fa87e4f + (c ^ (b | ~d))) | 0;
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = (d + x15 + 0xfe2ce6e0 + (b ^ (a | ~c))) | 0;
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = (c + x6 + 0xa3014314 + (a ^ (d | ~b))) | 0;
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = (b + x13 + 0x4e0811a1 + (d ^ (c | ~a))) | 0;
    b = (((b << 21) | (b >>> 11)) + c) | 0;
    a = (a + x4 + 0xf7537e82 + (c ^ (b | ~d))) | 0;
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = (d + x11 + 0xbd3af235 + (b ^ (a | ~c))) | 0;
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = (c + x2 + 0x2ad7d2bb + (a ^ (d | ~b))) | 0;
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = (b + x9 + 0xeb86d391 + (d ^ (c | ~a))) | 0;
    b = (((b << 21) | (b >>> 11)) + c) | 0;
    a = (a + a0) | 0;
    b = (b + b0) | 0;
    c = (c + c0) | 0;
    d = (d + d0) | 0;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
}

/** MD5: `md5(data)` one-shot, or `md5.create()` for update()/digest()/clone(). */
export const md5: HashFunction = hashFunction({
  outputLen: 16,
  iv: [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476],
  littleEndian: true,
  compress,
});
