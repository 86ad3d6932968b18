/**
 * RSA key material as plain BigInts (PKCS #1 v2.2, RFC 8017 section 3). The arithmetic lives
 * in rsa.ts; the encodings (PKCS#1, PKCS#8, SubjectPublicKeyInfo) in keys.ts.
 */

export interface RsaPublicKey {
  readonly n: bigint;
  readonly e: bigint;
}

export interface RsaPrivateKey extends RsaPublicKey {
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  /** d mod (p-1) */
  readonly dp: bigint;
  /** d mod (q-1) */
  readonly dq: bigint;
  /** q^-1 mod p */
  readonly qinv: bigint;
}

/** Modulus length in bytes (k in RFC 8017). */
export function modulusBytes(key: RsaPublicKey): number {
  return (bitLength(key.n) + 7) >> 3;
}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

export function publicKeyOf(key: RsaPrivateKey): RsaPublicKey {
  return { n: key.n, e: key.e };
}
