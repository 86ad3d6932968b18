/**
 * Our SSL 3.0 server against OpenJDK 17's JSSE client (SunJSSE), an independent
 * implementation: every suite, a TLS-range ClientHello answered at 3.0, the SSLv2-compatible
 * ClientHello (JSSE is the only real peer here that still sends one), client certificates,
 * and session resumption. The Java side is test/interop/java/Ssl3Peer.java; it clears
 * jdk.tls.disabledAlgorithms and jdk.tls.legacyAlgorithms before JSSE loads (see its header).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdentity, P12_PASSWORD, type IdentityFiles } from '../helpers/identity.js';
import {
  JSSE_SUITES,
  compilePeer,
  findJavaTools,
  ourGreeting,
  removeTempDirs,
  runJavaClient,
  sawV2Hello,
  startOurServer,
  traceNotes,
  type JavaPeer,
  type OurServer,
} from './jsse-helpers.js';

const tools = findJavaTools();

/** Resumption in SunJSSE under SSL 3.0 needs this (docs/interop.md); otherwise it never offers the session again. */
const NO_EMS = '-Djdk.tls.useExtendedMasterSecret=false';

describe.skipIf(!tools)('our server with the JSSE client (OpenJDK 17)', () => {
  const t = tools!;
  let classpath: string;
  let serverId: IdentityFiles;
  let clientId: IdentityFiles;
  let plain: OurServer;
  let requiring: OurServer;

  beforeAll(async () => {
    classpath = compilePeer(t);
    serverId = makeIdentity('localhost', 2048, t.openssl);
    clientId = makeIdentity('client', 2048, t.openssl);
    plain = await startOurServer({ key: serverId.keyPem, cert: serverId.certPem });
    requiring = await startOurServer({ key: serverId.keyPem, cert: serverId.certPem, requireCert: true, ca: clientId.certPem });
  });

  afterAll(async () => {
    await Promise.all([plain?.close(), requiring?.close()]);
    removeTempDirs([serverId?.dir, clientId?.dir]);
  });

  /** Ssl3Peer client arguments: trust our server's certificate, offer `suites`. */
  const client = (port: number, suites: readonly string[], more: string[] = []) => [
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
      peer = await runJavaClient(t, classpath, client(plain.port, JSSE_SUITES.map((s) => s.jsse), ['--per-suite']));
    });

    it.each(JSSE_SUITES.map((s, i) => ({ ...s, n: i + 1 })))('$jsse: both sides agree on the suite and the data arrives', ({ jsse, n }) => {
      const c = peer.connection(n);
      expect(c.ok, `${c.error}\n${peer.describe()}`).toBe(true);
      expect(c.protocol).toBe('SSLv3');
      expect(c.suite).toBe(jsse);
      expect(c.peer).toBe('CN=localhost');
      const served = plain.byRequest(n);
      expect(served?.standardName).toBe(jsse);
      expect(served?.clientVersion).toBe(0x0300);
      expect(c.body).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
      expect(c.body).toContain(ourGreeting(jsse, `/${n}`));
    });
  });

  describe('version negotiation', () => {
    it('answers a TLS-range hello (SSLv3, TLSv1, TLSv1.2) at SSL 3.0; JSSE accepts the lower version', async () => {
      const from = plain.trace.length;
      const peer = await runJavaClient(t, classpath, client(plain.port, ['SSL_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA'], ['--protocols', 'SSLv3,TLSv1,TLSv1.2']));
      const c = peer.connection(1);
      expect(c.ok, `${c.error}\n${peer.describe()}`).toBe(true);
      expect(c.protocol).toBe('SSLv3');
      expect(c.body).toContain(ourGreeting(c.suite, '/1'));
      expect(plain.byRequest(1)?.clientVersion).toBe(0x0303);
      // JSSE 11+ encodes its ClientKeyExchange by its hello's version, not the negotiated one
      // (a 2-byte length before the RSA block); our server accepts that from TLS-offering clients.
      expect(traceNotes(plain.trace, from).join('\n')).toMatch(/TLS-style length prefix/);
    });

    it('also with TLSv1.3 in the range: there is no downgrade sentinel to trip over, since we never offer TLS', async () => {
      const peer = await runJavaClient(t, classpath, client(plain.port, ['TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_AES_128_GCM_SHA256'], ['--protocols', 'SSLv3,TLSv1,TLSv1.1,TLSv1.2,TLSv1.3']));
      const c = peer.connection(1);
      expect(c.ok, `${c.error}\n${peer.describe()}`).toBe(true);
      expect(c.protocol).toBe('SSLv3');
      expect(c.suite).toBe('TLS_RSA_WITH_AES_256_CBC_SHA');
    });

    it('refuses a range topping at TLSv1, whose premaster secret carries 3.0 instead of the offered 3.1 (rollback check)', async () => {
      // JSSE writes the negotiated version into the premaster secret when its hello said TLS 1.0
      // (TlsRsaPremasterSecretParameterSpec, old bug compatibility), where RFC 2246 and 6101 want
      // the hello's. Accepting that would disable the version-rollback check, so, as OpenSSL does
      // by default, we continue with a random premaster and the Finished fails: bad_record_mac.
      const before = plain.errors.length;
      const refused = await runJavaClient(t, classpath, client(plain.port, ['SSL_RSA_WITH_RC4_128_SHA'], ['--protocols', 'SSLv3,TLSv1']));
      expect(refused.connection(1).ok, refused.describe()).toBe(false);
      expect(refused.connection(1).error).toMatch(/bad_record_mac/);
      expect(plain.errors.slice(before).map((e) => e.message).join('\n')).toMatch(/record MAC/);
      // With JSSE's own switch for the correct behaviour the same range completes.
      const fixed = await runJavaClient(t, classpath, client(plain.port, ['SSL_RSA_WITH_RC4_128_SHA'], ['--protocols', 'SSLv3,TLSv1']), [
        '-Dcom.sun.net.ssl.rsaPreMasterSecretFix=true',
      ]);
      expect(fixed.connection(1).ok, fixed.describe()).toBe(true);
      expect(fixed.connection(1).protocol).toBe('SSLv3');
    });

    it.each([
      { protocols: 'SSLv2Hello,SSLv3', version: 0x0300 },
      { protocols: 'SSLv2Hello,SSLv3,TLSv1,TLSv1.2', version: 0x0303 },
    ])('accepts the SSLv2-compatible ClientHello JSSE sends with $protocols', async ({ protocols, version }) => {
      const from = plain.trace.length;
      const peer = await runJavaClient(t, classpath, client(plain.port, ['SSL_RSA_WITH_3DES_EDE_CBC_SHA'], ['--protocols', protocols]));
      const c = peer.connection(1);
      expect(c.ok, `${c.error}\n${peer.describe()}`).toBe(true);
      expect(c.protocol).toBe('SSLv3');
      expect(c.suite).toBe('SSL_RSA_WITH_3DES_EDE_CBC_SHA');
      expect(c.body).toContain(ourGreeting('SSL_RSA_WITH_3DES_EDE_CBC_SHA', '/1'));
      // The hello really came in SSLv2 format (record-framer + decodeV2ClientHello path).
      expect(sawV2Hello(plain.trace, from)).toBe(true);
      expect(plain.byRequest(1)?.clientVersion).toBe(version);
    });
  });

  describe('session resumption', () => {
    it(`JSSE's second connection resumes our session with ${NO_EMS}`, async () => {
      const peer = await runJavaClient(t, classpath, client(plain.port, ['SSL_RSA_WITH_RC4_128_MD5'], ['--connections', '2', '--no-endpoint-id']), [NO_EMS]);
      const [first, second] = [peer.connection(1), peer.connection(2)];
      expect(first.ok && second.ok, peer.describe()).toBe(true);
      expect(second.session).toBe(first.session);
      expect(second.resumed).toBe(true);
      expect(plain.byRequest(1)?.reused).toBe(false);
      expect(plain.byRequest(2)?.reused).toBe(true);
      expect(second.body).toContain(ourGreeting('SSL_RSA_WITH_RC4_128_MD5', '/2'));
    });

    it('with extended master secret left on, JSSE resumes only when it checks the host name', async () => {
      // SSL 3.0 cannot carry extended master secret; SunJSSE's client then resumes only with
      // endpoint identification on (else it fears a certificate change, the triple handshake
      // attack, unless jdk.tls.allowUnsafeServerCertChange=true). ClientHello.java in JDK 17.
      const checking = await runJavaClient(t, classpath, client(plain.port, ['SSL_RSA_WITH_RC4_128_SHA'], ['--connections', '2']));
      expect(checking.connection(1).ok && checking.connection(2).ok, checking.describe()).toBe(true);
      expect(checking.connection(2).resumed).toBe(true);
      expect(plain.byRequest(2)?.reused).toBe(true);

      const unchecked = await runJavaClient(t, classpath, client(plain.port, ['SSL_RSA_WITH_RC4_128_SHA'], ['--connections', '2', '--no-endpoint-id']));
      expect(unchecked.connection(1).ok && unchecked.connection(2).ok, unchecked.describe()).toBe(true);
      expect(unchecked.connection(2).resumed).toBe(false);
      expect(unchecked.connection(2).session).not.toBe(unchecked.connection(1).session);
      expect(plain.byRequest(2)?.reused).toBe(false);
    });
  });

  describe('client certificates (our server requires one)', () => {
    it('accepts a JSSE client presenting a certificate from its PKCS#12 key store', async () => {
      const peer = await runJavaClient(
        t,
        classpath,
        client(requiring.port, ['SSL_RSA_WITH_RC4_128_SHA'], ['--keystore', clientId.p12File!, '--storepass', P12_PASSWORD]),
      );
      const c = peer.connection(1);
      expect(c.ok, `${c.error}\n${peer.describe()}`).toBe(true);
      const served = requiring.byRequest(1);
      expect(served?.peerSubjectCn).toBe('client');
      expect(served?.authorized).toBe(true);
      expect(c.body).toContain(ourGreeting('SSL_RSA_WITH_RC4_128_SHA', '/1'));
    });

    it('refuses a JSSE client without one (JSSE answers with the SSL 3.0 no_certificate warning)', async () => {
      const before = requiring.errors.length;
      const peer = await runJavaClient(t, classpath, client(requiring.port, ['SSL_RSA_WITH_RC4_128_SHA']));
      const c = peer.connection(1);
      expect(c.ok, peer.describe()).toBe(false);
      expect(c.error).toMatch(/handshake_failure/);
      const errors = requiring.errors.slice(before).map((e) => e.message);
      expect(errors.join('\n')).toMatch(/no_certificate but a client certificate is required/);
    });
  });
});
