/**
 * PKCS #1 v1.5 paddings (RFC 8017): encryption block type 2 (RSAES-PKCS1-v1_5, section 7.2),
 * signature block type 1 (RSASSA-PKCS1-v1_5, sections 8.2 and 9.2), and the SSL 3.0
 * premaster-secret decryption with the Bleichenbacher countermeasure (RFC 6101 5.6.7.1 for the
 * message; the countermeasure as in RFC 5246 7.4.7.1, OpenSSL 1.0.2 s3_srvr.c and BearSSL).
 *
 *   type 2:  00 02 PS(>= 8 nonzero random octets) 00 M
 *   type 1:  00 01 PS(>= 8 octets 0xff) 00 T,  T = DigestInfo DER || digest, or for SSL 3.0's
 *            'md5-sha1' the bare 36-octet MD5 || SHA-1 (RFC 6101 5.6.8, "signed_params")
 */

import { RsaError } from '../util/errors.js';
import { concatBytes } from '../util/bytes.js';
import { ctBytesEqual, ctEqMask, ctIsZeroMask, ctLtMask, ctSelect, ctSelectBytes } from '../util/ct.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { modulusBytes, type RsaPrivateKey, type RsaPublicKey } from './rsa-key.js';
import { assertRsaPrivateKey, assertRsaPublicKey, i2osp, os2ip, rsaPrivate, rsaPublic } from './rsa-raw.js';

/** Length of the SSL 3.0 pre_master_secret (RFC 6101 5.6.7.1): 2 version octets + 46 random. */
export const PREMASTER_LENGTH = 48;

// ---------------------------------------------------------------------------------------
// Encryption, block type 2 (RFC 8017 7.2)

/** Fills `out` with nonzero random octets (PS must not contain the 00 separator). */
function fillNonZero(out: Uint8Array, random: RandomSource): void {
  let filled = 0;
  while (filled < out.length) {
    const chunk = random(out.length - filled + 8);
    for (let i = 0; i < chunk.length && filled < out.length; i++) {
      if (chunk[i] !== 0) out[filled++] = chunk[i];
    }
  }
}

/**
 * RSAES-PKCS1-v1_5-ENCRYPT (RFC 8017 7.2.1): a k-octet ciphertext of `message`
 * (at most k - 11 octets, else RsaError 'MESSAGE_TOO_LONG').
 */
export function rsaEncryptPkcs1(key: RsaPublicKey, message: Uint8Array, random: RandomSource = systemRandom): Uint8Array {
  assertRsaPublicKey(key);
  const k = modulusBytes(key);
  if (message.length > k - 11) {
    throw new RsaError('MESSAGE_TOO_LONG', `message of ${message.length} octets does not fit a ${k}-octet RSA block`);
  }
  const psLen = k - message.length - 3;
  const em = new Uint8Array(k);
  em[1] = 0x02;
  fillNonZero(em.subarray(2, 2 + psLen), random);
  em.set(message, 3 + psLen); // em[2 + psLen] stays 0: the separator
  const c = rsaPublic(key, os2ip(em));
  em.fill(0);
  return i2osp(c, k);
}

/**
 * Checks a decrypted type-2 block without an early exit. Returns a mask (-1 good, 0 bad)
 * and the index of the 00 separator (meaningful only when good).
 */
function checkType2(em: Uint8Array): { good: number; sep: number } {
  let good = ctEqMask(em[0], 0x00) & ctEqMask(em[1], 0x02);
  let found = 0;
  let sep = 0;
  for (let i = 2; i < em.length; i++) {
    const zero = ctIsZeroMask(em[i]);
    sep = ctSelect(zero & ~found, i, sep); // remember the first zero only
    found |= zero;
  }
  good &= found;
  good &= ~ctLtMask(sep, 2 + 8); // PS is em[2..sep-1]: at least 8 octets
  return { good, sep };
}

/**
 * RSAES-PKCS1-v1_5-DECRYPT (RFC 8017 7.2.2). Throws RsaError 'DECRYPT_FAILED' for a wrong
 * ciphertext length, a ciphertext >= n or bad padding.
 *
 * Not for the SSL key exchange: whether this throws is exactly the Bleichenbacher oracle.
 * Use rsaDecryptPremaster there.
 */
export function rsaDecryptPkcs1(key: RsaPrivateKey, ciphertext: Uint8Array, random: RandomSource = systemRandom): Uint8Array {
  assertRsaPrivateKey(key);
  const k = modulusBytes(key);
  if (k < 11 || ciphertext.length !== k) throw new RsaError('DECRYPT_FAILED', 'RSA decryption failed');
  const c = os2ip(ciphertext);
  if (c >= key.n) throw new RsaError('DECRYPT_FAILED', 'RSA decryption failed');
  const em = i2osp(rsaPrivate(key, c, random), k);
  const { good, sep } = checkType2(em);
  if (good !== -1) {
    em.fill(0);
    throw new RsaError('DECRYPT_FAILED', 'RSA decryption failed');
  }
  const message = em.slice(sep + 1);
  em.fill(0);
  return message;
}

// ---------------------------------------------------------------------------------------
// The premaster secret (RFC 6101 5.6.7.1) without a padding oracle

/** Protocol version as [major, minor] or as one number (0x0300 for SSL 3.0). */
export type ProtocolVersionLike = readonly [number, number] | number;

function versionBytes(v: ProtocolVersionLike): [number, number] {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError('expected version must be a 16-bit number');
    return [v >> 8, v & 0xff];
  }
  const [major, minor] = v;
  for (const x of [major, minor]) {
    if (!Number.isInteger(x) || x < 0 || x > 255) throw new RangeError('expected version must be two octets');
  }
  return [major, minor];
}

/**
 * Decrypts an SSL 3.0 EncryptedPreMasterSecret and returns the 48-octet premaster secret
 * together with a mask: -1 when the block was well-formed, 0 when the returned secret is the
 * random substitute. For tests and tracing; the handshake must not branch on goodMask.
 *
 * The order of work is fixed whatever the ciphertext: draw 48 random octets, decrypt,
 * check all conditions with masks (no early exit), select with ctSelectBytes. A bad block
 * therefore yields an unpredictable premaster, the handshake fails later at the Finished
 * check, and the peer cannot tell padding errors from any other failure (Bleichenbacher 1998;
 * Klima-Pokorny-Rosa 2003 for the version check).
 *
 * Conditions: ciphertext length == k and value < n (both public, but still no throw),
 * em = 00 02 PS 00 M with PS at least 8 nonzero octets, the separator exactly at k-49
 * (so M has 48 octets), and M[0..1] == expectedVersion (the version the client offered in
 * its ClientHello, which defeats version-rollback attacks).
 *
 * Throws only for programmer errors: a malformed key, a key too small to carry 48 octets
 * (k < 59), a bad expectedVersion, a RandomSource returning the wrong length, or RsaError
 * 'FAULT_DETECTED' from a key whose CRT values do not match n (that depends on the key only,
 * never on the ciphertext, so it is no oracle).
 */
export function rsaDecryptPremasterDetailed(
  key: RsaPrivateKey,
  ciphertext: Uint8Array,
  expectedVersion: ProtocolVersionLike,
  random: RandomSource = systemRandom,
): { premaster: Uint8Array; goodMask: number } {
  assertRsaPrivateKey(key);
  const prepared = premasterDecryptionInput(key, ciphertext, random);
  const em = i2osp(rsaPrivate(key, os2ip(prepared.input), random), modulusBytes(key));
  return premasterFromBlock(em, expectedVersion, prepared);
}

/**
 * What rsaDecryptPremasterDetailed does before the private-key operation, for a caller that
 * has it done elsewhere (another thread, a token: handshake/private-key.ts): the substitute
 * secret, drawn first, and the RSADP input, a k-octet value below n. The mask records the
 * public length and range checks, which end in the substitute too, never in a throw.
 */
export interface PremasterDecryption {
  readonly input: Uint8Array;
  readonly fake: Uint8Array;
  readonly goodMask: number;
}

export function premasterDecryptionInput(key: RsaPublicKey, ciphertext: Uint8Array, random: RandomSource = systemRandom): PremasterDecryption {
  assertRsaPublicKey(key);
  const k = modulusBytes(key);
  if (k - PREMASTER_LENGTH - 1 < 2 + 8) {
    throw new RsaError('KEY_TOO_SMALL', `a ${k}-octet RSA key cannot carry a ${PREMASTER_LENGTH}-octet premaster secret`);
  }

  // Step 1, before looking at the ciphertext: the substitute secret.
  const fake = random(PREMASTER_LENGTH);
  if (!(fake instanceof Uint8Array) || fake.length !== PREMASTER_LENGTH) {
    throw new RangeError('RandomSource returned the wrong number of octets');
  }

  // Length and range are visible to anyone holding the public key, so handling them with a
  // branch leaks nothing; they still end in the same random-premaster path, not a throw.
  // An out-of-range value is reduced mod n so that the private operation runs regardless.
  const lengthOk = ciphertext.length === k;
  let c = lengthOk ? os2ip(ciphertext) : 0n;
  const rangeOk = c < key.n;
  if (!rangeOk) c %= key.n;
  return { input: i2osp(c, k), fake, goodMask: lengthOk && rangeOk ? -1 : 0 };
}

/**
 * What rsaDecryptPremasterDetailed does after the private-key operation: `em` (k octets, the
 * RSADP output) is checked with masks and the premaster or the substitute selected, in
 * constant time. `em` is wiped.
 */
export function premasterFromBlock(em: Uint8Array, expectedVersion: ProtocolVersionLike, prepared: PremasterDecryption): { premaster: Uint8Array; goodMask: number } {
  const [major, minor] = versionBytes(expectedVersion);
  const k = prepared.input.length;
  if (em.length !== k) throw new RsaError('BAD_BLOCK', `the private-key operation returned ${em.length} octets, not ${k}`);
  const sepIndex = k - PREMASTER_LENGTH - 1;
  let good = prepared.goodMask;
  // 00 02, then em[2 .. k-50] all nonzero (k-51 >= 8 octets of PS), em[k-49] == 00.
  good &= ctEqMask(em[0], 0x00) & ctEqMask(em[1], 0x02);
  let nonzero = -1;
  for (let i = 2; i < sepIndex; i++) nonzero &= ~ctIsZeroMask(em[i]);
  good &= nonzero & ctIsZeroMask(em[sepIndex]);
  // The client_version the client offered, first two octets of the secret.
  good &= ctEqMask(em[sepIndex + 1], major) & ctEqMask(em[sepIndex + 2], minor);

  const decrypted = em.subarray(sepIndex + 1);
  const premaster = ctSelectBytes(good, decrypted, prepared.fake);
  em.fill(0); // `fake` belongs to the RandomSource's caller: copied by ctSelectBytes, not wiped
  return { premaster, goodMask: good };
}

/**
 * The server side of the SSL 3.0 RSA key exchange: always 48 octets, the decrypted
 * premaster secret if the block is well-formed and carries `expectedVersion`, otherwise a
 * random one, with no observable difference (see rsaDecryptPremasterDetailed).
 */
export function rsaDecryptPremaster(
  key: RsaPrivateKey,
  ciphertext: Uint8Array,
  expectedVersion: ProtocolVersionLike,
  random: RandomSource = systemRandom,
): Uint8Array {
  return rsaDecryptPremasterDetailed(key, ciphertext, expectedVersion, random).premaster;
}

// ---------------------------------------------------------------------------------------
// Signatures, block type 1 (RFC 8017 8.2 and 9.2)

export type Pkcs1HashAlg = 'md5-sha1' | 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/**
 * DER of DigestInfo up to the digest octets (RFC 8017 9.2 note 1):
 * SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING (digest) }.
 * 'md5-sha1' has none: SSL 3.0 signs the bare concatenation.
 */
const DIGEST_INFO_PREFIX: Readonly<Record<Pkcs1HashAlg, Uint8Array>> = {
  'md5-sha1': new Uint8Array(0),
  // 1.2.840.113549.2.5
  md5: Uint8Array.of(0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10),
  // 1.3.14.3.2.26
  sha1: Uint8Array.of(0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14),
  // 2.16.840.1.101.3.4.2.4
  sha224: Uint8Array.of(
    0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c,
  ),
  // 2.16.840.1.101.3.4.2.1
  sha256: Uint8Array.of(
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
  ),
  // 2.16.840.1.101.3.4.2.2 (certificate chains only: SSL 3.0 itself never signs with it)
  sha384: Uint8Array.of(
    0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30,
  ),
  // 2.16.840.1.101.3.4.2.3
  sha512: Uint8Array.of(
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40,
  ),
};

/** Digest length in octets for each signature hash. */
export const PKCS1_DIGEST_LENGTH: Readonly<Record<Pkcs1HashAlg, number>> = {
  'md5-sha1': 36,
  md5: 16,
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/**
 * EMSA-PKCS1-v1_5-ENCODE (RFC 8017 9.2) from a digest: 00 01 FF..FF 00 T, k octets.
 * RsaError 'UNSUPPORTED_HASH', 'BAD_DIGEST_LENGTH', or 'KEY_TOO_SMALL' (k < tLen + 11).
 */
export function emsaPkcs1v15Encode(hashAlg: Pkcs1HashAlg, digest: Uint8Array, k: number): Uint8Array {
  if (!Object.prototype.hasOwnProperty.call(DIGEST_INFO_PREFIX, hashAlg)) {
    throw new RsaError('UNSUPPORTED_HASH', `unsupported PKCS#1 v1.5 signature hash: ${String(hashAlg)}`);
  }
  if (!(digest instanceof Uint8Array) || digest.length !== PKCS1_DIGEST_LENGTH[hashAlg]) {
    throw new RsaError('BAD_DIGEST_LENGTH', `${hashAlg} digest must be ${PKCS1_DIGEST_LENGTH[hashAlg]} octets`);
  }
  const t = concatBytes(DIGEST_INFO_PREFIX[hashAlg], digest);
  if (k < t.length + 11) throw new RsaError('KEY_TOO_SMALL', `RSA key too small for a ${hashAlg} signature`);
  const em = new Uint8Array(k);
  em[1] = 0x01;
  em.fill(0xff, 2, k - t.length - 1);
  em.set(t, k - t.length); // em[k - tLen - 1] stays 0: the separator
  return em;
}

/**
 * RSASSA-PKCS1-V1_5-SIGN (RFC 8017 8.2.1) over an already computed digest; k octets.
 * `random` feeds the blinding of the private operation only (the signature is deterministic).
 */
export function rsaSignPkcs1(
  key: RsaPrivateKey,
  hashAlg: Pkcs1HashAlg,
  digest: Uint8Array,
  random: RandomSource = systemRandom,
): Uint8Array {
  assertRsaPrivateKey(key);
  const k = modulusBytes(key);
  const em = emsaPkcs1v15Encode(hashAlg, digest, k);
  return i2osp(rsaPrivate(key, os2ip(em), random), k);
}

/**
 * RSASSA-PKCS1-V1_5-VERIFY (RFC 8017 8.2.2). Strict by construction: the expected encoded
 * message is rebuilt and compared in full, so there is no parser to fool with garbage after
 * the digest or in the DigestInfo parameters (Bleichenbacher 2006, BERserk 2014).
 * Returns false for a bad signature (wrong length, >= n, mismatch); throws RsaError for a
 * digest of the wrong length, an unsupported hash or a key too small for the hash.
 */
export function rsaVerifyPkcs1(key: RsaPublicKey, hashAlg: Pkcs1HashAlg, digest: Uint8Array, signature: Uint8Array): boolean {
  assertRsaPublicKey(key);
  const k = modulusBytes(key);
  const expected = emsaPkcs1v15Encode(hashAlg, digest, k);
  if (!(signature instanceof Uint8Array) || signature.length !== k) return false;
  const s = os2ip(signature);
  if (s >= key.n) return false;
  return ctBytesEqual(i2osp(rsaPublic(key, s), k), expected);
}
