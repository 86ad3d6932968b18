/**
 * A certificate authority run by the openssl command line (`openssl ca`), in a temporary
 * directory: issues client and server certificates (optionally naming CRL distribution
 * points), revokes them with a reason, and makes CRLs with `openssl ca -gencrl`, v2 (with a
 * cRLNumber) or v1. The CRLs our code reads in the revocation tests are made by it, so they
 * are what a real CA hands out, not what our own writer thinks a CRL is.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificate } from '../../src/pki/x509.js';
import { pemDecode } from '../../src/pki/pem.js';
import type { Certificate } from '../../src/pki/certificate.js';
import { tempDir } from './temp-dirs.js';

export interface IssuedCert {
  name: string;
  keyFile: string;
  keyPem: string;
  certFile: string;
  certPem: string;
  cert: Certificate;
  /** Key and certificate as PKCS#12 (friendly name = `name`), for NSS's pk12util; returns the file. */
  p12(password: string): string;
}

export interface CrlFiles {
  pemFile: string;
  derFile: string;
  pem: string;
  der: Uint8Array;
}

export interface CaOptions {
  /** Subject CN of the CA (default 'Test CRL CA'). */
  cn?: string;
  /** RSA key size for the CA and its certificates: small where the size does not matter. */
  bits?: number;
}

export class OpensslCa {
  readonly dir: string;
  readonly keyFile: string;
  readonly certFile: string;
  readonly certPem: string;
  readonly cert: Certificate;
  readonly cn: string;
  private readonly bits: number;
  private serial = 0;

  constructor(
    private readonly openssl: string,
    options: CaOptions = {},
  ) {
    this.cn = options.cn ?? 'Test CRL CA';
    this.bits = options.bits ?? 1024;
    this.dir = tempDir('openssl-ca');
    mkdirSync(join(this.dir, 'newcerts'));
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'serial'), '1000\n');
    writeFileSync(join(this.dir, 'crlnumber'), '01\n');
    writeFileSync(join(this.dir, 'ca.cnf'), this.config(true));
    writeFileSync(join(this.dir, 'ca-v1.cnf'), this.config(false));
    this.keyFile = join(this.dir, 'ca.key');
    this.certFile = join(this.dir, 'ca.crt');
    this.run([
      'req', '-x509', '-newkey', `rsa:${this.bits}`, '-nodes', '-keyout', this.keyFile, '-out', this.certFile, '-days', '3650', '-subj', `/O=ssl3 tests/CN=${this.cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-addext', 'subjectKeyIdentifier=hash',
    ]);
    this.certPem = readFileSync(this.certFile, 'utf8');
    this.cert = parseCertificate(pemDecode(this.certPem)[0].der);
  }

  private config(v2: boolean): string {
    return `[ ca ]
default_ca = CA_default
[ CA_default ]
dir = ${this.dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
certificate = $dir/ca.crt
private_key = $dir/ca.key
serial = $dir/serial
${v2 ? 'crlnumber = $dir/crlnumber\ncrl_extensions = crl_ext' : ''}
default_md = sha256
default_days = 30
default_crl_days = 7
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
organizationName = optional
commonName = supplied
[ crl_ext ]
authorityKeyIdentifier = keyid:always
[ crl_ext_idp ]
authorityKeyIdentifier = keyid:always
issuingDistributionPoint = critical, @idp
[ idp ]
fullname = URI:http://127.0.0.1/ca.crl
onlysomereasons = keyCompromise
`;
  }

  private run(args: string[]): string {
    return execFileSync(this.openssl, args, { cwd: this.dir, encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  }

  /**
   * A certificate for `name` (CN; also a DNS and 127.0.0.1 subjectAltName for servers),
   * with `cdp` as its CRLDistributionPoints URIs when given.
   */
  issue(name: string, options: { cdp?: readonly string[]; purpose?: 'client' | 'server' } = {}): IssuedCert {
    const n = ++this.serial;
    const keyFile = join(this.dir, `${n}-${name}.key`);
    const reqFile = join(this.dir, `${n}-${name}.csr`);
    const certFile = join(this.dir, `${n}-${name}.crt`);
    const extFile = join(this.dir, `${n}-${name}.ext`);
    const purpose = options.purpose ?? 'client';
    const ext = [
      'basicConstraints = CA:FALSE',
      `keyUsage = critical, digitalSignature${purpose === 'server' ? ', keyEncipherment' : ''}`,
      `extendedKeyUsage = ${purpose === 'server' ? 'serverAuth' : 'clientAuth'}`,
      'authorityKeyIdentifier = keyid',
    ];
    if (purpose === 'server') ext.push(`subjectAltName = DNS:${name}, IP:127.0.0.1`);
    // A section, not a comma list: an LDAP URL's DN has commas of its own.
    if (options.cdp?.length) ext.push('crlDistributionPoints = @cdp', '[ cdp ]', ...options.cdp.map((u, i) => `URI.${i} = ${u}`));
    writeFileSync(extFile, ext.join('\n') + '\n');
    this.run(['req', '-new', '-newkey', `rsa:${this.bits}`, '-nodes', '-keyout', keyFile, '-out', reqFile, '-subj', `/O=ssl3 tests/CN=${name}`]);
    this.run(['ca', '-batch', '-config', join(this.dir, 'ca.cnf'), '-in', reqFile, '-out', certFile, '-extfile', extFile, '-notext']);
    const certPem = readFileSync(certFile, 'utf8');
    const p12 = (password: string): string => {
      const p12File = join(this.dir, `${n}-${name}.p12`);
      this.run(['pkcs12', '-export', '-inkey', keyFile, '-in', certFile, '-name', name, '-out', p12File, '-passout', `pass:${password}`]);
      return p12File;
    };
    return { name, keyFile, keyPem: readFileSync(keyFile, 'utf8'), certFile, certPem, cert: parseCertificate(pemDecode(certPem)[0].der), p12 };
  }

  /** `openssl ca -revoke`, with a CRLReason keyword (keyCompromise, superseded...) when given. */
  revoke(cert: IssuedCert, reason?: string): void {
    this.run(['ca', '-config', join(this.dir, 'ca.cnf'), '-revoke', cert.certFile, ...(reason ? ['-crl_reason', reason] : [])]);
  }

  /**
   * `openssl ca -gencrl`: v2 with cRLNumber and authorityKeyIdentifier, or v1 (no extensions).
   * `hours` sets nextUpdate that many hours ahead (default 7 days); `lastUpdate` and
   * `nextUpdate` set the times outright (a stale CRL: both in the past); `partitioned` adds a
   * critical issuingDistributionPoint covering only keyCompromise (not a complete CRL).
   */
  gencrl(options: { v1?: boolean; hours?: number; lastUpdate?: Date; nextUpdate?: Date; name?: string; partitioned?: boolean } = {}): CrlFiles {
    const base = join(this.dir, options.name ?? `crl-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`);
    const pemFile = `${base}.pem`;
    const derFile = `${base}.der`;
    const config = join(this.dir, options.v1 ? 'ca-v1.cnf' : 'ca.cnf');
    // openssl's time format for -crl_lastupdate / -crl_nextupdate: YYYYMMDDHHMMSSZ.
    const time = (d: Date) => d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
    const args = [
      ...(options.hours !== undefined ? ['-crlhours', String(options.hours)] : []),
      ...(options.lastUpdate ? ['-crl_lastupdate', time(options.lastUpdate)] : []),
      ...(options.nextUpdate ? ['-crl_nextupdate', time(options.nextUpdate)] : []),
      ...(options.partitioned ? ['-crlexts', 'crl_ext_idp'] : []),
    ];
    this.run(['ca', '-config', config, '-gencrl', '-out', pemFile, ...args]);
    this.run(['crl', '-in', pemFile, '-outform', 'DER', '-out', derFile]);
    return { pemFile, derFile, pem: readFileSync(pemFile, 'utf8'), der: new Uint8Array(readFileSync(derFile)) };
  }
}
