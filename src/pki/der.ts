/**
 * DER (ITU-T X.690 section 10) reader and writer: the encoding of every certificate and key
 * SSL 3.0 carries (RFC 6101 section 5.6.2 uses X.509v3 certificates).
 *
 * Reading is strict where it protects us (definite lengths only, no bytes after the value,
 * bounded nesting and length, low-tag-number form) and lenient where old devices are sloppy
 * but harmless: a non-minimal long-form length is accepted when read. Writing always
 * produces minimal DER. Every failure is a DerError; no other exception escapes a parse.
 */
import { Ssl3Error } from '../util/errors.js';
import { asciiBytes, bigIntToBytes, bytesToBigInt, utf8Bytes } from '../util/bytes.js';

export class DerError extends Ssl3Error {}

/** Universal tags and the class/constructed bits (X.690 section 8.1.2). */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
} as const;

export const CONSTRUCTED = 0x20;
export const CONTEXT = 0x80;

/** [n] EXPLICIT, or IMPLICIT over a constructed type. */
export function contextConstructed(n: number): number {
  return CONTEXT | CONSTRUCTED | n;
}

/** [n] IMPLICIT over a primitive type. */
export function contextPrimitive(n: number): number {
  return CONTEXT | n;
}

export interface DerLimits {
  /** Maximum nesting depth of constructed values. */
  maxDepth: number;
  /** Maximum length of one value, in bytes. */
  maxLength: number;
}

export const DEFAULT_DER_LIMITS: DerLimits = { maxDepth: 32, maxLength: 1 << 24 };

/** One tag-length-value: `raw` is the whole encoding (header included), `value` its contents. */
export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
  readonly raw: Uint8Array;
}

/** The ASN.1 character string types DerReader.string() reads. */
export const STRING_TAGS: ReadonlySet<number> = new Set<number>([
  Tag.UTF8_STRING,
  Tag.NUMERIC_STRING,
  Tag.PRINTABLE_STRING,
  Tag.T61_STRING,
  Tag.IA5_STRING,
  Tag.VISIBLE_STRING,
  Tag.UNIVERSAL_STRING,
  Tag.BMP_STRING,
]);

function tagName(tag: number): string {
  for (const [k, v] of Object.entries(Tag)) if (v === tag) return k;
  if (tag & CONTEXT) return `[${tag & 0x1f}]${tag & CONSTRUCTED ? '' : ' primitive'}`;
  return `0x${tag.toString(16).padStart(2, '0')}`;
}

/**
 * A cursor over a run of DER values. Sub-readers returned by sequence()/set()/explicit()
 * cover exactly their value's contents; callers finish each with end() so that trailing
 * bytes inside a structure are rejected (sub-readers must be consumed exactly, as rustls' codec does).
 */
export class DerReader {
  private pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly depth = 0,
    private readonly limits: DerLimits = DEFAULT_DER_LIMITS,
  ) {
    if (depth > limits.maxDepth) throw new DerError('TOO_DEEP', `DER nesting deeper than ${limits.maxDepth}`);
  }

  /** Offset of the cursor within this reader's bytes. */
  get offset(): number {
    return this.pos;
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  peekTag(): number | undefined {
    return this.done ? undefined : this.bytes[this.pos];
  }

  /** Reads the next value of any tag. */
  readTlv(): Tlv {
    const b = this.bytes;
    const start = this.pos;
    if (start >= b.length) throw new DerError('TRUNCATED', 'DER: unexpected end of data (expected a tag)');
    const tag = b[start];
    if ((tag & 0x1f) === 0x1f) throw new DerError('BAD_TAG', 'DER: high-tag-number form is not supported');
    if (start + 1 >= b.length) throw new DerError('TRUNCATED', `DER: unexpected end of data in the length of ${tagName(tag)}`);
    let len = b[start + 1];
    let p = start + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0) throw new DerError('INDEFINITE_LENGTH', 'DER: indefinite length is not allowed');
      if (n > 4) throw new DerError('BAD_LENGTH', `DER: length of ${n} bytes is too long`);
      if (p + n > b.length) throw new DerError('TRUNCATED', `DER: unexpected end of data in the length of ${tagName(tag)}`);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
      p += n;
    }
    if (len > this.limits.maxLength) throw new DerError('TOO_LONG', `DER: value of ${len} bytes exceeds the limit`);
    if (p + len > b.length) {
      throw new DerError('TRUNCATED', `DER: ${tagName(tag)} claims ${len} bytes but only ${b.length - p} remain`);
    }
    this.pos = p + len;
    return { tag, value: b.subarray(p, p + len), raw: b.subarray(start, p + len) };
  }

  /** Reads the next value and checks its tag. */
  expect(tag: number, what?: string): Tlv {
    const next = this.peekTag();
    if (next === undefined) throw new DerError('TRUNCATED', `DER: expected ${what ?? tagName(tag)}, found end of data`);
    if (next !== tag) {
      throw new DerError('BAD_TAG', `DER: expected ${what ?? tagName(tag)}, found ${tagName(next)}`);
    }
    return this.readTlv();
  }

  /** Reads the next value only if it has this tag. */
  optional(tag: number): Tlv | undefined {
    return this.peekTag() === tag ? this.readTlv() : undefined;
  }

  /** A reader over a value's contents, one level deeper. */
  child(tlv: Tlv): DerReader {
    return new DerReader(tlv.value, this.depth + 1, this.limits);
  }

  sequence(what?: string): DerReader {
    return this.child(this.expect(Tag.SEQUENCE, what));
  }

  set(what?: string): DerReader {
    return this.child(this.expect(Tag.SET, what));
  }

  /** [n] EXPLICIT: a reader over the wrapped value, or undefined when absent. */
  optionalExplicit(n: number): DerReader | undefined {
    const tlv = this.optional(contextConstructed(n));
    return tlv ? this.child(tlv) : undefined;
  }

  end(what = 'structure'): void {
    if (!this.done) {
      throw new DerError('TRAILING_DATA', `DER: ${this.bytes.length - this.pos} unexpected bytes at the end of the ${what}`);
    }
  }

  /** INTEGER as a signed BigInt (serial numbers of old certificates can be negative). */
  integer(tag: number = Tag.INTEGER): bigint {
    return decodeInteger(this.expect(tag, tag === Tag.INTEGER ? 'INTEGER' : undefined).value);
  }

  /** A non-negative INTEGER that fits a JS number (versions, path lengths). */
  smallInteger(tag: number = Tag.INTEGER): number {
    const v = this.integer(tag);
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DerError('BAD_VALUE', `DER: integer ${v} out of range`);
    return Number(v);
  }

  /** A positive INTEGER such as an RSA modulus. */
  unsignedInteger(): bigint {
    const v = this.integer();
    if (v < 0n) throw new DerError('BAD_VALUE', 'DER: expected a non-negative INTEGER');
    return v;
  }

  boolean(): boolean {
    const { value } = this.expect(Tag.BOOLEAN);
    if (value.length !== 1) throw new DerError('BAD_VALUE', 'DER: BOOLEAN must be one byte');
    // DER says 0xFF for TRUE; BER allows any non-zero, and old certificates use it.
    return value[0] !== 0;
  }

  null(): void {
    const { value } = this.expect(Tag.NULL);
    if (value.length !== 0) throw new DerError('BAD_VALUE', 'DER: NULL must be empty');
  }

  oid(): string {
    return decodeOid(this.expect(Tag.OID, 'OBJECT IDENTIFIER').value);
  }

  octetString(tag: number = Tag.OCTET_STRING): Uint8Array {
    return this.expect(tag, tag === Tag.OCTET_STRING ? 'OCTET STRING' : undefined).value;
  }

  /** BIT STRING contents: the bytes after the unused-bits count. */
  bitString(tag: number = Tag.BIT_STRING): { unusedBits: number; bytes: Uint8Array } {
    const { value } = this.expect(tag, tag === Tag.BIT_STRING ? 'BIT STRING' : undefined);
    if (value.length === 0) throw new DerError('BAD_VALUE', 'DER: BIT STRING without its unused-bits byte');
    const unusedBits = value[0];
    if (unusedBits > 7 || (value.length === 1 && unusedBits !== 0)) {
      throw new DerError('BAD_VALUE', `DER: BIT STRING with ${unusedBits} unused bits`);
    }
    return { unusedBits, bytes: value.subarray(1) };
  }

  /** Any of the ASN.1 character string types, decoded to a JS string. */
  string(): { tag: number; value: string } {
    const next = this.peekTag();
    if (next === undefined || !STRING_TAGS.has(next)) {
      throw new DerError(next === undefined ? 'TRUNCATED' : 'BAD_TAG', `DER: expected a string, found ${next === undefined ? 'end of data' : tagName(next)}`);
    }
    const { tag, value } = this.readTlv();
    return { tag, value: decodeString(tag, value) };
  }

  /** UTCTime or GeneralizedTime (RFC 5280 section 4.1.2.5). */
  time(): Date {
    const next = this.peekTag();
    if (next !== Tag.UTC_TIME && next !== Tag.GENERALIZED_TIME) {
      throw new DerError(next === undefined ? 'TRUNCATED' : 'BAD_TAG', 'DER: expected UTCTime or GeneralizedTime');
    }
    const { tag, value } = this.readTlv();
    return decodeTime(tag, value);
  }
}

export function decodeInteger(value: Uint8Array): bigint {
  if (value.length === 0) throw new DerError('BAD_VALUE', 'DER: empty INTEGER');
  // Via hex, not a shift per byte: that loop is quadratic, and a peer's certificate with a
  // 300 kB INTEGER kept it busy for a minute. Hex parsing of a BigInt is linear.
  let v = bytesToBigInt(value);
  if (value[0] & 0x80) v -= 1n << BigInt(value.length * 8);
  return v;
}

/** Longest subidentifier we decode, in bytes (7 bits each). */
const MAX_OID_ARC_BYTES = 32;

export function decodeOid(value: Uint8Array): string {
  if (value.length === 0) throw new DerError('BAD_VALUE', 'DER: empty OBJECT IDENTIFIER');
  if (value[value.length - 1] & 0x80) throw new DerError('BAD_VALUE', 'DER: truncated OBJECT IDENTIFIER');
  const arcs: string[] = [];
  let acc = 0n;
  let first = true;
  let arcStart = 0;
  for (let i = 0; i < value.length; i++) {
    acc = (acc << 7n) | BigInt(value[i] & 0x7f);
    if (value[i] & 0x80) {
      // Bounds the quadratic BigInt accumulation a hostile OID could force; real arcs,
      // UUID-based 2.25.x included (19 bytes), are far shorter.
      if (i - arcStart >= MAX_OID_ARC_BYTES) throw new DerError('BAD_VALUE', 'DER: OBJECT IDENTIFIER arc too large');
      continue;
    }
    arcStart = i + 1;
    if (first) {
      // The first subidentifier packs two arcs: 40 * X + Y, with X in 0..2.
      const x = acc < 40n ? 0n : acc < 80n ? 1n : 2n;
      arcs.push(x.toString(), (acc - 40n * x).toString());
      first = false;
    } else {
      arcs.push(acc.toString());
    }
    acc = 0n;
  }
  return arcs.join('.');
}

const asciiDecoder = new TextDecoder('latin1');

function decodeString(tag: number, value: Uint8Array): string {
  switch (tag) {
    case Tag.UTF8_STRING:
      return new TextDecoder('utf-8', { fatal: false }).decode(value);
    case Tag.BMP_STRING: {
      if (value.length % 2) throw new DerError('BAD_VALUE', 'DER: BMPString of odd length');
      let s = '';
      for (let i = 0; i < value.length; i += 2) s += String.fromCharCode((value[i] << 8) | value[i + 1]);
      return s;
    }
    case Tag.UNIVERSAL_STRING: {
      if (value.length % 4) throw new DerError('BAD_VALUE', 'DER: UniversalString length not a multiple of 4');
      let s = '';
      for (let i = 0; i < value.length; i += 4) {
        const cp = ((value[i] << 24) | (value[i + 1] << 16) | (value[i + 2] << 8) | value[i + 3]) >>> 0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    default:
      // PrintableString, IA5String, VisibleString, NumericString, and T61String: old devices put
      // Latin-1 in T61String, which is what OpenSSL shows too.
      return asciiDecoder.decode(value);
  }
}

function decodeTime(tag: number, value: Uint8Array): Date {
  const s = asciiDecoder.decode(value);
  const m =
    tag === Tag.UTC_TIME
      ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(Z|[+-]\d{4})$/.exec(s)
      : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.\d+)?(Z|[+-]\d{4})?$/.exec(s);
  if (!m) throw new DerError('BAD_VALUE', `DER: malformed ${tag === Tag.UTC_TIME ? 'UTCTime' : 'GeneralizedTime'} '${s}'`);
  let year = Number(m[1]);
  // RFC 5280 4.1.2.5.1: UTCTime YY >= 50 means 19YY, else 20YY.
  if (tag === Tag.UTC_TIME) year += year >= 50 ? 1900 : 2000;
  const [month, day, hour, minute] = [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const second = m[6] ? Number(m[6]) : 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    throw new DerError('BAD_VALUE', `DER: time out of range '${s}'`);
  }
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear takes the year as given.
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second));
  date.setUTCFullYear(year, month - 1, day);
  let ms = date.getTime();
  const zone = m[7];
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  }
  return new Date(ms);
}

/** Reads exactly one value from `bytes`: trailing bytes are an error. */
export function readSingle(bytes: Uint8Array, limits?: DerLimits): Tlv {
  const r = new DerReader(bytes, 0, limits);
  const tlv = r.readTlv();
  r.end('encoding');
  return tlv;
}

// ---------------------------------------------------------------------------------------------
// Writer: small pure functions that return complete encodings, composed bottom-up.

function encodeLength(len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(len);
  const bytes: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const c of contents) len += c.length;
  const header = encodeLength(len);
  const out = new Uint8Array(1 + header.length + len);
  out[0] = tag;
  out.set(header, 1);
  let off = 1 + header.length;
  for (const c of contents) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Minimal two's-complement encoding of a signed integer (X.690 section 8.3). */
export function encodeIntegerValue(n: bigint): Uint8Array {
  if (n >= 0n) {
    const raw = bigIntToBytes(n);
    if (raw[0] & 0x80) {
      const out = new Uint8Array(raw.length + 1);
      out.set(raw, 1);
      return out;
    }
    return raw;
  }
  // Negative: find the smallest byte count whose range holds n, then encode 2^(8k) + n.
  let k = 1;
  while (n < -(1n << BigInt(8 * k - 1))) k++;
  return bigIntToBytes((1n << BigInt(8 * k)) + n, k);
}

export function encodeOidValue(oid: string): Uint8Array {
  if (!/^[0-2]\.\d+(\.\d+)*$/.test(oid)) throw new DerError('BAD_VALUE', `not an OID: '${oid}'`);
  const arcs = oid.split('.').map((a) => BigInt(a));
  if (arcs[0] < 2n && arcs[1] >= 40n) throw new DerError('BAD_VALUE', `not an OID: '${oid}'`);
  const subs = [arcs[0] * 40n + arcs[1], ...arcs.slice(2)];
  const out: number[] = [];
  for (const s of subs) {
    const chunk: number[] = [Number(s & 0x7fn)];
    for (let v = s >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  }
  return Uint8Array.from(out);
}

function twoDigits(n: number): string {
  return n.toString().padStart(2, '0');
}

/** DER builders. Times follow RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime after. */
export const der = {
  tlv,
  sequence: (...children: Uint8Array[]): Uint8Array => tlv(Tag.SEQUENCE, ...children),
  /** SET OF: DER sorts the elements by their encodings (X.690 section 11.6). */
  setOf: (...children: Uint8Array[]): Uint8Array => tlv(Tag.SET, ...[...children].sort(compareBytes)),
  /** A SET OF under another tag (an IMPLICIT [n] SET OF, as in PKCS #10 and CMS attributes), sorted likewise. */
  taggedSetOf: (tag: number, ...children: Uint8Array[]): Uint8Array => tlv(tag, ...[...children].sort(compareBytes)),
  explicit: (n: number, child: Uint8Array): Uint8Array => tlv(contextConstructed(n), child),
  integer: (n: bigint | number): Uint8Array => tlv(Tag.INTEGER, encodeIntegerValue(BigInt(n))),
  boolean: (b: boolean): Uint8Array => tlv(Tag.BOOLEAN, Uint8Array.of(b ? 0xff : 0)),
  null: (): Uint8Array => tlv(Tag.NULL),
  oid: (oid: string): Uint8Array => tlv(Tag.OID, encodeOidValue(oid)),
  octetString: (b: Uint8Array): Uint8Array => tlv(Tag.OCTET_STRING, b),
  bitString: (b: Uint8Array, unusedBits = 0): Uint8Array => tlv(Tag.BIT_STRING, Uint8Array.of(unusedBits), b),
  utf8String: (s: string): Uint8Array => tlv(Tag.UTF8_STRING, utf8Bytes(s)),
  printableString: (s: string): Uint8Array => tlv(Tag.PRINTABLE_STRING, asciiBytes(s)),
  ia5String: (s: string): Uint8Array => tlv(Tag.IA5_STRING, asciiBytes(s)),
  time(d: Date): Uint8Array {
    const y = d.getUTCFullYear();
    const rest =
      twoDigits(d.getUTCMonth() + 1) +
      twoDigits(d.getUTCDate()) +
      twoDigits(d.getUTCHours()) +
      twoDigits(d.getUTCMinutes()) +
      twoDigits(d.getUTCSeconds()) +
      'Z';
    if (y >= 1950 && y < 2050) return tlv(Tag.UTC_TIME, asciiBytes(twoDigits(y % 100) + rest));
    return tlv(Tag.GENERALIZED_TIME, asciiBytes(y.toString().padStart(4, '0') + rest));
  },
};

/** True when every character is allowed in a PrintableString (X.680 section 41.4). */
export function isPrintableString(s: string): boolean {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s);
}
