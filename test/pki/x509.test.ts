// X.509 parsing and building without outside tools (RFC 5280 4.1, 4.2.1): round trips through
// our builder, hand-built DER for the legacy shapes (v1, negative and zero serials, T61String,
// multi-valued RDNs, GeneralizedTime), and the strictness rules (truncation, bad version,
// algorithm mismatch, duplicate extensions). x509-openssl.test.ts compares with OpenSSL,
// keytool and node:crypto.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Certificate, DistinguishedName } from '../../src/pki/certificate.js';
import { contextPrimitive, der, Tag, tlv } from '../../src/pki/der.js';
import { encodeSubjectPublicKeyInfo } from '../../src/pki/keys.js';
import { OID } from '../../src/pki/oid.js';
import { pemDecode, pemEncode } from '../../src/pki/pem.js';
import { rsaVerifyPkcs1 } from '../../src/pki/rsa.js';
import { buildCertificate, encodeName, keyIdentifier, parseNameString, randomSerialNumber } from '../../src/pki/x509-build.js';
import { describeCertificate } from '../../src/pki/x509-text.js';
import {
  certificateToPem,
  commonName,
  fingerprint,
  formatIpAddress,
  formatName,
  parseCertificate,
  parseCertificates,
  X509Error,
} from '../../src/pki/x509.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { nodeRsaKey } from '../helpers/keys.js';

/** An RSA key from node (fast), as our BigInt form. */

const key = nodeRsaKey();
const notBefore = new Date('2024-01-01T00:00:00Z');
const notAfter = new Date('2034-01-01T00:00:00Z');
const sha256Rsa = der.sequence(der.oid(OID.sha256WithRSAEncryption), der.null());

/** An unsigned certificate from parts, for the shapes the builder will not make. */
function assemble(parts: {
  version?: Uint8Array | null;
  serial?: Uint8Array;
  innerAlg?: Uint8Array;
  outerAlg?: Uint8Array;
  issuer?: Uint8Array;
  validity?: Uint8Array;
  subject?: Uint8Array;
  extensions?: Uint8Array[];
  extra?: Uint8Array[];
}): Uint8Array {
  const name = encodeName('CN=test');
  const tbs = der.sequence(
    ...(parts.version === null ? [] : [parts.version ?? der.explicit(0, der.integer(2))]),
    parts.serial ?? der.integer(1),
    parts.innerAlg ?? sha256Rsa,
    parts.issuer ?? name,
    parts.validity ?? der.sequence(der.time(notBefore), der.time(notAfter)),
    parts.subject ?? name,
    encodeSubjectPublicKeyInfo(key),
    ...(parts.extra ?? []),
    ...(parts.extensions ? [der.explicit(3, der.sequence(...parts.extensions))] : []),
  );
  return der.sequence(tbs, parts.outerAlg ?? parts.innerAlg ?? sha256Rsa, der.bitString(new Uint8Array(128).fill(0x5a)));
}

const ext = (oid: string, value: Uint8Array, critical = false): Uint8Array =>
  der.sequence(der.oid(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));

function expectX509Error(fn: () => unknown, code?: string, message?: RegExp): X509Error {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(X509Error);
  const err = caught as X509Error;
  if (code) expect(err.code).toBe(code);
  if (message) expect(err.message).toMatch(message);
  return err;
}

describe('buildCertificate round trip', () => {
  const ca = buildCertificate({
    subject: 'C=US, O=Acme Corp, CN=Acme Root',
    notBefore,
    notAfter,
    publicKey: key,
    signingKey: key,
    ca: true,
    pathLength: 1,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const leafKey = nodeRsaKey();
  const leaf = buildCertificate({
    serialNumber: 0x1234n,
    subject: [['CN', 'host.example.com'], ['O', 'Acme_Ünïcode']],
    issuerCertificate: ca,
    notBefore,
    notAfter,
    publicKey: leafKey,
    signingKey: key,
    signatureHash: 'sha1',
    ca: false,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth', 'clientAuth', '1.2.3.4'],
    subjectAltName: { dns: ['host.example.com', '*.example.com'], ip: ['10.0.0.1', '2001:DB8:0:0:0:0:0:1'], email: ['ops@example.com'], uri: ['https://example.com/'] },
    subjectKeyIdentifier: true,
  });

  it('reads back every field the builder wrote', () => {
    expect(ca.version).toBe(3);
    expect(ca.basicConstraints).toEqual({ ca: true, pathLength: 1 });
    expect([...ca.keyUsage!]).toEqual(['keyCertSign', 'cRLSign']);
    expect(ca.subjectKeyIdentifier).toEqual(keyIdentifier(key));
    // Self-signed with an SKI: the AKI names the same key.
    expect(ca.authorityKeyIdentifier).toEqual(ca.subjectKeyIdentifier);
    expect(formatName(ca.subject)).toBe('C=US, O=Acme Corp, CN=Acme Root');
    expect(ca.issuer.raw).toEqual(ca.subject.raw);
    expect(ca.extensions.find((e) => e.oid === OID.basicConstraints)?.critical).toBe(true);
    expect(ca.extensions.find((e) => e.oid === OID.keyUsage)?.critical).toBe(true);

    expect(leaf.serialNumber).toBe(0x1234n);
    expect(leaf.signatureAlgorithm).toEqual({ oid: OID.sha1WithRSAEncryption, hash: 'sha1' });
    expect(leaf.issuer.raw).toEqual(ca.subject.raw);
    expect(leaf.notBefore).toEqual(notBefore);
    expect(leaf.notAfter).toEqual(notAfter);
    expect(leaf.publicKey.rsa).toEqual({ n: leafKey.n, e: leafKey.e });
    expect(leaf.basicConstraints).toEqual({ ca: false });
    expect(leaf.extensions.find((e) => e.oid === OID.basicConstraints)?.critical).toBe(false);
    expect(leaf.extendedKeyUsage).toEqual([OID.serverAuth, OID.clientAuth, '1.2.3.4']);
    expect(leaf.subjectAltName).toEqual({
      dns: ['host.example.com', '*.example.com'],
      ip: ['10.0.0.1', '2001:db8::1'],
      email: ['ops@example.com'],
      uri: ['https://example.com/'],
    });
    expect(leaf.authorityKeyIdentifier).toEqual(ca.subjectKeyIdentifier);
    expect(commonName(leaf.subject)).toBe('host.example.com');
    // PrintableString when possible, UTF8String otherwise.
    expect(leaf.subject.rdns.map((r) => r[0].tag)).toEqual([Tag.PRINTABLE_STRING, Tag.UTF8_STRING]);
    expect(leaf.subject.rdns[1][0].value).toBe('Acme_Ünïcode');
  });

  it('signs tbsCertificate with the issuer key', () => {
    expect(rsaVerifyPkcs1(key, 'sha1', sha1(leaf.tbsRaw), leaf.signature)).toBe(true);
    expect(rsaVerifyPkcs1(key, 'sha256', sha256(ca.tbsRaw), ca.signature)).toBe(true);
  });

  it('refuses a signing key that is not the issuer certificate key', () => {
    expectX509Error(
      () => buildCertificate({ subject: 'CN=x', issuerCertificate: ca, notBefore, notAfter, publicKey: leafKey, signingKey: leafKey }),
      'KEY_MISMATCH',
    );
  });

  it('rejects bad builder input with BAD_INPUT', () => {
    const base = { subject: 'CN=x', notBefore, notAfter, publicKey: key, signingKey: key };
    expectX509Error(() => buildCertificate({ ...base, notAfter: new Date('2000-01-01Z') }), 'BAD_INPUT', /notAfter/);
    expectX509Error(() => buildCertificate({ ...base, subjectAltName: { ip: ['10.0.0.256'] } }), 'BAD_INPUT', /IP address/);
    expectX509Error(() => buildCertificate({ ...base, subject: 'XX=y' }), 'BAD_INPUT', /unknown name attribute/);
    expectX509Error(() => buildCertificate({ ...base, subject: 'C=USA' }), 'BAD_INPUT', /two-letter/);
    expectX509Error(() => buildCertificate({ ...base, pathLength: 2 }), 'BAD_INPUT', /pathLength/);
    expectX509Error(() => buildCertificate({ ...base, extendedKeyUsage: ['serverAuthh'] }), 'BAD_INPUT');
  });

  it('makes random positive serials and md5 signatures', () => {
    const a = buildCertificate({ subject: 'CN=x', notBefore, notAfter, publicKey: key, signingKey: key, signatureHash: 'md5' });
    const b = buildCertificate({ subject: 'CN=x', notBefore, notAfter, publicKey: key, signingKey: key });
    expect(a.serialNumber).toBeGreaterThan(0n);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.serialNumber < 1n << 127n).toBe(true);
    expect(a.signatureAlgorithm.hash).toBe('md5');
    expect(randomSerialNumber(() => new Uint8Array(16))).toBe(1n);
    expect(randomSerialNumber(() => new Uint8Array(16).fill(0xff))).toBe((1n << 127n) - 1n);
  });

  it('uses GeneralizedTime from 2050 on and reads it back', () => {
    const far = new Date('2137-06-04T14:02:31Z');
    const c = buildCertificate({ subject: 'CN=x', notBefore, notAfter: far, publicKey: key, signingKey: key });
    expect(c.notAfter).toEqual(far);
    expect(c.tbsRaw.includes(Tag.GENERALIZED_TIME)).toBe(true);
  });

  it('is accepted by node:crypto X509Certificate (a parser that is not ours)', () => {
    const x = new X509Certificate(certificateToPem(leaf));
    expect(x.subjectAltName).toContain('DNS:host.example.com');
    expect(x.fingerprint256).toBe(fingerprint(leaf, 'sha256'));
    expect(x.fingerprint).toBe(fingerprint(leaf, 'sha1'));
  });
});

describe('names', () => {
  it('reads the string forms in encoding order, with escapes and multi-valued RDNs', () => {
    expect(parseNameString('C=US, O=Acme\\, Inc., CN=a+OU=b')).toEqual([[['C', 'US']], [['O', 'Acme, Inc.']], [['CN', 'a'], ['OU', 'b']]]);
    expect(parseNameString('/C=US/O=Acme/CN=host')).toEqual([[['C', 'US']], [['O', 'Acme']], [['CN', 'host']]]);
    expect(parseNameString('CN=caf\\C3\\A9')).toEqual([[['CN', 'café']]]);
    expect(parseNameString('CN=\\ lead, O=trail\\ ')).toEqual([[['CN', ' lead']], [['O', 'trail ']]]);
  });

  it('formatName output parses back to the same DER', () => {
    const names = ['C=US, ST=Texas, O=Acme\\, Inc., OU=R\\+D, CN=host.example', 'DC=com, DC=example, CN=a + UID=jdoe', 'CN=\\#hash, O=\\ spaced\\ ', 'emailAddress=a@b.c, CN=x'];
    for (const s of names) {
      const raw = encodeName(s);
      const dn = parseCertificate(assemble({ subject: raw })).subject;
      expect(encodeName(formatName(dn))).toEqual(raw);
    }
  });

  it('keeps multi-valued RDNs and DER-sorts their members', () => {
    const c = parseCertificate(assemble({ subject: encodeName('O=Multi, CN=a.example + OU=Ops') }));
    expect(c.subject.rdns).toHaveLength(2);
    expect(c.subject.rdns[1].map((a) => a.type)).toEqual([OID.organizationalUnitName, OID.commonName]);
    expect(formatName(c.subject)).toBe('O=Multi, OU=Ops + CN=a.example');
    expect(commonName(c.subject)).toBe('a.example');
  });

  it('reads T61String, BMPString, UniversalString, IA5String and a non-string value', () => {
    const atv = (oid: string, v: Uint8Array): Uint8Array => der.setOf(der.sequence(der.oid(oid), v));
    const name = der.sequence(
      atv(OID.organizationName, tlv(Tag.T61_STRING, Uint8Array.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]))), // 'Müller' in Latin-1
      atv(OID.organizationalUnitName, tlv(Tag.BMP_STRING, Uint8Array.from([0x00, 0x41, 0x04, 0x14]))),
      atv(OID.localityName, tlv(Tag.UNIVERSAL_STRING, Uint8Array.from([0, 1, 0xf6, 0x00]))),
      atv(OID.emailAddress, tlv(Tag.IA5_STRING, Uint8Array.from([0x61, 0x40, 0x62]))),
      atv('1.2.3.4', der.integer(5)),
      atv(OID.commonName, der.printableString('host')),
    );
    const dn: DistinguishedName = parseCertificate(assemble({ subject: name })).subject;
    expect(dn.rdns.flat().map((a) => [a.tag, a.value])).toEqual([
      [Tag.T61_STRING, 'Müller'],
      [Tag.BMP_STRING, 'AД'],
      [Tag.UNIVERSAL_STRING, '\u{1f600}'],
      [Tag.IA5_STRING, 'a@b'],
      [Tag.INTEGER, '#020105'],
      [Tag.PRINTABLE_STRING, 'host'],
    ]);
    expect(formatName(dn)).toBe('O=Müller, OU=AД, L=\u{1f600}, emailAddress=a@b, 1.2.3.4=#020105, CN=host');
    // The name's exact bytes are kept for issuer/subject matching.
    expect(dn.raw).toEqual(name);
    // A DistinguishedName is reused byte for byte by the builder.
    const c = buildCertificate({ subject: dn, notBefore, notAfter, publicKey: key, signingKey: key });
    expect(c.subject.raw).toEqual(name);
    expect(encodeName(formatName(dn)).length).toBeGreaterThan(0);
  });

  it('reads an empty name', () => {
    const c = parseCertificate(assemble({ subject: der.sequence() }));
    expect(c.subject.rdns).toEqual([]);
    expect(formatName(c.subject)).toBe('');
    expect(commonName(c.subject)).toBeUndefined();
  });
});

describe('legacy shapes', () => {
  it('reads a v1 certificate (no [0] version) and an explicit v1', () => {
    const v1 = parseCertificate(assemble({ version: null }));
    expect(v1.version).toBe(1);
    expect(v1.extensions).toEqual([]);
    expect(parseCertificate(assemble({ version: der.explicit(0, der.integer(0)) })).version).toBe(1);
    expect(parseCertificate(assemble({ version: der.explicit(0, der.integer(1)) })).version).toBe(2);
  });

  it('reads zero, negative and long serial numbers', () => {
    expect(parseCertificate(assemble({ serial: der.integer(0) })).serialNumber).toBe(0n);
    expect(parseCertificate(assemble({ serial: der.integer(-5) })).serialNumber).toBe(-5n);
    expect(parseCertificate(assemble({ serial: tlv(Tag.INTEGER, Uint8Array.of(0x80)) })).serialNumber).toBe(-128n);
    const big = (1n << 200n) + 12345n;
    expect(parseCertificate(assemble({ serial: der.integer(big) })).serialNumber).toBe(big);
  });

  it('skips issuerUniqueID and subjectUniqueID', () => {
    const c = parseCertificate(assemble({ version: der.explicit(0, der.integer(1)), extra: [tlv(contextPrimitive(1), Uint8Array.of(0, 1, 2)), tlv(contextPrimitive(2), Uint8Array.of(0, 3))] }));
    expect(c.version).toBe(2);
  });

  it('names every RSA signature digest and keeps unknown algorithms without one', () => {
    const cases: [string, string | undefined][] = [
      [OID.md2WithRSAEncryption, 'md2'],
      [OID.md5WithRSAEncryption, 'md5'],
      [OID.sha1WithRSAEncryption, 'sha1'],
      [OID.sha224WithRSAEncryption, 'sha224'],
      [OID.sha256WithRSAEncryption, 'sha256'],
      [OID.sha384WithRSAEncryption, 'sha384'],
      [OID.sha512WithRSAEncryption, 'sha512'],
      [OID.ecdsaWithSHA256, undefined],
      [OID.rsassaPss, undefined],
    ];
    for (const [oid, hash] of cases) {
      const alg = oid === OID.ecdsaWithSHA256 ? der.sequence(der.oid(oid)) : der.sequence(der.oid(oid), der.null());
      const c = parseCertificate(assemble({ innerAlg: alg }));
      expect(c.signatureAlgorithm).toEqual(hash ? { oid, hash } : { oid });
    }
  });

  it('reads UTCTime with and without seconds and GeneralizedTime', () => {
    const validity = der.sequence(tlv(Tag.UTC_TIME, Buffer.from('9912312359Z')), tlv(Tag.GENERALIZED_TIME, Buffer.from('20510101000000Z')));
    const c = parseCertificate(assemble({ validity }));
    expect(c.notBefore.toISOString()).toBe('1999-12-31T23:59:00.000Z');
    expect(c.notAfter.toISOString()).toBe('2051-01-01T00:00:00.000Z');
  });
});

describe('extensions', () => {
  it('decodes the extensions we know and keeps the others raw, unknown critical ones included', () => {
    const crlDp = der.sequence(der.sequence(der.explicit(0, tlv(0xa0, tlv(contextPrimitive(6), Buffer.from('http://crl.example/a.crl'))))));
    const aki = der.sequence(tlv(contextPrimitive(0), Uint8Array.of(1, 2, 3)), tlv(contextPrimitive(2), Uint8Array.of(7)));
    const c = parseCertificate(
      assemble({
        extensions: [
          ext(OID.basicConstraints, der.sequence(der.boolean(true), der.integer(0)), true),
          ext(OID.keyUsage, der.bitString(Uint8Array.of(0x86), 1), true),
          ext(OID.authorityKeyIdentifier, aki),
          ext(OID.cRLDistributionPoints, crlDp),
          ext('1.3.6.1.4.1.99999.1', Uint8Array.of(5, 0), true),
          ext(OID.subjectAltName, der.sequence(tlv(0xa0, der.oid('1.2.3'), der.explicit(0, der.utf8String('x'))), tlv(contextPrimitive(2), Buffer.from('a.example')))),
        ],
      }),
    );
    expect(c.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect([...c.keyUsage!]).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    expect(c.authorityKeyIdentifier).toEqual(Uint8Array.of(1, 2, 3));
    expect(c.crlDistributionPoints).toEqual(['http://crl.example/a.crl']);
    expect(c.subjectAltName).toEqual({ dns: ['a.example'], ip: [], email: [], uri: [] });
    expect(c.extensions.map((e) => [e.oid, e.critical])).toContainEqual(['1.3.6.1.4.1.99999.1', true]);
    expect(c.extensions).toHaveLength(6);
    expect(describeCertificate(c)).toContain('1.3.6.1.4.1.99999.1: critical\n                05:00');
  });

  it('reads keyUsage decipherOnly (bit 8, second byte)', () => {
    const c = parseCertificate(assemble({ extensions: [ext(OID.keyUsage, der.bitString(Uint8Array.of(0x08, 0x80), 7))] }));
    expect([...c.keyUsage!]).toEqual(['keyAgreement', 'decipherOnly']);
  });

  it('rejects a duplicate extension', () => {
    const e = ext(OID.subjectKeyIdentifier, der.octetString(Uint8Array.of(1)));
    expectX509Error(() => parseCertificate(assemble({ extensions: [e, e] })), 'DUPLICATE_EXTENSION', /subjectKeyIdentifier appears more than once/);
  });

  it('rejects malformed known extensions, naming them', () => {
    expectX509Error(() => parseCertificate(assemble({ extensions: [ext(OID.basicConstraints, der.integer(1))] })), 'BAD_EXTENSION', /basicConstraints/);
    expectX509Error(
      () => parseCertificate(assemble({ extensions: [ext(OID.subjectAltName, der.sequence(tlv(contextPrimitive(7), Uint8Array.of(1, 2, 3))))] })),
      'BAD_EXTENSION',
      /iPAddress of 3 bytes/,
    );
    expectX509Error(
      () => parseCertificate(assemble({ extensions: [ext(OID.extKeyUsage, Uint8Array.of(0x30, 0x03, 0x06, 0x01, 0x2a, 0x00))] })),
      'BAD_EXTENSION',
      /extKeyUsage/,
    );
  });

  it('rejects extensions in a v1 certificate', () => {
    expectX509Error(
      () => parseCertificate(assemble({ version: null, extensions: [ext(OID.subjectKeyIdentifier, der.octetString(Uint8Array.of(1)))] })),
      'MALFORMED',
      /v1/,
    );
  });
});

describe('strictness', () => {
  const good = buildCertificate({
    subject: 'O=Acme, CN=strict.example',
    notBefore,
    notAfter,
    publicKey: key,
    signingKey: key,
    ca: false,
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: ['serverAuth'],
    subjectAltName: { dns: ['strict.example'], ip: ['192.0.2.1'] },
    subjectKeyIdentifier: true,
  });

  it('throws X509Error, and nothing else, for a truncation at every offset', () => {
    for (let i = 0; i < good.raw.length; i++) {
      expectX509Error(() => parseCertificate(good.raw.slice(0, i)));
    }
  });

  it('throws X509Error or parses, never anything else, for random corruption', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const bytes = good.raw.slice();
      for (let k = 0; k <= rnd(3); k++) bytes[rnd(bytes.length)] = rnd(256);
      try {
        parseCertificate(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(X509Error);
      }
    }
  });

  it('rejects trailing bytes after the certificate and inside tbsCertificate', () => {
    const withTail = new Uint8Array([...good.raw, 0]);
    expectX509Error(() => parseCertificate(withTail), 'MALFORMED', /encoding/);
    expectX509Error(() => parseCertificate(assemble({ extra: [der.null()] })), 'MALFORMED');
  });

  it('rejects versions other than v1..v3', () => {
    expectX509Error(() => parseCertificate(assemble({ version: der.explicit(0, der.integer(3)) })), 'BAD_VERSION', /version: 3/);
    expectX509Error(() => parseCertificate(assemble({ version: der.explicit(0, der.integer(-1)) })), 'BAD_VERSION');
  });

  it('rejects an outer signatureAlgorithm that differs from the inner one', () => {
    const sha1Rsa = der.sequence(der.oid(OID.sha1WithRSAEncryption), der.null());
    expectX509Error(() => parseCertificate(assemble({ innerAlg: sha256Rsa, outerAlg: sha1Rsa })), 'ALGORITHM_MISMATCH', /sha1WithRSAEncryption differs from the sha256WithRSAEncryption/);
    // Same OID, parameters NULL in one and absent in the other: different encodings, refused.
    expectX509Error(() => parseCertificate(assemble({ innerAlg: sha256Rsa, outerAlg: der.sequence(der.oid(OID.sha256WithRSAEncryption)) })), 'ALGORITHM_MISMATCH');
  });

  it('names the field that failed', () => {
    expectX509Error(() => parseCertificate(assemble({ validity: der.sequence(der.time(notBefore)) })), 'MALFORMED', /^certificate validity: /);
    expectX509Error(() => parseCertificate(assemble({ issuer: der.integer(1) })), 'MALFORMED', /^certificate issuer: expected Name/);
    expectX509Error(() => parseCertificate(Uint8Array.of(0x02, 0x01, 0x00)), 'MALFORMED', /not a DER SEQUENCE/);
  });
});

describe('parseCertificates and helpers', () => {
  const a = buildCertificate({ subject: 'CN=a', notBefore, notAfter, publicKey: key, signingKey: key });
  const b = buildCertificate({ subject: 'CN=b', notBefore, notAfter, publicKey: key, signingKey: key });

  it('reads every CERTIFICATE block of a PEM text, skipping other blocks and text', () => {
    const text = `subject=CN=a\n${certificateToPem(a)}${pemEncode('PRIVATE KEY', Uint8Array.of(1, 2))}junk\n${certificateToPem(b)}`;
    expect(parseCertificates(text).map((c) => commonName(c.subject))).toEqual(['a', 'b']);
    expect(parseCertificates(Buffer.from(text)).map((c) => commonName(c.subject))).toEqual(['a', 'b']);
    expect(pemDecode(certificateToPem(a))[0]).toEqual({ label: 'CERTIFICATE', der: a.raw });
  });

  it('reads DER and OpenSSL TRUSTED CERTIFICATE blocks', () => {
    expect(parseCertificates(a.raw)[0].raw).toEqual(a.raw);
    const trusted = pemEncode('TRUSTED CERTIFICATE', new Uint8Array([...a.raw, ...der.sequence(der.sequence(der.oid(OID.serverAuth)))]));
    expect(parseCertificates(trusted)[0].raw).toEqual(a.raw);
  });

  it('says what is wrong with a file that holds no certificate', () => {
    expectX509Error(() => parseCertificates('hello'), 'NO_CERTIFICATE', /no PEM block/);
    expectX509Error(() => parseCertificates(pemEncode('PRIVATE KEY', Uint8Array.of(1))), 'NO_CERTIFICATE', /found PRIVATE KEY/);
    expectX509Error(() => parseCertificates(Buffer.from('hello\n')), 'NO_CERTIFICATE', /neither PEM/);
    expectX509Error(() => parseCertificates(new Uint8Array(0)), 'NO_CERTIFICATE');
    expectX509Error(() => parseCertificates('-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n'), 'BAD_PEM');
    const broken = certificateToPem(a) + pemEncode('CERTIFICATE', a.raw.slice(0, 50));
    expectX509Error(() => parseCertificates(broken), 'MALFORMED', /PEM block 2/);
  });

  it('fingerprints match node:crypto', () => {
    const x = new X509Certificate(a.raw);
    expect(fingerprint(a, 'sha256')).toBe(x.fingerprint256);
    expect(fingerprint(a, 'sha1')).toBe(x.fingerprint);
    expect(fingerprint(a, 'sha256')).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('formats IP addresses in RFC 5952 and OpenSSL style', () => {
    const v6 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/:/g, ''), 'hex'));
    expect(formatIpAddress(Uint8Array.of(10, 0, 0, 1))).toBe('10.0.0.1');
    expect(formatIpAddress(v6('20010db8000000000000000000000001'))).toBe('2001:db8::1');
    expect(formatIpAddress(v6('20010db8000000010000000000000001'))).toBe('2001:db8:0:1::1');
    expect(formatIpAddress(v6('20010000000000010000000000000000'))).toBe('2001:0:0:1::');
    expect(formatIpAddress(v6('00000000000000000000000000000000'))).toBe('::');
    expect(formatIpAddress(v6('20010db8000100010001000100010001'))).toBe('2001:db8:1:1:1:1:1:1');
    expect(formatIpAddress(v6('20010db8000000010000000000000001'), 'openssl')).toBe('2001:DB8:0:1:0:0:0:1');
  });
});

describe('describeCertificate', () => {
  it('shows the fields like openssl x509 -text, and both fingerprints', () => {
    const c: Certificate = buildCertificate({
      serialNumber: -5n,
      subject: 'C=US, CN=dump.example',
      notBefore,
      notAfter,
      publicKey: key,
      signingKey: key,
      ca: true,
      pathLength: 0,
      keyUsage: ['keyCertSign'],
      subjectAltName: { dns: ['dump.example'], ip: ['::1'] },
    });
    const text = describeCertificate(c);
    expect(text).toContain('        Version: 3 (0x2)\n        Serial Number: -5 (-0x5)\n        Signature Algorithm: sha256WithRSAEncryption\n');
    expect(text).toContain('            Not Before: Jan  1 00:00:00 2024 GMT\n            Not After : Jan  1 00:00:00 2034 GMT\n');
    expect(text).toContain('RSA Public-Key: (1024 bit)');
    expect(text).toContain('Exponent: 65537 (0x10001)');
    expect(text).toContain('X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:0\n');
    expect(text).toContain('DNS:dump.example, IP Address:0:0:0:0:0:0:0:1');
    expect(text).toContain(`SHA256 Fingerprint=${fingerprint(c, 'sha256')}\n`);
    expect(text).toContain(`SHA1 Fingerprint=${fingerprint(c, 'sha1')}\n`);
  });
});
