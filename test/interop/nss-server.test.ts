/**
 * Our SSL 3.0 client against NSS's selfserv (an independent server): every suite, session
 * resumption, and client certificates against a selfserv that requires one. selfserv answers
 * any request with an HTTP page echoing it. See docs/interop.md.
 */
import * as http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdentity, P12_PASSWORD, type IdentityFiles } from '../helpers/identity.js';
import { Daemon, SUITES, fetchOver, findTools, freePort, makeNssDb, nssAddCert, nssImportP12, removeTempDirs, run, startSelfserv, type FetchResult, type Selfserv } from './nss-helpers.js';

const tools = findTools({ selfserv: 'libnss3-tools', certutil: 'libnss3-tools', pk12util: 'libnss3-tools', openssl: 'openssl' });

const REQUEST = 'GET / HTTP/1.0\r\n\r\n';

function explain(r: FetchResult, server: Selfserv): string {
  return `${r.error?.message ?? 'no error'}\nresponse: ${JSON.stringify(r.response.slice(0, 300))}\nselfserv output (tail):\n${server.daemon.output.slice(-2000)}`;
}

describe.skipIf(!tools)('our client against NSS selfserv', () => {
  const t = tools!;
  let serverId: IdentityFiles;
  let clientId: IdentityFiles;
  let plain: Selfserv;
  let requiring: Selfserv;

  beforeAll(async () => {
    serverId = makeIdentity('localhost', 2048, t.openssl);
    clientId = makeIdentity('client', 2048, t.openssl);
    const db = makeNssDb(t.certutil, 'selfserv');
    nssImportP12(t.pk12util, db, serverId.p12File!, P12_PASSWORD); // nickname 'localhost'
    // Our client certificate is a self-signed leaf (basicConstraints CA:FALSE), so NSS refuses
    // it as a CA ('CT,,' gives SEC_ERROR_CA_CERT_INVALID, rightly); trusted as a peer ('P') it
    // authenticates itself, which is what a self-signed client certificate needs.
    nssAddCert(t.certutil, db, 'clientca', clientId.certFile, 'P,,');
    const common = ['-d', db, '-n', 'localhost', '-V', 'ssl3:ssl3', '-c', SUITES.map((s) => s.nss).join(''), '-v'];
    [plain, requiring] = await Promise.all([startSelfserv(t.selfserv, common), startSelfserv(t.selfserv, [...common, '-r', '-r'])]);
  });

  afterAll(async () => {
    await Promise.all([plain?.daemon.stop(), requiring?.daemon.stop()]);
    removeTempDirs([serverId?.dir, clientId?.dir]);
  });

  const trust = () => ({ ca: serverId.certPem, servername: 'localhost' });

  describe.each(SUITES)('selfserv -V ssl3:ssl3, our client offering only $keyword', (suite) => {
    it('completes the handshake and reads selfserv’s HTTP response', async () => {
      const r = await fetchOver({ port: plain.port, ...trust(), ciphers: suite.keyword }, REQUEST);
      expect(r.error, explain(r, plain)).toBeUndefined();
      expect(r.socket.getCipher()).toMatchObject({ name: suite.openssl, iosKeyword: suite.keyword, version: 'SSLv3' });
      expect(r.socket.authorized).toBe(true);
      expect(r.socket.getPeerCertificate()).toMatchObject({ subject: { CN: 'localhost' } });
      expect(r.response).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
      // selfserv echoes the request it received inside its page.
      expect(r.response).toContain(REQUEST);
    });
  });

  it('checks the IP address SAN when the server name is 127.0.0.1', async () => {
    const r = await fetchOver({ port: plain.port, ca: serverId.certPem, servername: '127.0.0.1', ciphers: 'rc4-128-sha' }, REQUEST);
    expect(r.error, explain(r, plain)).toBeUndefined();
    expect(r.socket.authorized).toBe(true);
  });

  it('resumes a session selfserv cached', async () => {
    const first = await fetchOver({ port: plain.port, ...trust(), ciphers: '3des-ede-cbc-sha' }, REQUEST);
    expect(first.error, explain(first, plain)).toBeUndefined();
    expect(first.socket.isSessionReused()).toBe(false);
    const session = first.socket.getSession();
    expect(session).toBeDefined();
    const second = await fetchOver({ port: plain.port, ...trust(), ciphers: '3des-ede-cbc-sha', session }, REQUEST);
    expect(second.error, explain(second, plain)).toBeUndefined();
    expect(second.socket.isSessionReused()).toBe(true);
    expect(second.socket.getCipher()?.name).toBe('DES-CBC3-SHA');
    expect(second.response).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    // The resumed handshake reuses the master secret under fresh randoms.
    expect(second.keylog[0].split(' ')[2]).toBe(first.keylog[0].split(' ')[2]);
    expect(second.keylog[0].split(' ')[1]).not.toBe(first.keylog[0].split(' ')[1]);
  });

  describe('selfserv -r -r (client certificate required)', () => {
    it.each(['rc4-128-md5', '3des-ede-cbc-sha'])('accepts our client certificate (%s)', async (ciphers) => {
      const r = await fetchOver({ port: requiring.port, ...trust(), ciphers, key: clientId.keyPem, cert: clientId.certPem }, REQUEST);
      expect(r.error, explain(r, requiring)).toBeUndefined();
      expect(r.response).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    });

    it('refuses our client without a certificate, and we report selfserv’s alert', async () => {
      const r = await fetchOver({ port: requiring.port, ...trust(), ciphers: 'rc4-128-sha' }, REQUEST);
      expect(r.response).toBe('');
      expect(r.socket.getProtocol()).toBeNull();
      // Under SSL 3.0 we send the no_certificate warning; NSS answers with a fatal bad_certificate.
      expect(r.error?.message).toMatch(/peer sent fatal alert bad_certificate/);
      expect(r.error?.code).toBe('ERR_SSL_PEER_ALERT');
    });
  });

  it('ssl3 bridge carries a plain HTTP request to selfserv and its answer back', async () => {
    const listen = await freePort();
    const cli = join(process.cwd(), 'src', 'cli', 'main.ts');
    const bridge = new Daemon(process.execPath, ['--import', 'tsx', cli, 'bridge', '--to', `https://localhost:${plain.port}/`, '--listen', `127.0.0.1:${listen}`, '--ca', serverId.certFile, '--ciphers', '3des-ede-cbc-sha']);
    try {
      await bridge.waitFor(/ssl3: bridging http:\/\/127\.0\.0\.1:\d+\/ to https:\/\/localhost:\d+\/ over SSL 3\.0\n/, 30_000);
      const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: listen, path: '/through-the-bridge', headers: { 'x-operator': 'yes' } }, (res) => {
            let body = '';
            res.setEncoding('latin1');
            res.on('data', (d: string) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });
      expect(r.status, bridge.output).toBe(200);
      // selfserv's page echoes the request it got: ours, over SSL 3.0, with the device's Host.
      expect(r.body).toContain('GET /through-the-bridge HTTP/1.1\r\n');
      expect(r.body).toMatch(new RegExp(`host: localhost:${plain.port}\r\n`, 'i'));
      expect(r.body).toMatch(/x-operator: yes\r\n/i);
    } finally {
      await bridge.stop();
    }
    expect(bridge.output).toContain('ssl3: shutting down');
  });

  it('ssl3 connect talks to selfserv on standard input and output, and resumes its session with --reconnect', async () => {
    const cli = join(process.cwd(), 'src', 'cli', 'main.ts');
    const base = [process.execPath, ['--import', 'tsx', cli, 'connect', `localhost:${plain.port}`, '--ca', serverId.certFile]] as const;
    const r = await run(base[0], [...base[1], '--ciphers', 'des-cbc-sha'], { input: REQUEST, timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    expect(r.stdout).toContain(REQUEST); // selfserv's page echoes what we typed
    expect(r.stderr).toMatch(new RegExp(`^ssl3 connect: localhost:${plain.port}: SSLv3, SSL_RSA_WITH_DES_CBC_SHA \\(des-cbc-sha\\)\n  certificate: CN=localhost; issuer CN=localhost; verified\n  SHA-256 [0-9A-F:]{95}\n  session [0-9a-f]{64} \\(new\\)\n$`));
    const again = await run(base[0], [...base[1], '--reconnect', '2'], { timeoutMs: 30_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/ \(new\)\n {2}reconnect 1: session resumed\n {2}reconnect 2: session resumed\n$/);
  });
});
