/**
 * The RSA key in a peer's certificate, checked before the handshake uses it (RFC 6101
 * 5.6.7.1: the server's key encrypts the premaster secret; 5.6.8: the client's key checks
 * CertificateVerify). The certificate parser accepts any INTEGERs, so a key the RSA code
 * would refuse (even modulus or exponent) must end the handshake as the peer's fault,
 * bad_certificate, not as one of our internal errors; a key too short to hold the PKCS #1
 * block is unsupported_certificate, like a key that is not RSA at all.
 */
import { assertRsaPublicKey, bitLength, modulusBytes, type RsaPublicKey } from '../pki/rsa.js';
import { SslAlertError } from '../record/alerts.js';

/** Returns the key, or throws the alert; `minBytes` is the smallest usable modulus in bytes. */
export function usablePeerRsaKey(key: RsaPublicKey | undefined, minBytes: number, peer: 'server' | 'client'): RsaPublicKey {
  if (!key) throw new SslAlertError('unsupported_certificate', `${peer} certificate does not hold an RSA key`);
  try {
    assertRsaPublicKey(key);
  } catch {
    throw new SslAlertError('bad_certificate', `${peer} certificate holds a malformed RSA key`);
  }
  if (modulusBytes(key) < minBytes) {
    throw new SslAlertError('unsupported_certificate', `${peer} certificate RSA key of ${bitLength(key.n)} bits is too short (${minBytes * 8 - 7} bits at least)`);
  }
  return key;
}
