/**
 * Issue "CA trustpoints", enrollment: the feature guide's trustpoint example typed into the
 * console against a real SCEP CA (micromdm scepserver, docs/interop.md) authenticates the CA and
 * enrolls the device's keys (general purpose and usage keys); the certificates survive a save
 * and a restart; a wrong challenge, a CA that is down, one that answers garbage and one that
 * stays PENDING each give one clear line and leave keys and configuration as they were. A
 * certificate from a CA whose template allows server use then serves NSS tstclnt and JSSE,
 * each trusting that CA and nothing else.
 */
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderConfig } from '../../src/config/render.js';
import { certificateToPem, fingerprint } from '../../src/pki/x509.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scepserverPath, startScepServer, startScriptedCa, type RunningCa, type ScriptedCa } from '../helpers/scep-ca.js';
import { findPeer } from '../helpers/peers.js';
import { openTestDevice, type TestDevice } from '../helpers/device.js';
import { compilePeer, findJavaTools, runJavaClient } from './jsse-helpers.js';
import { HOST, findTools, freePort, makeNssDb, nssAddCert, removeTempDirs, run, tempDir } from './nss-helpers.js';

const scepserver = scepserverPath();
const openssl = findPeer('openssl', 'openssl');
const nss = findTools({ tstclnt: 'libnss3-tools', certutil: 'libnss3-tools' });
const java = findJavaTools();

/** A console on a fresh device (or one on `dataDir`) whose SCEP polls do not wait. */
const device = (dataDir?: string): Promise<TestDevice> => openTestDevice(dataDir ?? tempDir('scep-device'));

const GUIDE_TRUSTPOINT = (url: string) => [
  'configure terminal',
  'hostname R1',
  'ip domain-name example.com',
  'crypto ca trustpoint CA-trust-local',
  `enrollment url ${url}`,
  'primary',
  'exit',
];

const ENROLL = (challenge: string) => ['crypto ca enrollment CA-trust-local', challenge, challenge, 'no', 'no', 'yes'];

afterAll(() => removeTempDirs());

describe.skipIf(!scepserver)('enrollment with micromdm scepserver', () => {
  let ca: RunningCa;

  beforeAll(async () => {
    ca = await startScepServer(scepserver!, 'letmein', await freePort());
  }, 60_000);
  afterAll(() => ca?.stop());

  it('authenticates the CA with its fingerprints, enrolls, and keeps the certificate across a save and restart', async () => {
    const d = await device();
    await d.type(...GUIDE_TRUSTPOINT(ca.url), 'crypto key generate rsa modulus 1024');
    const auth = await d.type('crypto ca authenticate CA-trust-local');
    const sha1 = fingerprint(ca.caCert, 'sha1').replace(/:/g, '');
    expect(auth.replace(/ /g, '')).toContain(`FingerprintSHA1:${sha1}`);
    expect(auth).toMatch(/% Do you accept this certificate\? \[yes\/no\]: $/);
    expect(await d.type('yes')).toBe('yes\nTrustpoint CA certificate accepted.\n'.slice('yes\n'.length));

    const out = await d.type(...ENROLL('letmein'));
    expect(out).toContain('% Start certificate enrollment ..');
    expect(out).toMatch(/CRYPTO_PKI: {2}Certificate Request Fingerprint MD5: [0-9A-F]{8}( [0-9A-F]{8}){3}\n/);
    expect(out).toContain('%PKI-6-CERTRET: Certificate received from Certificate Authority');
    const enrolled = d.router.keys.certificates.filter((c) => c.trustpoint === 'CA-trust-local');
    expect(enrolled.map((c) => c.usage).sort()).toEqual(['ca', 'general']);
    const cert = enrolled.find((c) => c.usage === 'general')!.certificate;
    expect(cert.publicKey.rsa?.n).toBe(d.router.keys.keys[0].key.n);

    if (openssl) {
      const file = join(d.dataDir, 'issued.pem');
      writeFileSync(file, certificateToPem(cert));
      expect(execFileSync(openssl, ['verify', '-CAfile', ca.caFile, file]).toString()).toMatch(/: OK/);
    }
    const show = await d.type('end', 'show crypto ca certificates verbose');
    expect(show).toContain('Associated Trustpoints: CA-trust-local');
    expect(show.replace(/ /g, '')).toContain(`FingerprintSHA1:${sha1}`);
    const tps = await d.type('show crypto ca trustpoints');
    expect(tps).toContain(`Trustpoint CA-trust-local:\n    Subject Name:\n    ou=SCEP CA\n    o=ssl3 test CA\n    c=US\n          Serial Number (hex): 01\n    Certificate configured.\n    SCEP URL: ${ca.url}\n    CRL checking: required\n    Primary trustpoint.\n`);
    await d.type('copy running-config startup-config');
    await d.router.close();

    const again = await device(d.dataDir);
    const loaded = again.router.keys.certificates.filter((c) => c.trustpoint === 'CA-trust-local');
    expect(loaded.map((c) => c.certificate.raw)).toEqual(expect.arrayContaining([cert.raw, ca.caCert.raw]));
    await again.router.close();
  });

  it('enrollment http-proxy: every SCEP request goes to the proxy as an absolute URI', async () => {
    const seen: string[] = [];
    const proxy = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const target = new URL(req.url!);
      const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: `${target.pathname}${target.search}`, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((resolve) => proxy.listen(0, HOST, resolve));
    const proxyPort = (proxy.address() as AddressInfo).port;
    try {
      const d = await device();
      await d.type(...GUIDE_TRUSTPOINT(ca.url).slice(0, -1), `enrollment http-proxy ${HOST} ${proxyPort}`, 'exit', 'crypto key generate rsa modulus 1024', 'crypto ca authenticate CA-trust-local', 'yes');
      expect(await d.type(...ENROLL('letmein'))).toContain('%PKI-6-CERTRET');
      const ops = seen.map((l) => l.replace(/&message=.*$/, ''));
      expect(ops).toEqual([
        `GET ${ca.url}?operation=GetCACert`,
        `GET ${ca.url}?operation=GetCACaps`,
        `GET ${ca.url}?operation=GetCACert`,
        `POST ${ca.url}?operation=PKIOperation`,
      ]);
      await d.router.close();
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('with usage keys requests one certificate per key', async () => {
    const d = await device();
    await d.type(...GUIDE_TRUSTPOINT(ca.url), 'crypto key generate rsa usage-keys modulus 1024', 'crypto ca authenticate CA-trust-local', 'yes');
    const out = await d.type(...ENROLL('letmein'));
    expect(out.match(/%PKI-6-CERTRET/g), out).toHaveLength(2);
    const usages = d.router.keys.certificates.filter((c) => c.trustpoint === 'CA-trust-local').map((c) => c.usage);
    expect(usages.sort()).toEqual(['ca', 'encryption', 'signature']);
    await d.router.close();
  });

  it('a wrong challenge password is refused by the CA: one line, nothing stored', async () => {
    const d = await device();
    await d.type(...GUIDE_TRUSTPOINT(ca.url), 'crypto key generate rsa modulus 1024', 'crypto ca authenticate CA-trust-local', 'yes');
    const before = renderConfig(d.router.config);
    const out = await d.type(...ENROLL('wrong'));
    expect(out.split('\n').filter((l) => l.startsWith('%PKI-6-CERTREJECT'))).toEqual([
      '%PKI-6-CERTREJECT: Certificate enrollment request was rejected by Certificate Authority: badRequest: transaction not permitted or supported (a wrong challenge password, or a request the CA\'s policy refuses)',
    ]);
    expect(d.router.keys.certificates.filter((c) => c.trustpoint === 'CA-trust-local').map((c) => c.usage)).toEqual(['ca']);
    expect(renderConfig(d.router.config)).toBe(before);
    await d.router.close();
  });
});

describe('a CA that misbehaves', () => {
  let scripted: ScriptedCa;

  beforeAll(async () => {
    scripted = await startScriptedCa(tempDir('scripted-ca'));
  });
  afterAll(() => scripted?.stop());

  it('a CA behind an RA, without POSTPKIOperation: the RA certificate must be signed by the CA, requests go to the RA by GET, and 3DES/SHA-1 follow its caps', async () => {
    scripted.ra = true;
    scripted.caps = 'DES3\nSHA-1\n';
    scripted.answers = ['issue'];
    try {
      const d = await device();
      await d.type(...GUIDE_TRUSTPOINT(scripted.url), 'crypto key generate rsa modulus 1024');
      const auth = await d.type('crypto ca authenticate CA-trust-local');
      // The fingerprint shown is the CA's, not the RA's.
      expect(auth.replace(/ /g, '')).toContain(`FingerprintSHA1:${fingerprint(scripted.caCert, 'sha1').replace(/:/g, '')}`);
      await d.type('yes');
      expect(await d.type(...ENROLL('x'))).toContain('%PKI-6-CERTRET');
      expect(scripted.lastMethod).toBe('GET');
      const stored = d.router.keys.certificates.filter((c) => c.trustpoint === 'CA-trust-local');
      expect(stored.filter((c) => c.usage === 'ca').map((c) => c.certificate.raw)).toEqual([scripted.caCert.raw]);
      expect(stored.map((c) => c.usage).sort()).toEqual(['ca', 'general']);
      await d.router.close();
    } finally {
      scripted.ra = false;
      scripted.caps = 'POSTPKIOperation\nSHA-256\nDES3\n';
    }
  });

  it('no crypto ca trustpoint removes the trustpoint, its certificates and the servers\' references to it', async () => {
    const d = await device();
    scripted.answers = ['issue'];
    await d.type(...GUIDE_TRUSTPOINT(scripted.url), 'crypto key generate rsa modulus 1024', 'crypto ca authenticate CA-trust-local', 'yes');
    expect(await d.type(...ENROLL('x'))).toContain('%PKI-6-CERTRET');
    await d.type('ip http secure-trustpoint CA-trust-local', 'ip http client secure-trustpoint CA-trust-local', 'no crypto ca trustpoint CA-trust-local');
    expect(d.router.keys.certificates.filter((c) => c.trustpoint === 'CA-trust-local')).toHaveLength(0);
    const text = renderConfig(d.router.config, d.router.keys);
    expect(text).not.toContain('CA-trust-local');
    await d.router.close();
  });

  it('a CA that is down: one line, nothing stored', async () => {
    const d = await device();
    await d.type(...GUIDE_TRUSTPOINT(`http://127.0.0.1:${await freePort()}/scep`));
    const out = await d.type('crypto ca authenticate CA-trust-local');
    expect(out.split('\n').filter((l) => l.startsWith('%'))).toEqual([expect.stringMatching(/^% Error in receiving Certificate Authority certificate: GetCACert: the CA 127\.0\.0\.1:\d+ cannot be reached: ECONNREFUSED$/)]);
    expect(d.con.awaitingAnswer).toBe(false);
    expect(d.router.keys.certificates.filter((c) => c.trustpoint === 'CA-trust-local')).toHaveLength(0);
    await d.router.close();
  });

  it('a CA that answers garbage: one line for the CA certificate, one for the enrollment', async () => {
    const d = await device();
    await d.type(...GUIDE_TRUSTPOINT(scripted.url), 'crypto key generate rsa modulus 1024');
    scripted.garbageCaCert = true;
    const bad = await d.type('crypto ca authenticate CA-trust-local');
    expect(bad).toMatch(/^% Error in receiving Certificate Authority certificate: the CA's GetCACert answer is not a certificate/m);
    scripted.garbageCaCert = false;
    await d.type('crypto ca authenticate CA-trust-local', 'yes');
    scripted.answers = ['garbage'];
    const out = await d.type(...ENROLL('x'));
    expect(out).toMatch(/^% Certificate enrollment failed: the CA's reply is not a SCEP CertRep: .*$/m);
    expect(d.router.keys.certificates.filter((c) => c.trustpoint === 'CA-trust-local').map((c) => c.usage)).toEqual(['ca']);
    await d.router.close();
  });

  it('a CA that stays PENDING: polls the configured number of times, then one line', async () => {
    const d = await device();
    await d.type(...GUIDE_TRUSTPOINT(scripted.url).slice(0, -1), 'enrollment retry count 3', 'exit', 'crypto key generate rsa modulus 1024', 'crypto ca authenticate CA-trust-local', 'yes');
    scripted.answers = ['pending'];
    const requestsBefore = scripted.requests;
    const out = await d.type(...ENROLL('x'));
    expect(out.match(/%PKI-6-CERTPENDING/g)).toHaveLength(3);
    expect(scripted.requests - requestsBefore).toBe(4);
    expect(out).toMatch(/^% Certificate enrollment still pending at the CA after 3 polls; nothing was stored\./m);
    expect(d.router.keys.certificates.filter((c) => c.trustpoint === 'CA-trust-local').map((c) => c.usage)).toEqual(['ca']);
    await d.router.close();
  });

  describe.skipIf(!nss && !java)('PENDING then issued; the server then presents that certificate, and independent clients trusting the CA alone verify it', () => {
    let d: TestDevice;
    let port: number;

    beforeAll(async () => {
      d = await device();
      port = await freePort();
      await d.type(...GUIDE_TRUSTPOINT(scripted.url), 'hostname localhost', 'no ip domain-name', 'crypto key generate rsa modulus 2048', 'crypto ca authenticate CA-trust-local', 'yes');
      scripted.answers = ['pending', 'issue'];
      const out = await d.type(...ENROLL('x'));
      expect(out).toContain('%PKI-6-CERTPENDING');
      expect(out).toContain('%PKI-6-CERTRET');
      expect(out).not.toContain('% Warning');
      await d.type(`ip http secure-port ${port}`, 'ip http secure-trustpoint CA-trust-local', 'ip http secure-server', 'end');
    }, 60_000);
    afterAll(() => d?.router.close());

    it.skipIf(!nss)('NSS tstclnt', async () => {
      const db = makeNssDb(nss!.certutil, 'scep-ca');
      nssAddCert(nss!.certutil, db, 'scripted-ca', scripted.caFile, 'C,,');
      const r = await run(nss!.tstclnt, ['-h', HOST, '-p', String(port), '-d', db, '-V', 'ssl3:ssl3', '-c', 'n'], { input: 'GET / HTTP/1.0\r\n\r\n', timeoutMs: 20_000 });
      expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK/m);
      expect(r.stderr).not.toMatch(/SEC_ERROR|SSL_ERROR/);
    });

    // JSSE checks the path with PKIX (the CA as its only trust anchor, key usage and extended
    // key usage for a server) and the host name, 127.0.0.1, against the certificate's IP SAN.
    it.skipIf(!java)('JSSE (SunJSSE), with endpoint identification', async () => {
      const peer = await runJavaClient(java!, compilePeer(java!), ['--port', String(port), '--trust-pem', scripted.caFile, '--suites', 'SSL_RSA_WITH_RC4_128_SHA']);
      const c = peer.connection(1);
      expect(c.ok, peer.describe()).toBe(true);
      expect(c.protocol).toBe('SSLv3');
      // The enrolled certificate's subject as Java prints it: the FQDN as unstructuredName (a
      // PrintableString JSSE shows in hex), then the CN.
      expect(c.peer).toBe('1.2.840.113549.1.9.2=#13096c6f63616c686f7374,CN=localhost');
      expect(c.body).toMatch(/^HTTP\/1\.1 200 OK/);
    }, 60_000);
  });
});
