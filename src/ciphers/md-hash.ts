/**
 * The Merkle-Damgard framing shared by MD5 (RFC 1321) and SHA-1 (FIPS 180-4): 64-byte
 * blocks, a partial-block buffer, the padding (0x80, zeros, 64-bit bit length) and the
 * incremental update/digest/clone interface. The two algorithms differ only in their
 * compression function, initial state, byte order and digest length, which a HashSpec
 * supplies; every instance of either is an MdHash.
 *
 * The API is a drop-in for @noble/hashes' `md5`/`sha1`: `fn(data)` one-shot, `fn.create()`,
 * `fn.outputLen`, `fn.blockLen`, and instances with update(data): this, digest() and clone(),
 * plus what noble's HMAC and PBKDF2 use (digestInto, destroy, _cloneInto). As in noble, an
 * instance is finished by digest(): a second digest() or a later update() throws.
 *
 * Whole blocks are compressed straight from the caller's bytes (through a DataView, which
 * reads any offset and either byte order, so no alignment copy is needed); only the partial
 * head and tail of an update go through the 64-byte buffer. A block from the buffer, and a
 * single-block update, is compressed from one module-wide scratch block instead: taking
 * `.buffer` of a small typed array makes V8 move its storage off the heap, and with a
 * DataView per instance and per digest, hashing 64 bytes ran at ~20 MB/s instead of
 * ~45-75 MB/s. Short inputs are common here: handshake messages, the 16/20-byte inner MAC
 * digest, the key-derivation rounds.
 */

export const BLOCK_LEN = 64;

/** The block compressed when the bytes are not read from the caller's input (synchronous use only). */
const SCRATCH_BUFFER = new ArrayBuffer(BLOCK_LEN);
const SCRATCH = new Uint8Array(SCRATCH_BUFFER);
const SCRATCH_VIEW = new DataView(SCRATCH_BUFFER);

/** What distinguishes MD5 from SHA-1 for the framing below. */
export interface HashSpec {
  /** Digest length in bytes: the first outputLen / 4 state words, serialized in `littleEndian` order. */
  readonly outputLen: number;
  /** The initial chaining value (H0), one 32-bit word per entry. */
  readonly iv: readonly number[];
  /** MD5 is little-endian (words and the length field), SHA-1 big-endian. */
  readonly littleEndian: boolean;
  /**
   * Compresses the whole blocks of `data` in [offset, end) into `state` (end - offset is a
   * multiple of 64). Runs once per update over all its blocks, so the state stays in local
   * variables across blocks.
   */
  compress(state: Int32Array, data: DataView, offset: number, end: number): void;
}

export class MdHash {
  readonly blockLen = BLOCK_LEN;
  readonly outputLen: number;
  private readonly state: Int32Array;
  private readonly buffer = new Uint8Array(BLOCK_LEN);
  /** Bytes waiting in `buffer` (always < 64 between calls). */
  private pos = 0;
  /** Total bytes hashed; exact up to 2^53, far beyond anything SSL 3.0 hashes. */
  private length = 0;
  private finished = false;

  constructor(private readonly spec: HashSpec) {
    this.outputLen = spec.outputLen;
    this.state = new Int32Array(spec.iv.length);
    for (let i = 0; i < spec.iv.length; i++) this.state[i] = spec.iv[i];
  }

  update(data: Uint8Array): this {
    if (this.finished) throw new Error('digest() was already called');
    if (!(data instanceof Uint8Array)) throw new TypeError('hash input must be a Uint8Array');
    const len = data.length;
    this.length += len;
    let pos = 0;
    const buf = this.buffer;
    if (this.pos > 0) {
      // Top up the buffered partial block; a byte loop beats subarray() + set() for < 64 bytes.
      let p = this.pos;
      const take = Math.min(BLOCK_LEN - p, len);
      for (; pos < take; pos++) buf[p++] = data[pos];
      if (p < BLOCK_LEN) {
        this.pos = p;
        return this;
      }
      this.compressBuffer();
      this.pos = 0;
    }
    const whole = (len - pos) & ~(BLOCK_LEN - 1);
    if (whole === BLOCK_LEN) {
      for (let i = 0; i < BLOCK_LEN; i++) SCRATCH[i] = data[pos + i];
      this.spec.compress(this.state, SCRATCH_VIEW, 0, BLOCK_LEN);
      pos += BLOCK_LEN;
    } else if (whole > 0) {
      this.spec.compress(this.state, new DataView(data.buffer, data.byteOffset, len), pos, pos + whole);
      pos += whole;
    }
    let p = 0;
    for (; pos < len; pos++) buf[p++] = data[pos];
    this.pos = p;
    return this;
  }

  /** The digest; finishes this instance (further update() or digest() calls throw). */
  digest(): Uint8Array<ArrayBuffer> {
    if (this.finished) throw new Error('digest() was already called');
    this.finished = true;
    const { buffer: buf, state } = this;
    let p = this.pos;
    buf[p++] = 0x80;
    if (p > BLOCK_LEN - 8) {
      // No room for the 8-byte length: pad this block out and add one more.
      buf.fill(0, p);
      this.compressBuffer();
      p = 0;
    }
    buf.fill(0, p, BLOCK_LEN - 8);
    // The message length in bits as a 64-bit integer, in the algorithm's byte order.
    const le = this.spec.littleEndian;
    putWord(buf, le ? BLOCK_LEN - 8 : BLOCK_LEN - 4, (this.length << 3) >>> 0, le);
    putWord(buf, le ? BLOCK_LEN - 4 : BLOCK_LEN - 8, Math.floor(this.length / 0x20000000), le);
    this.compressBuffer();
    // The last block held message bytes (possibly a MAC secret).
    buf.fill(0);
    SCRATCH.fill(0);
    const out = new Uint8Array(this.outputLen);
    for (let i = 0; i < this.outputLen >> 2; i++) putWord(out, 4 * i, state[i], le);
    return out;
  }

  private compressBuffer(): void {
    SCRATCH.set(this.buffer);
    this.spec.compress(this.state, SCRATCH_VIEW, 0, BLOCK_LEN);
  }

  /** An independent copy of the running state: the state words and the buffered partial block. */
  clone(): MdHash {
    return this._cloneInto();
  }

  // The rest of @noble/hashes' Hash interface, so that its HMAC and PBKDF2 take these hashes
  // (pki's PBES2 with hmacWithSHA1) and the project has one MD5 and one SHA-1.
  readonly canXOF = false;

  /** Copies this running state into `to` (a hash of the same algorithm), or into a new one. */
  _cloneInto(to?: MdHash): MdHash {
    const c = to ?? new MdHash(this.spec);
    c.state.set(this.state);
    c.buffer.set(this.buffer);
    c.pos = this.pos;
    c.length = this.length;
    c.finished = this.finished;
    return c;
  }

  /** digest(), written into `out` (at least outputLen bytes). */
  digestInto(out: Uint8Array): void {
    if (out.length < this.outputLen) throw new RangeError(`digestInto needs ${this.outputLen} bytes, got ${out.length}`);
    out.set(this.digest());
  }

  /** Finishes the instance and wipes its state (it may have hashed a key). */
  destroy(): void {
    this.finished = true;
    this.state.fill(0);
    this.buffer.fill(0);
  }
}

function putWord(b: Uint8Array, at: number, w: number, littleEndian: boolean): void {
  if (littleEndian) {
    b[at] = w;
    b[at + 1] = w >>> 8;
    b[at + 2] = w >>> 16;
    b[at + 3] = w >>> 24;
  } else {
    b[at] = w >>> 24;
    b[at + 1] = w >>> 16;
    b[at + 2] = w >>> 8;
    b[at + 3] = w;
  }
}

/** The noble-style hash function object: `fn(data)`, `fn.create()`, `fn.outputLen`, `fn.blockLen`. */
export interface HashFunction {
  (data: Uint8Array): Uint8Array<ArrayBuffer>;
  create(): MdHash;
  readonly outputLen: number;
  readonly blockLen: number;
  readonly canXOF: false;
}

export function hashFunction(spec: HashSpec): HashFunction {
  const fn = (data: Uint8Array): Uint8Array<ArrayBuffer> => new MdHash(spec).update(data).digest();
  return Object.freeze(Object.assign(fn, { create: () => new MdHash(spec), outputLen: spec.outputLen, blockLen: BLOCK_LEN, canXOF: false as const }));
}
