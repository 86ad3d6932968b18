/**
 * A human-readable dump of a certificate (RFC 5280 section 4.1 fields and 4.2.1 extensions),
 * laid out like `openssl x509 -text -noout` so an operator can compare the two side by side,
 * followed by the SHA-1 and SHA-256 fingerprints IOS (`show crypto pki certificates`) and
 * browsers show.
 */
import { toHex } from '../util/bytes.js';
import type { Certificate, Extension } from './certificate.js';
import { KEY_USAGE_BITS } from './certificate.js';
import { parseIpAddress } from './hostname.js';
import { describeKeyAlgorithm } from './keys.js';
import { describeOid, OID } from './oid.js';
import { bitLength } from './rsa-key.js';
import { fingerprint, formatIpAddress, formatName } from './x509.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** OpenSSL's ASN1_TIME_print form: 'Jan  1 00:00:00 2030 GMT'. */
export function formatCertificateTime(d: Date): string {
  const p = (n: number): string => n.toString().padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate().toString().padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

/** Lines of 'aa:bb:...' with `perLine` bytes each, indented; a ':' ends every line but the last, as OpenSSL does. */
function hexLines(bytes: Uint8Array, indent: number, perLine: number): string[] {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0'));
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += perLine) {
    const last = i + perLine >= hex.length;
    lines.push(' '.repeat(indent) + hex.slice(i, i + perLine).join(':') + (last ? '' : ':'));
  }
  return lines;
}

function colonHex(bytes: Uint8Array): string {
  return toHex(bytes).toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** Unsigned big-endian bytes of a non-negative bigint, with a 00 in front when the top bit is set (as OpenSSL prints moduli). */
function magnitudeBytes(n: bigint, signPad: boolean): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (signPad && /^[89a-f]/.test(hex)) hex = `00${hex}`;
  return Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
}

/** OpenSSL: a serial that fits 8 bytes as 'N (0xN)', else colon-separated hex with ' (Negative)' when negative. */
function serialLines(serial: bigint): string[] {
  const neg = serial < 0n;
  const mag = neg ? -serial : serial;
  if (mag < 1n << 63n) return [`        Serial Number: ${neg ? '-' : ''}${mag} (${neg ? '-' : ''}0x${mag.toString(16)})`];
  return ['        Serial Number:', `            ${neg ? ' (Negative)' : ''}${toHex(magnitudeBytes(mag, false)).replace(/(..)(?!$)/g, '$1:')}`];
}

const KEY_USAGE_TEXT: Readonly<Record<string, string>> = {
  digitalSignature: 'Digital Signature',
  nonRepudiation: 'Non Repudiation',
  keyEncipherment: 'Key Encipherment',
  dataEncipherment: 'Data Encipherment',
  keyAgreement: 'Key Agreement',
  keyCertSign: 'Certificate Sign',
  cRLSign: 'CRL Sign',
  encipherOnly: 'Encipher Only',
  decipherOnly: 'Decipher Only',
};

const EKU_TEXT: ReadonlyMap<string, string> = new Map([
  [OID.serverAuth, 'TLS Web Server Authentication'],
  [OID.clientAuth, 'TLS Web Client Authentication'],
  [OID.codeSigning, 'Code Signing'],
  [OID.emailProtection, 'E-mail Protection'],
  [OID.timeStamping, 'Time Stamping'],
  [OID.ocspSigning, 'OCSP Signing'],
  [OID.anyExtendedKeyUsage, 'Any Extended Key Usage'],
]);

const EXTENSION_TEXT: ReadonlyMap<string, string> = new Map([
  [OID.basicConstraints, 'X509v3 Basic Constraints'],
  [OID.keyUsage, 'X509v3 Key Usage'],
  [OID.extKeyUsage, 'X509v3 Extended Key Usage'],
  [OID.subjectAltName, 'X509v3 Subject Alternative Name'],
  [OID.issuerAltName, 'X509v3 Issuer Alternative Name'],
  [OID.subjectKeyIdentifier, 'X509v3 Subject Key Identifier'],
  [OID.authorityKeyIdentifier, 'X509v3 Authority Key Identifier'],
  [OID.cRLDistributionPoints, 'X509v3 CRL Distribution Points'],
  [OID.certificatePolicies, 'X509v3 Certificate Policies'],
  [OID.nameConstraints, 'X509v3 Name Constraints'],
  [OID.authorityInfoAccess, 'Authority Information Access'],
  [OID.netscapeCertType, 'Netscape Cert Type'],
  [OID.netscapeComment, 'Netscape Comment'],
]);

/** The body lines of one extension, from the decoded fields where we have them, else a hex dump. */
function extensionBody(cert: Certificate, ext: Extension): string[] {
  switch (ext.oid) {
    case OID.basicConstraints: {
      const bc = cert.basicConstraints!;
      return [`CA:${bc.ca ? 'TRUE' : 'FALSE'}${bc.pathLength !== undefined ? `, pathlen:${bc.pathLength}` : ''}`];
    }
    case OID.keyUsage:
      return [KEY_USAGE_BITS.filter((b) => cert.keyUsage!.has(b)).map((b) => KEY_USAGE_TEXT[b]).join(', ')];
    case OID.extKeyUsage:
      return [cert.extendedKeyUsage!.map((o) => EKU_TEXT.get(o) ?? o).join(', ')];
    case OID.subjectAltName: {
      const san = cert.subjectAltName!;
      const parts = [
        ...san.dns.map((d) => `DNS:${d}`),
        ...san.ip.map((a) => `IP Address:${opensslIp(a)}`),
        ...san.email.map((e) => `email:${e}`),
        ...san.uri.map((u) => `URI:${u}`),
      ];
      return [parts.length ? parts.join(', ') : '(no DNS, IP, e-mail or URI names)'];
    }
    case OID.subjectKeyIdentifier:
      return [colonHex(cert.subjectKeyIdentifier!)];
    case OID.authorityKeyIdentifier:
      return cert.authorityKeyIdentifier ? [colonHex(cert.authorityKeyIdentifier)] : ['(no key identifier)'];
    case OID.cRLDistributionPoints:
      return cert.crlDistributionPoints!.length ? ['Full Name:', ...cert.crlDistributionPoints!.map((u) => `  URI:${u}`)] : ['(no URI)'];
    default:
      return hexLines(ext.value, 0, 18);
  }
}

/** Our model keeps RFC 5952 text; OpenSSL and node:tls spell IPv6 as eight upper-case groups. */
function opensslIp(text: string): string {
  const bytes = parseIpAddress(text);
  return bytes ? formatIpAddress(bytes, 'openssl') : text;
}

/** The `openssl x509 -text`-like dump, ending with the two fingerprints. Ends with a newline. */
export function describeCertificate(cert: Certificate): string {
  const L: string[] = [];
  L.push('Certificate:', '    Data:');
  L.push(`        Version: ${cert.version} (0x${(cert.version - 1).toString(16)})`);
  L.push(...serialLines(cert.serialNumber));
  L.push(`        Signature Algorithm: ${describeOid(cert.signatureAlgorithm.oid)}`);
  L.push(`        Issuer: ${formatName(cert.issuer)}`);
  L.push('        Validity');
  L.push(`            Not Before: ${formatCertificateTime(cert.notBefore)}`);
  L.push(`            Not After : ${formatCertificateTime(cert.notAfter)}`);
  L.push(`        Subject: ${formatName(cert.subject)}`);
  L.push('        Subject Public Key Info:');
  L.push(`            Public Key Algorithm: ${describeOid(cert.publicKey.algorithmOid)}`);
  const rsa = cert.publicKey.rsa;
  if (rsa) {
    L.push(`                RSA Public-Key: (${bitLength(rsa.n)} bit)`);
    L.push('                Modulus:');
    L.push(...hexLines(magnitudeBytes(rsa.n, true), 20, 15));
    L.push(`                Exponent: ${rsa.e} (0x${rsa.e.toString(16)})`);
  } else {
    L.push(`                ${describeKeyAlgorithm(cert.publicKey.algorithmOid)} key, not decoded`);
  }
  if (cert.extensions.length) {
    L.push('        X509v3 extensions:');
    for (const ext of cert.extensions) {
      L.push(`            ${EXTENSION_TEXT.get(ext.oid) ?? describeOid(ext.oid)}: ${ext.critical ? 'critical' : ''}`.trimEnd());
      for (const line of extensionBody(cert, ext)) L.push(`                ${line}`);
    }
  }
  L.push(`    Signature Algorithm: ${describeOid(cert.signatureAlgorithm.oid)}`);
  L.push('    Signature Value:');
  L.push(...hexLines(cert.signature, 8, 18));
  L.push(`SHA1 Fingerprint=${fingerprint(cert, 'sha1')}`);
  L.push(`SHA256 Fingerprint=${fingerprint(cert, 'sha256')}`);
  return `${L.join('\n')}\n`;
}
