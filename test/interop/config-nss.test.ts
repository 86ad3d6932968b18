/**
 * Issue "IOS configuration", proof against a real peer: `ssl3 serve --config FILE` runs the
 * HTTPS server a startup-config describes, and NSS's tstclnt sees exactly what the config says:
 * only the suites of `ip http secure-ciphersuite` complete a handshake, and a client the access
 * list denies is refused before any SSL byte. A SIGHUP reload applies a changed access list to
 * the running server without a restart. With usage keys (`crypto key generate rsa usage-keys`)
 * the handshake runs on the encryption key, and NSS verifies its certificate up to the
 * signature key's.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdentity, type IdentityFiles } from '../helpers/identity.js';
import { generateKeyPairs, selfSignedCertificates } from '../../src/config/keyring.js';
import { DataDirectory } from '../../src/config/store.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { Daemon, HOST, SUITES, findTools, freePort, makeNssDb, nssAddCert, removeTempDirs, run, sleep, tempDir } from './nss-helpers.js';

const tools = findTools({ tstclnt: 'libnss3-tools', certutil: 'libnss3-tools' });
const cli = join(process.cwd(), 'src', 'cli', 'main.ts');

const CONFIGURED = ['rc4-128-sha', '3des-ede-cbc-sha'];

function config(port: number, acl: string[]): string {
  return [
    'hostname localhost',
    '!',
    ...acl.map((entry) => `access-list 10 ${entry}`),
    '!',
    'no ip http server',
    'ip http secure-server',
    `ip http secure-port ${port}`,
    `ip http secure-ciphersuite ${CONFIGURED.join(' ')}`,
    'ip http access-class 10',
    'ip http max-connections 16',
    'ip http timeout-policy idle 10 life 30 requests 1',
    'end',
    '',
  ].join('\n');
}

describe.skipIf(!tools)('ssl3 serve --config against NSS tstclnt', () => {
  const t = tools!;
  const dir = tempDir('ssl3-config-nss-');
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'startup-config');
  let id: IdentityFiles;
  let serve: Daemon;
  let port: number;
  let db: string;

  const fetch = (nss: string) =>
    run(t.tstclnt, ['-h', HOST, '-p', String(port), '-d', db, '-V', 'ssl3:ssl3', '-c', nss], {
      input: 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n',
      timeoutMs: 20_000,
    });

  beforeAll(async () => {
    // The device's identity is the one plain `ssl3 serve` keeps in a data directory.
    id = makeIdentity('localhost', 2048);
    mkdirSync(dataDir, { recursive: true });
    copyFileSync(id.keyFile, join(dataDir, 'server-key.pem'));
    copyFileSync(id.certFile, join(dataDir, 'server-cert.pem'));
    db = makeNssDb(t.certutil, 'tstclnt-config');
    nssAddCert(t.certutil, db, 'device', id.certFile, 'P,,');
    port = await freePort();
    writeFileSync(configFile, config(port, ['permit host 127.0.0.1']));
    // node itself, not the tsx wrapper, which passes on only SIGINT and SIGTERM (SIGHUP reloads).
    serve = new Daemon(process.execPath, ['--import', 'tsx', cli, 'serve', '--config', configFile, '--data-dir', dataDir, '--bind', HOST]);
    await serve.waitFor(/serving HTTPS over SSL 3\.0/, 30_000);
  }, 60_000);

  afterAll(async () => {
    await serve?.stop('SIGTERM');
    removeTempDirs([dir, id?.dir]);
  });

  for (const suite of SUITES) {
    const allowed = CONFIGURED.includes(suite.keyword);
    it(`${allowed ? 'completes' : 'refuses'} a handshake with ${suite.keyword}`, async () => {
      const r = await fetch(suite.nss);
      if (allowed) {
        expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK/m);
      } else {
        expect(r.stdout).not.toMatch(/HTTP\/1\.1/);
        // NSS reports our handshake_failure alert.
        expect(r.stderr).toMatch(/SSL_ERROR_NO_CYPHER_OVERLAP|HANDSHAKE_FAILURE/);
      }
    });
  }

  it('refuses the client once a reloaded access list denies it, and admits it again after', async () => {
    writeFileSync(configFile, config(port, ['deny host 127.0.0.1', 'permit any']));
    const before = serve.output.length;
    serve.child.kill('SIGHUP');
    await serve.waitFor(/reloaded/, 10_000);
    expect(serve.output.slice(before)).not.toMatch(/%/);
    const denied = await fetch('n');
    expect(denied.stdout).not.toMatch(/HTTP\/1\.1/);
    expect(denied.stderr).toMatch(/PR_END_OF_FILE_ERROR|PR_CONNECT_RESET_ERROR|SSL_ERROR|closed/i);

    writeFileSync(configFile, config(port, ['permit host 127.0.0.1']));
    const mark = serve.output.length;
    serve.child.kill('SIGHUP');
    while (!serve.output.slice(mark).includes('reloaded')) await sleep(25);
    const admitted = await fetch('n');
    expect(admitted.stdout).toMatch(/^HTTP\/1\.1 200 OK/m);
  });
});

describe.skipIf(!tools)('ssl3 serve --config with usage keys, against NSS tstclnt', () => {
  const t = tools!;
  const dir = tempDir('ssl3-config-usage-');
  const dataDir = join(dir, 'data');
  let serve: Daemon;
  let port: number;
  let db: string;

  beforeAll(async () => {
    // `crypto key generate rsa usage-keys`, saved as `write memory` saves it.
    const keys = generateKeyPairs('127.0.0.1', { usageKeys: true, modulus: 1024 });
    const ring = { keys, certificates: selfSignedCertificates(keys, '127.0.0.1') };
    await new DataDirectory(dataDir).save(undefined, ring);
    const signature = ring.certificates.find((c) => c.usage === 'signature')!;
    writeFileSync(join(dir, 'signature.pem'), certificateToPem(signature.certificate));
    db = makeNssDb(t.certutil, 'tstclnt-usage');
    // The client trusts the signature certificate as the CA of the encryption one.
    nssAddCert(t.certutil, db, 'device-signature', join(dir, 'signature.pem'), 'C,,');
    port = await freePort();
    writeFileSync(join(dir, 'startup-config'), ['ip http secure-server', `ip http secure-port ${port}`, 'end', ''].join('\n'));
    serve = new Daemon(process.execPath, ['--import', 'tsx', cli, 'serve', '--config', join(dir, 'startup-config'), '--data-dir', dataDir, '--bind', HOST]);
    await serve.waitFor(/serving HTTPS over SSL 3\.0/, 30_000);
  }, 60_000);

  afterAll(async () => {
    await serve?.stop('SIGTERM');
    removeTempDirs([dir]);
  });

  it('completes the handshake with the encryption key and a chain NSS verifies to the signature certificate', async () => {
    const r = await run(t.tstclnt, ['-h', HOST, '-p', String(port), '-d', db, '-V', 'ssl3:ssl3', '-c', 'n'], {
      input: 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n',
      timeoutMs: 20_000,
    });
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK/m);
  });
});
