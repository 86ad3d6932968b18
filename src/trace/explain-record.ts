/**
 * Opening one direction's captured records step by step, RFC 6101 section 5.2.3, for a
 * learner: decrypt (5.2.3.2; CBC continues from the previous record's last ciphertext block),
 * split off padding_length, the padding and the MAC, recompute the MAC over
 * seq_num + type + length + content (5.2.3.1) and compare. The engine's RecordProtection does
 * the same in constant time and says only "bad_record_mac"; this says which part failed,
 * which is harmless here: it reads a finished capture, it answers no peer.
 *
 * It uses the engine's own pieces: the suite table, the bulk ciphers, the SSL 3.0 MAC.
 */
import type { CipherSuite } from '../ciphers/suites.js';
import type { BulkCipher } from '../ciphers/types.js';
import { createBulkCipher } from '../ciphers/factory.js';
import { Ssl3Mac } from '../record/ssl3-mac.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import type { RecordDecryption } from './explain-model.js';

export class RecordDecryptor {
  private seq = 0n;
  private readonly cipher: BulkCipher;
  private readonly mac: Ssl3Mac;
  /** Set when a record could not be decrypted at all: the cipher's running state is lost from there. */
  private broken?: string;

  constructor(
    readonly suite: CipherSuite,
    macSecret: Uint8Array,
    key: Uint8Array,
    iv: Uint8Array,
  ) {
    this.cipher = createBulkCipher(suite, key, iv, 'decrypt');
    this.mac = new Ssl3Mac(suite.mac, macSecret);
  }

  /** Opens one record body: how it went, and the plaintext fragment when the MAC checked. */
  open(contentType: number, body: Uint8Array): { decryption: RecordDecryption; fragment?: Uint8Array } {
    const seq = this.seq++;
    const base = { cipher_suite: this.suite.rfcName, seq_num: seq.toString() };
    if (this.broken) return { decryption: { ...base, ok: false, verdict: `not decrypted: ${this.broken}` } };
    const macLength = this.mac.length;
    const block = this.cipher.kind === 'block';
    const bs = this.cipher.blockSize;
    if (block && body.length % bs !== 0) {
      this.broken = `record ${seq} was not a whole number of ${bs}-byte blocks, so the CBC chain is lost after it`;
      return { decryption: { ...base, ok: false, verdict: `${body.length} bytes is not a whole number of ${bs}-byte cipher blocks` } };
    }
    const plain = this.cipher.update(body.slice());
    let contentEnd = plain.length - macLength;
    let padding: RecordDecryption['padding'];
    if (block) {
      const padLength = plain[plain.length - 1] ?? 0;
      padding = { length: padLength, bytes: toHex(plain.subarray(Math.max(0, plain.length - 1 - padLength), plain.length - 1)) };
      // RFC 6101 5.2.3.2: padding_length is less than the block length; the bytes themselves are not checked.
      if (padLength >= bs) return { decryption: { ...base, padding, ok: false, verdict: `bad padding: padding_length ${padLength} is not less than the ${bs}-byte block (wrong keys, or the record was changed)` } };
      contentEnd = plain.length - 1 - padLength - macLength;
    }
    if (contentEnd < 0) return { decryption: { ...base, padding, ok: false, verdict: `${body.length} bytes cannot hold a ${macLength}-byte MAC${block ? ' and the padding' : ''}` } };
    const content = plain.subarray(0, contentEnd);
    const received = plain.subarray(contentEnd, contentEnd + macLength);
    const steps = this.mac.steps(seq, contentType, content);
    const ok = bytesEqual(steps.mac, received);
    const decryption: RecordDecryption = {
      ...base,
      mac_input: toHex(steps.header),
      mac_inner: toHex(steps.inner),
      mac_expected: toHex(steps.mac),
      mac_received: toHex(received),
      ...(padding ? { padding } : {}),
      ok,
      verdict: ok ? 'MAC ok' : 'MAC differs: wrong keys, or the record was changed on the way',
    };
    return ok ? { decryption, fragment: content.slice() } : { decryption };
  }
}
