/**
 * One direction of the SSL 3.0 record protection, RFC 6101 section 5.2.3: the MAC over the
 * compressed fragment (5.2.3.1), then the stream or CBC block cipher (5.2.3.2), with its
 * 64-bit sequence number. Created with the null cipher and no MAC (the initial state) and
 * replaced by a fresh one at each ChangeCipherSpec.
 *
 * Decryption checks CBC padding and MAC together and fails with one alert, bad_record_mac,
 * without an early exit between them, so a peer cannot tell a padding error from a MAC error
 * (the distinction that padding-oracle attacks need). SSL 3.0's unchecked padding bytes and
 * the MAC computed over a padding-dependent length remain (POODLE; RFC 7568): they are in the
 * protocol itself.
 */
import type { BulkCipher, CipherDirection } from '../ciphers/types.js';
import type { CipherSuite } from '../ciphers/suites.js';
import { createBulkCipher } from '../ciphers/factory.js';
import { ssl3PadInPlace, ssl3PaddedLength, ssl3PaddingCheck } from '../ciphers/ssl3-padding.js';
import { RECORD_HEADER, encodeRecord, encodeRecordHeader } from './record-framer.js';
import { ctBytesEqual } from '../util/ct.js';
import { Ssl3Mac } from './ssl3-mac.js';
import { SslAlertError } from './alerts.js';

const MAX_SEQ = (1n << 64n) - 1n;

/**
 * A record's plaintext in its parts before encryption (RFC 6101 5.2.3.2, GenericBlockCipher:
 * content, MAC, padding, padding_length; a stream cipher has no padding): what sealShaped()
 * hands to its shaper.
 */
export interface RecordPlaintext {
  readonly fragment: Uint8Array;
  /** The MAC this record must carry (5.2.3.1), for this sequence number. */
  readonly mac: Uint8Array;
  /** The padding bytes followed by padding_length; empty for a stream cipher. */
  readonly padding: Uint8Array;
  /** 1 for a stream cipher. */
  readonly blockSize: number;
}

export class RecordProtection {
  private seq = 0n;

  private constructor(
    readonly suite: CipherSuite | undefined,
    private readonly cipher: BulkCipher | undefined,
    private readonly mac: Ssl3Mac | undefined,
  ) {}

  /** SSL_NULL_WITH_NULL_NULL: the state before the first ChangeCipherSpec. */
  static initial(): RecordProtection {
    return new RecordProtection(undefined, undefined, undefined);
  }

  static create(suite: CipherSuite, macSecret: Uint8Array, key: Uint8Array, iv: Uint8Array, direction: CipherDirection): RecordProtection {
    return new RecordProtection(suite, createBulkCipher(suite, key, iv, direction), new Ssl3Mac(suite.mac, macSecret));
  }

  get active(): boolean {
    return this.mac !== undefined;
  }

  /** A CBC suite: each record's IV is the last ciphertext block of the one before (5.2.3.2). */
  get chainsIv(): boolean {
    return this.cipher?.kind === 'block';
  }

  get sequenceNumber(): bigint {
    return this.seq;
  }

  private nextSeq(): bigint {
    // RFC 6101 5.2.3: sequence numbers may not wrap; a connection this long must end.
    if (this.seq === MAX_SEQ) throw new SslAlertError('SEQUENCE_EXHAUSTED', 'sequence number exhausted');
    return this.seq++;
  }

  /**
   * The whole record (5-byte header, then the ciphertext) for a plaintext fragment. Content,
   * MAC and padding are laid out once in the record's own buffer and encrypted there in place:
   * bulk data then costs one copy on the way out instead of four.
   */
  seal(contentType: number, version: number, fragment: Uint8Array): Uint8Array {
    if (!this.mac || !this.cipher) return encodeRecord(contentType, version, fragment);
    const mac = this.mac.compute(this.nextSeq(), contentType, fragment);
    const plainLength = fragment.length + mac.length;
    const bodyLength = this.cipher.kind === 'block' ? ssl3PaddedLength(plainLength, this.cipher.blockSize) : plainLength;
    const record = encodeRecordHeader(contentType, version, bodyLength);
    record.set(fragment, RECORD_HEADER);
    record.set(mac, RECORD_HEADER + fragment.length);
    const body = record.subarray(RECORD_HEADER);
    if (bodyLength > plainLength) ssl3PadInPlace(body, plainLength);
    this.cipher.update(body, body);
    return record;
  }

  /**
   * The seam for a misbehaving peer (src/harness): seals one record like seal(), consuming a
   * sequence number and advancing the cipher state, but lets `shape` lay out the plaintext
   * from the correct parts (the fragment, the MAC it must carry, the padding and its length
   * byte) before it is encrypted. Changing one byte of what `shape` returns makes a record
   * whose only fault is that byte, under the keys the engine derived. A block cipher needs
   * whole blocks back. Without keys (the initial state) the MAC and padding are empty and
   * what `shape` returns is the record body. seal() itself stays as it is: the hot path.
   */
  sealShaped(contentType: number, version: number, fragment: Uint8Array, shape: (parts: RecordPlaintext) => Uint8Array): Uint8Array {
    if (!this.mac || !this.cipher) return encodeRecord(contentType, version, shape({ fragment, mac: new Uint8Array(0), padding: new Uint8Array(0), blockSize: 1 }));
    const mac = this.mac.compute(this.nextSeq(), contentType, fragment);
    const bs = this.cipher.blockSize;
    const plainLength = fragment.length + mac.length;
    const padding = new Uint8Array(this.cipher.kind === 'block' ? ssl3PaddedLength(plainLength, bs) - plainLength : 0);
    padding.fill(padding.length - 1);
    const plain = shape({ fragment, mac, padding, blockSize: bs }).slice();
    return encodeRecord(contentType, version, this.cipher.update(plain, plain));
  }

  /**
   * Returns the plaintext fragment of a record body, or throws bad_record_mac. The body is
   * decrypted in place: it must be the caller's own copy (RecordReader.next() returns one).
   */
  open(contentType: number, body: Uint8Array): Uint8Array {
    if (!this.mac || !this.cipher) return body;
    const macLen = this.mac.length;
    const bs = this.cipher.blockSize;
    if (body.length < macLen + (this.cipher.kind === 'block' ? 1 : 0) || body.length % bs !== 0) {
      // Lengths are public (they are on the wire): rejecting them early leaks nothing.
      throw new SslAlertError('BAD_RECORD_MAC', `record of ${body.length} bytes cannot hold a ${macLen}-byte MAC`);
    }
    const plain = this.cipher.update(body, body);
    let goodMask = -1;
    let contentEnd = plain.length - macLen;
    if (this.cipher.kind === 'block') {
      const check = ssl3PaddingCheck(plain, bs, macLen);
      goodMask = check.goodMask;
      contentEnd = check.contentEnd;
    }
    const expected = this.mac.compute(this.nextSeq(), contentType, plain, contentEnd);
    const macOk = ctBytesEqual(expected, plain.subarray(contentEnd, contentEnd + macLen));
    if ((goodMask & (macOk ? -1 : 0)) === 0) throw new SslAlertError('BAD_RECORD_MAC', 'record MAC or padding check failed');
    return plain.subarray(0, contentEnd);
  }
}
