// verifyChain, checkHost and pinMatches over real DER certificates made by the X.509 builder
// (x509-build.ts, selfsign.ts) and read back by the parser: the same cases as verify.test.ts,
// now through encoding and parsing. When openssl is installed, the chains our builder makes
// are also given to `openssl verify`, for the failures the OpenSSL command line cannot make
// itself (keyUsage without keyCertSign, EKU, unknown critical extension).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate } from '../../src/pki/certificate.js';
import { der } from '../../src/pki/der.js';
import { checkHost } from '../../src/pki/hostname.js';
import { pinMatches, pinsOf } from '../../src/pki/pin.js';
import { generateRsaKey, type RsaPrivateKey } from '../../src/pki/rsa.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { verifyChain, type ChainErrorCode, type ChainResult } from '../../src/pki/verify.js';
import { buildCertificate, type BuildCertificateOptions } from '../../src/pki/x509-build.js';
import { certificateToPem, parseCertificate } from '../../src/pki/x509.js';
import { findPeer } from '../helpers/peers.js';

const DAY = 86_400_000;
const NOW = new Date('2031-03-01T00:00:00Z');
const validity = { notBefore: new Date(NOW.getTime() - 10 * DAY), notAfter: new Date(NOW.getTime() + 100 * DAY) };

let kRoot: RsaPrivateKey, kInter: RsaPrivateKey, kLeaf: RsaPrivateKey, kOther: RsaPrivateKey;
let root: Certificate, inter: Certificate, leaf: Certificate;

/** A certificate signed by `parent` (with `parentKey`), or self-signed. */
function cert(o: Omit<Partial<BuildCertificateOptions>, 'issuer'> & { subject: string; key: RsaPrivateKey; parent?: Certificate; parentKey?: RsaPrivateKey }): Certificate {
  const { key, parent, parentKey, ...rest } = o;
  return buildCertificate({
    ...validity,
    publicKey: key,
    signingKey: parentKey ?? key,
    issuerCertificate: parent,
    ...rest,
  });
}

function code(r: ChainResult): ChainErrorCode | 'ok' {
  return r.ok ? 'ok' : r.code;
}

beforeAll(() => {
  [kRoot, kInter, kLeaf, kOther] = [1, 2, 3, 4].map(() => generateRsaKey(1024));
  root = cert({ subject: 'O=Builder Test, CN=Builder Root', key: kRoot, ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  inter = cert({ subject: 'O=Builder Test, CN=Builder Intermediate', key: kInter, parent: root, parentKey: kRoot, ca: true, pathLength: 0, keyUsage: ['keyCertSign', 'cRLSign'] });
  leaf = cert({
    subject: 'CN=device.example',
    key: kLeaf,
    parent: inter,
    parentKey: kInter,
    ca: false,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth'],
    subjectAltName: { dns: ['device.example', '*.mgmt.example'], ip: ['192.0.2.7', '2001:db8::7'] },
  });
});

describe('verifyChain over built certificates', () => {
  it('a valid chain, in order and out of order, with or without the root', () => {
    for (const chain of [[leaf, inter], [leaf, inter, root], [leaf, root, inter]]) {
      const r = verifyChain(chain, { trustAnchors: [root], now: NOW, purpose: 'serverAuth' });
      expect(r.ok && r.path.map((c) => c.raw)).toEqual([leaf.raw, inter.raw, root.raw]);
    }
    // The parsed copy of a certificate is as good as the original object.
    const r = verifyChain([parseCertificate(leaf.raw), parseCertificate(inter.raw)], { trustAnchors: [parseCertificate(root.raw)], now: NOW });
    expect(r.ok).toBe(true);
  });

  it('EXPIRED / NOT_YET_VALID', () => {
    expect(code(verifyChain([leaf, inter], { trustAnchors: [root], now: new Date(NOW.getTime() + 101 * DAY) }))).toBe('EXPIRED');
    expect(code(verifyChain([leaf, inter], { trustAnchors: [root], now: new Date(NOW.getTime() - 11 * DAY) }))).toBe('NOT_YET_VALID');
  });

  it('ISSUER_NOT_CA, ISSUER_NO_KEYCERTSIGN, PATH_LENGTH_EXCEEDED', () => {
    const notCa = cert({ subject: 'CN=Plain Server', key: kInter, parent: root, parentKey: kRoot, ca: false });
    const l1 = cert({ subject: 'CN=a', key: kLeaf, parent: notCa, parentKey: kInter });
    expect(code(verifyChain([l1, notCa], { trustAnchors: [root], now: NOW }))).toBe('ISSUER_NOT_CA');
    const noKcs = cert({ subject: 'CN=CRL Signer', key: kInter, parent: root, parentKey: kRoot, ca: true, keyUsage: ['cRLSign'] });
    const l2 = cert({ subject: 'CN=b', key: kLeaf, parent: noKcs, parentKey: kInter });
    expect(code(verifyChain([l2, noKcs], { trustAnchors: [root], now: NOW }))).toBe('ISSUER_NO_KEYCERTSIGN');
    const sub = cert({ subject: 'CN=Sub CA', key: kOther, parent: inter, parentKey: kInter, ca: true });
    const l3 = cert({ subject: 'CN=c', key: kLeaf, parent: sub, parentKey: kOther });
    const r = verifyChain([l3, sub, inter], { trustAnchors: [root], now: NOW });
    expect(code(r)).toBe('PATH_LENGTH_EXCEEDED');
    expect(!r.ok && r.depth).toBe(2);
  });

  it('BAD_SIGNATURE: a flipped signature byte, a flipped tbs byte', () => {
    const sigFlip = leaf.raw.slice();
    sigFlip[sigFlip.length - 1] ^= 0x01;
    expect(code(verifyChain([parseCertificate(sigFlip), inter], { trustAnchors: [root], now: NOW }))).toBe('BAD_SIGNATURE');
    // Change one letter of the subject CN inside tbsCertificate: still parses, no longer verifies.
    const tbsFlip = leaf.raw.slice();
    const at = Buffer.from(tbsFlip).indexOf('device.example');
    expect(at).toBeGreaterThan(0);
    tbsFlip[at] = 'e'.charCodeAt(0);
    const tampered = parseCertificate(tbsFlip);
    expect(tampered.subject.rdns.flat().pop()!.value).toBe('eevice.example');
    expect(code(verifyChain([tampered, inter], { trustAnchors: [root], now: NOW }))).toBe('BAD_SIGNATURE');
  });

  it('UNTRUSTED_ROOT: wrong anchor; NAME_MISMATCH: issuer name not the signer subject', () => {
    const otherRoot = cert({ subject: 'CN=Other Root', key: kOther, ca: true });
    expect(code(verifyChain([leaf, inter, root], { trustAnchors: [otherRoot], now: NOW }))).toBe('UNTRUSTED_ROOT');
    // Signed by the intermediate's key, but the issuer name written into it lacks a letter.
    const l = buildCertificate({ ...validity, subject: 'CN=misnamed', issuer: 'O=Builder Test, CN=Builder Intermediat', publicKey: kLeaf, signingKey: kInter });
    const r = verifyChain([l, inter], { trustAnchors: [root], now: NOW });
    expect(code(r)).toBe('NAME_MISMATCH');
    expect(!r.ok && r.reason).toMatch(/names its issuer 'O=Builder Test, CN=Builder Intermediat' but was signed by 'Builder Intermediate'/);
  });

  it('WRONG_PURPOSE and UNKNOWN_CRITICAL_EXTENSION', () => {
    const client = cert({ subject: 'CN=client', key: kLeaf, parent: inter, parentKey: kInter, extendedKeyUsage: ['clientAuth'] });
    expect(code(verifyChain([client, inter], { trustAnchors: [root], now: NOW, purpose: 'serverAuth' }))).toBe('WRONG_PURPOSE');
    expect(code(verifyChain([client, inter], { trustAnchors: [root], now: NOW, purpose: 'clientAuth' }))).toBe('ok');
    const odd = cert({ subject: 'CN=odd', key: kLeaf, parent: inter, parentKey: kInter, extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, value: der.null() }] });
    expect(code(verifyChain([odd, inter], { trustAnchors: [root], now: NOW }))).toBe('UNKNOWN_CRITICAL_EXTENSION');
  });

  it('md5 and sha1 signed certificates verify; md5 warns', () => {
    const m = cert({ subject: 'CN=md5', key: kLeaf, parent: inter, parentKey: kInter, signatureHash: 'md5' });
    const r = verifyChain([m, inter], { trustAnchors: [root], now: NOW });
    expect(r.ok && r.warnings.length).toBe(1);
    const s = cert({ subject: 'CN=sha1', key: kLeaf, parent: inter, parentKey: kInter, signatureHash: 'sha1' });
    expect(verifyChain([s, inter], { trustAnchors: [root], now: NOW })).toMatchObject({ ok: true, warnings: [] });
  });

  it('a self-signed device certificate pinned as its own anchor; pins and host checks on it', () => {
    const dev = selfSignedCertificate({ key: kLeaf, hostname: '192.0.2.50', now: NOW, days: 30 });
    expect(verifyChain([dev], { trustAnchors: [dev], now: NOW, purpose: 'serverAuth' }).ok).toBe(true);
    expect(code(verifyChain([dev], { trustAnchors: [root], now: NOW }))).toBe('UNTRUSTED_ROOT');
    expect(code(verifyChain([dev], { trustAnchors: [dev], now: new Date(NOW.getTime() + 31 * DAY) }))).toBe('EXPIRED');
    expect(checkHost(dev, '192.0.2.50').ok).toBe(true);
    expect(checkHost(dev, '192.0.2.51').ok).toBe(false);
    const pins = pinsOf(dev);
    for (const p of Object.values(pins)) expect(pinMatches(dev, p)).toBe(true);
    expect(pinMatches(leaf, pins.sha256)).toBe(false);
    // A new certificate for the same key keeps the SPKI pin, not the fingerprint.
    const again = selfSignedCertificate({ key: kLeaf, hostname: '192.0.2.50', now: new Date(NOW.getTime() + DAY), days: 30 });
    expect(pinMatches(again, pins.spki)).toBe(true);
    expect(pinMatches(again, pins.sha256)).toBe(false);
  });

  it('checkHost on the built leaf', () => {
    expect(checkHost(leaf, 'device.example').ok).toBe(true);
    expect(checkHost(leaf, 'ilo.mgmt.example').ok).toBe(true);
    expect(checkHost(leaf, 'mgmt.example').ok).toBe(false);
    expect(checkHost(leaf, '192.0.2.7').ok).toBe(true);
    expect(checkHost(leaf, '2001:DB8:0:0:0:0:0:7').ok).toBe(true);
    const r = checkHost(leaf, 'other.example');
    expect(!r.ok && r.reason).toBe(
      "host 'other.example' does not match the certificate's names: DNS:device.example, DNS:*.mgmt.example, IP:192.0.2.7, IP:2001:db8::7 (its common name is not used because it has subjectAltName names)",
    );
  });
});

const openssl = findPeer('openssl', 'openssl');

describe.skipIf(!openssl)('openssl verify agrees on chains our builder makes', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ssl3-verify-x509-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** OpenSSL's verdict text for leaf + untrusted intermediates against root, at NOW, for a purpose. */
  function opensslVerdict(chain: Certificate[], anchor: Certificate, purpose?: 'sslserver' | 'sslclient'): string {
    writeFileSync(join(dir, 'root.pem'), certificateToPem(anchor));
    writeFileSync(join(dir, 'leaf.pem'), certificateToPem(chain[0]));
    writeFileSync(join(dir, 'untrusted.pem'), chain.slice(1).map(certificateToPem).join(''));
    const args = ['verify', '-CAfile', 'root.pem', '-attime', String(NOW.getTime() / 1000)];
    if (chain.length > 1) args.push('-untrusted', 'untrusted.pem');
    if (purpose) args.push('-purpose', purpose);
    // -auth_level 0: accept the md5/1024-bit material legacy devices have, as we do.
    args.push('-auth_level', '0', 'leaf.pem');
    const r = spawnSync(openssl!, args, { cwd: dir, encoding: 'utf8' });
    if (r.status === 0) return 'OK';
    return /error \d+ at \d+ depth lookup: (.+)/.exec(`${r.stdout}${r.stderr}`)?.[1].trim() ?? `${r.stdout}${r.stderr}`;
  }

  it('valid, EKU, keyUsage, critical extension, not-CA, pathlen, tampered: same verdicts', () => {
    const client = cert({ subject: 'CN=client', key: kLeaf, parent: inter, parentKey: kInter, extendedKeyUsage: ['clientAuth'] });
    const noKcs = cert({ subject: 'CN=CRL Signer', key: kInter, parent: root, parentKey: kRoot, ca: true, keyUsage: ['cRLSign'] });
    const underNoKcs = cert({ subject: 'CN=b', key: kLeaf, parent: noKcs, parentKey: kInter });
    const odd = cert({ subject: 'CN=odd', key: kLeaf, parent: inter, parentKey: kInter, extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, value: der.null() }] });
    const notCa = cert({ subject: 'CN=Plain Server', key: kInter, parent: root, parentKey: kRoot, ca: false });
    const underNotCa = cert({ subject: 'CN=a', key: kLeaf, parent: notCa, parentKey: kInter });
    const sub = cert({ subject: 'CN=Sub CA', key: kOther, parent: inter, parentKey: kInter, ca: true });
    const deep = cert({ subject: 'CN=c', key: kLeaf, parent: sub, parentKey: kOther });
    const md5leaf = cert({ subject: 'CN=md5', key: kLeaf, parent: inter, parentKey: kInter, signatureHash: 'md5' });
    const flipped = leaf.raw.slice();
    flipped[flipped.length - 1] ^= 1;

    const cases: [string, Certificate[], 'sslserver' | undefined, string, ChainErrorCode | 'ok'][] = [
      ['valid', [leaf, inter], 'sslserver', 'OK', 'ok'],
      ['md5 leaf', [md5leaf, inter], undefined, 'OK', 'ok'],
      ['clientAuth leaf for a server', [client, inter], 'sslserver', 'unsuitable certificate purpose', 'WRONG_PURPOSE'],
      // OpenSSL 3's X509_check_ca folds this into 'invalid CA'; we name the missing bit.
      ['CA keyUsage without keyCertSign', [underNoKcs, noKcs], undefined, 'invalid CA certificate', 'ISSUER_NO_KEYCERTSIGN'],
      ['unknown critical extension', [odd, inter], undefined, 'unhandled critical extension', 'UNKNOWN_CRITICAL_EXTENSION'],
      ['issuer with CA:FALSE', [underNotCa, notCa], undefined, 'invalid CA certificate', 'ISSUER_NOT_CA'],
      ['pathlen 0 exceeded', [deep, sub, inter], undefined, 'path length constraint exceeded', 'PATH_LENGTH_EXCEEDED'],
      ['tampered signature', [parseCertificate(flipped), inter], undefined, 'certificate signature failure', 'BAD_SIGNATURE'],
    ];
    for (const [name, chain, purpose, ossl, ours] of cases) {
      expect(opensslVerdict(chain, root, purpose), name).toBe(ossl);
      const r = verifyChain(chain, { trustAnchors: [root], now: NOW, purpose: purpose ? 'serverAuth' : undefined });
      expect(code(r), name).toBe(ours);
    }
  });
});
