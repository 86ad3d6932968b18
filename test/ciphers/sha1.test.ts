/**
 * SHA-1 (src/ciphers/sha1.ts): the FIPS 180-4 / NIST example messages (the NIST "Examples
 * with Intermediate Values" for SHA-1 and the long-message vectors of FIPS 180-2 appendix
 * A), then the shared differential checks against node:crypto (hash-checks.ts), and the
 * same under noble's HMAC and PBKDF2, which pki's encrypted keys run it through.
 */
import { createHmac, pbkdf2Sync } from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { describe, expect, it } from 'vitest';
import { sha1 } from '../../src/ciphers/sha1.js';
import { toHex } from '../../src/util/bytes.js';
import { hashChecks } from './hash-checks.js';

const ascii = (s: string) => new TextEncoder().encode(s);

const NIST: [string, string, string][] = [
  ['empty', '', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ['one block, "abc"', 'abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ['two blocks, 448 bits', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
  [
    '896 bits',
    'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    'a49b2446a02c645bf419f995b67091253a04a259',
  ],
];

describe('sha1: FIPS 180-4 / NIST examples', () => {
  for (const [label, msg, want] of NIST) {
    it(label, () => {
      expect(toHex(sha1(ascii(msg)))).toBe(want);
      const h = sha1.create();
      for (const ch of msg) h.update(ascii(ch));
      expect(toHex(h.digest())).toBe(want);
    });
  }

  it("one million 'a'", () => {
    const want = '34aa973cd4c4daa4f61eeb2bdbad27316534016f';
    const a = new Uint8Array(1_000_000).fill(0x61);
    expect(toHex(sha1(a))).toBe(want);
    // The classic way: 1000 updates of 1000 bytes (1000 is not a multiple of 64).
    const h = sha1.create();
    for (let i = 0; i < 1000; i++) h.update(a.subarray(0, 1000));
    expect(toHex(h.digest())).toBe(want);
  });
});

hashChecks('sha1', sha1, 20, 0x180f4);

describe('sha1 under @noble/hashes HMAC and PBKDF2 (pki PBES2 with hmacWithSHA1)', () => {
  it('gives what node:crypto gives, for short and long keys and several iteration counts', () => {
    for (const [password, iterations] of [['pw', 1], ['a password longer than the 64-byte block of SHA-1, so HMAC hashes it first', 7], ['', 2048]] as const) {
      const salt = ascii('salt of some length');
      const ours = pbkdf2(sha1, ascii(password), salt, { c: iterations, dkLen: 45 });
      expect(toHex(ours), `${password} x${iterations}`).toBe(pbkdf2Sync(password, salt, iterations, 45, 'sha1').toString('hex'));
    }
    const key = ascii('k'.repeat(70));
    expect(toHex(hmac(sha1, key, ascii('data')))).toBe(createHmac('sha1', key).update('data').digest('hex'));
  });
});
