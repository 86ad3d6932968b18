// Pins (certificate fingerprints and curl's sha256// public-key form), checked against
// node:crypto's digests as an independent implementation.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Certificate } from '../../src/pki/certificate.js';
import { OID } from '../../src/pki/oid.js';
import { parsePin, PinError, pinMatches, pinsOf } from '../../src/pki/pin.js';

function fakeCert(raw: Uint8Array, spki: Uint8Array): Certificate {
  const name = { rdns: [], raw: new Uint8Array(0) };
  return {
    raw,
    tbsRaw: raw,
    version: 3,
    serialNumber: 1n,
    signatureAlgorithm: { oid: OID.sha256WithRSAEncryption, hash: 'sha256' },
    signature: new Uint8Array(0),
    issuer: name,
    subject: name,
    notBefore: new Date(0),
    notAfter: new Date(0),
    publicKey: { algorithmOid: OID.rsaEncryption, raw: spki },
    extensions: [],
  };
}

const raw = new Uint8Array(randomBytes(700));
const spki = new Uint8Array(randomBytes(162));
const cert = fakeCert(raw, spki);
const sha256Hex = createHash('sha256').update(raw).digest('hex');
const sha1Hex = createHash('sha1').update(raw).digest('hex');
const spkiB64 = createHash('sha256').update(spki).digest('base64');
const colons = (hex: string): string => hex.match(/../g)!.join(':');

describe('pinMatches', () => {
  it.each([
    ['sha256 lower', sha256Hex],
    ['sha256 upper', sha256Hex.toUpperCase()],
    ['sha256 colons', colons(sha256Hex).toUpperCase()],
    ['sha256 colons lower', colons(sha256Hex)],
    ['sha256 with surrounding space', `  ${sha256Hex}\n`],
    ['sha256: prefix', `sha256:${sha256Hex}`],
    ['SHA-256 prefix', `SHA-256:${colons(sha256Hex)}`],
    ['openssl -fingerprint output', `SHA256 Fingerprint=${colons(sha256Hex).toUpperCase()}`],
    ['sha1 lower', sha1Hex],
    ['sha1 colons upper', colons(sha1Hex).toUpperCase()],
    ['openssl sha1 output', `SHA1 Fingerprint=${colons(sha1Hex).toUpperCase()}`],
    ['spki', `sha256//${spkiB64}`],
  ])('matches: %s', (_label, pin) => {
    expect(pinMatches(cert, pin)).toBe(true);
  });

  it('does not match another certificate or key', () => {
    const other = fakeCert(new Uint8Array(randomBytes(700)), new Uint8Array(randomBytes(162)));
    for (const pin of [sha256Hex, colons(sha1Hex), `sha256//${spkiB64}`]) expect(pinMatches(other, pin)).toBe(false);
    // One flipped digit.
    const flipped = (sha256Hex[0] === '0' ? '1' : '0') + sha256Hex.slice(1);
    expect(pinMatches(cert, flipped)).toBe(false);
  });

  it('an SPKI pin survives a new certificate for the same key', () => {
    const reissued = fakeCert(new Uint8Array(randomBytes(700)), spki);
    expect(pinMatches(reissued, `sha256//${spkiB64}`)).toBe(true);
    expect(pinMatches(reissued, sha256Hex)).toBe(false);
  });

  it('accepts a parsed pin', () => {
    expect(pinMatches(cert, parsePin(sha1Hex))).toBe(true);
  });

  it('pinsOf prints pins that match', () => {
    const p = pinsOf(cert);
    expect(p.sha256).toBe(colons(sha256Hex).toUpperCase());
    expect(p.sha1).toBe(colons(sha1Hex).toUpperCase());
    expect(p.spki).toBe(`sha256//${spkiB64}`);
    for (const pin of Object.values(p)) expect(pinMatches(cert, pin)).toBe(true);
  });
});

describe('parsePin', () => {
  it('tells the kinds apart by form and length', () => {
    expect(parsePin(sha256Hex).kind).toBe('cert-sha256');
    expect(parsePin(sha1Hex).kind).toBe('cert-sha1');
    expect(parsePin(`sha256//${spkiB64}`).kind).toBe('spki-sha256');
    expect(Buffer.from(parsePin(colons(sha1Hex)).digest).toString('hex')).toBe(sha1Hex);
  });

  it.each([
    ['empty', ''],
    ['spaces only', '   '],
    ['odd length', sha256Hex.slice(1)],
    ['md5 length', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['too long', sha256Hex + '00'],
    ['not hex', 'zz' + sha256Hex.slice(2)],
    ['uneven colons', sha256Hex.slice(0, 3) + ':' + sha256Hex.slice(3)],
    ['double colon', colons(sha256Hex).replace(':', '::')],
    ['trailing colon', colons(sha256Hex) + ':'],
    ['prefix disagrees with length', `sha1:${sha256Hex}`],
    ['sha256// of 20 bytes', `sha256//${createHash('sha1').update(spki).digest('base64')}`],
    ['sha256// not base64', 'sha256//!!!!'],
    ['sha256// without padding', `sha256//${spkiB64.replace(/=+$/, '')}`],
    ['sha256// empty', 'sha256//'],
    ['sha512 form', `sha512//${spkiB64}`],
  ])('rejects %s with BAD_PIN', (_label, pin) => {
    let caught: unknown;
    try {
      parsePin(pin);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PinError);
    expect((caught as PinError).code).toBe('BAD_PIN');
    expect(() => pinMatches(cert, pin)).toThrow(PinError);
  });

  it('names the accepted forms', () => {
    expect(() => parsePin('12:34')).toThrow(/SHA-256 \(64 hex digits\) or SHA-1 \(40 hex digits\)/);
  });
});
