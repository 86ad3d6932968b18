/**
 * Our SSL 3.0 server against NSS's clients (Mozilla's TLS library, an independent
 * implementation): tstclnt for each suite, a TLS-range ClientHello, NSS's 1/n-1 splitting of
 * CBC records, client certificates (required, requested, absent), and strsclnt resuming
 * sessions from our cache. See docs/interop.md.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdentity, P12_PASSWORD, type IdentityFiles } from '../helpers/identity.js';
import {
  HOST,
  SUITES,
  appDataRecordLengths,
  findTools,
  greeting,
  makeNssDb,
  nssAddCert,
  nssImportP12,
  removeTempDirs,
  run,
  startHttpServer,
  type HttpTestServer,
  type RunResult,
} from './nss-helpers.js';

const tools = findTools({ tstclnt: 'libnss3-tools', strsclnt: 'libnss3-tools', certutil: 'libnss3-tools', pk12util: 'libnss3-tools', openssl: 'openssl' });

const REQUEST = 'GET / HTTP/1.0\r\n\r\n';

describe.skipIf(!tools)('NSS clients (tstclnt, strsclnt) against our server', () => {
  const t = tools!;
  let serverId: IdentityFiles;
  let clientId: IdentityFiles;
  /** Trusts our server's certificate and holds the client identity (nickname 'client'). */
  let dbWithCert: string;
  /**
   * Trusts our server's certificate and holds no key: tstclnt has nothing to present. (Without
   * -n, tstclnt still picks any suitable certificate from its database by itself, so "no client
   * certificate" needs a database without one.)
   */
  let dbNoCert: string;
  let plain: HttpTestServer;
  let requiring: HttpTestServer;
  let requesting: HttpTestServer;

  beforeAll(async () => {
    serverId = makeIdentity('localhost', 2048, t.openssl);
    clientId = makeIdentity('client', 2048, t.openssl);
    dbWithCert = makeNssDb(t.certutil, 'client');
    dbNoCert = makeNssDb(t.certutil, 'nocert');
    for (const db of [dbWithCert, dbNoCert]) nssAddCert(t.certutil, db, 'ourserver', serverId.certFile, 'P,,');
    nssImportP12(t.pk12util, dbWithCert, clientId.p12File!, P12_PASSWORD);
    const identity = { key: serverId.keyPem, cert: serverId.certPem };
    plain = await startHttpServer(identity);
    requiring = await startHttpServer({ ...identity, requireCert: true, ca: clientId.certPem });
    requesting = await startHttpServer({ ...identity, requestCert: true, ca: clientId.certPem });
  });

  afterAll(async () => {
    await Promise.all([plain, requiring, requesting].map((s) => s?.close()));
    removeTempDirs([serverId?.dir, clientId?.dir]);
  });

  function tstclnt(server: HttpTestServer, args: string[], input = REQUEST): Promise<RunResult> {
    return run(t.tstclnt, ['-h', HOST, '-p', String(server.port), ...args], { input, timeoutMs: 15_000 });
  }

  function explain(r: RunResult, server: HttpTestServer): string {
    return `tstclnt exit ${r.code} signal ${r.signal}${r.timedOut ? ' (timed out)' : ''}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}\nserver errors: ${server.errors.map((e) => e.message).join('; ')}`;
  }

  describe.each(SUITES)('tstclnt -V ssl3:ssl3 -c $nss ($keyword)', (suite) => {
    it('completes the handshake, our server picks the suite, the response arrives', async () => {
      const before = plain.connections.length;
      const r = await tstclnt(plain, ['-d', dbNoCert, '-V', 'ssl3:ssl3', '-c', suite.nss]);
      expect(r.code, explain(r, plain)).toBe(0);
      expect(plain.connections.length).toBe(before + 1);
      const served = plain.connections[before];
      expect(served.cipher).toBe(suite.openssl);
      expect(served.socket.getProtocol()).toBe('SSLv3');
      expect(Buffer.concat(served.chunks).toString()).toBe(REQUEST);
      expect(r.stdout).toContain(`HTTP/1.0 200 OK`);
      expect(r.stdout).toContain(greeting(suite.openssl));
    });
  });

  it('answers a TLS-range ClientHello (tstclnt -V ssl3:tls1.2) at SSL 3.0', async () => {
    const before = plain.connections.length;
    const traceFrom = plain.trace.length;
    const r = await tstclnt(plain, ['-d', dbNoCert, '-V', 'ssl3:tls1.2']);
    expect(r.code, explain(r, plain)).toBe(0);
    const served = plain.connections[before];
    expect(served.socket.getProtocol()).toBe('SSLv3');
    expect(r.stdout).toContain(greeting(served.cipher));
    // The ClientHello really offered TLS 1.2 (client_version 3.3), and we answered 3.0.
    const hello = plain.trace.slice(traceFrom).find((e) => e.kind === 'handshake' && e.direction === 'in' && e.type === 1);
    expect(hello && hello.kind === 'handshake' ? [...hello.body.subarray(0, 2)] : undefined).toEqual([3, 3]);
    const serverHello = plain.trace.slice(traceFrom).find((e) => e.kind === 'handshake' && e.direction === 'out' && e.type === 2);
    expect(serverHello && serverHello.kind === 'handshake' ? [...serverHello.body.subarray(0, 2)] : undefined).toEqual([3, 0]);
  });

  it.each(['3des-ede-cbc-sha', 'des-cbc-sha', 'aes-128-cbc-sha'] as const)(
    'reassembles NSS 1/n-1 split CBC records intact (%s, 40000-byte body echoed)',
    async (keyword) => {
      const suite = SUITES.find((s) => s.keyword === keyword)!;
      const body = randomBytes(20_000).toString('hex');
      const request = `POST /echo HTTP/1.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
      const before = plain.connections.length;
      const traceFrom = plain.trace.length;
      const r = await tstclnt(plain, ['-d', dbNoCert, '-V', 'ssl3:ssl3', '-c', suite.nss], request);
      expect(r.code, explain(r, plain)).toBe(0);
      const served = plain.connections[before];
      expect(served.cipher).toBe(suite.openssl);
      expect(Buffer.concat(served.chunks).toString()).toBe(request);
      expect(r.stdout).toContain(`Content-Length: ${body.length}\r\n\r\n${body}`);
      // NSS splits each CBC write 1/n-1 under SSL 3.0 (docs/interop.md): the first record carries one byte.
      const lengths = appDataRecordLengths(plain.trace, traceFrom);
      expect(lengths[0]).toBe(1);
      expect(lengths.length).toBeGreaterThan(2);
      expect(lengths.reduce((a, b) => a + b, 0)).toBe(request.length);
    },
  );

  describe('client certificates', () => {
    it('a server that requires one accepts the certificate tstclnt presents (-n client)', async () => {
      const before = requiring.connections.length;
      const r = await tstclnt(requiring, ['-d', dbWithCert, '-n', 'client', '-V', 'ssl3:ssl3', '-c', 'd']);
      expect(r.code, explain(r, requiring)).toBe(0);
      const served = requiring.connections[before];
      expect(served).toMatchObject({ cipher: 'DES-CBC3-SHA', peerSubjectCn: 'client', authorized: true });
      expect(r.stdout).toContain(greeting('DES-CBC3-SHA'));
    });

    it('a server that requires one refuses tstclnt without one: handshake_failure after no_certificate', async () => {
      const before = { connections: requiring.connections.length, errors: requiring.errors.length };
      const r = await tstclnt(requiring, ['-d', dbNoCert, '-V', 'ssl3:ssl3', '-c', 'n']);
      expect(r.timedOut).toBe(false);
      expect(r.code, explain(r, requiring)).not.toBe(0);
      expect(r.stderr).toMatch(/SSL_ERROR_HANDSHAKE_FAILURE_ALERT/);
      expect(r.stdout).not.toContain('HTTP/1.0 200 OK');
      expect(requiring.connections.length).toBe(before.connections);
      const err = requiring.errors[before.errors];
      expect(err?.message).toMatch(/no_certificate.*client certificate is required/);
      expect(err).toMatchObject({ code: 'ERR_SSL_CERTIFICATE_REQUIRED', kind: 'CERTIFICATE_REQUIRED', alert: 'handshake_failure' });
    });

    it('a server that only requests one lets tstclnt in without one (SSL 3.0 no_certificate warning)', async () => {
      const before = requesting.connections.length;
      const traceFrom = requesting.trace.length;
      const r = await tstclnt(requesting, ['-d', dbNoCert, '-V', 'ssl3:ssl3', '-c', 'c']);
      expect(r.code, explain(r, requesting)).toBe(0);
      const served = requesting.connections[before];
      expect(served).toMatchObject({ cipher: 'RC4-MD5', peerSubjectCn: undefined, authorized: false });
      expect(r.stdout).toContain(greeting('RC4-MD5'));
      // NSS answered the CertificateRequest with the no_certificate alert, not an empty Certificate.
      expect(requesting.trace.slice(traceFrom)).toContainEqual(expect.objectContaining({ kind: 'note', text: expect.stringMatching(/no_certificate/) }));
    });

    it('a server that only requests one still takes it when tstclnt presents it', async () => {
      const before = requesting.connections.length;
      const r = await tstclnt(requesting, ['-d', dbWithCert, '-n', 'client', '-V', 'ssl3:ssl3', '-c', 'y']);
      expect(r.code, explain(r, requesting)).toBe(0);
      expect(requesting.connections[before]).toMatchObject({ cipher: 'AES256-SHA', peerSubjectCn: 'client', authorized: true });
    });
  });

  it('strsclnt resumes sessions from our session cache', async () => {
    const before = plain.connections.length;
    const r = await run(t.strsclnt, ['-p', String(plain.port), '-d', dbNoCert, '-c', '4', '-t', '1', '-V', 'ssl3:ssl3', '-C', 'n', '-q', HOST], { timeoutMs: 30_000 });
    expect(r.code, `strsclnt exit ${r.code}\n${r.stdout}\n${r.stderr}`).toBe(0);
    // strsclnt's summary on stdout: "strsclnt: 3 cache hits; 1 cache misses, 0 cache not reusable".
    const summary = /strsclnt: (\d+) cache hits; (\d+) cache misses/.exec(r.stdout);
    expect(summary, r.stdout).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThanOrEqual(1);
    const served = plain.connections.slice(before);
    expect(served.length).toBe(4);
    expect(served.every((c) => c.cipher === 'RC4-SHA')).toBe(true);
    expect(served.filter((c) => c.reused).length).toBe(Number(summary![1]));
  });
});
