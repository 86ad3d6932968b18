/**
 * MD5 (src/ciphers/md5.ts): the RFC 1321 appendix A.5 test suite, then the shared
 * differential checks against node:crypto (hash-checks.ts).
 */
import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/ciphers/md5.js';
import { toHex } from '../../src/util/bytes.js';
import { hashChecks } from './hash-checks.js';

const ascii = (s: string) => new TextEncoder().encode(s);

// RFC 1321 appendix A.5, "Test suite".
const RFC1321: [string, string][] = [
  ['', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['a', '0cc175b9c0f1b6a831c399e269772661'],
  ['abc', '900150983cd24fb0d6963f7d28e17f72'],
  ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
  ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
  ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
];

describe('md5: RFC 1321 A.5 test suite', () => {
  for (const [msg, want] of RFC1321) {
    it(`MD5 ("${msg}")`, () => {
      expect(toHex(md5(ascii(msg)))).toBe(want);
      const h = md5.create();
      for (const ch of msg) h.update(ascii(ch));
      expect(toHex(h.digest())).toBe(want);
    });
  }
});

hashChecks('md5', md5, 16, 0x31321);
