/**
 * Issue "CA trustpoints", the client side: a device enrolled with a real SCEP CA (micromdm
 * scepserver) copies a file from NSS selfserv with `copy https://... flash:NAME`. selfserv
 * holds a server certificate from the same CA and requires a client certificate that chains
 * to it: the device presents the certificate of `ip http client secure-trustpoint` and
 * verifies selfserv's against that trustpoint's CA. Without an enrolled certificate,
 * against a server the CA did not certify, and with the default CRL check and no CRL to be
 * had, the copy fails with one `%Error opening` line and nothing is written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Console } from '../../src/config/console.js';
import { Router } from '../../src/config/runtime.js';
import { parsePrivateKey, privateKeyToPem } from '../../src/pki/keys.js';
import { buildCertificate } from '../../src/pki/x509-build.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { makeIdentity, P12_PASSWORD } from '../helpers/identity.js';
import { nodeRsaKey } from '../helpers/keys.js';
import { scepserverPath, startScepServer, type RunningCa } from '../helpers/scep-ca.js';
import { Daemon, HOST, findTools, freePort, makeNssDb, nssAddCert, nssImportP12, removeTempDirs, tempDir, waitForPort } from './nss-helpers.js';

const scepserver = scepserverPath();
const tools = findTools({ selfserv: 'libnss3-tools', certutil: 'libnss3-tools', pk12util: 'libnss3-tools', openssl: 'openssl' });

async function startSelfserv(selfserv: string, args: string[]): Promise<{ daemon: Daemon; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const daemon = new Daemon(selfserv, ['-p', String(port), ...args]);
    if (await waitForPort(port, 10_000, () => !daemon.exited)) return { daemon, port };
    await daemon.stop('SIGKILL');
    if (attempt === 4) throw new Error(`selfserv did not start:\n${daemon.output}`);
  }
}

describe.skipIf(!scepserver || !tools)('copy https:// with the client trustpoint, against NSS selfserv', () => {
  const t = tools!;
  let ca: RunningCa;
  let server: { daemon: Daemon; port: number };
  let stranger: { daemon: Daemon; port: number };
  const dir = tempDir('tp-client');

  beforeAll(async () => {
    ca = await startScepServer(scepserver!, 'letmein', await freePort());
    // selfserv's certificate, issued by the SCEP CA's own key (its depot keeps it beside ca.pem,
    // in legacy PEM encryption with an empty password, which openssl turns into plain PKCS #8).
    const caKey = parsePrivateKey(execFileSync(t.openssl, ['pkey', '-in', join(ca.caFile, '..', 'ca.key'), '-passin', 'pass:']));
    const key = nodeRsaKey(2048);
    const now = Date.now();
    const cert = buildCertificate({
      subject: 'CN=localhost',
      issuerCertificate: ca.caCert,
      signingKey: caKey,
      publicKey: key,
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 86_400_000),
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['serverAuth'],
      subjectAltName: { dns: ['localhost'], ip: ['127.0.0.1'] },
    });
    writeFileSync(join(dir, 'server.key'), privateKeyToPem(key));
    writeFileSync(join(dir, 'server.pem'), certificateToPem(cert));
    const p12 = join(dir, 'server.p12');
    execFileSync(t.openssl, ['pkcs12', '-export', '-inkey', join(dir, 'server.key'), '-in', join(dir, 'server.pem'), '-name', 'localhost', '-out', p12, '-passout', `pass:${P12_PASSWORD}`]);
    const db = makeNssDb(t.certutil, 'tp-selfserv');
    nssImportP12(t.pk12util, db, p12, P12_PASSWORD);
    nssAddCert(t.certutil, db, 'scep-ca', ca.caFile, 'CT,,');
    server = await startSelfserv(t.selfserv, ['-d', db, '-n', 'localhost', '-V', 'ssl3:ssl3', '-c', 'n', '-r', '-r', '-v']);
    // A server whose certificate no trustpoint CA issued.
    const other = makeIdentity('localhost', 2048, t.openssl);
    const otherDb = makeNssDb(t.certutil, 'tp-stranger');
    nssImportP12(t.pk12util, otherDb, other.p12File!, P12_PASSWORD);
    stranger = await startSelfserv(t.selfserv, ['-d', otherDb, '-n', 'localhost', '-V', 'ssl3:ssl3', '-c', 'n', '-v']);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([server?.daemon.stop(), stranger?.daemon.stop(), ca?.stop()]);
    removeTempDirs();
  });

  async function device(enroll: boolean, crl: string[] = ['crl optional']) {
    const dataDir = tempDir('tp-device');
    let out = '';
    const router = await Router.open({ dataDir, bind: HOST, print: (x) => (out += x), selfSignedModulus: 1024, ca: { sleep: () => Promise.resolve() } });
    const con = new Console(router, { mode: 'privileged' });
    const type = async (...lines: string[]) => {
      out = '';
      for (const line of lines) await con.execute(line);
      return out;
    };
    await type('configure terminal', 'hostname R1', 'ip domain-name example.com', 'crypto key generate rsa modulus 1024', 'crypto ca trustpoint CA-trust-local', `enrollment url ${ca.url}`, ...crl, 'exit');
    await type('crypto ca authenticate CA-trust-local', 'yes');
    if (enroll) expect(await type('crypto ca enrollment CA-trust-local', 'letmein', 'letmein', 'no', 'no', 'yes')).toContain('%PKI-6-CERTRET');
    await type('ip http client secure-trustpoint CA-trust-local', 'ip http client secure-ciphersuite rc4-128-sha', 'end');
    return { router, type, dataDir };
  }

  it('presents the enrolled certificate, verifies the server against the CA, and stores the file', async () => {
    const d = await device(true);
    const out = await d.type(`copy https://localhost:${server.port}/notes.txt flash:`, '');
    expect(out).toContain('Destination filename [notes.txt]? ');
    expect(out).toMatch(new RegExp(`Accessing https://localhost:${server.port}/notes.txt\\.\\.\\.\\nLoading https://localhost:${server.port}/notes.txt !+\\n\\[OK - (\\d+) bytes\\]\\n\\n\\1 bytes copied in `));
    const file = readFileSync(join(d.dataDir, 'flash', 'notes.txt'), 'latin1');
    // selfserv echoes the request it read: proof the exchange really ran over SSL 3.0 with RC4-SHA.
    expect(file).toContain('GET /notes.txt HTTP/1.1');
    await d.router.close();
  });

  it('refused by a server that requires a client certificate when none was enrolled; nothing written', async () => {
    const d = await device(false);
    const out = await d.type(`copy https://localhost:${server.port}/x.txt flash:x.txt`, '');
    expect(out.split('\n').filter((l) => l.startsWith('%'))).toEqual([expect.stringMatching(new RegExp(`^%Error opening https://localhost:${server.port}/x\\.txt \\(.+\\)$`))]);
    expect(existsSync(join(d.dataDir, 'flash', 'x.txt'))).toBe(false);
    await d.router.close();
  });

  it("refuses a server whose certificate the trustpoint's CA did not issue", async () => {
    const d = await device(true);
    const out = await d.type(`copy https://localhost:${stranger.port}/y.txt flash:y.txt`, '');
    expect(out).toMatch(/^%Error opening https:\/\/localhost:\d+\/y\.txt \(.*(certificate|issuer|trust).*\)$/m);
    expect(existsSync(join(d.dataDir, 'flash', 'y.txt'))).toBe(false);
    await d.router.close();
  });

  it('with the default CRL check and no CRL to be had, the server is refused', async () => {
    const d = await device(true, []);
    const out = await d.type(`copy https://localhost:${server.port}/z.txt flash:z.txt`, '');
    expect(out).toMatch(/^%Error opening https:\/\/localhost:\d+\/z\.txt \(.*CRL.*\)$/m);
    await d.router.close();
  });
});
