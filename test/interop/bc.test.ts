/**
 * Our SSL 3.0 client and server against Bouncy Castle's JSSE provider (BCJSSE 1.72 from
 * Debian's libbctls-java), a third independent implementation, run by the same Java program
 * as the SunJSSE tests (test/interop/java/Ssl3Peer.java --provider BCJSSE) with bcprov, bcutil
 * and bctls on the classpath.
 *
 * What BCJSSE needs for SSL 3.0: nothing of its own beyond what SunJSSE needs. It honours
 * jdk.tls.disabledAlgorithms (cleared by Ssl3Peer) and offers SSLv3 once enabled with
 * setEnabledProtocols. It has no RC4 and no single DES, and knows 3DES only by its TLS_ name;
 * under SSL 3.0 it negotiates TLS_RSA_WITH_3DES_EDE_CBC_SHA and both AES suites.
 * Resumption: its client needs -Djdk.tls.allowLegacyResumption=true (SSL 3.0 sessions have no
 * extended master secret); its server (ProvTlsServer.isResumable in 1.72) never resumes a
 * session without extended master secret, so it declines every SSL 3.0 resumption.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdentity, P12_PASSWORD, type IdentityFiles } from '../helpers/identity.js';
import {
  BC_JARS,
  BC_SUITES,
  compilePeer,
  fetchOver,
  findJavaTools,
  ourGreeting,
  removeTempDirs,
  runJavaClient,
  startJavaServer,
  startOurServer,
  traceNotes,
  type FetchResult,
  type JavaPeer,
  type OurServer,
} from './jsse-helpers.js';

const tools = findJavaTools({ files: BC_JARS, debianPackage: 'libbctls-java' });

const BC = ['--provider', 'BCJSSE'];

function explain(r: FetchResult, server: JavaPeer): string {
  return `${r.error?.message ?? 'no error'}\nresponse: ${JSON.stringify(r.response.slice(0, 300))}\n${server.describe()}`;
}

describe.skipIf(!tools)('Bouncy Castle JSSE (BCJSSE)', () => {
  const t = tools!;
  let classpath: string;
  let serverId: IdentityFiles;
  let clientId: IdentityFiles;

  beforeAll(() => {
    classpath = compilePeer(t);
    serverId = makeIdentity('localhost', 2048, t.openssl);
    clientId = makeIdentity('client', 2048, t.openssl);
  });

  afterAll(() => removeTempDirs([serverId?.dir, clientId?.dir]));

  describe('BCJSSE client, our server', () => {
    let plain: OurServer;
    let requiring: OurServer;
    beforeAll(async () => {
      plain = await startOurServer({ key: serverId.keyPem, cert: serverId.certPem });
      requiring = await startOurServer({ key: serverId.keyPem, cert: serverId.certPem, requireCert: true, ca: clientId.certPem });
    });
    afterAll(async () => {
      await Promise.all([plain?.close(), requiring?.close()]);
    });

    const client = (port: number, suites: readonly string[], more: string[] = []) => [
      ...BC,
      '--port',
      String(port),
      '--trust-pem',
      serverId.certFile,
      '--suites',
      suites.join(','),
      ...more,
    ];

    describe('SSLv3 only, one connection per suite', () => {
      let peer: JavaPeer;
      beforeAll(async () => {
        peer = await runJavaClient(t, classpath, client(plain.port, BC_SUITES.map((s) => s.jsse), ['--per-suite']));
      });

      it.each(BC_SUITES.map((s, i) => ({ ...s, n: i + 1 })))('$jsse: both sides agree on the suite and the data arrives', ({ jsse, n }) => {
        const c = peer.connection(n);
        expect(c.ok, `${c.error}\n${peer.describe()}`).toBe(true);
        expect(c.protocol).toBe('SSLv3');
        expect(c.suite).toBe(jsse);
        const served = plain.byRequest(n);
        // Our table names 3DES SSL_RSA_WITH_3DES_EDE_CBC_SHA, as RFC 6101 does; same suite 0x000A.
        expect(served?.standardName?.replace(/^SSL_/, 'TLS_')).toBe(jsse);
        expect(c.body).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
        expect(c.body).toContain(ourGreeting(served?.standardName, `/${n}`));
      });
    });

    it('answers a TLS-range hello (SSLv3, TLSv1, TLSv1.2) at SSL 3.0; BCJSSE encodes its key exchange the SSL 3.0 way', async () => {
      const from = plain.trace.length;
      const peer = await runJavaClient(t, classpath, client(plain.port, ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'], ['--protocols', 'SSLv3,TLSv1,TLSv1.2']));
      const c = peer.connection(1);
      expect(c.ok, `${c.error}\n${peer.describe()}`).toBe(true);
      expect(c.protocol).toBe('SSLv3');
      expect(plain.byRequest(1)?.clientVersion).toBe(0x0303);
      expect(traceNotes(plain.trace, from).join('\n')).not.toMatch(/length prefix/);
    });

    it('resumes our session with -Djdk.tls.allowLegacyResumption=true', async () => {
      const peer = await runJavaClient(t, classpath, client(plain.port, ['TLS_RSA_WITH_AES_128_CBC_SHA'], ['--connections', '2']), [
        '-Djdk.tls.allowLegacyResumption=true',
      ]);
      const [first, second] = [peer.connection(1), peer.connection(2)];
      expect(first.ok && second.ok, peer.describe()).toBe(true);
      expect(second.resumed).toBe(true);
      expect(second.session).toBe(first.session);
      expect(plain.byRequest(2)?.reused).toBe(true);
      expect(second.body).toContain(ourGreeting('TLS_RSA_WITH_AES_128_CBC_SHA', '/2'));
    });

    it('presents a client certificate to our server that requires one; without one it is refused', async () => {
      const withCert = await runJavaClient(
        t,
        classpath,
        client(requiring.port, ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'], ['--keystore', clientId.p12File!, '--storepass', P12_PASSWORD]),
      );
      expect(withCert.connection(1).ok, withCert.describe()).toBe(true);
      expect(requiring.byRequest(1)).toMatchObject({ peerSubjectCn: 'client', authorized: true });

      const before = requiring.errors.length;
      const without = await runJavaClient(t, classpath, client(requiring.port, ['TLS_RSA_WITH_3DES_EDE_CBC_SHA']));
      expect(without.connection(1).ok, without.describe()).toBe(false);
      expect(without.connection(1).error).toMatch(/handshake_failure/);
      // BCJSSE, too, answers the CertificateRequest with SSL 3.0's no_certificate warning.
      expect(requiring.errors.slice(before).map((e) => e.message).join('\n')).toMatch(/no_certificate but a client certificate is required/);
    });
  });

  describe('BCJSSE server, our client', () => {
    let server: { peer: JavaPeer; port: number };
    beforeAll(async () => {
      server = await startJavaServer(t, classpath, [...BC, '--keystore', serverId.p12File!, '--storepass', P12_PASSWORD, '--suites', BC_SUITES.map((s) => s.jsse).join(',')]);
    });
    afterAll(async () => {
      await server?.peer.stop();
    });

    const trust = () => ({ ca: serverId.certPem, servername: 'localhost' });

    it.each(BC_SUITES)('$keyword: both sides agree on the suite and the response arrives', async ({ jsse, keyword }) => {
      const r = await fetchOver({ port: server.port, ...trust(), ciphers: keyword }, `/${keyword}`);
      expect(r.error, explain(r, server.peer)).toBeUndefined();
      expect(r.socket.getCipher()).toMatchObject({ iosKeyword: keyword, version: 'SSLv3' });
      expect(r.socket.authorized).toBe(true);
      expect(r.response).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
      expect(r.response).toContain(`hello from BCJSSE over ${jsse}\n`);
      expect(await server.peer.byRequest(`/${keyword}`)).toMatchObject({ ok: true, protocol: 'SSLv3', suite: jsse });
    });

    it('completes a full handshake when BCJSSE declines to resume (it resumes only extended-master-secret sessions)', async () => {
      const first = await fetchOver({ port: server.port, ...trust(), ciphers: '3des-ede-cbc-sha' }, '/resume-1');
      expect(first.error, explain(first, server.peer)).toBeUndefined();
      const session = first.socket.getSession()!;
      expect(session.id.length).toBeGreaterThan(0);
      const second = await fetchOver({ port: server.port, ...trust(), ciphers: '3des-ede-cbc-sha', session }, '/resume-2');
      expect(second.error, explain(second, server.peer)).toBeUndefined();
      expect(second.socket.isSessionReused()).toBe(false);
      expect(second.response).toContain('hello from BCJSSE over TLS_RSA_WITH_3DES_EDE_CBC_SHA');
      expect((await server.peer.byRequest('/resume-2')).resumed).toBe(false);
    });
  });
});
