/**
 * The RSA key in a peer's certificate, checked before the handshake uses it (RFC 6101
 * 5.6.7.1: the server's key encrypts the premaster secret; 5.6.8: the client's key checks
 * CertificateVerify). The certificate parser accepts any INTEGERs, so a key the RSA code
 * would refuse (even modulus or exponent) must end the handshake as the peer's fault,
 * bad_certificate, not as one of our internal errors; a key too short to hold the PKCS #1
 * block is unsupported_certificate, like a key that is not RSA at all. A certificate that does
 * not parse at all is bad_certificate too.
 */
import { assertRsaPublicKey, bitLength, modulusBytes, type RsaPublicKey } from '../pki/rsa.js';
import type { Certificate } from '../pki/certificate.js';
import { parseCertificate } from '../pki/x509.js';
import { Ssl3Error } from '../util/errors.js';
import { SslAlertError } from '../record/alerts.js';

/** The peer's certificate, parsed; one that does not parse is its BAD_CERTIFICATE. */
export function parsePeerCertificate(der: Uint8Array, peer: 'server' | 'client'): Certificate {
  try {
    return parseCertificate(der);
  } catch (e) {
    if (e instanceof Ssl3Error) throw new SslAlertError('BAD_CERTIFICATE', `${peer} certificate could not be parsed: ${e.message}`);
    throw e;
  }
}

/** Returns the key, or throws the alert; `minBytes` is the smallest usable modulus in bytes. */
export function usablePeerRsaKey(key: RsaPublicKey | undefined, minBytes: number, peer: 'server' | 'client'): RsaPublicKey {
  if (!key) throw new SslAlertError('UNSUPPORTED_CERTIFICATE', `${peer} certificate does not hold an RSA key`);
  try {
    assertRsaPublicKey(key);
  } catch {
    throw new SslAlertError('BAD_CERTIFICATE', `${peer} certificate holds a malformed RSA key`);
  }
  if (modulusBytes(key) < minBytes) {
    throw new SslAlertError('UNSUPPORTED_CERTIFICATE', `${peer} certificate RSA key of ${bitLength(key.n)} bits is too short (${minBytes * 8 - 7} bits at least)`);
  }
  return key;
}
