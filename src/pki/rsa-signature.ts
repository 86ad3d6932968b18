/**
 * Whether an RSA PKCS #1 v1.5 signature (RFC 8017 section 8.2.2) over some bytes verifies:
 * the check behind certificate requests, CMS signer infos and device certificates, as a plain
 * yes or no. A key too small or malformed for the DigestInfo is a "no", not an exception.
 */
import type { SignatureHash } from './certificate.js';
import { digestFor } from './digests.js';
import { rsaVerifyPkcs1, type Pkcs1HashAlg } from './pkcs1.js';
import type { RsaPublicKey } from './rsa-key.js';

export function rsaSignatureValid(key: RsaPublicKey, hash: SignatureHash, data: Uint8Array, signature: Uint8Array): boolean {
  const digest = digestFor(hash);
  if (!digest) return false;
  try {
    return rsaVerifyPkcs1(key, hash as Pkcs1HashAlg, digest(data), signature);
  } catch {
    return false;
  }
}
