// Differential tests of the X.509 parser and builder against independent implementations
// (RFC 5280 4.1): certificates made at test time by OpenSSL 3 (`openssl req -x509`,
// `openssl x509 -req`) and by Java's keytool are read by us, and our dump must equal
// `openssl x509 -text -noout` line for line (after the few documented spelling differences);
// certificates we build are read, verified and displayed by OpenSSL and node:crypto.
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate } from '../../src/pki/certificate.js';
import { OID } from '../../src/pki/oid.js';
import { buildCertificate, type BuildSignatureHash } from '../../src/pki/x509-build.js';
import { describeCertificate } from '../../src/pki/x509-text.js';
import { certificateToPem, fingerprint, parseCertificates, X509Error } from '../../src/pki/x509.js';
import { findPeer } from '../helpers/peers.js';
import { nodeRsaKey } from '../helpers/keys.js';

const openssl = findPeer('openssl', 'openssl');
const keytool = findPeer('keytool', 'openjdk-17-jre-headless');

let dir = '';
const osl = (...args: string[]): string => execFileSync(openssl!, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const load = (file: string): Certificate => {
  const certs = parseCertificates(readFileSync(join(dir, file)));
  expect(certs).toHaveLength(1);
  return certs[0];
};


/**
 * Our dump without the fingerprint lines, spelled as OpenSSL 3.0 spells it: 'Public-Key'
 * (we say 'RSA Public-Key', as OpenSSL 1.x did) and 'C = US' in names (we print 'C=US', and
 * escape a comma where OpenSSL quotes the value).
 * OpenSSL also leaves a space after 'X509v3 ...:' headers; both sides are right-trimmed.
 */
function normalize(text: string, ours: boolean): string {
  return text
    .split('\n')
    .filter((l) => !/^SHA(1|256) Fingerprint=/.test(l))
    .map((l) => {
      let line = l.trimEnd();
      if (ours) line = line.replace('RSA Public-Key:', 'Public-Key:');
      // OpenSSL quotes a value with a comma where we escape it (RFC 4514 2.4).
      else if (/^\s+(Issuer|Subject): /.test(line)) line = line.replace(/ = /g, '=').replace(/"([^"]*)"/g, (_, v: string) => v.replace(/,/g, '\\,'));
      return line;
    })
    .join('\n')
    .trim();
}

function expectSameDump(file: string, cert: Certificate): void {
  expect(normalize(describeCertificate(cert), true)).toBe(normalize(osl('x509', '-in', file, '-noout', '-text'), false));
}

/** `openssl req -x509` with a minimal config, so the system openssl.cnf cannot change the result. */
function req(name: string, args: string[], config = 'min.cnf'): void {
  osl('req', '-x509', '-config', config, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, ...args);
}

describe.skipIf(!openssl)('certificates made by OpenSSL', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ssl3-x509-'));
    writeFileSync(join(dir, 'min.cnf'), '[req]\ndistinguished_name=dn\n[dn]\n');
    writeFileSync(join(dir, 't61.cnf'), '[req]\ndistinguished_name=dn\nstring_mask=default\nprompt=no\n[dn]\nO=Old_Device\nCN=t61_host\n');
    const exts = [
      '-addext', 'subjectAltName=DNS:host.example,DNS:*.host.example,IP:10.0.0.1,IP:2001:db8::1,email:ops@host.example,URI:https://host.example/',
      '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
      '-addext', 'extendedKeyUsage=serverAuth,clientAuth',
      '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:2',
      '-addext', 'crlDistributionPoints=URI:http://crl.host.example/ca.crl',
    ];
    req('sha256', ['-newkey', 'rsa:2048', '-sha256', '-days', '30', '-subj', '/C=US/ST=Texas/O=Acme, Inc./CN=host.example', ...exts]);
    req('sha1', ['-newkey', 'rsa:1024', '-sha1', '-days', '30', '-subj', '/CN=sha1.example', ...exts]);
    req('md5', ['-newkey', 'rsa:1024', '-md5', '-days', '30', '-subj', '/CN=md5.example', '-addext', 'subjectAltName=DNS:md5.example']);
    req('rsa512', ['-newkey', 'rsa:512', '-sha1', '-days', '30', '-subj', '/CN=512.example']);
    req('generalized', ['-newkey', 'rsa:1024', '-days', '40000', '-subj', '/CN=far.example']);
    req('multi', ['-newkey', 'rsa:1024', '-days', '30', '-subj', '/O=Multi/CN=a.example+OU=Ops']);
    req('t61', ['-newkey', 'rsa:1024', '-days', '30'], 't61.cnf');
    req('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-days', '30', '-subj', '/CN=ec.example']);
    // v1 certificates: `x509 -req` without extensions writes no [0] version.
    osl('req', '-new', '-config', 'min.cnf', '-newkey', 'rsa:1024', '-nodes', '-keyout', 'v1.key', '-out', 'v1.csr', '-subj', '/O=Old/CN=v1.example');
    osl('x509', '-req', '-in', 'v1.csr', '-signkey', 'v1.key', '-out', 'negative.pem', '-days', '30', '-set_serial', '-5');
    osl('x509', '-req', '-in', 'v1.csr', '-signkey', 'v1.key', '-out', 'zero.pem', '-days', '30', '-set_serial', '0');
    osl('x509', '-req', '-in', 'v1.csr', '-signkey', 'v1.key', '-out', 'bigneg.pem', '-days', '30', '-set_serial', '-0x0123456789abcdef0123');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads a sha256 certificate with every extension we decode, as openssl shows it', () => {
    const c = load('sha256.pem');
    expect(c.version).toBe(3);
    expect(c.signatureAlgorithm).toEqual({ oid: OID.sha256WithRSAEncryption, hash: 'sha256' });
    expect(c.subjectAltName).toEqual({
      dns: ['host.example', '*.host.example'],
      ip: ['10.0.0.1', '2001:db8::1'],
      email: ['ops@host.example'],
      uri: ['https://host.example/'],
    });
    expect([...c.keyUsage!]).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(c.extensions.find((e) => e.oid === OID.keyUsage)?.critical).toBe(true);
    expect(c.extendedKeyUsage).toEqual([OID.serverAuth, OID.clientAuth]);
    expect(c.basicConstraints).toEqual({ ca: true, pathLength: 2 });
    expect(c.crlDistributionPoints).toEqual(['http://crl.host.example/ca.crl']);
    const ski = osl('x509', '-in', 'sha256.pem', '-noout', '-ext', 'subjectKeyIdentifier').split('\n')[1].trim();
    expect(Buffer.from(c.subjectKeyIdentifier!).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:')).toBe(ski);
    expect(osl('x509', '-in', 'sha256.pem', '-noout', '-subject').trim()).toBe('subject=C = US, ST = Texas, O = "Acme, Inc.", CN = host.example');
    expect(c.subject.rdns.flat().map((a) => a.value)).toEqual(['US', 'Texas', 'Acme, Inc.', 'host.example']);
    expectSameDump('sha256.pem', c);
  });

  it.each(['sha1', 'md5', 'rsa512', 'generalized', 'multi', 't61', 'negative', 'zero', 'bigneg'])('%s.pem: our dump equals openssl x509 -text', (name) => {
    expectSameDump(`${name}.pem`, load(`${name}.pem`));
  });

  it('reads legacy details: md5/sha1 digests, 512-bit keys, v1, zero and negative serials, GeneralizedTime, T61String, multi-valued RDNs', () => {
    expect(load('md5.pem').signatureAlgorithm.hash).toBe('md5');
    expect(load('sha1.pem').signatureAlgorithm.hash).toBe('sha1');
    expect(load('rsa512.pem').publicKey.rsa!.n.toString(2)).toHaveLength(512);
    const neg = load('negative.pem');
    expect(neg.version).toBe(1);
    expect(neg.serialNumber).toBe(-5n);
    expect(neg.extensions).toEqual([]);
    expect(load('zero.pem').serialNumber).toBe(0n);
    expect(load('bigneg.pem').serialNumber).toBe(-0x0123456789abcdef0123n);
    expect(load('generalized.pem').notAfter.getUTCFullYear()).toBeGreaterThan(2100);
    const enddate = osl('x509', '-in', 'generalized.pem', '-noout', '-enddate').trim().replace('notAfter=', '');
    expect(load('generalized.pem').notAfter.getTime()).toBe(Date.parse(enddate.replace(' GMT', ' UTC')));
    const t61 = load('t61.pem');
    expect(t61.subject.rdns.flat().map((a) => [a.tag, a.value])).toEqual([
      [0x14, 'Old_Device'],
      [0x14, 't61_host'],
    ]);
    expect(osl('asn1parse', '-in', 't61.pem')).toContain('T61STRING');
    expect(load('multi.pem').subject.rdns.map((r) => r.length)).toEqual([1, 2]);
  });

  it('fingerprints equal openssl -fingerprint', () => {
    for (const name of ['sha256', 'md5', 'negative']) {
      const c = load(`${name}.pem`);
      expect(osl('x509', '-in', `${name}.pem`, '-noout', '-fingerprint', '-sha256').trim()).toBe(`sha256 Fingerprint=${fingerprint(c, 'sha256')}`);
      expect(osl('x509', '-in', `${name}.pem`, '-noout', '-fingerprint', '-sha1').trim()).toBe(`sha1 Fingerprint=${fingerprint(c, 'sha1')}`);
    }
  });

  it('reads an EC certificate with rsa undefined', () => {
    const c = load('ec.pem');
    expect(c.publicKey.algorithmOid).toBe(OID.ecPublicKey);
    expect(c.publicKey.rsa).toBeUndefined();
    expect(c.signatureAlgorithm).toEqual({ oid: OID.ecdsaWithSHA256 });
    expect(describeCertificate(c)).toContain('Signature Algorithm: ecdsaWithSHA256');
  });

  it('reads DER from openssl x509 -outform DER', () => {
    osl('x509', '-in', 'sha256.pem', '-outform', 'DER', '-out', 'sha256.der');
    expect(load('sha256.der').raw).toEqual(load('sha256.pem').raw);
  });

  it('rejects the certificate openssl made, cut short, with X509Error', () => {
    const raw = load('sha1.pem').raw;
    expect(() => parseCertificates(raw.slice(0, raw.length - 1))).toThrow(X509Error);
  });
});

describe.skipIf(!openssl || !keytool)('certificates made by Java keytool', () => {
  let kdir = '';
  beforeAll(() => {
    kdir = mkdtempSync(join(tmpdir(), 'ssl3-keytool-'));
    const ks = ['-keystore', join(kdir, 'ks.p12'), '-storetype', 'PKCS12', '-storepass', 'changeit', '-alias', 'dev'];
    execFileSync(keytool!, ['-genkeypair', ...ks, '-keyalg', 'RSA', '-keysize', '2048', '-sigalg', 'SHA256withRSA', '-validity', '30',
      '-dname', 'CN=kt.example, OU=Lab, O=Java Inc, C=DE', '-ext', 'san=dns:kt.example,ip:10.2.3.4,ip:::1', '-ext', 'ku=digitalSignature,keyEncipherment', '-ext', 'eku=serverAuth'], { stdio: 'pipe' });
    execFileSync(keytool!, ['-exportcert', '-rfc', ...ks, '-file', join(kdir, 'kt.pem')], { stdio: 'pipe' });
  });
  afterAll(() => {
    if (kdir) rmSync(kdir, { recursive: true, force: true });
  });

  it('reads the certificate with the extensions keytool wrote, and dumps it as openssl does', () => {
    const file = join(kdir, 'kt.pem');
    const [c] = parseCertificates(readFileSync(file, 'utf8'));
    expect(c.subjectAltName).toEqual({ dns: ['kt.example'], ip: ['10.2.3.4', '::1'], email: [], uri: [] });
    expect([...c.keyUsage!]).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(c.extendedKeyUsage).toEqual([OID.serverAuth]);
    expect(c.subjectKeyIdentifier).toHaveLength(20);
    // keytool writes the DN the way it is given: most specific first.
    expect(c.subject.rdns.flat().map((a) => a.value)).toEqual(['DE', 'Java Inc', 'Lab', 'kt.example']);
    const text = execFileSync(openssl!, ['x509', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
    expect(normalize(describeCertificate(c), true)).toBe(normalize(text, false));
  });
});

describe.skipIf(!openssl)('certificates we build, read by OpenSSL and node:crypto', () => {
  let bdir = '';
  const caKey = nodeRsaKey(2048);
  const leafKey = nodeRsaKey(1024);
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 30 * 86400_000);
  const ca = buildCertificate({
    subject: 'C=US, O=Ssl3 Test, CN=Ssl3 Test Root',
    notBefore,
    notAfter,
    publicKey: caKey,
    signingKey: caKey,
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const leaf = (hash: BuildSignatureHash): Certificate =>
    buildCertificate({
      subject: [['O', 'Ssl3 Test'], ['CN', `${hash}.leaf.example`]],
      issuerCertificate: ca,
      notBefore,
      notAfter,
      publicKey: leafKey,
      signingKey: caKey,
      signatureHash: hash,
      ca: false,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
      subjectAltName: { dns: [`${hash}.leaf.example`], ip: ['192.0.2.7', 'fe80::1:2'] },
      subjectKeyIdentifier: true,
    });
  const hashes: BuildSignatureHash[] = ['sha256', 'sha1', 'md5', 'sha384', 'sha512', 'sha224'];
  const leaves = new Map(hashes.map((h) => [h, leaf(h)]));
  const run = (...args: string[]) => spawnSync(openssl!, args, { cwd: bdir, encoding: 'utf8' });

  beforeAll(() => {
    bdir = mkdtempSync(join(tmpdir(), 'ssl3-x509build-'));
    writeFileSync(join(bdir, 'ca.pem'), certificateToPem(ca));
    for (const [h, c] of leaves) writeFileSync(join(bdir, `${h}.pem`), certificateToPem(c));
  });
  afterAll(() => {
    if (bdir) rmSync(bdir, { recursive: true, force: true });
  });

  it('openssl x509 -text reads them, shows SAN/EKU, and prints what our dump prints', () => {
    for (const name of ['ca', ...hashes]) {
      const r = run('x509', '-in', `${name}.pem`, '-noout', '-text');
      expect(r.status, r.stderr).toBe(0);
      const c = name === 'ca' ? ca : leaves.get(name as BuildSignatureHash)!;
      expect(normalize(describeCertificate(c), true)).toBe(normalize(r.stdout, false));
      if (name !== 'ca') {
        expect(r.stdout).toContain(`DNS:${name}.leaf.example, IP Address:192.0.2.7, IP Address:FE80:0:0:0:0:0:1:2`);
        expect(r.stdout).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
      }
    }
  });

  it.each(['sha256', 'sha1', 'sha384', 'sha512', 'sha224'])('openssl verify -CAfile ca.pem accepts a %s leaf (strict, as an SSL server)', (h) => {
    const r = run('verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', 'ca.pem', `${h}.pem`);
    expect(`${r.stdout}${r.stderr}`.trim()).toBe(`${h}.pem: OK`);
  });

  it('openssl verify checks the md5 signature too (at security level 0; level 1 refuses md5 as too weak)', () => {
    const r = run('verify', '-auth_level', '0', '-CAfile', 'ca.pem', 'md5.pem');
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('md5.pem: OK');
  });

  it('openssl verify fails a leaf whose signature was tampered with (the check is real)', () => {
    const bad = Uint8Array.from(leaves.get('sha256')!.raw);
    bad[bad.length - 1] ^= 1;
    writeFileSync(join(bdir, 'bad.der'), bad);
    expect(run('x509', '-inform', 'DER', '-in', 'bad.der', '-out', 'bad.pem').status).toBe(0);
    expect(run('verify', '-CAfile', 'ca.pem', 'bad.pem').status).not.toBe(0);
  });

  it.each(['sha256', 'sha1'])('node:crypto X509Certificate parses a %s leaf and verifies it with the CA key', (h) => {
    const caX = new X509Certificate(certificateToPem(ca));
    const x = new X509Certificate(certificateToPem(leaves.get(h as BuildSignatureHash)!));
    expect(x.verify(caX.publicKey)).toBe(true);
    expect(x.checkIssued(caX)).toBe(true);
    expect(x.verify(x.publicKey)).toBe(false);
    expect(caX.ca).toBe(true);
    expect(x.ca).toBe(false);
    expect(x.subjectAltName).toBe(`DNS:${h}.leaf.example, IP Address:192.0.2.7, IP Address:FE80:0:0:0:0:0:1:2`);
    expect(x.keyUsage).toEqual([OID.serverAuth, OID.clientAuth]);
    expect(x.serialNumber.replace(/^0+/, '')).toBe(leaves.get(h as BuildSignatureHash)!.serialNumber.toString(16).toUpperCase());
    expect(x.validTo).toBe(caX.validTo);
  });
});
