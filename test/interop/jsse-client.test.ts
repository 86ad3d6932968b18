/**
 * Our SSL 3.0 client against OpenJDK 17's JSSE server (SunJSSE), an independent
 * implementation: every suite, client certificates against a server that needs one (with and
 * without a certificate: SSL 3.0's no_certificate warning), and session resumption. The Java
 * side is test/interop/java/Ssl3Peer.java, keyed from a PKCS#12 file; it clears
 * jdk.tls.disabledAlgorithms and jdk.tls.legacyAlgorithms before JSSE loads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdentity, P12_PASSWORD, type IdentityFiles } from '../helpers/identity.js';
import { JSSE_SUITES, compilePeer, fetchOver, findJavaTools, removeTempDirs, startJavaServer, type FetchResult, type JavaPeer } from './jsse-helpers.js';

const tools = findJavaTools();

/** A SunJSSE server resumes an SSL 3.0 session only with this (else "missing Extended Master Secret extension"). */
const NO_EMS = '-Djdk.tls.useExtendedMasterSecret=false';

function explain(r: FetchResult, server: JavaPeer): string {
  return `${r.error?.message ?? 'no error'}\nresponse: ${JSON.stringify(r.response.slice(0, 300))}\n${server.describe()}`;
}

describe.skipIf(!tools)('our client with the JSSE server (OpenJDK 17)', () => {
  const t = tools!;
  let serverId: IdentityFiles;
  let clientId: IdentityFiles;
  let plain: { peer: JavaPeer; port: number };
  let needing: { peer: JavaPeer; port: number };
  let defaults: { peer: JavaPeer; port: number };

  beforeAll(async () => {
    const classpath = compilePeer(t);
    serverId = makeIdentity('localhost', 2048, t.openssl);
    clientId = makeIdentity('client', 2048, t.openssl);
    const common = ['--keystore', serverId.p12File!, '--storepass', P12_PASSWORD, '--suites', JSSE_SUITES.map((s) => s.jsse).join(',')];
    [plain, needing, defaults] = await Promise.all([
      startJavaServer(t, classpath, common, [NO_EMS]),
      startJavaServer(t, classpath, [...common, '--client-auth', 'need', '--trust-pem', clientId.certFile], [NO_EMS]),
      // JSSE's defaults apart from the algorithm lists: extended master secret stays on.
      startJavaServer(t, classpath, common),
    ]);
  });

  afterAll(async () => {
    await Promise.all([plain?.peer.stop(), needing?.peer.stop(), defaults?.peer.stop()]);
    removeTempDirs([serverId?.dir, clientId?.dir]);
  });

  const trust = () => ({ ca: serverId.certPem, servername: 'localhost' });

  describe.each(JSSE_SUITES)('JSSE server with SSLv3 only, our client offering only $keyword', ({ jsse, keyword }) => {
    it('both sides agree on the suite and the response arrives', async () => {
      const r = await fetchOver({ port: plain.port, ...trust(), ciphers: keyword }, `/${keyword}`);
      expect(r.error, explain(r, plain.peer)).toBeUndefined();
      expect(r.socket.getCipher()).toMatchObject({ standardName: jsse, iosKeyword: keyword, version: 'SSLv3' });
      expect(r.socket.authorized).toBe(true);
      expect(r.socket.getPeerCertificate()).toMatchObject({ subject: { CN: 'localhost' } });
      expect(r.response).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
      expect(r.response).toContain(`hello from SunJSSE over ${jsse}\n`);
      const seen = await plain.peer.byRequest(`/${keyword}`);
      expect(seen).toMatchObject({ ok: true, protocol: 'SSLv3', suite: jsse, peer: '-' });
    });
  });

  describe('client certificates (JSSE setNeedClientAuth(true), our certificate in its trust store)', () => {
    it('succeeds with our key and certificate', async () => {
      const r = await fetchOver({ port: needing.port, ...trust(), ciphers: 'rc4-128-sha', key: clientId.keyPem, cert: clientId.certPem }, '/with-cert');
      expect(r.error, explain(r, needing.peer)).toBeUndefined();
      expect(r.response).toContain('hello from SunJSSE over SSL_RSA_WITH_RC4_128_SHA');
      expect(await needing.peer.byRequest('/with-cert')).toMatchObject({ ok: true, peer: 'CN=client' });
    });

    it('fails clearly without one: we send no_certificate, JSSE ends the handshake', async () => {
      const r = await fetchOver({ port: needing.port, ...trust(), ciphers: 'rc4-128-sha' }, '/without-cert');
      expect(r.error, explain(r, needing.peer)).toBeDefined();
      expect(r.error?.code).toBe('ERR_SSL_PEER_ALERT');
      expect(r.error?.message).toMatch(/handshake_failure/);
      expect(r.response).toBe('');
      // JSSE's own words show which message it got from us.
      const failed = await needing.peer.latestError();
      expect(failed?.error, needing.peer.describe()).toMatch(/no_certificate/);
    });
  });

  describe('session resumption', () => {
    it(`resumes a session with a JSSE server started with ${NO_EMS}`, async () => {
      const first = await fetchOver({ port: plain.port, ...trust(), ciphers: '3des-ede-cbc-sha' }, '/resume-1');
      expect(first.error, explain(first, plain.peer)).toBeUndefined();
      expect(first.socket.isSessionReused()).toBe(false);
      const session = first.socket.getSession()!;
      expect(session.id.length).toBe(32);
      const second = await fetchOver({ port: plain.port, ...trust(), ciphers: '3des-ede-cbc-sha', session }, '/resume-2');
      expect(second.error, explain(second, plain.peer)).toBeUndefined();
      expect(second.socket.isSessionReused()).toBe(true);
      expect(Buffer.from(second.socket.getSession()!.id).equals(Buffer.from(session.id))).toBe(true);
      expect(second.response).toContain('hello from SunJSSE over SSL_RSA_WITH_3DES_EDE_CBC_SHA');
      const [one, two] = [await plain.peer.byRequest('/resume-1'), await plain.peer.byRequest('/resume-2')];
      expect(two.resumed).toBe(true);
      expect(two.session).toBe(one.session);
    });

    it('falls back to a full handshake when JSSE (extended master secret on) declines the session', async () => {
      const first = await fetchOver({ port: defaults.port, ...trust(), ciphers: 'aes-128-cbc-sha' }, '/decline-1');
      expect(first.error, explain(first, defaults.peer)).toBeUndefined();
      const session = first.socket.getSession()!;
      const second = await fetchOver({ port: defaults.port, ...trust(), ciphers: 'aes-128-cbc-sha', session }, '/decline-2');
      expect(second.error, explain(second, defaults.peer)).toBeUndefined();
      expect(second.socket.isSessionReused()).toBe(false);
      expect(Buffer.from(second.socket.getSession()!.id).equals(Buffer.from(session.id))).toBe(false);
      expect(second.socket.authorized).toBe(true);
      expect(second.response).toContain('hello from SunJSSE over TLS_RSA_WITH_AES_128_CBC_SHA');
      expect((await defaults.peer.byRequest('/decline-2')).resumed).toBe(false);
    });
  });
});
