/**
 * Issue "CA trustpoints end to end", revocation at the IOS console: a device driven through its
 * console (src/config Console + Router, in-process) authenticates a CA run by `openssl ca`
 * (GetCACert from a scripted SCEP front that issues for that CA), enrolls, and serves HTTPS with
 * `ip http secure-trustpoint` and `ip http secure-client-auth`. Client certificates of that CA,
 * one good and one revoked, are checked against the trustpoint's CRL as its `crl` lines say:
 * - the matrix: no crl mode line (required), `crl optional`, `crl best-effort` x the CRL at
 *   `crl query` unreachable, stale, badly signed or good, over node:http and from a real slapd
 *   at ldap://, on a freshly booted device each time (our client);
 * - `crl` lines changed at the console reach the running server at once, and a CRL fetched
 *   earlier is the one `crl optional` has at hand;
 * - NSS tstclnt as an independent client: the revoked certificate is refused with
 *   certificate_revoked as NSS itself reports it, the good one gets its page;
 * - `show crypto ca crls` lists what was fetched, in IOS's layout.
 * The clients' own CRL distribution points lead nowhere: `crl query` must replace them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPeer } from '../helpers/peers.js';
import { OpensslCa, type IssuedCert } from '../helpers/openssl-ca.js';
import { attemptClientAuth, CONDITIONS, crlBytes, crlConditions, CrlWebServer, EXPECTED, type Condition, type CrlConditions, type Outcome } from '../helpers/crl-fixtures.js';
import { openTestDevice, type TestDevice } from '../helpers/device.js';
import { startScriptedCa, type ScriptedCa } from '../helpers/scep-ca.js';
import { findTools, freePort, HOST, makeNssDb, nssAddCert, nssImportP12, removeTempDirs, tempDir, tstclntWithCert, type RunResult } from './nss-helpers.js';
import { Slapd } from './slapd-helpers.js';
import { parsePrivateKey } from '../../src/pki/keys.js';
import { parseCrl } from '../../src/pki/crl.js';
import { REVOCATION_MODES, type RevocationMode } from '../../src/pki/revocation.js';
import { formatIosTime } from '../../src/config/show.js';

const tools = findTools({ openssl: 'openssl', tstclnt: 'libnss3-tools', certutil: 'libnss3-tools', pk12util: 'libnss3-tools', ldapadd: 'ldap-utils', ldapmodify: 'ldap-utils' });
const slapd = findPeer('slapd', 'slapd', ['/usr/sbin']);

const TP = 'CA-trust-local';
type Transport = 'http' | 'ldap';

/** The trustpoint line of a mode: none for required, IOS's default. */
const modeLines = (mode: RevocationMode): string[] => (mode === 'required' ? [] : [`crl ${mode}`]);

/** What a `show` printed after its echoed command line. */
const shown = (out: string): string => out.slice(out.indexOf('\n') + 1);

describe.skipIf(!tools || !slapd)('trustpoint CRL checking at the IOS console', () => {
  const t = tools!;
  let ca: OpensslCa;
  let scep: ScriptedCa;
  let web: CrlWebServer;
  let ldap: Slapd;
  /** The CA's entry in slapd, holding its CRL. */
  let ldapDn: string;
  let crls: CrlConditions;
  let good: IssuedCert;
  let revoked: IssuedCert;
  /** Where nothing answers. */
  const dead = {} as Record<Transport, string>;
  /** The saved device: CA authenticated, keys enrolled; each test boots a device from it. */
  let dataDir: string;
  const devices: TestDevice[] = [];

  beforeAll(async () => {
    ca = new OpensslCa(t.openssl, { cn: 'Trustpoint CRL CA' });
    web = await CrlWebServer.start();
    ldap = await Slapd.start({ slapd: slapd!, ldapadd: t.ldapadd, ldapmodify: t.ldapmodify });
    dead.http = `http://${HOST}:${await freePort()}/ca.crl`;
    dead.ldap = `ldap://${HOST}:${await freePort()}`;
    good = ca.issue('client-good', { cdp: [dead.http] });
    revoked = ca.issue('client-revoked', { cdp: [dead.http] });
    ca.revoke(revoked, 'keyCompromise');
    crls = crlConditions(ca);
    const caDer = join(ca.dir, 'ca.der');
    writeFileSync(caDer, ca.cert.raw);
    ldapDn = ldap.addCa(ca.cn, caDer, crls.good.derFile);

    scep = await startScriptedCa(tempDir('tp-crl-scep'), { ca: { cert: ca.cert, key: parsePrivateKey(readFileSync(ca.keyFile, 'utf8')) } });
    const d = await openTestDevice(tempDir('tp-crl-device'));
    await d.type('configure terminal', 'hostname R1', 'ip domain-name example.com', `crypto ca trustpoint ${TP}`, `enrollment url ${scep.url}`, 'exit', 'crypto key generate rsa modulus 1024');
    expect(await d.type(`crypto ca authenticate ${TP}`, 'yes')).toContain('Trustpoint CA certificate accepted.');
    expect(await d.type(`crypto ca enrollment ${TP}`, 'x', 'x', 'no', 'no', 'yes')).toContain('%PKI-6-CERTRET: Certificate received from Certificate Authority');
    await d.type('end', 'copy running-config startup-config');
    await d.router.close();
    dataDir = d.dataDir;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(devices.map((d) => d.router.close()));
    await ldap?.stop();
    await web?.close();
    await scep?.stop();
    removeTempDirs();
  });

  /** Boots the saved device and types the trustpoint's `crl` lines and the HTTPS server with client authentication; no `%` line may come of it. */
  async function boot(crlLines: readonly string[]): Promise<{ d: TestDevice; port: number }> {
    const d = await openTestDevice(dataDir, { boot: true });
    devices.push(d);
    const port = await freePort();
    const out = await d.type('configure terminal', `crypto ca trustpoint ${TP}`, ...crlLines, 'exit', `ip http secure-port ${port}`, `ip http secure-trustpoint ${TP}`, 'ip http secure-client-auth', 'ip http secure-server', 'end');
    expect(out).not.toMatch(/^%/m);
    return { d, port };
  }

  const attempt = (port: number, client: IssuedCert): Promise<Outcome> => attemptClientAuth(port, client, ca.certPem);

  /** Puts the CRL of `condition` where `transport` serves it and returns the `crl query` URL. */
  function publish(transport: Transport, condition: Condition): string {
    if (condition === 'unreachable') return dead[transport];
    if (transport === 'http') {
      web.served = crlBytes(crls, condition)!;
      return web.url;
    }
    ldap.replaceCrl(ldapDn, { stale: crls.stale.derFile, 'badly signed': crls.tamperedFile, good: crls.good.derFile }[condition]);
    // IOS's `crl query ldap://host`: the entry is the one named by the CRL's issuer.
    return ldap.url;
  }

  for (const transport of ['http', 'ldap'] as const) {
    for (const mode of REVOCATION_MODES) {
      for (const condition of CONDITIONS) {
        // A device just booted has no CRL at hand, and `crl optional` fetches none: both pass.
        const [goodOutcome, revokedOutcome] = mode === 'optional' ? (['accepted', 'accepted'] as const) : EXPECTED[mode][condition];
        const title = `crl query ${transport}://, ${mode === 'required' ? 'no crl mode line' : `crl ${mode}`}, CRL ${condition}: good client ${goodOutcome}, revoked client ${revokedOutcome}`;
        it(title, async () => {
          const url = publish(transport, condition);
          const requestsBefore = web.requests;
          const { d, port } = await boot([`crl query ${url}`, ...modeLines(mode)]);
          try {
            expect(await attempt(port, good)).toBe(goodOutcome);
            expect(await attempt(port, revoked)).toBe(revokedOutcome);
            const held = shown(await d.type('show crypto ca crls'));
            // Only a CRL that was fetched and verified is held; a stale or badly signed one is not.
            if (mode !== 'optional' && condition === 'good') expect(held).toContain(`    Retrieved from CRL Distribution Point:\n      ${url}\n`);
            else expect(held).toBe('');
          } finally {
            await d.router.close();
          }
          if (mode === 'optional') expect(web.requests).toBe(requestsBefore);
          // Fetched once, then the cached CRL decides the second handshake.
          if (transport === 'http' && mode !== 'optional' && condition === 'good') expect(web.requests - requestsBefore).toBe(1);
        });
      }
    }
  }

  it('crl lines changed at the console reach the running server at once; crl optional uses the CRL at hand; show crypto ca crls lists it', async () => {
    web.served = crls.good.der;
    const { d, port } = await boot([`crl query ${dead.http}`]);
    try {
      expect(await attempt(port, good)).toBe('bad_certificate');
      expect(shown(await d.type('show crypto ca crls'))).toBe('');

      await d.type('configure terminal', `crypto ca trustpoint ${TP}`, 'crl best-effort');
      expect(await attempt(port, good)).toBe('accepted');
      expect(await attempt(port, revoked)).toBe('accepted');

      const before = web.requests;
      await d.type(`crl query ${web.url}`);
      expect(await attempt(port, revoked)).toBe('certificate_revoked');
      expect(await attempt(port, good)).toBe('accepted');
      expect(web.requests - before).toBe(1);

      // The CRL fetched under best-effort is at hand: optional refuses the revoked client with
      // it, fetching nothing (the query URL now leads nowhere anyway).
      await d.type('crl optional', `crl query ${dead.http}`);
      expect(await attempt(port, revoked)).toBe('certificate_revoked');
      expect(await attempt(port, good)).toBe('accepted');
      // Back to required: the cached CRL satisfies it.
      await d.type('no crl optional');
      expect(await attempt(port, good)).toBe('accepted');
      expect(web.requests - before).toBe(1);

      const crl = parseCrl(crls.good.der);
      await d.type('end');
      expect(shown(await d.type('show crypto ca crls'))).toBe(
        [
          'CRL Issuer Name:',
          '    cn=Trustpoint CRL CA,o=ssl3 tests',
          `    LastUpdate: ${formatIosTime(crl.thisUpdate)}`,
          `    NextUpdate: ${formatIosTime(crl.nextUpdate!)}`,
          '    Retrieved from CRL Distribution Point:',
          `      ${web.url}`,
          `    CRL DER is ${crls.good.der.length} bytes`,
          '    CRL is stored in parsed CRL cache',
          '',
        ].join('\n'),
      );
    } finally {
      await d.router.close();
    }
  });

  describe('NSS tstclnt facing a device with crl query ldap://host', () => {
    let db: string;
    let port: number;
    let d: TestDevice;

    beforeAll(async () => {
      db = makeNssDb(t.certutil, 'tp-crl-client');
      nssAddCert(t.certutil, db, 'ca', ca.certFile, 'CT,,');
      for (const c of [good, revoked]) nssImportP12(t.pk12util, db, c.p12('changeit'), 'changeit');
      ldap.replaceCrl(ldapDn, crls.good.derFile);
      ({ d, port } = await boot([`crl query ${ldap.url}`]));
    }, 30_000);

    // NSS checks the device's enrolled certificate against the CA, and presents the named client certificate.
    const tstclnt = (nickname: string): Promise<RunResult> => tstclntWithCert(t.tstclnt, { port, db, nickname });

    it('the revoked certificate is refused: NSS reports certificate_revoked', async () => {
      const r = await tstclnt('client-revoked');
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/SSL_ERROR_REVOKED_CERT_ALERT/);
      expect(r.stdout).not.toContain('200 OK');
    });

    it('the good certificate gets the page; show crypto ca crls names the LDAP server', async () => {
      const r = await tstclnt('client-good');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/SEC_ERROR|SSL_ERROR/);
      expect(r.stdout).toContain('HTTP/1.1 200 OK');
      expect(r.stdout).toContain('client-good');
      expect(shown(await d.type('show crypto ca crls'))).toContain(`    Retrieved from CRL Distribution Point:\n      ${ldap.url}\n    CRL DER is ${crls.good.der.length} bytes\n`);
    });
  });
});
