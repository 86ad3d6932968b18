/**
 * DER reader and writer (ITU-T X.690 section 10): round trips, the exact encodings other
 * implementations produce, what we read leniently but never write, and the failures that
 * must be DerError (truncation at every offset, trailing data, depth and length limits).
 */
import { describe, expect, it } from 'vitest';
import {
  decodeInteger,
  decodeOid,
  der,
  DerError,
  DerReader,
  encodeIntegerValue,
  encodeOidValue,
  readSingle,
  Tag,
  type DerLimits,
} from '../../src/pki/der.js';
import { decodePrivateKeyInfo, decodeRsaPrivateKey } from '../../src/pki/keys.js';
import { asciiBytes, concatBytes, fromHex, toHex } from '../../src/util/bytes.js';
import { nodeRsaPair } from '../helpers/keys.js';

/** Reads every value, descending into constructed ones: a generic parse of any DER tree. */
function walk(r: DerReader): number {
  let count = 0;
  while (!r.done) {
    const tlv = r.readTlv();
    count++;
    if (tlv.tag & 0x20) {
      const c = r.child(tlv);
      count += walk(c);
      c.end();
    }
  }
  return count;
}

function walkAll(bytes: Uint8Array, limits?: DerLimits): number {
  return walk(new DerReader(bytes, 0, limits));
}

function derError(f: () => unknown): DerError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DerError);
    return e as DerError;
  }
  throw new Error('expected a DerError, but nothing was thrown');
}

/** A deterministic PRNG (xorshift32), so a failing case can be replayed. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const rsaKeyDer = new Uint8Array(nodeRsaPair(1024).privateKey.export({ type: 'pkcs1', format: 'der' }));

describe('INTEGER', () => {
  const cases: [bigint, string][] = [
    [0n, '020100'],
    [1n, '020101'],
    [127n, '02017f'],
    [128n, '02020080'],
    [255n, '020200ff'],
    [256n, '02020100'],
    [32767n, '02027fff'],
    [32768n, '0203008000'],
    [-1n, '0201ff'],
    [-127n, '020181'],
    [-128n, '020180'],
    [-129n, '0202ff7f'],
    [-256n, '0202ff00'],
    [-257n, '0202feff'],
    [-32768n, '02028000'],
    [-32769n, '0203ff7fff'],
    [2n ** 64n, '0209010000000000000000'],
    [-(2n ** 64n), '0209ff0000000000000000'],
  ];
  it.each(cases)('%s encodes as %s and reads back', (n, hex) => {
    expect(toHex(der.integer(n))).toBe(hex);
    expect(new DerReader(fromHex(hex)).integer()).toBe(n);
  });

  it('round-trips random integers of every size and sign', () => {
    const rand = prng(1234);
    for (let i = 0; i < 500; i++) {
      const bytes = 1 + Math.floor(rand() * 300);
      let n = 0n;
      for (let j = 0; j < bytes; j++) n = (n << 8n) | BigInt(Math.floor(rand() * 256));
      if (rand() < 0.5) n = -n;
      const enc = encodeIntegerValue(n);
      expect(decodeInteger(enc)).toBe(n);
      // Minimal: the first 9 bits are never all equal.
      if (enc.length > 1) expect((enc[0] === 0 && enc[1] < 0x80) || (enc[0] === 0xff && enc[1] >= 0x80)).toBe(false);
    }
  });

  it('reads non-minimal integers (lenient) and rejects empty ones', () => {
    expect(decodeInteger(fromHex('0001'))).toBe(1n);
    expect(decodeInteger(fromHex('ffff'))).toBe(-1n);
    expect(derError(() => decodeInteger(new Uint8Array(0))).code).toBe('BAD_VALUE');
  });

  it('decodes a huge INTEGER in linear time (a hostile certificate must not stall us)', () => {
    const start = performance.now();
    const v = decodeInteger(new Uint8Array(1 << 20).fill(0x7f));
    expect(v > 0n).toBe(true);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('smallInteger and unsignedInteger check their ranges', () => {
    expect(derError(() => new DerReader(der.integer(-1)).smallInteger()).code).toBe('BAD_VALUE');
    expect(derError(() => new DerReader(der.integer(2n ** 53n)).smallInteger()).code).toBe('BAD_VALUE');
    expect(new DerReader(der.integer(2n ** 53n - 1n)).smallInteger()).toBe(2 ** 53 - 1);
    expect(derError(() => new DerReader(der.integer(-5)).unsignedInteger()).code).toBe('BAD_VALUE');
  });
});

describe('OBJECT IDENTIFIER', () => {
  const cases: [string, string][] = [
    ['1.2.840.113549.1.1.1', '06092a864886f70d010101'],
    ['2.5.4.3', '0603550403'],
    ['0.0', '060100'],
    ['0.39', '060127'],
    ['1.0', '060128'],
    ['1.39', '06014f'],
    ['2.0', '060150'],
    ['2.47', '06017f'],
    ['2.48', '06028100'],
    ['2.999', '06028837'],
    ['2.999.3', '0603883703'],
    ['1.3.6.1.4.1.311.21.20', '06092b0601040182371514'],
  ];
  it.each(cases)('%s encodes as %s and reads back', (oid, hex) => {
    expect(toHex(der.oid(oid))).toBe(hex);
    expect(new DerReader(fromHex(hex)).oid()).toBe(oid);
  });

  it('round-trips large arcs (UUID OIDs, 2^64 and beyond)', () => {
    for (const oid of [
      '2.25.329800735698586629295641978511506172918',
      '1.2.18446744073709551615',
      '1.2.18446744073709551616.0',
      '2.18446744073709551616',
      '1.3.6.1.4.1.99999999999.1',
    ]) {
      expect(decodeOid(encodeOidValue(oid))).toBe(oid);
    }
  });

  it('round-trips random OIDs', () => {
    const rand = prng(99);
    for (let i = 0; i < 300; i++) {
      const first = Math.floor(rand() * 3);
      const arcs = [first, first < 2 ? Math.floor(rand() * 40) : Math.floor(rand() * 100000)];
      const n = Math.floor(rand() * 8);
      for (let j = 0; j < n; j++) arcs.push(Math.floor(rand() * 2 ** (1 + Math.floor(rand() * 40))));
      const oid = arcs.join('.');
      expect(decodeOid(encodeOidValue(oid))).toBe(oid);
    }
  });

  it('refuses to write what is not an OID', () => {
    for (const bad of ['1', '3.1', '1.40', '0.40', '', 'a.b', '1.2.', '1..2']) {
      expect(derError(() => encodeOidValue(bad)).code).toBe('BAD_VALUE');
    }
  });

  it('rejects empty, truncated and absurdly long encodings', () => {
    expect(derError(() => decodeOid(new Uint8Array(0))).code).toBe('BAD_VALUE');
    expect(derError(() => decodeOid(fromHex('2a86'))).code).toBe('BAD_VALUE');
    const long = new Uint8Array(100_000).fill(0xff);
    long[long.length - 1] = 0x7f;
    expect(derError(() => decodeOid(long)).message).toMatch(/too large/);
  });
});

describe('time', () => {
  const utc = (s: string) => new Date(s);
  it.each([
    ['1950-01-01T00:00:00Z', Tag.UTC_TIME, '500101000000Z'],
    ['2049-12-31T23:59:59Z', Tag.UTC_TIME, '491231235959Z'],
    ['2000-02-29T12:34:56Z', Tag.UTC_TIME, '000229123456Z'],
    ['2050-01-01T00:00:00Z', Tag.GENERALIZED_TIME, '20500101000000Z'],
    ['1949-12-31T23:59:59Z', Tag.GENERALIZED_TIME, '19491231235959Z'],
    ['9999-12-31T23:59:59Z', Tag.GENERALIZED_TIME, '99991231235959Z'],
  ])('%s is written as %s %s (RFC 5280 4.1.2.5) and read back', (iso, tag, text) => {
    const enc = der.time(utc(iso));
    expect(enc[0]).toBe(tag);
    expect(new TextDecoder().decode(enc.subarray(2))).toBe(text);
    expect(new DerReader(enc).time().toISOString()).toBe(utc(iso).toISOString());
  });

  const read = (tag: number, s: string) => new DerReader(der.tlv(tag, asciiBytes(s))).time();

  it('reads the UTCTime century by the 50-year pivot', () => {
    expect(read(Tag.UTC_TIME, '491231235959Z').getUTCFullYear()).toBe(2049);
    expect(read(Tag.UTC_TIME, '500101000000Z').getUTCFullYear()).toBe(1950);
    expect(read(Tag.UTC_TIME, '991231235959Z').getUTCFullYear()).toBe(1999);
  });

  it('reads lenient forms old devices write: no seconds, offsets, fractions', () => {
    expect(read(Tag.UTC_TIME, '9901011200Z').toISOString()).toBe('1999-01-01T12:00:00.000Z');
    expect(read(Tag.UTC_TIME, '990101120000+0130').toISOString()).toBe('1999-01-01T10:30:00.000Z');
    expect(read(Tag.UTC_TIME, '990101120000-0200').toISOString()).toBe('1999-01-01T14:00:00.000Z');
    expect(read(Tag.GENERALIZED_TIME, '20510101000000.123Z').toISOString()).toBe('2051-01-01T00:00:00.000Z');
    expect(read(Tag.GENERALIZED_TIME, '20510101000000').toISOString()).toBe('2051-01-01T00:00:00.000Z');
  });

  it('keeps GeneralizedTime years below 100 as written (Date.UTC would add 1900)', () => {
    expect(read(Tag.GENERALIZED_TIME, '00500101000000Z').getUTCFullYear()).toBe(50);
    expect(read(Tag.GENERALIZED_TIME, '00000229000000Z').toISOString()).toBe('0000-02-29T00:00:00.000Z');
  });

  it('rejects malformed times with DerError', () => {
    for (const [tag, s] of [
      [Tag.UTC_TIME, '20500101000000Z'],
      [Tag.UTC_TIME, '991301000000Z'],
      [Tag.UTC_TIME, '990100000000Z'],
      [Tag.UTC_TIME, '990101250000Z'],
      [Tag.UTC_TIME, '990101006000Z'],
      [Tag.UTC_TIME, '9901010000'],
      [Tag.UTC_TIME, ''],
      [Tag.GENERALIZED_TIME, '500101000000Z'],
      [Tag.GENERALIZED_TIME, '2050010100000AZ'],
    ] as const) {
      expect(derError(() => read(tag, s)).code).toBe('BAD_VALUE');
    }
    expect(derError(() => new DerReader(der.integer(1)).time()).code).toBe('BAD_TAG');
    expect(derError(() => new DerReader(new Uint8Array(0)).time()).code).toBe('TRUNCATED');
  });
});

describe('strings', () => {
  const read = (tag: number, hex: string) => new DerReader(der.tlv(tag, fromHex(hex))).string();

  it('decodes each ASN.1 string type', () => {
    expect(read(Tag.UTF8_STRING, 'c3a9e282ac')).toEqual({ tag: Tag.UTF8_STRING, value: 'é€' });
    expect(read(Tag.PRINTABLE_STRING, '41422d31').value).toBe('AB-1');
    expect(read(Tag.IA5_STRING, '6140622e6f7267').value).toBe('a@b.org');
    // T61String: old devices put Latin-1 there, and OpenSSL shows it as such.
    expect(read(Tag.T61_STRING, '4dfc6c6c6572').value).toBe('Müller');
    expect(read(Tag.BMP_STRING, '03a90078').value).toBe('Ωx');
    expect(read(Tag.UNIVERSAL_STRING, '0001f60000000041').value).toBe('😀A');
    expect(read(Tag.UNIVERSAL_STRING, '00ffffff').value).toBe('\ufffd');
    expect(read(Tag.VISIBLE_STRING, '7e').value).toBe('~');
    expect(read(Tag.NUMERIC_STRING, '3132').value).toBe('12');
  });

  it('rejects BMPString and UniversalString of impossible lengths', () => {
    expect(derError(() => read(Tag.BMP_STRING, '03a900')).code).toBe('BAD_VALUE');
    expect(derError(() => read(Tag.UNIVERSAL_STRING, '000000')).code).toBe('BAD_VALUE');
  });

  it('refuses non-string tags', () => {
    expect(derError(() => new DerReader(der.integer(1)).string()).code).toBe('BAD_TAG');
    expect(derError(() => new DerReader(new Uint8Array(0)).string()).code).toBe('TRUNCATED');
  });

  it('writes UTF8String, PrintableString and IA5String', () => {
    expect(toHex(der.utf8String('é'))).toBe('0c02c3a9');
    expect(toHex(der.printableString('A b'))).toBe('1303412062');
    expect(toHex(der.ia5String('x@y'))).toBe('1603784079');
  });
});

describe('lengths', () => {
  it('writes minimal lengths at the short/long boundaries', () => {
    expect(toHex(der.octetString(new Uint8Array(127)).subarray(0, 2))).toBe('047f');
    expect(toHex(der.octetString(new Uint8Array(128)).subarray(0, 3))).toBe('048180');
    expect(toHex(der.octetString(new Uint8Array(255)).subarray(0, 3))).toBe('0481ff');
    expect(toHex(der.octetString(new Uint8Array(256)).subarray(0, 4))).toBe('04820100');
    expect(toHex(der.octetString(new Uint8Array(65536)).subarray(0, 5))).toBe('0483010000');
  });

  it('reads non-minimal long-form lengths (lenient), which we never write', () => {
    for (const hex of ['0403616263', '048103616263', '04820003616263', '048400000003616263']) {
      const r = new DerReader(fromHex(hex));
      expect(new TextDecoder().decode(r.octetString())).toBe('abc');
      r.end();
    }
    const reencoded = der.octetString(new DerReader(fromHex('048103616263')).octetString());
    expect(toHex(reencoded)).toBe('0403616263');
  });

  it('rejects indefinite length, 5-byte lengths, high tags and truncated headers', () => {
    expect(derError(() => readSingle(fromHex('3080020100' + '0000'))).code).toBe('INDEFINITE_LENGTH');
    expect(derError(() => readSingle(fromHex('04850000000001ff'))).code).toBe('BAD_LENGTH');
    expect(derError(() => readSingle(fromHex('1f8101' + '0100'))).code).toBe('BAD_TAG');
    expect(derError(() => readSingle(fromHex('04'))).code).toBe('TRUNCATED');
    expect(derError(() => readSingle(fromHex('0482'))).code).toBe('TRUNCATED');
    expect(derError(() => readSingle(fromHex('0482010000'))).code).toBe('TRUNCATED');
    expect(derError(() => readSingle(new Uint8Array(0))).code).toBe('TRUNCATED');
  });

  it('enforces the length limit before looking for the bytes', () => {
    expect(derError(() => readSingle(fromHex('048401000001'))).code).toBe('TOO_LONG');
    const limits = { maxDepth: 32, maxLength: 10 };
    expect(readSingle(der.octetString(new Uint8Array(10)), limits).value.length).toBe(10);
    expect(derError(() => readSingle(der.octetString(new Uint8Array(11)), limits)).code).toBe('TOO_LONG');
  });
});

describe('structure', () => {
  it('truncating a real RSA private key at every offset gives DerError, never anything else', () => {
    expect(walkAll(rsaKeyDer)).toBeGreaterThan(9);
    for (let i = 0; i < rsaKeyDer.length; i++) {
      const cut = rsaKeyDer.subarray(0, i);
      derError(() => readSingle(cut));
      if (i > 0) derError(() => walkAll(cut));
      derError(() => decodeRsaPrivateKey(cut));
      derError(() => decodePrivateKeyInfo(cut));
    }
  });

  it('rejects trailing data after a value and inside a structure', () => {
    expect(derError(() => readSingle(concatBytes(der.null(), Uint8Array.of(0)))).code).toBe('TRAILING_DATA');
    expect(derError(() => decodeRsaPrivateKey(concatBytes(rsaKeyDer, Uint8Array.of(0)))).code).toBe('TRAILING_DATA');
    const s = new DerReader(der.sequence(der.integer(1), der.integer(2))).sequence();
    s.integer();
    expect(derError(() => s.end('pair')).message).toMatch(/unexpected bytes at the end of the pair/);
  });

  it('limits nesting depth', () => {
    const nest = (n: number): Uint8Array => (n === 0 ? der.null() : der.sequence(nest(n - 1)));
    expect(walkAll(nest(32))).toBe(33);
    expect(derError(() => walkAll(nest(33))).code).toBe('TOO_DEEP');
    expect(derError(() => walkAll(nest(4), { maxDepth: 3, maxLength: 1000 })).code).toBe('TOO_DEEP');
  });

  it('expect/optional/optionalExplicit check tags and report what was expected', () => {
    const enc = der.sequence(der.explicit(0, der.integer(2)), der.integer(5), der.boolean(true), der.null());
    const s = new DerReader(enc).sequence();
    expect(s.optionalExplicit(1)).toBeUndefined();
    const v = s.optionalExplicit(0);
    expect(v?.integer()).toBe(2n);
    expect(s.optional(Tag.OID)).toBeUndefined();
    expect(derError(() => s.oid()).message).toMatch(/expected OBJECT IDENTIFIER, found INTEGER/);
    expect(s.integer()).toBe(5n);
    expect(s.boolean()).toBe(true);
    s.null();
    s.end();
    expect(derError(() => s.integer()).code).toBe('TRUNCATED');
  });

  it('BOOLEAN, NULL and BIT STRING are checked', () => {
    expect(new DerReader(fromHex('010101')).boolean()).toBe(true); // BER TRUE, seen in old certificates
    expect(new DerReader(fromHex('010100')).boolean()).toBe(false);
    expect(derError(() => new DerReader(fromHex('01020000')).boolean()).code).toBe('BAD_VALUE');
    expect(derError(() => new DerReader(fromHex('050100')).null()).code).toBe('BAD_VALUE');
    expect(new DerReader(der.bitString(fromHex('a0'), 5)).bitString()).toEqual({ unusedBits: 5, bytes: fromHex('a0') });
    expect(derError(() => new DerReader(fromHex('0300')).bitString()).code).toBe('BAD_VALUE');
    expect(derError(() => new DerReader(fromHex('030108')).bitString()).code).toBe('BAD_VALUE');
    expect(derError(() => new DerReader(fromHex('03020800')).bitString()).code).toBe('BAD_VALUE');
  });

  it('setOf sorts its elements by encoding (X.690 11.6)', () => {
    const a = der.integer(2);
    const b = der.integer(1);
    const c = der.octetString(Uint8Array.of(0));
    expect(toHex(der.setOf(a, c, b))).toBe('3109' + toHex(b) + toHex(a) + toHex(c));
  });
});
