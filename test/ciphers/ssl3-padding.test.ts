/**
 * SSL 3.0 block padding (src/ciphers/ssl3-padding.ts), RFC 6101 section 5.2.3.2:
 * GenericBlockCipher = content, MAC, padding[padding_length], padding_length, a whole number
 * of blocks, padding_length less than the block size, the padding bytes' values unspecified.
 */
import { describe, it, expect } from 'vitest';
import { ssl3Pad, ssl3PaddingCheck, ssl3Unpad } from '../../src/ciphers/ssl3-padding.js';
import { CipherError } from '../../src/util/errors.js';
import { concatBytes, toHex } from '../../src/util/bytes.js';
import { errorCode, seededBytes, seededInt, thrown } from './helpers.js';

const BLOCK_SIZES = [8, 16];
const MAC_LENGTHS = [0, 16, 20];

/** What the check must say for `n` decrypted bytes ending in padding_length `padLength`. */
function expected(n: number, blockSize: number, macLength: number, padLength: number): { goodMask: number; contentEnd: number } {
  const good = n > 0 && n % blockSize === 0 && padLength < blockSize && padLength + macLength + 1 <= n;
  return good ? { goodMask: -1, contentEnd: n - 1 - padLength - macLength } : { goodMask: 0, contentEnd: Math.max(0, n - 1 - macLength) };
}

describe('ssl3Pad', () => {
  it('pads every length 0..40 to whole blocks with the fewest bytes, padding_length repeated', () => {
    const rand = seededBytes(111);
    for (const bs of BLOCK_SIZES) {
      for (let n = 0; n <= 40; n++) {
        const data = rand(n);
        const before = toHex(data);
        const padded = ssl3Pad(data, bs);
        const padLength = padded[padded.length - 1];
        expect(padded.length % bs, `bs ${bs} n ${n}`).toBe(0);
        expect(padded.length, `bs ${bs} n ${n}`).toBe(n + padLength + 1);
        expect(padLength).toBeLessThan(bs);
        // The fewest: one block less would not hold the data and the length byte.
        expect(padded.length - bs).toBeLessThan(n + 1);
        expect(toHex(padded.subarray(0, n))).toBe(before);
        expect([...padded.subarray(n)].every((b) => b === padLength), `bs ${bs} n ${n}`).toBe(true);
        expect(toHex(data)).toBe(before);
      }
    }
  });
});

describe('round trips', () => {
  it('content of every length 0..40, block sizes 8 and 16, MAC lengths 0, 16 and 20', () => {
    const rand = seededBytes(112);
    for (const bs of BLOCK_SIZES) {
      for (const macLength of MAC_LENGTHS) {
        for (let n = 0; n <= 40; n++) {
          const content = rand(n);
          const mac = rand(macLength);
          const padded = ssl3Pad(concatBytes(content, mac), bs);
          const label = `bs ${bs} mac ${macLength} n ${n}`;
          expect(ssl3PaddingCheck(padded, bs, macLength), label).toEqual({ goodMask: -1, contentEnd: n });
          expect(toHex(ssl3Unpad(padded, bs, macLength)), label).toBe(toHex(content));
          // The MAC sits right after the content.
          expect(toHex(padded.subarray(n, n + macLength)), label).toBe(toHex(mac));
        }
      }
    }
  });

  it('ssl3Unpad defaults to no MAC', () => {
    const padded = ssl3Pad(Uint8Array.of(1, 2, 3), 8);
    expect([...ssl3Unpad(padded, 8)]).toEqual([1, 2, 3]);
  });
});

describe('what a receiver accepts', () => {
  it('any padding bytes: SSL 3.0 does not fix their values (random, zero or TLS-style)', () => {
    const rand = seededBytes(113);
    const int = seededInt(rand);
    for (let c = 0; c < 300; c++) {
      const bs = BLOCK_SIZES[c % 2];
      const macLength = MAC_LENGTHS[c % 3];
      const contentLength = int(0, 60);
      const padLength = bs - 1 - ((contentLength + macLength) % bs);
      // Padding of random bytes, never equal to padding_length (so a TLS-style check would fail).
      const padding = rand(padLength).map((b) => (b === padLength ? b ^ 0x80 : b));
      const content = rand(contentLength);
      const record = concatBytes(content, rand(macLength), padding, Uint8Array.of(padLength));
      expect(record.length % bs).toBe(0);
      expect(ssl3PaddingCheck(record, bs, macLength), `case ${c}`).toEqual({ goodMask: -1, contentEnd: contentLength });
      expect(toHex(ssl3Unpad(record, bs, macLength))).toBe(toHex(content));
    }
    for (const fill of [0x00, 0xff]) {
      const record = concatBytes(new Uint8Array(5), new Uint8Array(10).fill(fill), Uint8Array.of(10));
      expect(ssl3PaddingCheck(record, 16, 0)).toEqual({ goodMask: -1, contentEnd: 5 });
    }
  });

  it('more padding than needed, up to blockSize - 1, is accepted', () => {
    // 3 content bytes with 12 bytes of padding in one 16-byte block: legal, if not minimal.
    const record = concatBytes(Uint8Array.of(7, 8, 9), new Uint8Array(12), Uint8Array.of(12));
    expect(ssl3PaddingCheck(record, 16, 0)).toEqual({ goodMask: -1, contentEnd: 3 });
    // padding_length 15 with a 16-byte block and no content.
    expect(ssl3PaddingCheck(Uint8Array.of(...new Uint8Array(15), 15), 16, 0)).toEqual({ goodMask: -1, contentEnd: 0 });
  });

  it('padding_length >= block size is rejected (SSL 3.0 allows less than one block; TLS allows up to 255)', () => {
    const rand = seededBytes(114);
    for (const bs of BLOCK_SIZES) {
      for (const macLength of MAC_LENGTHS) {
        for (const padLength of [bs, bs + 1, 2 * bs - 1, 2 * bs, 255]) {
          const n = 8 * bs + 64; // long enough for any of these lengths to fit
          const record = rand(n);
          record[n - 1] = padLength;
          const label = `bs ${bs} mac ${macLength} padding_length ${padLength}`;
          expect(ssl3PaddingCheck(record, bs, macLength), label).toEqual({ goodMask: 0, contentEnd: n - 1 - macLength });
          const e = thrown(() => ssl3Unpad(record, bs, macLength));
          expect(e, label).toBeInstanceOf(CipherError);
          expect((e as CipherError).code).toBe('BAD_PADDING');
        }
      }
    }
  });

  it('padding that would run into the MAC or past the start is rejected', () => {
    // One 16-byte block, 20-byte MAC: cannot hold a MAC at all.
    expect(ssl3PaddingCheck(new Uint8Array(16), 16, 20).goodMask).toBe(0);
    // 24 bytes, 20-byte MAC, padding_length 4: 20 + 4 + 1 = 25 > 24.
    const r = new Uint8Array(24);
    r[23] = 4;
    expect(ssl3PaddingCheck(r, 8, 20)).toEqual({ goodMask: 0, contentEnd: 3 });
    r[23] = 3; // 20 + 3 + 1 = 24: fits exactly, no content
    expect(ssl3PaddingCheck(r, 8, 20)).toEqual({ goodMask: -1, contentEnd: 0 });
  });

  it('too-short or misaligned input is rejected', () => {
    for (const bs of BLOCK_SIZES) {
      for (const macLength of MAC_LENGTHS) {
        for (const n of [0, 1, bs - 1, bs + 1, 2 * bs - 1]) {
          const record = new Uint8Array(n);
          const label = `bs ${bs} mac ${macLength} n ${n}`;
          expect(ssl3PaddingCheck(record, bs, macLength), label).toEqual({ goodMask: 0, contentEnd: Math.max(0, n - 1 - macLength) });
          expect(errorCode(() => ssl3Unpad(record, bs, macLength)), label).toBe('BAD_PADDING');
        }
      }
    }
  });
});

describe('the constant-time check', () => {
  it('exhaustively: every padding_length byte 0..255 for whole-block lengths up to 96', () => {
    const rand = seededBytes(115);
    for (const bs of BLOCK_SIZES) {
      for (const macLength of MAC_LENGTHS) {
        for (let n = bs; n <= 96; n += bs) {
          const record = rand(n);
          for (let padLength = 0; padLength < 256; padLength++) {
            record[n - 1] = padLength;
            const got = ssl3PaddingCheck(record, bs, macLength);
            const want = expected(n, bs, macLength, padLength);
            if (got.goodMask !== want.goodMask || got.contentEnd !== want.contentEnd) {
              // One readable failure instead of thousands of expects.
              expect(got, `bs ${bs} mac ${macLength} n ${n} padding_length ${padLength}`).toEqual(want);
            }
          }
        }
      }
    }
  });

  it('goodMask is exactly -1 or 0, and contentEnd always leaves room for the MAC inside the input', () => {
    const rand = seededBytes(116);
    const int = seededInt(rand);
    for (let c = 0; c < 2000; c++) {
      const bs = BLOCK_SIZES[c % 2];
      const macLength = MAC_LENGTHS[c % 3];
      const n = c % 10 === 0 ? int(0, 70) : bs * int(1, 8);
      const record = rand(n);
      const { goodMask, contentEnd } = ssl3PaddingCheck(record, bs, macLength);
      expect([-1, 0]).toContain(goodMask);
      expect(contentEnd).toBeGreaterThanOrEqual(0);
      // A caller can always MAC record[0, contentEnd) and read the MAC at [contentEnd, contentEnd + macLength)
      // when the input is long enough to hold a MAC and a length byte at all.
      if (n >= macLength + 1) expect(contentEnd + macLength).toBeLessThanOrEqual(n - 1);
      if (goodMask === -1) expect(contentEnd + macLength + record[n - 1] + 1).toBe(n);
    }
  });

  it('a bad padding_length gives the contentEnd of padding_length 0, so the MAC work does not shrink', () => {
    const record = new Uint8Array(64);
    record[63] = 200;
    expect(ssl3PaddingCheck(record, 16, 20)).toEqual({ goodMask: 0, contentEnd: 64 - 1 - 20 });
    record[63] = 0;
    expect(ssl3PaddingCheck(record, 16, 20)).toEqual({ goodMask: -1, contentEnd: 64 - 1 - 20 });
  });
});
