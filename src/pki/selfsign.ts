/**
 * A self-signed server certificate for a device, as Cisco IOS makes one for its HTTPS server
 * ("crypto pki trustpoint TP-self-signed-..." / `ip http secure-server`): RFC 5280 profile,
 * built by x509-build.ts.
 *
 * Choices, and why:
 * - Subject CN = the host name (IOS uses hostname.domain), and a subjectAltName with the same
 *   DNS name plus any IP addresses: modern clients match only the SAN (RFC 6125 6.4.4), old
 *   ones only the CN, so both say the same thing. A host given as an IP literal goes into
 *   the SAN as an iPAddress, never as a dNSName.
 * - basicConstraints CA:FALSE, keyUsage digitalSignature + keyEncipherment (RSA key exchange
 *   in SSL 3.0 encrypts the premaster secret to this key; digitalSignature covers the
 *   ServerKeyExchange of export suites and client authentication), no keyCertSign. This is an
 *   end-entity certificate that clients pin or trust directly; it issues nothing. Checked
 *   with OpenSSL 3.0: `openssl verify -CAfile cert.pem cert.pem` (also with -x509_strict and
 *   -purpose sslserver) accepts it, since a trust anchor that is the leaf itself is never
 *   asked to be a CA; Firefox and Chrome, on the other hand, refuse a CA:TRUE certificate used
 *   as a server certificate, so CA:TRUE would trade real clients for nothing.
 * - extendedKeyUsage serverAuth + clientAuth: the same certificate may authenticate the
 *   device as an HTTPS client (IOS `ip http client secure-trustpoint`).
 * - subjectKeyIdentifier and authorityKeyIdentifier (both the method-1 key hash), so chain
 *   builders that match by key identifier find the certificate as its own issuer.
 * - notBefore one day in the past: legacy devices often keep local time in their UTC clock,
 *   and a certificate "not yet valid" by a few hours is the most common self-signed failure.
 */
import { systemRandom, type RandomSource } from '../util/random.js';
import type { Certificate } from './certificate.js';
import { parseIpAddress } from './hostname.js';
import type { RsaPrivateKey } from './rsa-key.js';
import { buildCertificate, type BuildSignatureHash } from './x509-build.js';
import { X509Error } from './x509.js';

export interface SelfSignedOptions {
  readonly key: RsaPrivateKey;
  /** The device's name, hostname.domain (or an IP literal). */
  readonly hostname: string;
  /** IP addresses to list in the subjectAltName. */
  readonly ips?: readonly string[];
  /** Validity in days from `now`; default 3650. */
  readonly days?: number;
  readonly now?: Date;
  /** Default sha256; 'sha1' or 'md5' for clients from before SHA-2 (Windows XP SP2, Java 1.4). */
  readonly signatureHash?: BuildSignatureHash;
  readonly serialNumber?: bigint;
  readonly random?: RandomSource;
}

export const DEFAULT_SELF_SIGNED_DAYS = 3650;
const DAY_MS = 86_400_000;

/** RFC 1123 host name: LDH labels of 1..63 characters, 253 in all, a trailing dot allowed. */
function isHostName(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

export function selfSignedCertificate(opts: SelfSignedOptions): Certificate {
  const host = opts.hostname.trim();
  const hostIp = parseIpAddress(host) && !host.includes('%') ? host.replace(/^\[(.*)\]$/, '$1') : undefined;
  if (!hostIp && !isHostName(host)) {
    throw new X509Error('BAD_INPUT', `'${opts.hostname}' is not a host name (letters, digits, '-' and '.') or an IP address`);
  }
  const days = opts.days ?? DEFAULT_SELF_SIGNED_DAYS;
  if (!Number.isInteger(days) || days < 1) throw new X509Error('BAD_INPUT', `days must be a whole number >= 1, got ${days}`);
  const now = opts.now ?? new Date();
  // Whole seconds: DER times carry no fractions, and notAfter should be exactly `days` on.
  const start = Math.floor(now.getTime() / 1000) * 1000;
  const ips = [...(hostIp ? [hostIp] : []), ...(opts.ips ?? [])];
  for (const ip of ips) {
    if (!parseIpAddress(ip) || ip.includes('%')) throw new X509Error('BAD_INPUT', `not an IP address: '${ip}'`);
  }
  const dnsName = hostIp ? undefined : host.replace(/\.$/, '');
  return buildCertificate({
    subject: [['CN', dnsName ?? hostIp!]],
    notBefore: new Date(start - DAY_MS),
    notAfter: new Date(start + days * DAY_MS),
    publicKey: opts.key,
    signingKey: opts.key,
    signatureHash: opts.signatureHash ?? 'sha256',
    ca: false,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth', 'clientAuth'],
    subjectAltName: { dns: dnsName ? [dnsName] : [], ip: [...new Set(ips)] },
    subjectKeyIdentifier: true,
    authorityKeyIdentifier: true,
    serialNumber: opts.serialNumber,
    random: opts.random ?? systemRandom,
  });
}
