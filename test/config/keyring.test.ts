// The device's key pairs and self-signed certificates (src/config/keyring.ts): IOS's
// `crypto key generate rsa [usage-keys]` and the self-signed trustpoint, checked by our own
// chain validator, by `openssl verify`, and by a real SSL 3.0 handshake over loopback.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  clientIdentity,
  ensureDeviceIdentity,
  generateKeyPairs,
  selfSignedCertificates,
  selfSignedTrustpointName,
  serverIdentity,
} from '../../src/config/keyring.js';
import { emptyKeyRing, type KeyRing } from '../../src/config/model.js';
import { OID } from '../../src/pki/oid.js';
import { bitLength, generateRsaKey } from '../../src/pki/rsa.js';
import { buildCertificate } from '../../src/pki/x509-build.js';
import { certificateToPem, commonName } from '../../src/pki/x509.js';
import { verifyChain } from '../../src/pki/verify.js';
import { connect, createServer, type SSLSocket } from '../../src/socket/index.js';
import { findPeer } from '../helpers/peers.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';
import { readBytes } from '../helpers/read.js';

const FQDN = 'router.example.com';
const NOW = new Date('2024-05-01T12:00:00Z');

afterAll(() => removeTempDirs());

function ringOf(usageKeys: boolean, modulus = 512): KeyRing {
  const keys = generateKeyPairs(FQDN, { usageKeys, modulus, now: NOW });
  return { keys, certificates: selfSignedCertificates(keys, FQDN, NOW) };
}

// Built once: BigInt key generation is the slow part of these tests.
const general = ringOf(false);
const usage = ringOf(true);
const usage1024 = ringOf(true, 1024);

describe('generateKeyPairs', () => {
  it('makes one general-purpose pair named after the FQDN', () => {
    expect(general.keys).toHaveLength(1);
    expect(general.keys[0]).toMatchObject({ name: FQDN, usage: 'general', generatedAt: NOW });
    expect(bitLength(general.keys[0].key.n)).toBe(512);
  });

  it('makes a signature and an encryption pair for usage-keys, different keys', () => {
    expect(usage.keys.map((k) => [k.name, k.usage])).toEqual([
      [FQDN, 'signature'],
      [FQDN, 'encryption'],
    ]);
    expect(usage.keys[0].key.n).not.toBe(usage.keys[1].key.n);
  });
});

describe('selfSignedTrustpointName', () => {
  it('is TP-self-signed-N, the same for the same key and different for another', () => {
    const name = selfSignedTrustpointName(general.keys);
    expect(name).toMatch(/^TP-self-signed-\d{1,10}$/);
    expect(selfSignedTrustpointName([{ ...general.keys[0], name: 'other', generatedAt: new Date() }])).toBe(name);
    expect(selfSignedTrustpointName(usage.keys)).not.toBe(name);
    // Usage keys are named after the signature key, the one that certifies itself.
    expect(selfSignedTrustpointName([usage.keys[0]])).toBe(selfSignedTrustpointName(usage.keys));
  });

  it('throws without keys', () => {
    expect(() => selfSignedTrustpointName([])).toThrow(/no RSA key pair/);
  });
});

describe('selfSignedCertificates', () => {
  it('general: the selfsign.ts certificate for the FQDN', () => {
    const [rec] = general.certificates;
    expect(general.certificates).toHaveLength(1);
    expect(rec.trustpoint).toBe(selfSignedTrustpointName(general.keys));
    expect(rec.usage).toBe('general');
    const c = rec.certificate;
    expect(commonName(c.subject)).toBe(FQDN);
    expect(c.subjectAltName?.dns).toEqual([FQDN]);
    expect(c.extendedKeyUsage).toEqual([OID.serverAuth, OID.clientAuth]);
    expect(c.publicKey.rsa?.n).toBe(general.keys[0].key.n);
    expect(c.notBefore.getTime()).toBeLessThan(NOW.getTime());
    expect(verifyChain([c], { trustAnchors: [c], purpose: 'serverAuth', now: NOW }).ok).toBe(true);
  });

  it('usage keys: a CA certificate of the signature key issuing the encryption key certificate', () => {
    const [sig, enc] = usage.certificates;
    const tp = selfSignedTrustpointName(usage.keys);
    expect([sig.trustpoint, sig.usage, enc.trustpoint, enc.usage]).toEqual([tp, 'signature', tp, 'encryption']);

    const s = sig.certificate;
    expect(s.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect([...(s.keyUsage ?? [])].sort()).toEqual(['digitalSignature', 'keyCertSign']);
    expect(s.publicKey.rsa?.n).toBe(usage.keys[0].key.n);
    expect(commonName(s.subject)).toBe(FQDN);

    const e = enc.certificate;
    expect(e.basicConstraints).toEqual({ ca: false });
    expect([...(e.keyUsage ?? [])]).toEqual(['keyEncipherment']);
    expect(e.extendedKeyUsage).toEqual([OID.serverAuth, OID.clientAuth]);
    expect(e.subjectAltName?.dns).toEqual([FQDN]);
    expect(commonName(e.subject)).toBe(FQDN);
    expect(e.publicKey.rsa?.n).toBe(usage.keys[1].key.n);
    expect(Buffer.from(e.authorityKeyIdentifier!)).toEqual(Buffer.from(s.subjectKeyIdentifier!));
    expect(Buffer.from(e.issuer.raw)).toEqual(Buffer.from(s.subject.raw));
    // Never self-issued: a chain builder must see an issuer above it.
    expect(Buffer.from(e.subject.raw)).not.toEqual(Buffer.from(s.subject.raw));

    const r = verifyChain([e, s], { trustAnchors: [s], purpose: 'serverAuth', now: NOW });
    expect(r.ok && r.path.length).toBe(2);
    expect(verifyChain([s], { trustAnchors: [s], purpose: 'clientAuth', now: NOW }).ok).toBe(true);
  });

  it('puts an IP-literal device name into the SAN as an address', () => {
    const certs = selfSignedCertificates(usage.keys, '192.0.2.7', NOW);
    expect(certs[1].certificate.subjectAltName).toMatchObject({ dns: [], ip: ['192.0.2.7'] });
  });

  it('refuses half a usage-keys set', () => {
    expect(() => selfSignedCertificates([usage.keys[1]], FQDN, NOW)).toThrow(/signature and an encryption/);
  });
});

const openssl = findPeer('openssl', 'openssl');

describe.skipIf(!openssl)('openssl verify accepts the usage-keys certificates', () => {
  const dir = tempDir('keyring');
  const [sig, enc] = usage1024.certificates;
  writeFileSync(join(dir, 'sig.pem'), certificateToPem(sig.certificate));
  writeFileSync(join(dir, 'enc.pem'), certificateToPem(enc.certificate));
  const verify = (...args: string[]) => spawnSync(openssl!, ['verify', ...args], { cwd: dir, encoding: 'utf8' });

  it.each([[[]], [['-purpose', 'sslserver']], [['-x509_strict', '-purpose', 'sslserver']]])('-CAfile sig.pem enc.pem %j', (extra) => {
    const r = verify('-CAfile', 'sig.pem', ...extra, 'enc.pem');
    expect(`${r.stdout}${r.stderr}`).toMatch(/enc\.pem: OK/);
    expect(r.status).toBe(0);
  });

  it('the signature certificate as a client certificate', () => {
    const r = verify('-CAfile', 'sig.pem', '-purpose', 'sslclient', 'sig.pem');
    expect(`${r.stdout}${r.stderr}`).toMatch(/sig\.pem: OK/);
  });
});

describe('serverIdentity and clientIdentity', () => {
  it('are undefined for an empty ring', () => {
    expect(serverIdentity(emptyKeyRing())).toBeUndefined();
    expect(clientIdentity(emptyKeyRing(), 'TP1')).toBeUndefined();
  });

  it('general: the one key and its certificate for both', () => {
    const tp = selfSignedTrustpointName(general.keys);
    for (const id of [serverIdentity(general), clientIdentity(general)]) {
      expect(id?.key).toBe(general.keys[0].key);
      expect(id?.chain).toEqual([general.certificates[0].certificate]);
      expect(id?.trustpoint).toBe(tp);
    }
  });

  it('usage keys: the server presents the encryption key, the client the signature key', () => {
    const [sig, enc] = usage.certificates;
    const server = serverIdentity(usage)!;
    expect(server.key).toBe(usage.keys[1].key);
    expect(server.chain).toEqual([enc.certificate, sig.certificate]);
    const client = clientIdentity(usage)!;
    expect(client.key).toBe(usage.keys[0].key);
    expect(client.chain).toEqual([sig.certificate]);
  });

  it('a trustpoint without an enrolled certificate falls back to the self-signed one', () => {
    expect(serverIdentity(general, 'CA-trust-local')?.trustpoint).toBe(selfSignedTrustpointName(general.keys));
    // Naming the self-signed trustpoint itself is the same thing.
    expect(serverIdentity(usage, selfSignedTrustpointName(usage.keys))?.chain).toHaveLength(2);
  });

  it('an enrolled certificate whose key the ring holds wins, followed by the CA certificate', () => {
    const caKey = generateRsaKey(512);
    const ca = buildCertificate({ subject: 'CN=Test CA', notBefore: NOW, notAfter: new Date(NOW.getTime() + 1e10), publicKey: caKey, signingKey: caKey, ca: true });
    const issue = (key: typeof caKey, cn: string) =>
      buildCertificate({ subject: { CN: cn }, notBefore: NOW, notAfter: new Date(NOW.getTime() + 1e9), publicKey: key, signingKey: caKey, issuerCertificate: ca });
    const ring: KeyRing = {
      keys: usage.keys,
      certificates: [
        ...usage.certificates,
        { trustpoint: 'TP1', usage: 'ca', certificate: ca },
        { trustpoint: 'TP1', usage: 'signature', certificate: issue(usage.keys[0].key, 'sig') },
        { trustpoint: 'TP1', usage: 'encryption', certificate: issue(usage.keys[1].key, 'enc') },
        // A certificate for a key the device does not have is never presented.
        { trustpoint: 'TP2', usage: 'general', certificate: issue(caKey, 'stranger') },
      ],
    };
    const server = serverIdentity(ring, 'TP1')!;
    expect(server.trustpoint).toBe('TP1');
    expect(server.key).toBe(usage.keys[1].key);
    expect(server.chain.map((c) => commonName(c.subject))).toEqual(['enc', 'Test CA']);
    const client = clientIdentity(ring, 'TP1')!;
    expect(client.key).toBe(usage.keys[0].key);
    expect(client.chain.map((c) => commonName(c.subject))).toEqual(['sig', 'Test CA']);
    expect(serverIdentity(ring, 'TP2')?.trustpoint).toBe(selfSignedTrustpointName(usage.keys));
  });
});

describe('ensureDeviceIdentity', () => {
  it('generates a general pair and its certificate for an empty ring, then does nothing', () => {
    const ring = emptyKeyRing();
    expect(ensureDeviceIdentity(ring, FQDN, 512)).toBe(true);
    expect(ring.keys.map((k) => [k.name, k.usage, bitLength(k.key.n)])).toEqual([[FQDN, 'general', 512]]);
    expect(serverIdentity(ring)?.chain).toHaveLength(1);
    const before = ring.certificates;
    expect(ensureDeviceIdentity(ring, FQDN, 512)).toBe(false);
    expect(ring.certificates).toBe(before);
  });

  it('re-issues a missing or mismatched certificate for the same key, keeping CA certificates', () => {
    const ca = { trustpoint: 'TP1', usage: 'ca' as const, certificate: usage.certificates[0].certificate };
    const missing: KeyRing = { keys: [...general.keys], certificates: [ca] };
    expect(ensureDeviceIdentity(missing, FQDN, 512)).toBe(true);
    expect(missing.keys[0]).toBe(general.keys[0]);
    expect(missing.certificates[0]).toBe(ca);
    expect(serverIdentity(missing)?.chain[0].publicKey.rsa?.n).toBe(general.keys[0].key.n);

    // The certificate of another key under the right name, as after a crash between writes.
    const wrong: KeyRing = { keys: [...general.keys], certificates: [{ ...general.certificates[0], certificate: usage.certificates[1].certificate }] };
    expect(ensureDeviceIdentity(wrong, FQDN, 512)).toBe(true);
    expect(wrong.certificates).toHaveLength(1);
    expect(wrong.certificates[0].certificate.publicKey.rsa?.n).toBe(general.keys[0].key.n);
  });

  it('usage keys: keeps a good signature certificate (clients may trust it) and issues the encryption one from it', () => {
    const ring: KeyRing = { keys: [...usage.keys], certificates: [usage.certificates[0]] };
    expect(ensureDeviceIdentity(ring, FQDN, 512)).toBe(true);
    const id = serverIdentity(ring)!;
    expect(id.chain[1]).toBe(usage.certificates[0].certificate);
    expect(verifyChain(id.chain, { trustAnchors: [usage.certificates[0].certificate], purpose: 'serverAuth' }).ok).toBe(true);
  });

  it('usage keys: an encryption certificate not signed by the signature key is replaced', () => {
    // The encryption key certifying itself: the right key, the wrong issuer.
    const bogus = selfSignedCertificates([{ ...usage.keys[1], usage: 'general' }], FQDN)[0].certificate;
    const ring: KeyRing = { keys: [...usage.keys], certificates: [usage.certificates[0], { ...usage.certificates[1], certificate: bogus }] };
    expect(ensureDeviceIdentity(ring, FQDN, 512)).toBe(true);
    const id = serverIdentity(ring)!;
    expect(id.chain[0]).not.toBe(bogus);
    expect(verifyChain(id.chain, { trustAnchors: [usage.certificates[0].certificate] }).ok).toBe(true);
  });

  it('completes half a usage-keys set with a key of the same size and name', () => {
    const ring: KeyRing = { keys: [usage.keys[0]], certificates: [] };
    expect(ensureDeviceIdentity(ring, FQDN)).toBe(true);
    expect(ring.keys.map((k) => [k.usage, k.name, bitLength(k.key.n)])).toEqual([
      ['signature', FQDN, 512],
      ['encryption', FQDN, 512],
    ]);
    expect(serverIdentity(ring)?.chain).toHaveLength(2);
  });
});

describe('a real SSL 3.0 handshake with a usage-keys identity', () => {
  it('the client trusting the signature certificate connects and authorizes; the server authorizes the client', async () => {
    const ring = ringOf(true, 768);
    const server = serverIdentity(ring)!;
    const client = clientIdentity(ring)!;
    const sigPem = certificateToPem(ring.certificates[0].certificate);
    const accepted: SSLSocket[] = [];
    const srv = createServer({ key: server.key, cert: server.chain.map((c) => c.raw), requestCert: true, requireCert: true, ca: sigPem }, (s) => {
      accepted.push(s);
      void readBytes(s, 'ping'.length).then((text) => s.end(`echo:${text}`), () => {});
      s.on('error', () => {});
    });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    try {
      const port = (srv.address() as AddressInfo).port;
      const socket = connect({ host: '127.0.0.1', port, servername: FQDN, ca: sigPem, key: client.key, cert: client.chain.map((c) => c.raw) });
      await once(socket, 'secureConnect');
      expect(socket.authorized).toBe(true);
      expect(socket.getProtocol()).toBe('SSLv3');
      socket.write('ping');
      expect(await readBytes(socket, 'echo:ping'.length)).toBe('echo:ping');
      expect(accepted[0].authorized).toBe(true);
      socket.destroy();
    } finally {
      srv.close();
    }
  });

  it("a client that trusts another device's certificate is refused", async () => {
    const server = serverIdentity(usage)!;
    const srv = createServer({ key: server.key, cert: server.chain.map((c) => c.raw) }, (s) => s.on('error', () => {}));
    srv.on('tlsClientError', () => {});
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    try {
      const port = (srv.address() as AddressInfo).port;
      // Without the signature certificate among the anchors the chain has no root the client trusts.
      const socket = connect({ host: '127.0.0.1', port, servername: FQDN, ca: certificateToPem(general.certificates[0].certificate) });
      const [err] = (await once(socket, 'error')) as [Error];
      expect(err.message).toMatch(/server certificate rejected/);
    } finally {
      srv.close();
    }
  });
});
