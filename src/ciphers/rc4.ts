/**
 * RC4 ("ARCFOUR"), the stream cipher of SSL_RSA_WITH_RC4_128_MD5/_SHA (RFC 6101 Appendix
 * A.6); known-answer vectors in RFC 6229. The keystream state (S, i, j) lives across
 * update() calls because SSL 3.0 runs one RC4 stream over all records of a direction
 * (RFC 6101 section 6.2.3.1). RC4 is broken (RFC 7465); it is here for legacy peers only.
 */
import type { BulkCipher } from './types.js';
import { checkKey } from './check.js';

const KEY_LENGTHS = Array.from({ length: 256 }, (_, i) => i + 1);

export class Rc4 implements BulkCipher {
  readonly kind = 'stream';
  readonly blockSize = 1;
  private readonly s = new Uint8Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Uint8Array) {
    checkKey('RC4', key, KEY_LENGTHS);
    const s = this.s;
    for (let i = 0; i < 256; i++) s[i] = i;
    // Key-scheduling algorithm.
    for (let i = 0, j = 0; i < 256; i++) {
      j = (j + s[i] + key[i % key.length]) & 0xff;
      const t = s[i];
      s[i] = s[j];
      s[j] = t;
    }
  }

  update(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    const s = this.s;
    let i = this.i;
    let j = this.j;
    for (let k = 0; k < data.length; k++) {
      i = (i + 1) & 0xff;
      const si = s[i];
      j = (j + si) & 0xff;
      const sj = s[j];
      s[i] = sj;
      s[j] = si;
      out[k] = data[k] ^ s[(si + sj) & 0xff];
    }
    this.i = i;
    this.j = j;
    return out;
  }
}
