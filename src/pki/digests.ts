/**
 * The message digests certificate signatures use (RFC 8017 section 9.2, RFC 5754), by the
 * names SignatureHash gives them: one table for signing (x509-build.ts) and checking
 * (verify.ts). MD2 has no entry: no implementation here, so MD2 signatures are never verifiable.
 */
import { md5 } from '../ciphers/md5.js';
import { sha1 } from '../ciphers/sha1.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { SignatureHash } from './certificate.js';

export type DigestName = Exclude<SignatureHash, 'md2'>;

export const DIGESTS: Readonly<Record<DigestName, (data: Uint8Array) => Uint8Array>> = {
  md5: (d) => md5(d),
  sha1: (d) => sha1(d),
  sha224: (d) => sha224(d),
  sha256: (d) => sha256(d),
  sha384: (d) => sha384(d),
  sha512: (d) => sha512(d),
};

/** The digest function for a signature's hash, or undefined when we have none (md2). */
export function digestFor(hash: SignatureHash): ((data: Uint8Array) => Uint8Array) | undefined {
  return hash === 'md2' ? undefined : DIGESTS[hash];
}
