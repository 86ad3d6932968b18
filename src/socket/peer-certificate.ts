/**
 * The peer's certificate as node:tls's getPeerCertificate() shapes it, so code written for
 * node:tls reads ours unchanged (subject/issuer objects, valid_from/valid_to, fingerprints,
 * subjectaltname, raw DER).
 */
import type { Certificate, DistinguishedName } from '../pki/certificate.js';
import { fingerprint } from '../pki/x509.js';
import { NAME_ATTRIBUTE_LABELS } from '../pki/oid.js';
import { bitLength } from '../pki/rsa-key.js';

export interface PeerCertificate {
  subject: Record<string, string>;
  issuer: Record<string, string>;
  subjectaltname?: string;
  valid_from: string;
  valid_to: string;
  serialNumber: string;
  fingerprint: string;
  fingerprint256: string;
  bits?: number;
  modulus?: string;
  exponent?: string;
  raw: Buffer;
}

function nameObject(dn: DistinguishedName): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rdn of dn.rdns) {
    for (const a of rdn) {
      const label = NAME_ATTRIBUTE_LABELS.get(a.type) ?? a.type;
      out[label] = out[label] === undefined ? a.value : `${out[label]}\n${a.value}`;
    }
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** OpenSSL's time format, which node:tls reports: 'Jan  1 00:00:00 2030 GMT'. */
export function opensslTime(d: Date): string {
  const p = (n: number) => n.toString().padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate().toString().padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

export function peerCertificateInfo(cert: Certificate): PeerCertificate {
  const san = cert.subjectAltName;
  const sanParts = san ? [...san.dns.map((d) => `DNS:${d}`), ...san.ip.map((i) => `IP Address:${i}`), ...san.email.map((e) => `email:${e}`), ...san.uri.map((u) => `URI:${u}`)] : [];
  const rsa = cert.publicKey.rsa;
  const serial = cert.serialNumber < 0n ? `-${(-cert.serialNumber).toString(16)}` : cert.serialNumber.toString(16);
  return {
    subject: nameObject(cert.subject),
    issuer: nameObject(cert.issuer),
    ...(sanParts.length ? { subjectaltname: sanParts.join(', ') } : {}),
    valid_from: opensslTime(cert.notBefore),
    valid_to: opensslTime(cert.notAfter),
    serialNumber: serial.toUpperCase(),
    fingerprint: fingerprint(cert, 'sha1'),
    fingerprint256: fingerprint(cert, 'sha256'),
    ...(rsa ? { bits: bitLength(rsa.n), modulus: rsa.n.toString(16).toUpperCase(), exponent: `0x${rsa.e.toString(16)}` } : {}),
    raw: Buffer.from(cert.raw),
  };
}
