/**
 * Revocation end to end: a CA run by `openssl ca` revokes a client certificate and publishes
 * CRLs (`openssl ca -gencrl`) over node:http and from a real slapd at ldap://. Our HTTPS server
 * requires client certificates and checks them against those CRLs:
 * - each mode (required, optional, best-effort) with the CRL unreachable, stale, badly signed
 *   and good, for a good and a revoked client certificate (our client);
 * - CRLs read from LDAP: a distribution point naming the entry and attribute (RFC 4516), and a
 *   bare ldap://host query URL with the issuer's DN, as IOS's `crl query` does;
 * - `ssl3 serve --client-auth --ca F --crl ldap://host` facing NSS's tstclnt: the revoked
 *   certificate is refused with certificate_revoked as NSS itself reports it, the good one
 *   gets its page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPeer } from '../helpers/peers.js';
import { OpensslCa, type IssuedCert } from '../helpers/openssl-ca.js';
import { attemptClientAuth, CONDITIONS, crlBytes, crlConditions, CrlWebServer, EXPECTED, type CrlConditions, type Outcome } from '../helpers/crl-fixtures.js';
import { findTools, freePort, HOST, makeNssDb, nssAddCert, nssImportP12, removeTempDirs, tstclntWithCert, type RunResult } from './nss-helpers.js';
import { Slapd } from './slapd-helpers.js';
import { createServer, type HttpsServer } from '../../src/http/https-server.js';
import { get } from '../../src/http/https-client.js';
import type { RevocationInput } from '../../src/socket/options.js';

const tools = findTools({ openssl: 'openssl', tstclnt: 'libnss3-tools', certutil: 'libnss3-tools', pk12util: 'libnss3-tools', ldapadd: 'ldap-utils', ldapmodify: 'ldap-utils' });
const slapd = findPeer('slapd', 'slapd', ['/usr/sbin']);

describe.skipIf(!tools || !slapd)('CRLs from openssl ca, over node:http and slapd, checked by our server', () => {
  const t = tools!;
  let ca: OpensslCa;
  let server: IssuedCert;
  /** Client certificates by where their CRL distribution point leads. */
  const clients = {} as Record<'http' | 'dead' | 'ldap', { good: IssuedCert; revoked: IssuedCert }>;
  let crls: CrlConditions;
  /** The CRL distribution point on node:http (what it serves at /ca.crl, how often it was asked). */
  let web: CrlWebServer;
  let ldap: Slapd;
  let ldapEntryUrl: string;
  let httpUrl: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    ca = new OpensslCa(t.openssl);
    web = await CrlWebServer.start();
    httpUrl = web.url;
    const deadUrl = `http://${HOST}:${await freePort()}/ca.crl`; // nothing listens there
    ldap = await Slapd.start({ slapd: slapd!, ldapadd: t.ldapadd, ldapmodify: t.ldapmodify });
    // RFC 4516: the entry's DN (escaped), then the attribute.
    ldapEntryUrl = `${ldap.url}/cn=${encodeURIComponent(ca.cn)},o=ssl3%20tests?certificateRevocationList;binary`;

    server = ca.issue('crl-server.test', { purpose: 'server' });
    for (const [kind, url] of [['http', httpUrl], ['dead', deadUrl], ['ldap', ldapEntryUrl]] as const) {
      clients[kind] = { good: ca.issue(`${kind}-good`, { cdp: [url] }), revoked: ca.issue(`${kind}-revoked`, { cdp: [url] }) };
      ca.revoke(clients[kind].revoked, 'keyCompromise');
    }
    crls = crlConditions(ca);
    const caDer = join(ca.dir, 'ca.der');
    writeFileSync(caDer, ca.cert.raw);
    ldap.addCa(ca.cn, caDer, crls.good.derFile);
  });

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await ldap?.stop();
    await web?.close();
    removeTempDirs();
  });

  async function startServer(revocation: RevocationInput): Promise<{ https: HttpsServer; port: number; errors: Error[] }> {
    const https = createServer({ key: server.keyPem, cert: server.certPem, ca: ca.certPem, requireCert: true, revocation }, (_req, res) => res.end('hello'));
    const errors: Error[] = [];
    https.ssl.on('tlsClientError', (e: Error) => errors.push(e));
    await https.listen(0, HOST);
    return { https, port: (https.address() as AddressInfo).port, errors };
  }

  const attempt = (port: number, client: IssuedCert): Promise<Outcome> => attemptClientAuth(port, client, ca.certPem, 'crl-server.test');

  for (const mode of ['required', 'optional', 'best-effort'] as const) {
    for (const condition of CONDITIONS) {
      const [good, revoked] = EXPECTED[mode][condition];
      it(`${mode}, CRL ${condition}: good client ${good}, revoked client ${revoked}`, async () => {
        const bytes = crlBytes(crls, condition);
        // crl optional fetches nothing: its CRL can only be configured (a file); fetching modes
        // get theirs from the distribution point, a dead port when "unreachable".
        const revocation: RevocationInput = mode === 'optional' ? { mode, crls: bytes ? [bytes] : [] } : { mode };
        const who = mode !== 'optional' && condition === 'unreachable' ? clients.dead : clients.http;
        web.served = bytes ?? new Uint8Array(0);
        const requestsBefore = web.requests;
        const s = await startServer(revocation);
        try {
          expect(await attempt(s.port, who.good)).toBe(good);
          expect(await attempt(s.port, who.revoked)).toBe(revoked);
        } finally {
          await s.https.close(0);
        }
        if (mode === 'optional') expect(web.requests).toBe(requestsBefore);
        if (good === 'bad_certificate') expect(s.errors[0]?.message).toMatch(/revocation status unknown: no valid CRL from 'Test CRL CA'/);
        if (revoked === 'certificate_revoked') expect(s.errors.at(-1)?.message).toMatch(/certificate 'http-revoked' \(serial [0-9A-F]+\) was revoked on .*reason keyCompromise/);
      });
    }
  }

  it('a CRL fetched once serves later handshakes until its nextUpdate', async () => {
    web.served = crls.good.der;
    const s = await startServer({ mode: 'required' });
    const before = web.requests;
    try {
      for (let i = 0; i < 3; i++) expect(await attempt(s.port, clients.http.good)).toBe('accepted');
      expect(web.requests - before).toBe(1);
      expect(s.https.ssl.crlCache.list()).toEqual([expect.objectContaining({ issuer: 'O=ssl3 tests, CN=Test CRL CA', revoked: 3, source: expect.stringMatching(/\/ca\.crl$/) })]);
    } finally {
      await s.https.close(0);
    }
  });

  it('reads the CRL from slapd at the distribution point ldap://host:port/DN?certificateRevocationList;binary', async () => {
    const s = await startServer({ mode: 'required' });
    try {
      expect(await attempt(s.port, clients.ldap.good)).toBe('accepted');
      expect(await attempt(s.port, clients.ldap.revoked)).toBe('certificate_revoked');
      expect(s.https.ssl.crlCache.list()[0].source).toBe(ldapEntryUrl);
    } finally {
      await s.https.close(0);
    }
  });

  it('a bare ldap://host query URL reads the entry named by the CRL issuer (IOS crl query)', async () => {
    const s = await startServer({ mode: 'required', queryUrl: ldap.url });
    const before = web.requests;
    try {
      // Their distribution points say http://; the query URL replaces them.
      expect(await attempt(s.port, clients.http.good)).toBe('accepted');
      expect(await attempt(s.port, clients.http.revoked)).toBe('certificate_revoked');
      expect(web.requests).toBe(before);
    } finally {
      await s.https.close(0);
    }
  });

  it('an LDAP entry without the CRL: unavailable, and the reason names it', async () => {
    const s = await startServer({ mode: 'required', queryUrl: `${ldap.url}/o=ssl3%20tests` });
    try {
      expect(await attempt(s.port, clients.http.good)).toBe('bad_certificate');
      expect(s.errors[0].message).toMatch(/entry 'o=ssl3 tests' has no certificateRevocationList;binary or certificateRevocationList/);
    } finally {
      await s.https.close(0);
    }
  });

  it('our HTTPS client refuses a revoked server certificate, found at its distribution point, with certificate_revoked', async () => {
    const revokedServer = ca.issue('revoked-server.test', { purpose: 'server', cdp: [httpUrl] });
    ca.revoke(revokedServer, 'cessationOfOperation');
    web.served = ca.gencrl({ name: 'with-server' }).der;
    const https = createServer({ key: revokedServer.keyPem, cert: revokedServer.certPem }, (_req, res) => res.end('hello'));
    const errors: Error[] = [];
    https.ssl.on('tlsClientError', (e: Error) => errors.push(e));
    await https.listen(0, HOST);
    const port = (https.address() as AddressInfo).port;
    try {
      const error = await new Promise<Error>((resolve, reject) => {
        const req = get(`https://127.0.0.1:${port}/`, { ca: ca.certPem, servername: 'revoked-server.test', revocation: { mode: 'required' } }, () => reject(new Error('the revoked server was accepted')));
        req.once('error', resolve);
      });
      expect(error.message).toMatch(/server certificate rejected: certificate 'revoked-server\.test' .* reason cessationOfOperation/);
      await expect.poll(() => errors[0]?.message).toMatch(/peer sent fatal alert certificate_revoked/);
    } finally {
      await https.close(0);
    }
  });

  it('revocation settings given later to setClientAuth apply to new connections, with the HTTPS fetcher', async () => {
    web.served = crls.good.der;
    const https = createServer({ key: server.keyPem, cert: server.certPem, ca: ca.certPem, requireCert: true }, (_req, res) => res.end('hello'));
    await https.listen(0, HOST);
    const port = (https.address() as AddressInfo).port;
    try {
      expect(await attempt(port, clients.http.revoked)).toBe('accepted');
      https.ssl.setClientAuth({ requireCert: true, ca: ca.certPem, revocation: { mode: 'best-effort' } });
      expect(await attempt(port, clients.http.revoked)).toBe('certificate_revoked');
      expect(await attempt(port, clients.http.good)).toBe('accepted');
    } finally {
      await https.close(0);
    }
  });

  describe('ssl3 serve --crl ldap://host facing NSS tstclnt', () => {
    let port: number;
    let db: string;

    beforeAll(async () => {
      db = makeNssDb(t.certutil, 'crl-client');
      nssAddCert(t.certutil, db, 'ca', ca.certFile, 'CT,,');
      for (const c of [clients.http.good, clients.http.revoked]) nssImportP12(t.pk12util, db, c.p12('changeit'), 'changeit');
      port = await freePort();
      const args = ['serve', '--bind', HOST, '--port', String(port), '--key', server.keyFile, '--cert', server.certFile, '--client-auth', '--ca', ca.certFile, '--crl', ldap.url];
      // node --import tsx, one process: the tsx binary's own node child outlived afterAll's SIGKILL, an ssl3 serve left behind per run.
      const child = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'src', 'cli', 'main.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const [line] = (await Promise.race([once(child.stdout!, 'data'), once(child, 'exit').then(() => [`exited: ${err}`])])) as [Buffer | string];
      expect(String(line)).toMatch(/^ssl3: serving HTTPS over SSL 3\.0/);
    }, 30_000);

    const tstclnt = (nickname: string): Promise<RunResult> => tstclntWithCert(t.tstclnt, { port, db, nickname, trustServer: true });

    it('tstclnt with the revoked certificate is refused: NSS reports certificate_revoked', async () => {
      const r = await tstclnt('http-revoked');
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/SSL_ERROR_REVOKED_CERT_ALERT/);
      expect(r.stdout).not.toContain('200 OK');
    });

    it('tstclnt with the good certificate gets the page', async () => {
      const r = await tstclnt('http-good');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('HTTP/1.1 200 OK');
      expect(r.stdout).toContain('http-good');
    });
  });
});
