/**
 * What a probe reports of each certificate a server sends (RFC 6101 5.6.2; the fields of RFC
 * 5280 4.1): subject, issuer, the key's type and size, the signature algorithm, validity,
 * whether it is self-signed (its issuer is its subject and its own key verifies it), and the
 * SHA-1 and SHA-256 fingerprints browsers and IOS show. A certificate that does not parse is
 * reported as such.
 */
import { parseCertificate, fingerprint, formatName } from '../../pki/x509.js';
import { describeKeyAlgorithm } from '../../pki/keys.js';
import { describeOid } from '../../pki/oid.js';
import { bitLength } from '../../pki/rsa-key.js';
import { checkSignedBy, namesEqual, supportedSignatureHashes } from '../../pki/verify.js';

export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  /** 'RSA', or the key algorithm's name and OID. */
  readonly keyAlgorithm: string;
  readonly keyBits?: number;
  readonly signatureAlgorithm: string;
  /** ISO 8601. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly selfSigned: boolean;
  /** Colon-separated uppercase hex, as `ssl3 x509` and browsers show them. */
  readonly sha1: string;
  readonly sha256: string;
}

export function summarizeCertificate(der: Uint8Array): CertificateSummary | { readonly error: string } {
  let cert;
  try {
    cert = parseCertificate(der);
  } catch (e) {
    return { error: `the certificate does not parse: ${(e as Error).message}` };
  }
  const selfSigned =
    namesEqual(cert.subject, cert.issuer) && checkSignedBy(cert, cert, new Set(supportedSignatureHashes()), { subject: 'certificate', name: 'itself' }).ok;
  return {
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    keyAlgorithm: cert.publicKey.rsa ? 'RSA' : describeKeyAlgorithm(cert.publicKey.algorithmOid),
    keyBits: cert.publicKey.rsa ? bitLength(cert.publicKey.rsa.n) : undefined,
    signatureAlgorithm: describeOid(cert.signatureAlgorithm.oid),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    selfSigned,
    sha1: fingerprint(cert, 'sha1'),
    sha256: fingerprint(cert, 'sha256'),
  };
}
