/**
 * A real OpenLDAP server (slapd, Debian package slapd) for the ldap:// CRL tests, run
 * unprivileged from a temporary directory on a free loopback port (docs/interop.md): an mdb
 * database under `o=ssl3 tests`, entries loaded with ldapadd (ldap-utils). It is stopped by
 * the test that started it, and killed at process exit as a last resort (Daemon).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon, freePort, HOST, runSync, tempDir, waitForPort } from './nss-helpers.js';

export const LDAP_SUFFIX = 'o=ssl3 tests';
const ROOT_DN = `cn=admin,${LDAP_SUFFIX}`;
const ROOT_PW = 'secret';

export class Slapd {
  private constructor(
    private readonly daemon: Daemon,
    readonly port: number,
    private readonly ldapadd: string,
    private readonly ldapmodify: string,
    private readonly dir: string,
  ) {}

  /** ldap://127.0.0.1:PORT */
  get url(): string {
    return `ldap://${HOST}:${this.port}`;
  }

  static async start(tools: { slapd: string; ldapadd: string; ldapmodify: string }): Promise<Slapd> {
    const dir = tempDir('slapd');
    mkdirSync(join(dir, 'db'));
    const conf = join(dir, 'slapd.conf');
    writeFileSync(
      conf,
      [
        'include /etc/ldap/schema/core.schema',
        'include /etc/ldap/schema/cosine.schema',
        'include /etc/ldap/schema/inetorgperson.schema',
        'modulepath /usr/lib/ldap',
        'moduleload back_mdb',
        `pidfile ${join(dir, 'slapd.pid')}`,
        `argsfile ${join(dir, 'slapd.args')}`,
        'database mdb',
        'maxsize 10485760',
        `suffix "${LDAP_SUFFIX}"`,
        `rootdn "${ROOT_DN}"`,
        `rootpw ${ROOT_PW}`,
        `directory ${join(dir, 'db')}`,
        '',
      ].join('\n'),
    );
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      // -d 0: stay in the foreground (no fork), so the Daemon owns the process.
      const daemon = new Daemon(tools.slapd, ['-d', '0', '-f', conf, '-h', `ldap://${HOST}:${port}/`]);
      if (await waitForPort(port, 10_000, () => !daemon.exited)) {
        const s = new Slapd(daemon, port, tools.ldapadd, tools.ldapmodify, dir);
        s.add(`dn: ${LDAP_SUFFIX}\nobjectClass: organization\no: ssl3 tests\n`);
        return s;
      }
      await daemon.stop('SIGKILL');
      if (attempt >= 2) throw new Error(`slapd did not start:\n${daemon.output}`);
    }
  }

  /** ldapadd of an LDIF text (file references such as `attr:< file:///path` work). */
  add(ldif: string): void {
    this.ldif(this.ldapadd, ldif);
  }

  /** ldapmodify of an LDIF text (changetype: modify ...). */
  modify(ldif: string): void {
    this.ldif(this.ldapmodify, ldif);
  }

  private ldif(tool: string, text: string): void {
    const file = join(this.dir, `change-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.ldif`);
    writeFileSync(file, text);
    runSync(tool, ['-x', '-H', `${this.url}/`, '-D', ROOT_DN, '-w', ROOT_PW, '-f', file]);
  }

  /**
   * A CA entry as IOS and RFC 4523 expect it: `cn=CN,o=ssl3 tests` holding the CA certificate
   * and its CRL (certificationAuthority requires authorityRevocationList too; the CRL serves).
   */
  addCa(cn: string, caDerFile: string, crlDerFile: string): string {
    const dn = `cn=${cn},${LDAP_SUFFIX}`;
    this.add(
      [
        `dn: ${dn}`,
        'objectClass: organizationalRole',
        'objectClass: certificationAuthority',
        `cn: ${cn}`,
        `cACertificate;binary:< file://${caDerFile}`,
        `certificateRevocationList;binary:< file://${crlDerFile}`,
        `authorityRevocationList;binary:< file://${crlDerFile}`,
        '',
      ].join('\n'),
    );
    return dn;
  }

  /** Replaces the CRL of the CA entry `dn` (as addCa made it) with the DER in `crlDerFile`. */
  replaceCrl(dn: string, crlDerFile: string): void {
    this.modify(
      [
        `dn: ${dn}`,
        'changetype: modify',
        'replace: certificateRevocationList;binary',
        `certificateRevocationList;binary:< file://${crlDerFile}`,
        '',
      ].join('\n'),
    );
  }

  stop(): Promise<void> {
    return this.daemon.stop();
  }
}
