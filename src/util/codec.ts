/**
 * The symmetric byte codec for SSL 3.0 structures (RFC 6101 section 4, "Presentation
 * language"): fixed-width big-endian integers and vectors with 1-, 2- or 3-byte length
 * prefixes. A Reader's sub-reader covers exactly one length-prefixed vector and must be
 * consumed exactly (expectEnd), so a message with trailing or missing bytes is rejected
 * instead of half-parsed (after rustls' codec).
 *
 * A learner's tool can also ask where each field lies (recordFieldSpans): the decoders name
 * what they read, and a Reader notes each read's place in the outermost buffer, so a message's
 * field tree beside its bytes comes from the engine's own decoders, not from a second one.
 */
import { Ssl3Error } from './errors.js';

/** A structure did not fit its length: the handshake layer maps this to an alert. */
export class DecodeError extends Ssl3Error {
  constructor(message: string) {
    super('DECODE_ERROR', message);
  }
}

/** Where one read field lies in the bytes given to recordFieldSpans: [start, end), and its value when it is a number. */
export interface FieldSpan {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly value?: number;
}

/**
 * The recording in progress, if any. Decoders make their Readers themselves, so the recording
 * cannot be passed to them: it is set for the duration of one synchronous decode instead, and
 * a Reader reports to it only when its bytes are a view of the recorded buffer.
 */
let recording: { root: Uint8Array; spans: FieldSpan[] } | undefined;

/**
 * Runs `decode(root)` and returns every field its Readers read, in the order read, with its
 * offsets in `root`. A decode that throws still returns the fields read before the error.
 */
export function recordFieldSpans<T>(root: Uint8Array, decode: (bytes: Uint8Array) => T): { spans: FieldSpan[]; value?: T; error?: Error } {
  const outer = recording;
  recording = { root, spans: [] };
  const spans = recording.spans;
  try {
    return { spans, value: decode(root) };
  } catch (e) {
    return { spans, error: e instanceof Error ? e : new Error(String(e)) };
  } finally {
    recording = outer;
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

  /** Tells the recording, if one is on and these bytes are part of it, that a field was read at `at`. */
  private mark(name: string, at: number, length: number, value?: number): void {
    const r = recording;
    if (!r || this.buf.buffer !== r.root.buffer) return;
    const start = this.buf.byteOffset - r.root.byteOffset + at;
    if (start < 0 || start + length > r.root.length) return;
    r.spans.push(value === undefined ? { name, start, end: start + length } : { name, start, end: start + length, value });
  }

  private need(n: number): number {
    if (this.pos + n > this.buf.length) {
      throw new DecodeError(`${this.what}: needs ${n} more bytes at offset ${this.pos}, has ${this.buf.length - this.pos}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** `name`, here and below: the field's name (the RFC's), for recordFieldSpans. */
  u8(name = 'uint8'): number {
    const at = this.need(1);
    const v = this.buf[at];
    if (recording) this.mark(name, at, 1, v);
    return v;
  }

  u16(name = 'uint16'): number {
    const at = this.need(2);
    const v = (this.buf[at] << 8) | this.buf[at + 1];
    if (recording) this.mark(name, at, 2, v);
    return v;
  }

  u24(name = 'uint24'): number {
    const at = this.need(3);
    const v = (this.buf[at] << 16) | (this.buf[at + 1] << 8) | this.buf[at + 2];
    if (recording) this.mark(name, at, 3, v);
    return v;
  }

  /** n bytes, as a view (no copy). */
  bytes(n: number, name = 'opaque'): Uint8Array {
    const at = this.need(n);
    if (recording) this.mark(name, at, n);
    return this.buf.subarray(at, at + n);
  }

  /** All bytes left. */
  rest(name?: string): Uint8Array {
    return this.bytes(this.remaining, name);
  }

  /** A vector<min..max> with a `lengthBytes`-byte length prefix, as bytes; recorded as `what` (prefix and contents). */
  vector(lengthBytes: 1 | 2 | 3, min = 0, max = Infinity, what = this.what): Uint8Array {
    const start = this.need(lengthBytes);
    let len = 0;
    for (let i = 0; i < lengthBytes; i++) len = (len << 8) | this.buf[start + i];
    // The vector before its length and its elements: spans that cover the same bytes nest in the order they were recorded.
    if (recording) {
      this.mark(what, start, lengthBytes + len);
      this.mark('length', start, lengthBytes, len);
    }
    if (len < min || len > max) throw new DecodeError(`${what}: length ${len} outside ${min}..${max}`);
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
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
