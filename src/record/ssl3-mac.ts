/**
 * The SSL 3.0 record MAC, RFC 6101 section 5.2.3.1:
 *
 *   hash(MAC_write_secret + pad_2 +
 *        hash(MAC_write_secret + pad_1 + seq_num + type + length + content))
 *
 * It predates HMAC: the secret is not XORed into the pads and the pads are 48 bytes for MD5
 * and 40 for SHA-1 (so that secret + pad fills most of one 64-byte hash block). The hash
 * states after "secret + pad" are computed once per key and cloned per record, which saves
 * two compression-function calls on every record.
 */
import { md5 } from '../ciphers/md5.js';
import { sha1 } from '../ciphers/sha1.js';
import type { MacAlgorithm } from '../ciphers/types.js';

type HashFn = typeof md5 | typeof sha1;
type HashState = ReturnType<HashFn['create']>;

const HASHES: Record<MacAlgorithm, { fn: HashFn; padLength: number }> = {
  md5: { fn: md5, padLength: 48 },
  sha1: { fn: sha1, padLength: 40 },
};

export function macLength(alg: MacAlgorithm): number {
  return HASHES[alg].fn.outputLen;
}

export class Ssl3Mac {
  readonly length: number;
  private readonly inner: HashState;
  private readonly outer: HashState;
  private readonly header = new Uint8Array(11);

  constructor(
    readonly algorithm: MacAlgorithm,
    secret: Uint8Array,
  ) {
    const { fn, padLength } = HASHES[algorithm];
    this.length = fn.outputLen;
    this.inner = fn.create().update(secret).update(new Uint8Array(padLength).fill(0x36));
    this.outer = fn.create().update(secret).update(new Uint8Array(padLength).fill(0x5c));
  }

  /** The MAC of one record: `seq` is the 64-bit sequence number of this direction. */
  compute(seq: bigint, contentType: number, content: Uint8Array, contentEnd = content.length): Uint8Array {
    const innerDigest = this.inner.clone().update(this.macHeader(seq, contentType, contentEnd)).update(content.subarray(0, contentEnd)).digest();
    return this.outer.clone().update(innerDigest).digest();
  }

  /**
   * The MAC with what goes into it, for a learner (src/trace/explain): `header` is
   * seq_num + type + length, hashed after MAC_write_secret + pad_1 and before the content;
   * `inner` is that inner hash.
   */
  steps(seq: bigint, contentType: number, content: Uint8Array): { header: Uint8Array; inner: Uint8Array; mac: Uint8Array } {
    const header = this.macHeader(seq, contentType, content.length).slice();
    const inner = this.inner.clone().update(header).update(content).digest();
    return { header, inner, mac: this.outer.clone().update(inner).digest() };
  }

  /** seq_num (8 bytes), type (1), length (2), in a buffer reused per record. */
  private macHeader(seq: bigint, contentType: number, length: number): Uint8Array {
    const h = this.header;
    const view = new DataView(h.buffer);
    view.setBigUint64(0, seq);
    h[8] = contentType;
    view.setUint16(9, length);
    return h;
  }
}
