/**
 * The symmetric byte codec for SSL 3.0 structures (RFC 6101 section 4, "Presentation
 * language"): fixed-width big-endian integers and vectors with 1-, 2- or 3-byte length
 * prefixes. A Reader's sub-reader covers exactly one length-prefixed vector and must be
 * consumed exactly (expectEnd), so a message with trailing or missing bytes is rejected
 * instead of half-parsed (after rustls' codec).
 */
import { Ssl3Error } from './errors.js';

/** A structure did not fit its length: the handshake layer maps this to an alert. */
export class DecodeError extends Ssl3Error {
  constructor(message: string) {
    super('DECODE_ERROR', message);
  }
}

export class Reader {
  private pos = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly what = 'message',
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  private need(n: number): number {
    if (this.pos + n > this.buf.length) {
      throw new DecodeError(`${this.what}: needs ${n} more bytes at offset ${this.pos}, has ${this.buf.length - this.pos}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.buf[this.need(1)];
  }

  u16(): number {
    const at = this.need(2);
    return (this.buf[at] << 8) | this.buf[at + 1];
  }

  u24(): number {
    const at = this.need(3);
    return (this.buf[at] << 16) | (this.buf[at + 1] << 8) | this.buf[at + 2];
  }

  /** n bytes, as a view (no copy). */
  bytes(n: number): Uint8Array {
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }

  /** All bytes left. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** A vector<min..max> with a `lengthBytes`-byte length prefix, as bytes. */
  vector(lengthBytes: 1 | 2 | 3, min = 0, max = Infinity, what = this.what): Uint8Array {
    const len = lengthBytes === 1 ? this.u8() : lengthBytes === 2 ? this.u16() : this.u24();
    if (len < min || len > max) throw new DecodeError(`${what}: length ${len} outside ${min}..${max}`);
    return this.bytes(len);
  }

  /** A sub-reader over one length-prefixed vector. */
  sub(lengthBytes: 1 | 2 | 3, what: string, min = 0, max = Infinity): Reader {
    return new Reader(this.vector(lengthBytes, min, max, what), what);
  }

  expectEnd(): void {
    if (!this.done) throw new DecodeError(`${this.what}: ${this.remaining} unexpected trailing bytes`);
  }
}

/** Appends big-endian fields to a growing buffer. */
export class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  get length(): number {
    return this.len;
  }

  u8(v: number): this {
    this.reserve(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.reserve(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    this.reserve(3);
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** A vector whose length prefix is filled in after `body` writes its contents. */
  vector(lengthBytes: 1 | 2 | 3, body: (w: this) => void): this {
    this.reserve(lengthBytes);
    const at = this.len;
    this.len += lengthBytes;
    body(this);
    const n = this.len - at - lengthBytes;
    const max = lengthBytes === 1 ? 0xff : lengthBytes === 2 ? 0xffff : 0xffffff;
    if (n > max) throw new RangeError(`vector of ${n} bytes does not fit a ${lengthBytes}-byte length`);
    for (let i = lengthBytes - 1, v = n; i >= 0; i--, v >>>= 8) this.buf[at + i] = v & 0xff;
    return this;
  }

  /** A vector holding exactly `b`. */
  vectorBytes(lengthBytes: 1 | 2 | 3, b: Uint8Array): this {
    return this.vector(lengthBytes, (w) => w.bytes(b));
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
