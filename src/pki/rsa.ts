/**
 * RSA for the SSL 3.0 stack (RFC 6101 5.6.7.1 and 5.6.8; PKCS #1 v2.2 = RFC 8017), on the
 * language's BigInt. One import point for the pieces:
 * - rsa-keygen.ts: key generation (FIPS 186-5 A.1.3) and private-key consistency check;
 * - rsa-raw.ts:    RSAEP/RSADP with CRT, blinding and a fault check; I2OSP/OS2IP;
 * - pkcs1.ts:      v1.5 encryption, signatures, and the premaster decryption without an oracle;
 * - primes.ts, bigint-math.ts: Miller-Rabin, prime search, modPow, modInverse, gcd.
 * The key types live in rsa-key.ts.
 */

export type { RsaPrivateKey, RsaPublicKey } from './rsa-key.js';
export { bitLength, modulusBytes, publicKeyOf } from './rsa-key.js';
export { gcd, lcm, mod, modInverse, modPow } from './bigint-math.js';
export { generatePrime, isProbablePrime, millerRabinRounds } from './primes.js';
export {
  generateRsaKey,
  validateRsaPrivateKey,
  RSA_MAX_KEY_BITS,
  RSA_MIN_KEY_BITS,
  type RsaKeyGenOptions,
} from './rsa-keygen.js';
export { assertRsaPrivateKey, assertRsaPublicKey, i2osp, os2ip, rsaPrivate, rsaPublic } from './rsa-raw.js';
export {
  emsaPkcs1v15Encode,
  PKCS1_DIGEST_LENGTH,
  PREMASTER_LENGTH,
  premasterDecryptionInput,
  premasterFromBlock,
  rsaDecryptPkcs1,
  rsaDecryptPremaster,
  rsaDecryptPremasterDetailed,
  rsaEncryptPkcs1,
  rsaSignPkcs1,
  rsaVerifyPkcs1,
  type Pkcs1HashAlg,
  type PremasterDecryption,
  type ProtocolVersionLike,
} from './pkcs1.js';
