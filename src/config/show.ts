/**
 * The IOS `show` commands of the feature (docs/ios-configuration.md): `show ip http server status`,
 * `show ip http server secure status`, `show ip http client secure status` with exactly the
 * labels and order of the feature guide's "Configuration Examples" (our defaults are
 * docs/ios-configuration.md's, 180/180/1, where the guide's example shows an older image's 600 s time-outs),
 * `show startup-config` (`show running-config` is render.ts), and the IOS layouts of
 * `show crypto key mypubkey rsa`, `show crypto ca certificates` and `show crypto ca crls`.
 *
 * Every function returns whole lines ending with a newline; the empty line IOS prints before
 * some blocks is the console's business, so a caller can also use the text elsewhere.
 */
import type { Certificate, DistinguishedName, NameAttribute } from '../pki/certificate.js';
import type { CrlListing } from '../pki/crl-cache.js';
import { CONFIGURED_SOURCE } from '../pki/revocation.js';
import { encodeSubjectPublicKeyInfo } from '../pki/keys.js';
import { OID } from '../pki/oid.js';
import { publicKeyOf } from '../pki/rsa-key.js';
import { attributeLabel, commonName } from '../pki/x509.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import type { CertificateRecord, KeyRing, KeyUsage, RunningConfig } from './model.js';
import { DIGESTS } from '../pki/digests.js';
import { displaySuites } from './commands-http.js';

export { displaySuites };

/** IOS's NVRAM size in the `Using N out of 262144 bytes` line. */
const NVRAM_BYTES = 262144;

const encoder = new TextEncoder();

/** `label: value`, with no trailing space when the value is empty (as IOS prints `HTTP server base path:`). */
function field(label: string, value: string | number | undefined): string {
  const v = value === undefined ? '' : String(value);
  return v === '' ? `${label}:` : `${label}: ${v}`;
}

function lines(ls: readonly string[]): string {
  return ls.map((l) => `${l}\n`).join('');
}

const enabled = (on: boolean): string => (on ? 'Enabled' : 'Disabled');

/** The HTTPS half of the status, shared by the full block and `show ip http server secure status`. */
function secureStatusLines(config: RunningConfig): string[] {
  const h = config.http;
  return [
    field('HTTP secure server status', enabled(h.secureServer)),
    field('HTTP secure server port', h.securePort),
    field('HTTP secure server ciphersuite', displaySuites(h.secureCiphersuites).join(' ')),
    field('HTTP secure server client authentication', enabled(h.secureClientAuth)),
    field('HTTP secure server trustpoint', h.secureTrustpoint),
  ];
}

/** `show ip http server status`. */
export function showHttpServerStatus(config: RunningConfig): string {
  const h = config.http;
  return lines([
    field('HTTP server status', enabled(h.server)),
    field('HTTP server port', h.port),
    field('HTTP server authentication method', h.authentication),
    // IOS shows 0 for "no access class".
    field('HTTP server access class', h.accessClass ?? 0),
    field('HTTP server base path', h.path),
    field('Maximum number of concurrent server connections allowed', h.maxConnections),
    field('Server idle time-out', `${h.timeout.idle} seconds`),
    field('Server life time-out', `${h.timeout.life} seconds`),
    field('Maximum number of requests allowed on a connection', h.timeout.requests),
    // This image always has the secure server (the line exists for IOS images without SSL).
    field('HTTP secure server capability', 'Present'),
    ...secureStatusLines(config),
  ]);
}

/** `show ip http server secure status`: the last five lines of the full status. */
export function showHttpServerSecureStatus(config: RunningConfig): string {
  return lines(secureStatusLines(config));
}

/** `show ip http client secure status`. */
export function showHttpClientSecureStatus(config: RunningConfig): string {
  const h = config.http;
  return lines([field('HTTP secure client ciphersuite', displaySuites(h.clientSecureCiphersuites).join(' ')), field('HTTP secure client trustpoint', h.clientSecureTrustpoint)]);
}

/** `show startup-config`: the saved text, or IOS's message when nothing was saved. */
export function showStartupConfig(text: string | undefined): string {
  if (text === undefined) return 'startup-config is not present\n';
  const body = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  return `Using ${encoder.encode(text).length} out of ${NVRAM_BYTES} bytes\n${body}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** IOS's `16:37:43 UTC Nov 28 2026`: the day is not padded. */
export function formatIosTime(d: Date): string {
  const p = (n: number): string => n.toString().padStart(2, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
}

const KEY_USAGE_TEXT: Readonly<Record<KeyUsage, string>> = {
  general: 'General Purpose Key',
  signature: 'Signature Key',
  encryption: 'Encryption Key',
};

/** IOS's key dump: uppercase hex in groups of 8 digits, 8 groups a line, indented by two. */
function keyDataLines(der: Uint8Array): string[] {
  const groups = toHex(der).toUpperCase().match(/.{1,8}/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < groups.length; i += 8) out.push(`  ${groups.slice(i, i + 8).join(' ')}`);
  return out;
}

/** `show crypto key mypubkey rsa`: each key pair's public key as DER SubjectPublicKeyInfo. Nothing at all without keys, as IOS. */
export function showCryptoKeyMypubkeyRsa(ring: KeyRing): string {
  const out: string[] = [];
  for (const k of ring.keys) {
    out.push(
      `% Key pair was generated at: ${formatIosTime(k.generatedAt)}`,
      `Key name: ${k.name}`,
      ' Storage Device: not specified',
      ` Usage: ${KEY_USAGE_TEXT[k.usage]}`,
      // Our keys are exportable in fact (the data directory holds them), but no IOS command
      // exports them, and this is what IOS says of a key generated without `exportable`.
      ' Key is not exportable.',
      ' Key Data:',
      ...keyDataLines(encodeSubjectPublicKeyInfo(publicKeyOf(k.key))),
    );
  }
  return lines(out);
}

/** IOS's lowercase attribute names where they differ from OpenSSL's label lowercased. */
const IOS_ATTRIBUTE_NAMES: ReadonlyMap<string, string> = new Map([
  [OID.emailAddress, 'ea'],
  [OID.unstructuredName, 'hostname'],
  [OID.unstructuredAddress, 'ipaddress'],
  [OID.serialNumber, 'serialNumber'],
]);

function iosAttribute(a: NameAttribute): string {
  const label = IOS_ATTRIBUTE_NAMES.get(a.type) ?? attributeLabel(a.type).toLowerCase();
  return `${label}=${a.value}`;
}

/** One attribute a line, most specific first (the reverse of the encoding order), as IOS lists names. */
function nameLines(dn: DistinguishedName, indent: string): string[] {
  return [...dn.rdns].reverse().flatMap((rdn) => rdn.map((a) => `${indent}${iosAttribute(a)}`));
}

/** IOS's `Name:` line: the device name an IOS certificate carries as unstructuredName, else the common name. */
function subjectName(dn: DistinguishedName): string | undefined {
  const host = dn.rdns.flat().find((a) => a.type === OID.unstructuredName);
  return host?.value ?? commonName(dn);
}

function serialHex(serial: bigint): string {
  const neg = serial < 0n;
  let hex = (neg ? -serial : serial).toString(16).toUpperCase();
  if (hex.length % 2) hex = `0${hex}`;
  return neg ? `-${hex}` : hex;
}

function certificateTitle(record: CertificateRecord): string {
  if (record.usage === 'ca') return 'CA Certificate';
  const c = record.certificate;
  return bytesEqual(c.subject.raw, c.issuer.raw) ? 'Router Self-Signed Certificate' : 'Certificate';
}

const CERT_USAGE_TEXT: Readonly<Record<CertificateRecord['usage'], string>> = {
  general: 'General Purpose',
  signature: 'Signature',
  encryption: 'Encryption',
  // A CA certificate is there to check signatures.
  ca: 'Signature',
};

/** IOS writes fingerprints as groups of eight hex digits. */
export function iosFingerprint(digest: Uint8Array): string {
  return (toHex(digest).toUpperCase().match(/.{1,8}/g) ?? []).join(' ');
}

function certificateBlock(record: CertificateRecord, trustpoints: readonly string[], verbose: boolean): string[] {
  const c: Certificate = record.certificate;
  const name = subjectName(c.subject);
  return [
    certificateTitle(record),
    '  Status: Available',
    `  Certificate Serial Number (hex): ${serialHex(c.serialNumber)}`,
    `  Certificate Usage: ${CERT_USAGE_TEXT[record.usage]}`,
    '  Issuer:',
    ...nameLines(c.issuer, '    '),
    '  Subject:',
    ...(name !== undefined ? [`    Name: ${name}`] : []),
    ...nameLines(c.subject, '    '),
    '  Validity Date:',
    `    start date: ${formatIosTime(c.notBefore)}`,
    `    end   date: ${formatIosTime(c.notAfter)}`,
    ...(verbose ? [`  Fingerprint MD5: ${iosFingerprint(DIGESTS.md5(c.raw))}`, `  Fingerprint SHA1: ${iosFingerprint(DIGESTS.sha1(c.raw))}`] : []),
    `  Associated Trustpoints: ${trustpoints.join(' ')}`,
  ];
}

/**
 * `show crypto ca certificates`: each certificate once, with every trustpoint that holds it
 * (IOS lists a CA certificate shared by two trustpoints once, naming both), blocks separated
 * by an empty line. Nothing at all without certificates, as IOS.
 */
export function showCryptoCaCertificates(ring: KeyRing, verbose = false): string {
  const groups: { record: CertificateRecord; trustpoints: string[] }[] = [];
  for (const r of ring.certificates) {
    const g = groups.find((x) => x.record.usage === r.usage && bytesEqual(x.record.certificate.raw, r.certificate.raw));
    if (g) {
      if (!g.trustpoints.includes(r.trustpoint)) g.trustpoints.push(r.trustpoint);
    } else {
      groups.push({ record: r, trustpoints: [r.trustpoint] });
    }
  }
  return groups.map((g) => lines(certificateBlock(g.record, g.trustpoints, verbose))).join('\n');
}

/**
 * `show crypto ca trustpoints`: each declared trustpoint with its CA certificate's subject and
 * serial when `crypto ca authenticate` stored one, its enrollment URL and CRL settings.
 */
export function showCryptoCaTrustpoints(config: RunningConfig, ring: KeyRing): string {
  const blocks: string[] = [];
  for (const tp of config.trustpoints.values()) {
    const ca = ring.certificates.find((c) => c.trustpoint === tp.name && c.usage === 'ca')?.certificate;
    const lines = [`Trustpoint ${tp.name}:`];
    if (ca) lines.push('    Subject Name:', ...nameLines(ca.subject, '    '), `          Serial Number (hex): ${serialHex(ca.serialNumber)}`, '    Certificate configured.');
    else lines.push('    Not authenticated.');
    if (tp.enrollmentUrl !== undefined) lines.push(`    SCEP URL: ${tp.enrollmentUrl}`);
    if (tp.crlQuery !== undefined) lines.push(`    CRL query: ${tp.crlQuery}`);
    lines.push(`    CRL checking: ${tp.crlMode ?? 'required'}`);
    if (tp.primary) lines.push('    Primary trustpoint.');
    blocks.push(lines.join('\n'));
  }
  return blocks.length ? `${blocks.join('\n\n')}\n` : '';
}

/** A name on one line as IOS prints a CRL issuer: `cn=Test CA,o=Example`, most specific first. */
function nameLine(dn: DistinguishedName): string {
  return [...dn.rdns].reverse().flatMap((rdn) => rdn.map(iosAttribute)).join(',');
}

/**
 * `show crypto ca crls`: each CRL the device holds (fetched for client certificates and still
 * current: a stale one has left the cache, as on IOS) in IOS's layout, blocks separated by an
 * empty line. Nothing at all when none is held, as IOS.
 */
export function showCryptoCaCrls(crls: readonly CrlListing[]): string {
  const block = (c: CrlListing): string[] => [
    'CRL Issuer Name:',
    `    ${nameLine(c.issuerName)}`,
    `    LastUpdate: ${formatIosTime(c.thisUpdate)}`,
    `    NextUpdate: ${formatIosTime(c.nextUpdate)}`,
    '    Retrieved from CRL Distribution Point:',
    // A CRL given as a file (the library's `crls` option) was not retrieved; the console has none.
    c.source === CONFIGURED_SOURCE ? '      ** CDP Not Published - Configured CRL file' : `      ${c.source}`,
    `    CRL DER is ${c.derLength} bytes`,
    '    CRL is stored in parsed CRL cache',
  ];
  return crls.map((c) => lines(block(c))).join('\n');
}
