/**
 * Encodings of RSA keys: PKCS #1 RSAPublicKey and RSAPrivateKey (RFC 8017 Appendix A.1),
 * PKCS #8 PrivateKeyInfo / OneAsymmetricKey (RFC 5208, RFC 5958), its password-encrypted
 * form with PBES2 and PBKDF2 (RFC 8018 sections 6.2 and 5.2), and X.509
 * SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7, RFC 3279 section 2.3.1).
 *
 * SSL 3.0 only knows RSA certificates for the suites we implement (RFC 6101 section 5.6.2),
 * so the key parsers return RSA keys and reject every other algorithm by name. The
 * SubjectPublicKeyInfo reader is the exception: a certificate chain may contain EC or DSA
 * keys we never use, and such a certificate must still parse, so non-RSA keys come back raw.
 *
 * Errors: structure problems surface from the low-level decoders as DerError; the
 * file-level entry points (parsePrivateKey, parsePublicKey) wrap them in KeyError so a user
 * learns which file was wrong. Every failure is an Ssl3Error.
 */
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import type { CHash } from '@noble/hashes/utils.js';
import { sha1 } from '../ciphers/sha1.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { Ssl3Error } from '../util/errors.js';
import { utf8Bytes } from '../util/bytes.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { CONSTRUCTED, CONTEXT, der, DerError, DerReader, Tag } from './der.js';
import { describeOid, OID } from './oid.js';
import { readAlgorithmIdentifier, type AlgorithmIdentifier } from './algorithm-identifier.js';
import { contentCipherByName, contentCipherByOid, padContent, unpadContent, type ContentCipher } from './content-cipher.js';
import { isLegacyEncrypted, isPem, pemDecode, pemEncode, PemError, type PemBlock } from './pem.js';
import { bitLength, type RsaPrivateKey, type RsaPublicKey } from './rsa-key.js';
import { validateRsaPrivateKey } from './rsa-keygen.js';
import type { SubjectPublicKey } from './certificate.js';

/** A key file or key structure we cannot use: malformed, unsupported, encrypted, inconsistent. */
export class KeyError extends Ssl3Error {}

/**
 * Largest modulus we accept when reading (bits). Far above anything a peer uses, but it
 * bounds the BigInt work a hostile file or certificate can cause.
 */
export const MAX_RSA_READ_BITS = 16384;

/** Upper bound on PBKDF2 iterations: OpenSSL writes 2048, 10^7 already takes many seconds. */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

// OIDs only this file needs (RFC 8018 Appendix B, RFC 8410, RFC 7914); the shared table in
// oid.ts holds the ones used across the PKI layer.
const LOCAL_OID = {
  hmacWithSHA224: '1.2.840.113549.2.8',
  hmacWithSHA384: '1.2.840.113549.2.10',
  hmacWithSHA512: '1.2.840.113549.2.11',
  scrypt: '1.3.6.1.4.1.11591.4.11',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  x25519: '1.3.101.110',
  x448: '1.3.101.111',
} as const;

/** Human names for key algorithms in error messages (the OID alone helps nobody). */
const KEY_ALGORITHM_NAMES: ReadonlyMap<string, string> = new Map([
  [OID.rsaEncryption, 'RSA'],
  [OID.rsassaPss, 'RSA-PSS'],
  [OID.ecPublicKey, 'EC'],
  [OID.dsa, 'DSA'],
  [LOCAL_OID.ed25519, 'Ed25519'],
  [LOCAL_OID.ed448, 'Ed448'],
  [LOCAL_OID.x25519, 'X25519'],
  [LOCAL_OID.x448, 'X448'],
  ['1.2.840.10046.2.1', 'DH'],
]);

/** "EC (1.2.840.10045.2.1)": for messages about keys we do not support. */
export function describeKeyAlgorithm(oid: string): string {
  const name = KEY_ALGORITHM_NAMES.get(oid) ?? describeOid(oid);
  return name === oid ? oid : `${name} (${oid})`;
}

function unsupportedKey(oid: string): KeyError {
  return new KeyError('UNSUPPORTED_KEY', `unsupported key algorithm ${describeKeyAlgorithm(oid)}: only RSA keys can be used with SSL 3.0 here`);
}

// ---------------------------------------------------------------------------------------------
// AlgorithmIdentifier (RFC 5280 section 4.1.1.2)

/** RFC 3279 2.3.1: rsaEncryption parameters are NULL; some old encoders omit them, which we accept. */
function checkRsaParams(alg: AlgorithmIdentifier): void {
  if (alg.params && !(alg.params.length === 2 && alg.params[0] === Tag.NULL && alg.params[1] === 0)) {
    throw new DerError('BAD_VALUE', 'rsaEncryption AlgorithmIdentifier parameters must be NULL');
  }
}

const RSA_ALGORITHM_ID = der.sequence(der.oid(OID.rsaEncryption), der.null());

// ---------------------------------------------------------------------------------------------
// PKCS #1 RSAPublicKey (RFC 8017 Appendix A.1.1)

function checkRsaInteger(v: bigint, name: string): bigint {
  if (v <= 0n) throw new DerError('BAD_VALUE', `RSA key: ${name} must be positive`);
  return v;
}

function checkModulusSize(n: bigint): void {
  if (bitLength(n) > MAX_RSA_READ_BITS) {
    throw new KeyError('UNSUPPORTED_KEY', `RSA key with a ${bitLength(n)}-bit value is larger than the ${MAX_RSA_READ_BITS} bits we read`);
  }
}

function readRsaPublicKey(r: DerReader): RsaPublicKey {
  const s = r.sequence('RSAPublicKey');
  const n = checkRsaInteger(s.integer(), 'modulus');
  const e = checkRsaInteger(s.integer(), 'publicExponent');
  s.end('RSAPublicKey');
  checkModulusSize(n);
  return { n, e };
}

/** PKCS #1 RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }. */
export function encodeRsaPublicKey(pub: RsaPublicKey): Uint8Array {
  return der.sequence(der.integer(pub.n), der.integer(pub.e));
}

export function decodeRsaPublicKey(bytes: Uint8Array): RsaPublicKey {
  const r = new DerReader(bytes);
  const key = readRsaPublicKey(r);
  r.end('RSAPublicKey encoding');
  return key;
}

// ---------------------------------------------------------------------------------------------
// SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7)

export interface SubjectPublicKeyInfo extends SubjectPublicKey {
  /** Raw DER of the AlgorithmIdentifier parameters (e.g. the curve of an EC key), when present. */
  readonly algorithmParams?: Uint8Array;
}

export function encodeSubjectPublicKeyInfo(pub: RsaPublicKey): Uint8Array {
  return der.sequence(RSA_ALGORITHM_ID, der.bitString(encodeRsaPublicKey(pub)));
}

/**
 * Reads a SubjectPublicKeyInfo at the reader's position (for use inside a certificate).
 * RSA keys are decoded; any other algorithm returns its OID and raw bytes with `rsa`
 * undefined. Throws DerError for malformed structure, KeyError for an oversized modulus.
 */
export function readSubjectPublicKeyInfo(reader: DerReader): SubjectPublicKeyInfo {
  const tlv = reader.expect(Tag.SEQUENCE, 'SubjectPublicKeyInfo');
  const s = reader.child(tlv);
  const alg = readAlgorithmIdentifier(s, 'SubjectPublicKeyInfo algorithm');
  const bits = s.bitString();
  s.end('SubjectPublicKeyInfo');
  const base = alg.params ? { algorithmOid: alg.oid, raw: tlv.raw, algorithmParams: alg.params } : { algorithmOid: alg.oid, raw: tlv.raw };
  if (alg.oid !== OID.rsaEncryption) return base;
  checkRsaParams(alg);
  if (bits.unusedBits !== 0) throw new DerError('BAD_VALUE', 'RSA subjectPublicKey BIT STRING has unused bits');
  return { ...base, rsa: decodeRsaPublicKey(bits.bytes) };
}

export function decodeSubjectPublicKeyInfo(bytes: Uint8Array): SubjectPublicKeyInfo {
  const r = new DerReader(bytes);
  const info = readSubjectPublicKeyInfo(r);
  r.end('SubjectPublicKeyInfo encoding');
  return info;
}

// ---------------------------------------------------------------------------------------------
// PKCS #1 RSAPrivateKey (RFC 8017 Appendix A.1.2)

/**
 * RSAPrivateKey ::= SEQUENCE { version 0, n, e, d, p, q, dp, dq, qinv }. Multi-prime
 * keys (version 1, otherPrimeInfos) are refused: nothing in the SSL 3.0 world makes them.
 */
export function encodeRsaPrivateKey(key: RsaPrivateKey): Uint8Array {
  return der.sequence(
    der.integer(0),
    der.integer(key.n),
    der.integer(key.e),
    der.integer(key.d),
    der.integer(key.p),
    der.integer(key.q),
    der.integer(key.dp),
    der.integer(key.dq),
    der.integer(key.qinv),
  );
}

function readRsaPrivateKey(r: DerReader): RsaPrivateKey {
  const s = r.sequence('RSAPrivateKey');
  const version = s.integer();
  if (version === 1n) throw new KeyError('UNSUPPORTED_KEY', 'multi-prime RSA private keys (PKCS #1 version 1) are not supported');
  if (version !== 0n) throw new KeyError('BAD_KEY', `RSAPrivateKey has unknown version ${version}`);
  const names = ['modulus', 'publicExponent', 'privateExponent', 'prime1', 'prime2', 'exponent1', 'exponent2', 'coefficient'];
  const v = names.map((name) => checkRsaInteger(s.integer(), name));
  s.end('RSAPrivateKey');
  const [n, e, d, p, q, dp, dq, qinv] = v;
  // Every field, not just n: the consistency check multiplies them, so size bounds its cost.
  for (const x of v) checkModulusSize(x);
  return { n, e, d, p, q, dp, dq, qinv };
}

/** Decodes PKCS #1 RSAPrivateKey DER (not checked for consistency: see checkPrivateKey). */
export function decodeRsaPrivateKey(bytes: Uint8Array): RsaPrivateKey {
  const r = new DerReader(bytes);
  const key = readRsaPrivateKey(r);
  r.end('RSAPrivateKey encoding');
  return key;
}

/**
 * Checks that a key read from a file is internally consistent (n = p q, e d = 1 mod
 * lcm(p-1, q-1), CRT values): a key with a wrong field would fail every private operation
 * later, far from the file that caused it. KeyError 'INCONSISTENT_KEY' otherwise.
 */
export function checkPrivateKey(key: RsaPrivateKey): void {
  try {
    validateRsaPrivateKey(key);
  } catch (e) {
    if (e instanceof Ssl3Error) throw new KeyError('INCONSISTENT_KEY', e.message);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// PKCS #8 PrivateKeyInfo (RFC 5208 section 5) / OneAsymmetricKey (RFC 5958 section 2)

/** PrivateKeyInfo ::= SEQUENCE { version 0, rsaEncryption NULL, OCTET STRING (RSAPrivateKey) }. */
export function encodePrivateKeyInfo(key: RsaPrivateKey): Uint8Array {
  return der.sequence(der.integer(0), RSA_ALGORITHM_ID, der.octetString(encodeRsaPrivateKey(key)));
}

function readPrivateKeyInfo(r: DerReader): RsaPrivateKey {
  const s = r.sequence('PrivateKeyInfo');
  const version = s.integer();
  // RFC 5958: version 1 (v2) adds an optional public key; both carry the same private key.
  if (version !== 0n && version !== 1n) throw new KeyError('BAD_KEY', `PrivateKeyInfo has unknown version ${version}`);
  const alg = readAlgorithmIdentifier(s, 'PrivateKeyInfo algorithm');
  if (alg.oid !== OID.rsaEncryption) throw unsupportedKey(alg.oid);
  checkRsaParams(alg);
  const inner = s.octetString();
  // attributes [0] IMPLICIT SET OF Attribute, publicKey [1] IMPLICIT BIT STRING: not needed.
  s.optional(CONTEXT | CONSTRUCTED | 0);
  if (version === 1n && s.optional(CONTEXT | 1) === undefined) s.optional(CONTEXT | CONSTRUCTED | 1);
  s.end('PrivateKeyInfo');
  return decodeRsaPrivateKey(inner);
}

/** Decodes PKCS #8 PrivateKeyInfo DER holding an RSA key (KeyError 'UNSUPPORTED_KEY' otherwise). */
export function decodePrivateKeyInfo(bytes: Uint8Array): RsaPrivateKey {
  const r = new DerReader(bytes);
  const key = readPrivateKeyInfo(r);
  r.end('PrivateKeyInfo encoding');
  return key;
}

// ---------------------------------------------------------------------------------------------
// PKCS #8 EncryptedPrivateKeyInfo with PBES2 (RFC 5958 section 3, RFC 8018 section 6.2)

type Prf = CHash;
const PRFS: ReadonlyMap<string, { hash: Prf; name: string }> = new Map([
  [OID.hmacWithSHA1, { hash: sha1, name: 'hmacWithSHA1' }],
  [LOCAL_OID.hmacWithSHA224, { hash: sha224, name: 'hmacWithSHA224' }],
  [OID.hmacWithSHA256, { hash: sha256, name: 'hmacWithSHA256' }],
  [LOCAL_OID.hmacWithSHA384, { hash: sha384, name: 'hmacWithSHA384' }],
  [LOCAL_OID.hmacWithSHA512, { hash: sha512, name: 'hmacWithSHA512' }],
]);

const CONVERT_HINT =
  'convert it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD.pem -out NEW.pem` (or `openssl pkcs8 -topk8 -nocrypt ...` for an unencrypted key)';

interface Pbes2Params {
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly keyLength?: number;
  readonly prf: { hash: Prf; name: string };
  readonly cipher: ContentCipher;
  readonly iv: Uint8Array;
}

function readPbes2Params(alg: AlgorithmIdentifier, maxIterations: number): Pbes2Params {
  if (alg.oid !== OID.pbes2) {
    const name = describeOid(alg.oid);
    const what = alg.oid.startsWith('1.2.840.113549.1.12.1.')
      ? `PKCS #12 password-based encryption (${name})`
      : alg.oid.startsWith('1.2.840.113549.1.5.')
        ? `PKCS #5 v1.5 password-based encryption (${name})`
        : `key encryption ${name}`;
    throw new KeyError('UNSUPPORTED_ENCRYPTION', `${what} is not supported (only PBES2); ${CONVERT_HINT}`);
  }
  if (!alg.params) throw new DerError('BAD_VALUE', 'PBES2 parameters are missing');
  const p = new DerReader(alg.params).sequence('PBES2-params');
  const kdf = readAlgorithmIdentifier(p, 'PBES2 keyDerivationFunc');
  const enc = readAlgorithmIdentifier(p, 'PBES2 encryptionScheme');
  p.end('PBES2-params');

  if (kdf.oid === LOCAL_OID.scrypt) {
    throw new KeyError('UNSUPPORTED_ENCRYPTION', `keys encrypted with scrypt are not supported (only PBKDF2); ${CONVERT_HINT}`);
  }
  if (kdf.oid !== OID.pbkdf2) throw new KeyError('UNSUPPORTED_ENCRYPTION', `PBES2 key derivation ${describeOid(kdf.oid)} is not supported (only PBKDF2)`);
  if (!kdf.params) throw new DerError('BAD_VALUE', 'PBKDF2 parameters are missing');
  const k = new DerReader(kdf.params).sequence('PBKDF2-params');
  const salt = k.octetString(); // the otherSource CHOICE is reserved and never used
  const iterations = k.smallInteger();
  const keyLength = k.peekTag() === Tag.INTEGER ? k.smallInteger() : undefined;
  const prfId = k.done ? { oid: OID.hmacWithSHA1 } : readAlgorithmIdentifier(k, 'PBKDF2 prf');
  k.end('PBKDF2-params');
  const prf = PRFS.get(prfId.oid);
  if (!prf) throw new KeyError('UNSUPPORTED_ENCRYPTION', `PBKDF2 with ${describeOid(prfId.oid)} is not supported`);
  if (iterations < 1 || iterations > maxIterations) {
    throw new KeyError('UNSUPPORTED_ENCRYPTION', `PBKDF2 iteration count ${iterations} is outside 1..${maxIterations}`);
  }

  const cipher = contentCipherByOid(enc.oid);
  if (!cipher) throw new KeyError('UNSUPPORTED_ENCRYPTION', `key encryption cipher ${describeOid(enc.oid)} is not supported; ${CONVERT_HINT}`);
  if (keyLength !== undefined && keyLength !== cipher.keyLength) {
    throw new DerError('BAD_VALUE', `PBKDF2 keyLength ${keyLength} does not match ${cipher.name}`);
  }
  if (!enc.params) throw new DerError('BAD_VALUE', `${cipher.name} IV is missing`);
  const ivReader = new DerReader(enc.params);
  const iv = ivReader.octetString();
  ivReader.end('IV');
  if (iv.length !== cipher.ivLength) throw new DerError('BAD_VALUE', `${cipher.name} IV must be ${cipher.ivLength} bytes`);
  return { salt, iterations, keyLength, prf, cipher, iv };
}

export interface DecryptOptions {
  /**
   * Refuse keys whose PBKDF2 iteration count is above this (default MAX_PBKDF2_ITERATIONS):
   * the count comes from the file, so it bounds the CPU time an untrusted file can cost.
   */
  maxIterations?: number;
}

/**
 * Decrypts PKCS #8 EncryptedPrivateKeyInfo DER. KeyError 'BAD_PASSPHRASE' when the
 * passphrase is wrong (detected by the padding and the structure of the plaintext),
 * 'UNSUPPORTED_ENCRYPTION' for schemes other than PBES2/PBKDF2 with AES or 3DES.
 */
export function decryptPrivateKeyInfo(bytes: Uint8Array, passphrase: string, opts: DecryptOptions = {}): RsaPrivateKey {
  const r = new DerReader(bytes);
  const s = r.sequence('EncryptedPrivateKeyInfo');
  const alg = readAlgorithmIdentifier(s, 'EncryptedPrivateKeyInfo algorithm');
  const data = s.octetString();
  s.end('EncryptedPrivateKeyInfo');
  r.end('EncryptedPrivateKeyInfo encoding');

  const params = readPbes2Params(alg, opts.maxIterations ?? MAX_PBKDF2_ITERATIONS);
  const { cipher } = params;
  const blockSize = cipher.ivLength;
  if (data.length === 0 || data.length % blockSize !== 0) {
    throw new DerError('BAD_VALUE', `encrypted key data is not a whole number of ${cipher.name} blocks`);
  }
  const key = pbkdf2(params.prf.hash, utf8Bytes(passphrase), params.salt, { c: params.iterations, dkLen: cipher.keyLength });
  const plain = cipher.decrypt(key, params.iv, data);
  key.fill(0);
  try {
    const inner = unpadContent(plain, blockSize);
    if (!inner) throw new KeyError('BAD_PASSPHRASE', 'wrong passphrase for the encrypted private key (or the key is corrupt)');
    try {
      return decodePrivateKeyInfo(inner);
    } catch (e) {
      // A wrong key yields correct padding about 1 time in 256; its plaintext is then noise.
      if (e instanceof DerError || (e instanceof KeyError && e.code === 'BAD_KEY')) throw new KeyError('BAD_PASSPHRASE', 'wrong passphrase for the encrypted private key (or the key is corrupt)');
      throw e;
    }
  } finally {
    plain.fill(0);
  }
}

export interface EncryptOptions {
  /** Default aes-256-cbc, as `openssl pkcs8 -topk8 -v2 aes-256-cbc` and `genpkey -aes256`. */
  cipher?: 'aes-128-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';
  /** Default 2048, OpenSSL 3's default; raise it for keys that leave the machine. */
  iterations?: number;
  random?: RandomSource;
}

/** PKCS #8 EncryptedPrivateKeyInfo with PBES2, PBKDF2-HMAC-SHA256, as OpenSSL 3 writes it. */
export function encryptPrivateKeyInfo(key: RsaPrivateKey, passphrase: string, opts: EncryptOptions = {}): Uint8Array {
  const cipherName = opts.cipher ?? 'aes-256-cbc';
  const iterations = opts.iterations ?? 2048;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    throw new KeyError('BAD_OPTION', `PBKDF2 iterations must be 1..${MAX_PBKDF2_ITERATIONS}`);
  }
  const cipher = contentCipherByName(cipherName);
  if (!cipher || cipher.name === 'des-cbc') throw new KeyError('BAD_OPTION', `unknown key encryption cipher '${cipherName}'`);
  const random = opts.random ?? systemRandom;
  const salt = random(16);
  const iv = random(cipher.ivLength);
  const plain = encodePrivateKeyInfo(key);
  const padded = padContent(plain, cipher.ivLength);
  plain.fill(0);
  const dk = pbkdf2(sha256, utf8Bytes(passphrase), salt, { c: iterations, dkLen: cipher.keyLength });
  const encrypted = cipher.encrypt(dk, iv, padded);
  dk.fill(0);
  padded.fill(0);
  const kdf = der.sequence(
    der.oid(OID.pbkdf2),
    der.sequence(der.octetString(salt), der.integer(iterations), der.sequence(der.oid(OID.hmacWithSHA256), der.null())),
  );
  const scheme = der.sequence(der.oid(cipher.oid), der.octetString(iv));
  return der.sequence(der.sequence(der.oid(OID.pbes2), der.sequence(kdf, scheme)), der.octetString(encrypted));
}

// ---------------------------------------------------------------------------------------------
// Files: PEM or DER, any of the above

/** Runs a decoder, turning structural errors into a KeyError that names what was being read. */
function asKeyError<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof KeyError) throw e;
    if (e instanceof DerError || e instanceof PemError) throw new KeyError('BAD_KEY', `malformed ${what}: ${e.message}`);
    throw e;
  }
}

function toPemText(input: string | Uint8Array): string | undefined {
  if (typeof input === 'string') return input;
  return isPem(input) ? new TextDecoder('latin1').decode(input) : undefined;
}

function labelsOf(blocks: PemBlock[]): string {
  return blocks.length === 0 ? 'no PEM blocks' : `only ${blocks.map((b) => `'${b.label}'`).join(', ')}`;
}

type PrivateDerKind = 'pkcs1' | 'pkcs8' | 'encrypted';

/** Tells the three private-key DER structures apart by their first fields, without guessing by trial. */
function sniffPrivateDer(bytes: Uint8Array): PrivateDerKind {
  const s = new DerReader(bytes).sequence('private key');
  const first = s.peekTag();
  if (first === Tag.SEQUENCE) return 'encrypted';
  if (first !== Tag.INTEGER) throw new DerError('BAD_TAG', 'not a PKCS #1 or PKCS #8 private key');
  s.readTlv();
  return s.peekTag() === Tag.SEQUENCE ? 'pkcs8' : 'pkcs1';
}

function needPassphrase(passphrase: string | undefined): string {
  if (passphrase === undefined) throw new KeyError('PASSPHRASE_REQUIRED', 'the private key is encrypted: a passphrase is required');
  return passphrase;
}

function decodePrivateDer(kind: PrivateDerKind, bytes: Uint8Array, passphrase: string | undefined): RsaPrivateKey {
  switch (kind) {
    case 'pkcs1':
      return asKeyError('PKCS #1 RSA private key', () => decodeRsaPrivateKey(bytes));
    case 'pkcs8':
      return asKeyError('PKCS #8 private key', () => decodePrivateKeyInfo(bytes));
    case 'encrypted': {
      const pass = needPassphrase(passphrase);
      return asKeyError('encrypted PKCS #8 private key', () => decryptPrivateKeyInfo(bytes, pass));
    }
  }
}

const PRIVATE_LABELS: ReadonlyMap<string, PrivateDerKind> = new Map([
  ['RSA PRIVATE KEY', 'pkcs1'],
  ['PRIVATE KEY', 'pkcs8'],
  ['ENCRYPTED PRIVATE KEY', 'encrypted'],
]);
const OTHER_PRIVATE_LABELS: ReadonlyMap<string, string> = new Map([
  ['EC PRIVATE KEY', 'EC'],
  ['DSA PRIVATE KEY', 'DSA'],
  ['OPENSSH PRIVATE KEY', 'OpenSSH-format'],
]);

/**
 * Reads an RSA private key from PEM ('RSA PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY';
 * the first such block in the text, others ignored) or DER (PKCS #1, PKCS #8, or encrypted
 * PKCS #8), and checks it for consistency. Throws KeyError with codes 'BAD_KEY',
 * 'NO_KEY', 'UNSUPPORTED_KEY', 'UNSUPPORTED_ENCRYPTION', 'PASSPHRASE_REQUIRED',
 * 'BAD_PASSPHRASE', 'INCONSISTENT_KEY'.
 */
export function parsePrivateKey(input: string | Uint8Array, passphrase?: string): RsaPrivateKey {
  const text = toPemText(input);
  let key: RsaPrivateKey;
  if (text === undefined) {
    const bytes = input as Uint8Array;
    const kind = asKeyError('private key DER', () => sniffPrivateDer(bytes));
    key = decodePrivateDer(kind, bytes, passphrase);
  } else {
    const blocks = asKeyError('PEM private key file', () => pemDecode(text));
    const block = blocks.find((b) => PRIVATE_LABELS.has(b.label) || OTHER_PRIVATE_LABELS.has(b.label));
    if (!block) throw new KeyError('NO_KEY', `no private key found in the PEM data (${labelsOf(blocks)})`);
    const other = OTHER_PRIVATE_LABELS.get(block.label);
    if (other) throw new KeyError('UNSUPPORTED_KEY', `unsupported ${other} private key ('${block.label}'): only RSA keys can be used with SSL 3.0 here`);
    if (isLegacyEncrypted(block)) {
      const dek = block.headers?.['DEK-Info']?.split(',')[0] ?? 'unknown cipher';
      throw new KeyError(
        'UNSUPPORTED_ENCRYPTION',
        `legacy PEM encryption (Proc-Type: 4,ENCRYPTED, ${dek}) is not supported; ${CONVERT_HINT.replace('-in OLD.pem', '-in OLD.pem -passin pass:...')}`,
      );
    }
    key = decodePrivateDer(PRIVATE_LABELS.get(block.label) as PrivateDerKind, block.der, passphrase);
  }
  checkPrivateKey(key);
  return key;
}

/**
 * Reads an RSA public key from PEM ('PUBLIC KEY' = SubjectPublicKeyInfo, 'RSA PUBLIC KEY' =
 * PKCS #1) or DER (either form). Non-RSA keys: KeyError 'UNSUPPORTED_KEY'.
 */
export function parsePublicKey(input: string | Uint8Array): RsaPublicKey {
  const text = toPemText(input);
  if (text === undefined) {
    const bytes = input as Uint8Array;
    // SubjectPublicKeyInfo starts SEQUENCE { SEQUENCE ..., PKCS #1 with SEQUENCE { INTEGER ...
    const isSpki = asKeyError('public key DER', () => new DerReader(bytes).sequence('public key').peekTag() === Tag.SEQUENCE);
    return isSpki ? spkiToRsa(bytes) : asKeyError('PKCS #1 RSA public key', () => decodeRsaPublicKey(bytes));
  }
  const blocks = asKeyError('PEM public key file', () => pemDecode(text));
  const block = blocks.find((b) => b.label === 'PUBLIC KEY' || b.label === 'RSA PUBLIC KEY');
  if (!block) throw new KeyError('NO_KEY', `no public key found in the PEM data (${labelsOf(blocks)})`);
  return block.label === 'PUBLIC KEY' ? spkiToRsa(block.der) : asKeyError('PKCS #1 RSA public key', () => decodeRsaPublicKey(block.der));
}

function spkiToRsa(bytes: Uint8Array): RsaPublicKey {
  const info = asKeyError('SubjectPublicKeyInfo', () => decodeSubjectPublicKeyInfo(bytes));
  if (!info.rsa) throw unsupportedKey(info.algorithmOid);
  return info.rsa;
}

/** PEM of a private key: PKCS #8 'PRIVATE KEY' (default) or PKCS #1 'RSA PRIVATE KEY'. */
export function privateKeyToPem(key: RsaPrivateKey, format: 'pkcs8' | 'pkcs1' = 'pkcs8'): string {
  const bytes = format === 'pkcs1' ? encodeRsaPrivateKey(key) : encodePrivateKeyInfo(key);
  try {
    return pemEncode(format === 'pkcs1' ? 'RSA PRIVATE KEY' : 'PRIVATE KEY', bytes);
  } finally {
    bytes.fill(0);
  }
}

/** PEM 'ENCRYPTED PRIVATE KEY' (PKCS #8 with PBES2), readable by `openssl pkey -passin`. */
export function encryptedPrivateKeyToPem(key: RsaPrivateKey, passphrase: string, opts?: EncryptOptions): string {
  return pemEncode('ENCRYPTED PRIVATE KEY', encryptPrivateKeyInfo(key, passphrase, opts));
}

/** PEM of a public key: SubjectPublicKeyInfo 'PUBLIC KEY' (default) or PKCS #1 'RSA PUBLIC KEY'. */
export function publicKeyToPem(pub: RsaPublicKey, format: 'spki' | 'pkcs1' = 'spki'): string {
  const only: RsaPublicKey = { n: pub.n, e: pub.e }; // a private key may be passed: drop its other fields
  return format === 'pkcs1' ? pemEncode('RSA PUBLIC KEY', encodeRsaPublicKey(only)) : pemEncode('PUBLIC KEY', encodeSubjectPublicKeyInfo(only));
}
