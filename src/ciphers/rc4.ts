/**
 * RC4 (the "ARCFOUR" algorithm), the stream cipher of SSL_RSA_WITH_RC4_128_MD5 and
 * SSL_RSA_WITH_RC4_128_SHA (RFC 6101 Appendix A.6); known-answer vectors in RFC 6229.
 * The keystream state (S, i, j) lives across update() calls because SSL 3.0 runs one RC4
 * stream over all records of a direction (RFC 6101 section 5.2.3.1). RC4 is broken
 * (RFC 7465); it is here for legacy peers only.
 */
import type { BulkCipher } from './types.js';
import { checkKey, checkOutput } from './check.js';

const KEY_LENGTHS = Array.from({ length: 256 }, (_, i) => i + 1);

/**
 * The word-at-a-time XOR below assembles four keystream bytes into one 32-bit word in memory
 * order, which is little-endian order on every platform Node ships for but s390x; elsewhere
 * the byte loop does all the work.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export class Rc4 implements BulkCipher {
  readonly kind = 'stream';
  readonly blockSize = 1;
  /**
   * The permutation S. An Int32Array, not a Uint8Array: V8 then keeps the swapped values as
   * plain integers. With the 32-bit XOR in update() this measured 1.1-1.3x OpenSSL's RC4
   * (node --openssl-legacy-provider) on 16 KiB records, where a Uint8Array S with a byte-wise
   * XOR measured 0.45-0.8x on the same (shared, noisy) machine.
   */
  private readonly s = new Int32Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Uint8Array) {
    checkKey('RC4', key, KEY_LENGTHS);
    const s = this.s;
    for (let i = 0; i < 256; i++) s[i] = i;
    // Key-scheduling algorithm (KSA). The key is read here only, so the caller may wipe it.
    const n = key.length;
    for (let i = 0, j = 0; i < 256; i++) {
      const si = s[i];
      j = (j + si + key[i % n]) & 0xff;
      s[i] = s[j];
      s[j] = si;
    }
  }

  /**
   * XORs `data` with the next data.length keystream bytes (PRGA) and returns a new array, or
   * `out` (data.length bytes; may be `data` itself, to work in place).
   */
  update(data: Uint8Array, out?: Uint8Array): Uint8Array {
    const n = data.length;
    if (out === undefined) out = new Uint8Array(n);
    else checkOutput('RC4', data, out);
    // Copying first lets the main loop XOR whole aligned words of `out` in place, whatever
    // the alignment of `data` (records arrive as views at odd offsets of a read buffer).
    if (out !== data) out.set(data);
    // Bytes up to the first 4-byte boundary of `out`'s buffer, then words, then the rest.
    const head = LITTLE_ENDIAN ? Math.min(n, (4 - (out.byteOffset & 3)) & 3) : n;
    const words = (n - head) >>> 2;
    this.xorBytes(out, 0, head);
    const s = this.s;
    let i = this.i;
    let j = this.j;
    if (words > 0) {
      const w = new Uint32Array(out.buffer, out.byteOffset + head, words);
      for (let q = 0; q < words; q++) {
        let si: number, sj: number, ks: number;
        i = (i + 1) & 0xff; si = s[i]; j = (j + si) & 0xff; sj = s[j]; s[i] = sj; s[j] = si; ks = s[(si + sj) & 0xff];
        i = (i + 1) & 0xff; si = s[i]; j = (j + si) & 0xff; sj = s[j]; s[i] = sj; s[j] = si; ks |= s[(si + sj) & 0xff] << 8;
        i = (i + 1) & 0xff; si = s[i]; j = (j + si) & 0xff; sj = s[j]; s[i] = sj; s[j] = si; ks |= s[(si + sj) & 0xff] << 16;
        i = (i + 1) & 0xff; si = s[i]; j = (j + si) & 0xff; sj = s[j]; s[i] = sj; s[j] = si; ks |= s[(si + sj) & 0xff] << 24;
        w[q] ^= ks;
      }
      this.i = i;
      this.j = j;
    }
    this.xorBytes(out, head + 4 * words, n);
    return out;
  }

  /** The PRGA one byte at a time over out[from..to). */
  private xorBytes(out: Uint8Array, from: number, to: number): void {
    const s = this.s;
    let i = this.i;
    let j = this.j;
    for (let k = from; k < to; k++) {
      i = (i + 1) & 0xff;
      const si = s[i];
      j = (j + si) & 0xff;
      const sj = s[j];
      s[i] = sj;
      s[j] = si;
      out[k] ^= s[(si + sj) & 0xff];
    }
    this.i = i;
    this.j = j;
  }
}
