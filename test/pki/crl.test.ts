/**
 * CRL parsing and checking (src/pki/crl.ts) on CRLs made by `openssl ca -gencrl`: v2 with
 * cRLNumber, authorityKeyIdentifier and reason codes, and v1; PEM and DER; truncated, trailing
 * and mis-tagged encodings refused with a CrlError; the signature checked against the right
 * CA, a tampered CRL and a CA of the same name with another key; CRLDistributionPoints URIs
 * read from certificates openssl issued.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPeer } from '../helpers/peers.js';
import { OpensslCa, type CrlFiles, type IssuedCert } from '../helpers/openssl-ca.js';
import { removeTempDirs } from '../helpers/temp-dirs.js';
import { CrlError, crlFreshness, crlProblem, findRevoked, parseCrl, parseCrlDer, parseCrls, type Crl } from '../../src/pki/crl.js';
import { formatName } from '../../src/pki/x509.js';
import { Tag } from '../../src/pki/der.js';

const openssl = findPeer('openssl', 'openssl');

describe.skipIf(!openssl)('CRLs made by openssl ca -gencrl', () => {
  let ca: OpensslCa;
  let alice: IssuedCert;
  let bob: IssuedCert;
  let carol: IssuedCert;
  let v2: CrlFiles;

  beforeAll(() => {
    ca = new OpensslCa(openssl!);
    alice = ca.issue('alice');
    bob = ca.issue('bob');
    carol = ca.issue('carol');
    ca.revoke(alice, 'keyCompromise');
    ca.revoke(bob, 'superseded');
    v2 = ca.gencrl({ hours: 24 });
  });
  afterAll(() => removeTempDirs());

  it('reads a v2 CRL: issuer, times, cRLNumber, authorityKeyIdentifier, revoked serials and reasons', () => {
    const crl = parseCrl(v2.pem);
    expect(crl.version).toBe(2);
    expect(formatName(crl.issuer)).toBe('O=ssl3 tests, CN=Test CRL CA');
    expect(crl.crlNumber).toBe(1n);
    expect(crl.authorityKeyIdentifier).toEqual(ca.cert.subjectKeyIdentifier);
    expect(crl.nextUpdate!.getTime() - crl.thisUpdate.getTime()).toBe(24 * 3600_000);
    expect(Math.abs(crl.thisUpdate.getTime() - Date.now())).toBeLessThan(120_000);
    expect(crl.signatureAlgorithm.hash).toBe('sha256');
    expect(crl.revoked.map((r) => [r.serialNumber, r.reason])).toEqual([
      [alice.cert.serialNumber, 'keyCompromise'],
      [bob.cert.serialNumber, 'superseded'],
    ]);
    expect(findRevoked(crl, alice.cert.serialNumber)?.reason).toBe('keyCompromise');
    expect(findRevoked(crl, carol.cert.serialNumber)).toBeUndefined();
    // openssl agrees on what it wrote.
    const text = execFileSync(openssl!, ['crl', '-in', v2.pemFile, '-noout', '-text'], { encoding: 'utf8' });
    for (const r of crl.revoked) expect(text).toContain(`Serial Number: ${r.serialNumber.toString(16).toUpperCase()}`);
  });

  it('reads the same CRL from DER and PEM, and several PEM blocks', () => {
    const fromDer = parseCrlDer(v2.der);
    const fromPem = parseCrl(v2.pem);
    expect(fromDer.raw).toEqual(fromPem.raw);
    expect(fromDer.tbsRaw).toEqual(fromPem.tbsRaw);
    expect(parseCrl(v2.der).revoked).toHaveLength(2);
    const both = parseCrls(`${ca.certPem}${v2.pem}${v2.pem}`);
    expect(both).toHaveLength(2);
  });

  it('reads a v1 CRL (no extensions anywhere)', () => {
    const plain = new OpensslCa(openssl!, { cn: 'Plain CA' });
    const dave = plain.issue('dave');
    plain.revoke(dave);
    const files = plain.gencrl({ v1: true });
    const crl = parseCrl(files.der);
    expect(crl.version).toBe(1);
    expect(crl.extensions).toEqual([]);
    expect(crl.crlNumber).toBeUndefined();
    expect(crl.revoked).toHaveLength(1);
    expect(crl.revoked[0].serialNumber).toBe(dave.cert.serialNumber);
    expect(crl.revoked[0].reason).toBeUndefined();
    expect(crlProblem(crl, plain.cert)).toBeUndefined();
    expect(execFileSync(openssl!, ['crl', '-in', files.pemFile, '-noout', '-text'], { encoding: 'utf8' })).toMatch(/Version 1 \(0x0\)/);
  });

  it('reads an empty CRL (no revokedCertificates at all)', () => {
    const empty = new OpensslCa(openssl!, { cn: 'Empty CA' });
    const crl = parseCrl(empty.gencrl().der);
    expect(crl.revoked).toEqual([]);
    expect(crlProblem(crl, empty.cert)).toBeUndefined();
  });

  describe('refuses malformed encodings with a CrlError', () => {
    const refuses = (bytes: Uint8Array, pattern?: RegExp) => {
      let error: unknown;
      try {
        parseCrlDer(bytes);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CrlError);
      if (pattern) expect((error as Error).message).toMatch(pattern);
    };

    it('every truncation', () => {
      for (let n = 0; n < v2.der.length; n++) refuses(v2.der.subarray(0, n));
    });

    it('trailing bytes after the CRL', () => {
      refuses(Uint8Array.from([...v2.der, 0]), /unexpected bytes/);
    });

    it('wrong tags: the outer SEQUENCE, tbsCertList, thisUpdate', () => {
      const outer = Uint8Array.from(v2.der);
      outer[0] = Tag.SET;
      refuses(outer, /not a DER SEQUENCE/);
      // The tbsCertList header follows the outer header (0x30 0x82 LL LL).
      const tbs = Uint8Array.from(v2.der);
      expect(tbs[4]).toBe(Tag.SEQUENCE);
      tbs[4] = Tag.OCTET_STRING;
      refuses(tbs, /tbsCertList/);
      const at = offsetOfTime(v2.der);
      const time = Uint8Array.from(v2.der);
      time[at] = Tag.OCTET_STRING;
      refuses(time, /thisUpdate/);
    });

    it('a version other than v2', () => {
      const bytes = Uint8Array.from(v2.der);
      // tbsCertList starts with INTEGER 1 (02 01 01) after the two SEQUENCE headers.
      const at = indexOf(bytes, Uint8Array.of(Tag.INTEGER, 1, 1), 0);
      bytes[at + 2] = 2;
      refuses(bytes, /version: 2 is not v2/);
    });

    it('text that is not a CRL', () => {
      expect(() => parseCrls(ca.certPem)).toThrow(/no X509 CRL block in the PEM data \(found CERTIFICATE\)/);
      expect(() => parseCrls(new Uint8Array(0))).toThrow(CrlError);
      expect(() => parseCrls(Uint8Array.of(1, 2, 3))).toThrow(/neither PEM/);
    });
  });

  describe('signature and issuer (crlProblem)', () => {
    it('a CRL verifies with its CA', () => {
      expect(crlProblem(parseCrl(v2.der), ca.cert)).toBeUndefined();
    });

    it('a tampered CRL does not: a changed serial, a changed signature', () => {
      const serial = Uint8Array.from(v2.der);
      // alice's serial, 0x1000 (the CA's serial file starts there): INTEGER 02 02 10 00.
      expect(alice.cert.serialNumber).toBe(0x1000n);
      const at = indexOf(serial, Uint8Array.of(Tag.INTEGER, 2, 0x10, 0x00), 0);
      expect(at).toBeGreaterThan(0);
      serial[at + 3] ^= 0x01;
      expect(crlProblem(parseCrlDer(serial), ca.cert)).toMatchObject({ code: 'BAD_SIGNATURE' });
      const signature = Uint8Array.from(v2.der);
      signature[signature.length - 1] ^= 0x01;
      expect(crlProblem(parseCrlDer(signature), ca.cert)?.reason).toMatch(/signature of the CRL of 'Test CRL CA' does not verify/);
    });

    it("a CA with the same name and another key: refused by key identifier, and by signature without one", () => {
      const impostor = new OpensslCa(openssl!, { cn: 'Test CRL CA' });
      expect(crlProblem(parseCrl(impostor.gencrl().der), ca.cert)).toMatchObject({ code: 'OTHER_KEY' });
      expect(crlProblem(parseCrl(impostor.gencrl({ v1: true }).der), ca.cert)).toMatchObject({ code: 'BAD_SIGNATURE' });
    });

    it('a CRL with a critical extension we do not apply (a partitioned CRL: issuingDistributionPoint) is not used', () => {
      const crl = parseCrl(ca.gencrl({ partitioned: true }).der);
      expect(crl.extensions.find((e) => e.critical)?.oid).toBe('2.5.29.28');
      expect(crlProblem(crl, ca.cert)).toEqual({
        code: 'CRITICAL_EXTENSION',
        reason: "the CRL of 'Test CRL CA' has a critical issuingDistributionPoint extension, which is not supported",
      });
    });

    it("another CA's CRL is OTHER_ISSUER", () => {
      const other = new OpensslCa(openssl!, { cn: 'Other CA' });
      expect(crlProblem(parseCrl(other.gencrl().der), ca.cert)).toMatchObject({ code: 'OTHER_ISSUER' });
    });

    it('freshness: current until nextUpdate, stale after, not valid before thisUpdate', () => {
      const crl: Crl = parseCrl(v2.der);
      expect(crlFreshness(crl, crl.thisUpdate.getTime())).toBe('current');
      expect(crlFreshness(crl, crl.nextUpdate!.getTime())).toBe('current');
      expect(crlFreshness(crl, crl.nextUpdate!.getTime() + 1)).toBe('stale');
      expect(crlFreshness(crl, crl.thisUpdate.getTime() - 1)).toBe('not-yet-valid');
    });
  });

  it('reads CRLDistributionPoints URIs (http and ldap) from certificates openssl issued', () => {
    const uris = ['http://127.0.0.1:8080/ca.crl', 'ldap://127.0.0.1:3890/cn=Test%20CRL%20CA,o=ssl3%20tests?certificateRevocationList;binary'];
    const erin = ca.issue('erin', { cdp: uris });
    expect(erin.cert.crlDistributionPoints).toEqual(uris);
    const text = execFileSync(openssl!, ['x509', '-in', erin.certFile, '-noout', '-ext', 'crlDistributionPoints'], { encoding: 'utf8' });
    for (const u of uris) expect(text).toContain(`URI:${u}`);
    expect(carol.cert.crlDistributionPoints).toBeUndefined();
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The offset of thisUpdate's tag: the first UTCTime (0x17 0x0d) in the encoding. */
function offsetOfTime(der: Uint8Array): number {
  return indexOf(der, Uint8Array.of(Tag.UTC_TIME, 13), 0);
}
