/**
 * AES-128 and AES-256 (FIPS 197) in CBC mode (NIST SP 800-38A), for the AES suites that
 * SSLv3-only devices such as iLO use with SSL 3.0 (TLS_RSA_WITH_AES_128_CBC_SHA 0x002F and
 * _256_ 0x0035, RFC 3268). The block function is @noble/ciphers'; the key schedule is expanded
 * once per key here, and the CBC loop is ours because SSL 3.0 pads records itself
 * (RFC 6101 section 5.2.3.2), so no PKCS#7 padding may be added.
 */
import { unsafe } from '@noble/ciphers/aes.js';
import type { CbcEngine } from './types.js';
import { checkBlocks, checkIv, checkKey, checkOutput } from './check.js';

function u32le(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
}

function put32le(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
  b[o + 2] = v >>> 16;
  b[o + 3] = v >>> 24;
}

export class Aes implements CbcEngine {
  readonly blockSize = 16;
  private readonly encKey: Uint32Array;
  private decKey?: Uint32Array;
  /**
   * Our own copy of the key, for the lazily built decryption schedule: the caller may wipe or
   * reuse its array (a view into the key block, say) once the cipher exists.
   */
  private readonly key: Uint8Array;

  constructor(key: Uint8Array) {
    checkKey('AES', key, [16, 24, 32]);
    this.key = key.slice();
    this.encKey = unsafe.expandKeyLE(this.key);
  }

  /** `out` may be `data` (in place): each block is read whole before it is written. */
  encryptCbc(data: Uint8Array, iv: Uint8Array, out: Uint8Array = new Uint8Array(data.length)): Uint8Array {
    checkIv('AES', iv, 16);
    checkBlocks('AES-CBC', data, 16);
    checkOutput('AES-CBC', data, out);
    const xk = this.encKey;
    let c0 = u32le(iv, 0);
    let c1 = u32le(iv, 4);
    let c2 = u32le(iv, 8);
    let c3 = u32le(iv, 12);
    for (let o = 0; o < data.length; o += 16) {
      const r = unsafe.encrypt(xk, c0 ^ u32le(data, o), c1 ^ u32le(data, o + 4), c2 ^ u32le(data, o + 8), c3 ^ u32le(data, o + 12));
      c0 = r.s0;
      c1 = r.s1;
      c2 = r.s2;
      c3 = r.s3;
      put32le(out, o, c0);
      put32le(out, o + 4, c1);
      put32le(out, o + 8, c2);
      put32le(out, o + 12, c3);
    }
    return out;
  }

  decryptCbc(data: Uint8Array, iv: Uint8Array, out: Uint8Array = new Uint8Array(data.length)): Uint8Array {
    checkIv('AES', iv, 16);
    checkBlocks('AES-CBC', data, 16);
    checkOutput('AES-CBC', data, out);
    // The decryption schedule is only needed by the receiving direction: build it lazily.
    const xk = (this.decKey ??= unsafe.expandKeyDecLE(this.key));
    let p0 = u32le(iv, 0);
    let p1 = u32le(iv, 4);
    let p2 = u32le(iv, 8);
    let p3 = u32le(iv, 12);
    for (let o = 0; o < data.length; o += 16) {
      const c0 = u32le(data, o);
      const c1 = u32le(data, o + 4);
      const c2 = u32le(data, o + 8);
      const c3 = u32le(data, o + 12);
      const r = unsafe.decrypt(xk, c0, c1, c2, c3);
      put32le(out, o, r.s0 ^ p0);
      put32le(out, o + 4, r.s1 ^ p1);
      put32le(out, o + 8, r.s2 ^ p2);
      put32le(out, o + 12, r.s3 ^ p3);
      p0 = c0;
      p1 = c1;
      p2 = c2;
      p3 = c3;
    }
    return out;
  }
}
