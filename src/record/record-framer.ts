/**
 * Record framing, RFC 6101 section 5.2.1: splits an incoming byte stream into records and
 * builds outgoing ones, fragmenting anything longer than 2^14 bytes. Also recognises the
 * SSL 2.0-compatible ClientHello (RFC 6101 Appendix E; the SSLv2 header layout is in
 * RFC 5246 Appendix E.2) that legacy clients send as their first record.
 */
import { ContentType, MAX_CIPHERTEXT, MAX_PLAINTEXT, contentTypeName, isContentType } from './content-types.js';
import { SslAlertError } from './alerts.js';

export interface Record {
  readonly type: ContentType;
  /** The record header's version, (major << 8) | minor. */
  readonly version: number;
  readonly body: Uint8Array;
}

/** An SSLv2-format CLIENT-HELLO: `message` starts at its msg_type byte (what the transcript hashes). */
export interface V2ClientHello {
  readonly type: 'v2-client-hello';
  readonly message: Uint8Array;
}

/** SSLv2 header: top bit set on a two-byte length, then msg_type 1 = CLIENT-HELLO. */
function looksLikeV2ClientHello(b: Uint8Array, off: number): boolean {
  return (b[off] & 0x80) !== 0 && b[off + 2] === 1;
}

export class RecordReader {
  private buf = new Uint8Array(0);
  private start = 0;
  private end = 0;
  /** Accept an SSLv2-format ClientHello as the very first record (server side only). */
  private v2HelloAllowed: boolean;

  constructor(options: { acceptV2ClientHello?: boolean } = {}) {
    this.v2HelloAllowed = options.acceptV2ClientHello ?? false;
  }

  /** Bytes received but not yet returned as records. */
  get buffered(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.end + chunk.length > this.buf.length) {
      const need = this.end - this.start + chunk.length;
      if (need <= this.buf.length) {
        // Room once the records already returned are dropped: move the partial record down
        // rather than allocate (and zero) a new buffer for every network read.
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array(Math.max(need, Math.min(this.buf.length * 2, need + MAX_CIPHERTEXT + 5)));
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.end -= this.start;
      this.start = 0;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The next complete record, or undefined if more bytes are needed. Throws SslAlertError on garbage. */
  next(): Record | V2ClientHello | undefined {
    const b = this.buf;
    const off = this.start;
    if (this.end - off < 5) {
      if (this.v2HelloAllowed && this.end - off >= 3 && looksLikeV2ClientHello(b, off)) return this.nextV2();
      return undefined;
    }
    if (this.v2HelloAllowed && looksLikeV2ClientHello(b, off)) return this.nextV2();
    this.v2HelloAllowed = false;
    const type = b[off];
    const version = (b[off + 1] << 8) | b[off + 2];
    const length = (b[off + 3] << 8) | b[off + 4];
    if (!isContentType(type)) {
      throw new SslAlertError('NOT_SSL', `not an SSL record: content type ${contentTypeName(type)}${looksLikeHttp(b, off) ? ' (this looks like plain HTTP)' : ''}`);
    }
    if (b[off + 1] !== 3) throw new SslAlertError('RECORD_VERSION', `record version ${b[off + 1]}.${b[off + 2]} is not SSL 3.x`);
    if (length > MAX_CIPHERTEXT) throw new SslAlertError('RECORD_OVERFLOW', `record of ${length} bytes exceeds 2^14+2048`);
    if (this.end - off < 5 + length) return undefined;
    this.start = off + 5 + length;
    // Copy: the caller may keep the body while the buffer is reused.
    return { type, version, body: b.slice(off + 5, off + 5 + length) };
  }

  private nextV2(): V2ClientHello | undefined {
    const b = this.buf;
    const off = this.start;
    const length = ((b[off] & 0x7f) << 8) | b[off + 1];
    if (length < 9) throw new SslAlertError('DECODE_ERROR', `SSLv2 ClientHello of ${length} bytes is too short`);
    if (this.end - off < 2 + length) return undefined;
    this.v2HelloAllowed = false;
    this.start = off + 2 + length;
    return { type: 'v2-client-hello', message: b.slice(off + 2, off + 2 + length) };
  }
}

function looksLikeHttp(b: Uint8Array, off: number): boolean {
  const s = String.fromCharCode(b[off], b[off + 1], b[off + 2]);
  return ['GET', 'POS', 'HEA', 'PUT', 'DEL', 'OPT', 'CON', 'PAT'].includes(s);
}

/** type(1) version(2) length(2), RFC 6101 5.2.1. */
export const RECORD_HEADER = 5;

/** A record buffer with its header written and room for a body of `bodyLength` bytes. */
export function encodeRecordHeader(type: number, version: number, bodyLength: number): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER + bodyLength);
  out[0] = type;
  out[1] = version >> 8;
  out[2] = version & 0xff;
  out[3] = bodyLength >> 8;
  out[4] = bodyLength & 0xff;
  return out;
}

/** The 5-byte header plus body. */
export function encodeRecord(type: number, version: number, body: Uint8Array): Uint8Array {
  const out = encodeRecordHeader(type, version, body.length);
  out.set(body, RECORD_HEADER);
  return out;
}

/** Splits data into plaintext fragments of at most 2^14 bytes (or `max`). */
export function* fragments(data: Uint8Array, max = MAX_PLAINTEXT): Generator<Uint8Array> {
  for (let off = 0; off < data.length; off += max) yield data.subarray(off, Math.min(data.length, off + max));
}
