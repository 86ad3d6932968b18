/**
 * Differential checks shared by the MD5 and SHA-1 tests (src/ciphers/md5.ts, sha1.ts and
 * their common Merkle-Damgard framing in md-hash.ts), with node:crypto (OpenSSL) as the
 * reference: every short length, random splits across update() calls, unaligned input,
 * clone() independence, the finished-instance rules, and inputs large enough to carry into
 * the high word of the 64-bit length field.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HashFunction } from '../../src/ciphers/md-hash.js';
import { toHex } from '../../src/util/bytes.js';
import { seededBytes, seededInt } from './helpers.js';

const ascii = (s: string) => new TextEncoder().encode(s);

export function hashChecks(name: 'md5' | 'sha1', fn: HashFunction, outputLen: number, seed: number): void {
  const native = (...parts: Uint8Array[]): string => {
    const h = createHash(name);
    for (const p of parts) h.update(p);
    return h.digest('hex');
  };

  describe(`${name}: against node:crypto`, () => {
    it('exposes outputLen and blockLen like @noble/hashes', () => {
      expect(fn.outputLen).toBe(outputLen);
      expect(fn.blockLen).toBe(64);
      expect(fn.create().outputLen).toBe(outputLen);
      expect(fn.create().blockLen).toBe(64);
      expect(fn(new Uint8Array(0)).length).toBe(outputLen);
    });

    it('every length 0..300, one-shot, incremental and byte by byte', () => {
      const rand = seededBytes(seed);
      const data = rand(300);
      for (let n = 0; n <= 300; n++) {
        const msg = data.subarray(0, n);
        const want = native(msg);
        expect(toHex(fn(msg)), `length ${n}`).toBe(want);
        const cut = n >> 1;
        expect(toHex(fn.create().update(msg.subarray(0, cut)).update(msg.subarray(cut)).digest()), `length ${n} split`).toBe(want);
        const h = fn.create();
        for (let i = 0; i < n; i++) h.update(msg.subarray(i, i + 1));
        expect(toHex(h.digest()), `length ${n} bytewise`).toBe(want);
      }
    });

    it('random splits of random inputs, including empty pieces and odd byte offsets', () => {
      const rand = seededBytes(seed + 1);
      const int = seededInt(rand);
      for (let round = 0; round < 200; round++) {
        const len = int(0, round < 150 ? 600 : 20000);
        // A subarray at a random offset, so whole blocks are read from unaligned addresses.
        const shift = int(0, 7);
        const msg = rand(len + shift).subarray(shift);
        const h = fn.create();
        for (let pos = 0; pos < len; ) {
          const piece = int(0, 1 + (int(0, 3) === 0 ? 300 : 70));
          h.update(msg.subarray(pos, pos + piece));
          pos += piece;
        }
        expect(toHex(h.digest()), `round ${round}, length ${len}`).toBe(native(msg));
      }
    });

    it('accepts Buffers and rejects non-byte input', () => {
      const b = Buffer.from('The quick brown fox jumps over the lazy dog');
      expect(toHex(fn(b))).toBe(native(b));
      expect(() => fn.create().update('abc' as unknown as Uint8Array)).toThrow(TypeError);
    });

    it('clone() is independent of the original, at every buffer fill level', () => {
      const rand = seededBytes(seed + 2);
      const prefix = rand(200);
      const x = rand(150);
      const y = rand(77);
      for (const cut of [0, 1, 55, 56, 63, 64, 65, 128, 200]) {
        const p = prefix.subarray(0, cut);
        const h = fn.create().update(p);
        const c = h.clone();
        h.update(x);
        c.update(y);
        // The clone of a clone, taken after the original moved on, also stands alone.
        const cc = c.clone().update(x);
        expect(toHex(c.digest()), `cut ${cut} clone`).toBe(native(p, y));
        expect(toHex(h.digest()), `cut ${cut} original`).toBe(native(p, x));
        expect(toHex(cc.digest()), `cut ${cut} clone of clone`).toBe(native(p, y, x));
      }
    });

    it('a cached state can be cloned and finished any number of times (the record MAC pattern)', () => {
      const base = fn.create().update(ascii('secret and pad, cloned per record'));
      for (let i = 0; i < 5; i++) {
        const rec = new Uint8Array(i * 100).fill(i);
        expect(toHex(base.clone().update(rec).digest())).toBe(native(ascii('secret and pad, cloned per record'), rec));
      }
    });

    it('digest() finishes the instance: a second digest() or a later update() throws, as in noble', () => {
      const h = fn.create().update(ascii('abc'));
      const c = h.clone();
      const d = h.digest();
      expect(toHex(d)).toBe(native(ascii('abc')));
      expect(() => h.digest()).toThrow(/already/);
      expect(() => h.update(ascii('x'))).toThrow(/already/);
      // A clone of a finished instance is finished too; one taken before is not.
      expect(() => h.clone().digest()).toThrow(/already/);
      expect(c.digest()).toEqual(d);
      // digest() returns a fresh array each time, not a view of internal state.
      const e = fn(ascii('abc'));
      e.fill(0);
      expect(toHex(fn(ascii('abc')))).toBe(native(ascii('abc')));
    });

    it('several MB, one-shot and in odd-sized chunks', () => {
      const rand = seededBytes(seed + 3);
      const big = rand(5 * 1024 * 1024 + 13);
      const want = native(big);
      expect(toHex(fn(big))).toBe(want);
      const h = fn.create();
      for (let pos = 0; pos < big.length; pos += 65_537) h.update(big.subarray(pos, pos + 65_537));
      expect(toHex(h.digest())).toBe(want);
    });

    it('a message over 2^32 bits, so the length field high word is non-zero', () => {
      const chunk = seededBytes(seed + 4)(1024 * 1024);
      const ours = fn.create();
      const ref = createHash(name);
      // 513 MiB + 3 bytes: bit length 2^32 + 2^23 + 24.
      for (let i = 0; i < 513; i++) {
        ours.update(chunk);
        ref.update(chunk);
      }
      ours.update(chunk.subarray(0, 3));
      ref.update(chunk.subarray(0, 3));
      expect(toHex(ours.digest())).toBe(ref.digest('hex'));
    });
  });
}
