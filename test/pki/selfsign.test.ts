// Self-signed device certificates (src/pki/selfsign.ts; RFC 5280 profile): the fields we
// promise, and that OpenSSL, node:crypto and our own chain validator accept the certificate
// as its own trust anchor for the names it carries.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { checkHost } from '../../src/pki/hostname.js';
import { OID } from '../../src/pki/oid.js';
import { rsaVerifyPkcs1 } from '../../src/pki/rsa.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { verifyChain } from '../../src/pki/verify.js';
import { keyIdentifier } from '../../src/pki/x509-build.js';
import { certificateToPem, commonName, formatName, X509Error } from '../../src/pki/x509.js';
import { findPeer } from '../helpers/peers.js';
import { nodeRsaKey } from '../helpers/keys.js';


const openssl = findPeer('openssl', 'openssl');
const key = nodeRsaKey();
const now = new Date('2026-03-01T12:00:00.750Z');
const cert = selfSignedCertificate({ key, hostname: 'router1.example.net', ips: ['10.0.0.1', '2001:db8::7'], now });

describe('selfSignedCertificate', () => {
  it('has the promised profile', () => {
    expect(formatName(cert.subject)).toBe('CN=router1.example.net');
    expect(cert.issuer.raw).toEqual(cert.subject.raw);
    expect(cert.version).toBe(3);
    expect(cert.signatureAlgorithm.hash).toBe('sha256');
    expect(cert.subjectAltName).toEqual({ dns: ['router1.example.net'], ip: ['10.0.0.1', '2001:db8::7'], email: [], uri: [] });
    expect(cert.basicConstraints).toEqual({ ca: false });
    expect([...cert.keyUsage!]).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(cert.extendedKeyUsage).toEqual([OID.serverAuth, OID.clientAuth]);
    expect(cert.subjectKeyIdentifier).toEqual(keyIdentifier(key));
    expect(cert.authorityKeyIdentifier).toEqual(cert.subjectKeyIdentifier);
    expect(cert.notBefore.toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect(cert.notAfter.toISOString()).toBe(new Date(Date.UTC(2026, 2, 1, 12) + 3650 * 86400_000).toISOString());
    expect(cert.serialNumber).toBeGreaterThan(0n);
    expect(rsaVerifyPkcs1(key, 'sha256', sha256(cert.tbsRaw), cert.signature)).toBe(true);
  });

  it('puts an IP host in the SAN as an address, never as a DNS name', () => {
    const c = selfSignedCertificate({ key, hostname: '192.0.2.10', now, days: 30, signatureHash: 'sha1' });
    expect(commonName(c.subject)).toBe('192.0.2.10');
    expect(c.subjectAltName).toEqual({ dns: [], ip: ['192.0.2.10'], email: [], uri: [] });
    expect(c.signatureAlgorithm.hash).toBe('sha1');
    expect(c.notAfter.getTime() - c.notBefore.getTime()).toBe(31 * 86400_000);
  });

  it('is reproducible with an injected random source and clock', () => {
    const random = (n: number): Uint8Array => new Uint8Array(n).fill(7);
    const a = selfSignedCertificate({ key, hostname: 'a.example', now, random });
    const b = selfSignedCertificate({ key, hostname: 'a.example', now, random });
    expect(a.raw).toEqual(b.raw);
  });

  it('refuses names and addresses that are not', () => {
    for (const hostname of ['bad host', '', '-x.example', 'a..b', 'x'.repeat(64) + '.example']) {
      expect(() => selfSignedCertificate({ key, hostname })).toThrow(X509Error);
    }
    expect(() => selfSignedCertificate({ key, hostname: 'ok.example', ips: ['10.0.0.300'] })).toThrow(/not an IP address/);
    expect(() => selfSignedCertificate({ key, hostname: 'ok.example', days: 0 })).toThrow(/days/);
  });

  it('is accepted by our chain validator as its own trust anchor, for its names', () => {
    const at = new Date('2026-06-01Z');
    const r = verifyChain([cert], { trustAnchors: [cert], now: at, purpose: 'serverAuth' });
    expect(r.ok).toBe(true);
    expect(checkHost(cert, 'router1.example.net').ok).toBe(true);
    expect(checkHost(cert, '2001:db8:0::7').ok).toBe(true);
    expect(checkHost(cert, 'router2.example.net').ok).toBe(false);
  });

  it('is accepted by node:crypto for its names', () => {
    const x = new X509Certificate(certificateToPem(cert));
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkHost('router1.example.net')).toBe('router1.example.net');
    expect(x.checkIP('10.0.0.1')).toBe('10.0.0.1');
    expect(x.ca).toBe(false);
  });
});

describe.skipIf(!openssl)('selfSignedCertificate and OpenSSL', () => {
  it('openssl verify -CAfile cert.pem cert.pem accepts it (CA:FALSE, strict, as an SSL server), for each digest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssl3-selfsign-'));
    try {
      for (const hash of ['sha256', 'sha1'] as const) {
        const c = selfSignedCertificate({ key, hostname: 'router1.example.net', ips: ['10.0.0.1'], signatureHash: hash });
        writeFileSync(join(dir, `${hash}.pem`), certificateToPem(c));
        const r = spawnSync(openssl!, ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', `${hash}.pem`, `${hash}.pem`], { cwd: dir, encoding: 'utf8' });
        expect(`${r.stdout}${r.stderr}`.trim()).toBe(`${hash}.pem: OK`);
        const host = spawnSync(openssl!, ['x509', '-in', `${hash}.pem`, '-noout', '-checkhost', 'router1.example.net', '-checkip', '10.0.0.1'], { cwd: dir, encoding: 'utf8' });
        expect(host.stdout).toContain('Hostname router1.example.net does match certificate');
        expect(host.stdout).toContain('IP 10.0.0.1 does match certificate');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
