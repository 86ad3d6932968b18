/**
 * RSA key encodings (RFC 8017 A.1, RFC 5208/5958, RFC 8018, RFC 5280 4.1.2.7), checked against
 * independent implementations: keys from the openssl CLI and node:crypto are read by us, and
 * keys we write are accepted by them and read back byte for byte.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { der, DerReader, Tag } from '../../src/pki/der.js';
import {
  checkPrivateKey,
  decodePrivateKeyInfo,
  decodeRsaPrivateKey,
  decodeRsaPublicKey,
  decodeSubjectPublicKeyInfo,
  decryptPrivateKeyInfo,
  encodePrivateKeyInfo,
  encodeRsaPrivateKey,
  encodeRsaPublicKey,
  encodeSubjectPublicKeyInfo,
  encryptedPrivateKeyToPem,
  encryptPrivateKeyInfo,
  KeyError,
  parsePrivateKey,
  parsePublicKey,
  privateKeyToPem,
  publicKeyToPem,
  readSubjectPublicKeyInfo,
} from '../../src/pki/keys.js';
import { OID } from '../../src/pki/oid.js';
import { pemDecode, pemEncode } from '../../src/pki/pem.js';
import type { RsaPrivateKey } from '../../src/pki/rsa-key.js';
import { generateRsaKey } from '../../src/pki/rsa.js';
import { bytesToBigInt, toHex } from '../../src/util/bytes.js';
import { Ssl3Error } from '../../src/util/errors.js';
import { findPeer } from '../helpers/peers.js';
import { nodeRsaPair } from '../helpers/keys.js';

function keyError(f: () => unknown): KeyError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KeyError);
    return e as KeyError;
  }
  throw new Error('expected a KeyError, but nothing was thrown');
}

function b64u(s: string | undefined): bigint {
  return bytesToBigInt(new Uint8Array(Buffer.from(s ?? '', 'base64url')));
}

/** The key as node:crypto sees it, via JWK: an independent decoding to compare with. */
function fromNode(k: KeyObject): RsaPrivateKey {
  const j = k.export({ format: 'jwk' });
  return { n: b64u(j.n), e: b64u(j.e), d: b64u(j.d), p: b64u(j.p), q: b64u(j.q), dp: b64u(j.dp), dq: b64u(j.dq), qinv: b64u(j.qi) };
}

const u8 = (b: Buffer | string): Uint8Array => new Uint8Array(typeof b === 'string' ? Buffer.from(b) : b);

// One node-generated key serves most tests (native generation is fast).
const nodePair = nodeRsaPair(1024);
const nodeKey = fromNode(nodePair.privateKey);

describe('encodings round-trip byte for byte', () => {
  const pkcs1 = u8(nodePair.privateKey.export({ type: 'pkcs1', format: 'der' }));
  const pkcs8 = u8(nodePair.privateKey.export({ type: 'pkcs8', format: 'der' }));
  const spki = u8(nodePair.publicKey.export({ type: 'spki', format: 'der' }));
  const rsaPub = u8(nodePair.publicKey.export({ type: 'pkcs1', format: 'der' }));

  it('PKCS #1 RSAPrivateKey', () => {
    expect(decodeRsaPrivateKey(pkcs1)).toEqual(nodeKey);
    expect(encodeRsaPrivateKey(nodeKey)).toEqual(pkcs1);
  });

  it('PKCS #8 PrivateKeyInfo', () => {
    expect(decodePrivateKeyInfo(pkcs8)).toEqual(nodeKey);
    expect(encodePrivateKeyInfo(nodeKey)).toEqual(pkcs8);
  });

  it('SubjectPublicKeyInfo and PKCS #1 RSAPublicKey', () => {
    const info = decodeSubjectPublicKeyInfo(spki);
    expect(info).toEqual({ algorithmOid: OID.rsaEncryption, algorithmParams: der.null(), rsa: { n: nodeKey.n, e: nodeKey.e }, raw: spki });
    expect(encodeSubjectPublicKeyInfo(nodeKey)).toEqual(spki);
    expect(decodeRsaPublicKey(rsaPub)).toEqual({ n: nodeKey.n, e: nodeKey.e });
    expect(encodeRsaPublicKey(nodeKey)).toEqual(rsaPub);
  });

  it('PEM, every format, through our parsers and node', () => {
    for (const [pem, type] of [
      [privateKeyToPem(nodeKey), 'pkcs8'],
      [privateKeyToPem(nodeKey, 'pkcs1'), 'pkcs1'],
    ] as const) {
      expect(pem).toBe(nodePair.privateKey.export({ type, format: 'pem' }));
      expect(parsePrivateKey(pem)).toEqual(nodeKey);
    }
    expect(publicKeyToPem(nodeKey)).toBe(nodePair.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(publicKeyToPem(nodeKey, 'pkcs1')).toBe(nodePair.publicKey.export({ type: 'pkcs1', format: 'pem' }));
    expect(parsePublicKey(publicKeyToPem(nodeKey))).toEqual({ n: nodeKey.n, e: nodeKey.e });
    expect(parsePublicKey(publicKeyToPem(nodeKey, 'pkcs1'))).toEqual({ n: nodeKey.n, e: nodeKey.e });
  });

  it('DER input is detected without a label', () => {
    expect(parsePrivateKey(pkcs1)).toEqual(nodeKey);
    expect(parsePrivateKey(pkcs8)).toEqual(nodeKey);
    expect(parsePrivateKey(Buffer.from(pkcs8))).toEqual(nodeKey); // a Buffer is a Uint8Array
    expect(parsePublicKey(spki)).toEqual({ n: nodeKey.n, e: nodeKey.e });
    expect(parsePublicKey(rsaPub)).toEqual({ n: nodeKey.n, e: nodeKey.e });
    expect(parsePrivateKey(u8(privateKeyToPem(nodeKey)))).toEqual(nodeKey); // PEM given as bytes
  });
});

describe('node:crypto interop', () => {
  it('node reads the keys we write, and we read what node writes', () => {
    const k = createPrivateKey(privateKeyToPem(nodeKey));
    expect(fromNode(k)).toEqual(nodeKey);
    expect(fromNode(createPrivateKey({ key: Buffer.from(encodeRsaPrivateKey(nodeKey)), format: 'der', type: 'pkcs1' }))).toEqual(nodeKey);
    const pub = createPublicKey(publicKeyToPem(nodeKey)).export({ format: 'jwk' });
    expect([b64u(pub.n), b64u(pub.e)]).toEqual([nodeKey.n, nodeKey.e]);
  });

  it('encrypted PKCS #8 both ways (node uses PBES2 with PBKDF2-HMAC-SHA256)', () => {
    for (const cipher of ['aes-256-cbc', 'aes-128-cbc', 'des-ede3-cbc']) {
      const pem = nodePair.privateKey.export({ type: 'pkcs8', format: 'pem', cipher, passphrase: 'pässwörd' }) as string;
      expect(pemDecode(pem)[0].label).toBe('ENCRYPTED PRIVATE KEY');
      expect(parsePrivateKey(pem, 'pässwörd')).toEqual(nodeKey);
    }
    for (const cipher of ['aes-256-cbc', 'aes-128-cbc', 'des-ede3-cbc'] as const) {
      const ours = encryptedPrivateKeyToPem(nodeKey, 'pässwörd', { cipher, iterations: 1000 });
      expect(fromNode(createPrivateKey({ key: ours, passphrase: 'pässwörd' }))).toEqual(nodeKey);
      expect(parsePrivateKey(ours, 'pässwörd')).toEqual(nodeKey);
    }
  });

  it('a key from generateRsaKey is accepted by node and survives every encoding', () => {
    const key = generateRsaKey(768);
    checkPrivateKey(key);
    expect(fromNode(createPrivateKey(privateKeyToPem(key)))).toEqual(key);
    expect(parsePrivateKey(privateKeyToPem(key, 'pkcs1'))).toEqual(key);
    expect(parsePrivateKey(encryptedPrivateKeyToPem(key, 'x', { iterations: 10 }), 'x')).toEqual(key);
  });
});

describe('errors', () => {
  it('wrong or missing passphrase', () => {
    const enc = encryptedPrivateKeyToPem(nodeKey, 'right', { iterations: 10 });
    expect(keyError(() => parsePrivateKey(enc, 'wrong')).code).toBe('BAD_PASSPHRASE');
    expect(keyError(() => parsePrivateKey(enc)).code).toBe('PASSPHRASE_REQUIRED');
    // Many wrong passphrases: the padding sometimes looks right by chance; still BAD_PASSPHRASE.
    const derEnc = encryptPrivateKeyInfo(nodeKey, 'right', { iterations: 1 });
    for (let i = 0; i < 300; i++) expect(keyError(() => decryptPrivateKeyInfo(derEnc, `w${i}`)).code).toBe('BAD_PASSPHRASE');
  });

  it('an iteration count above the caller\'s bound is refused before any work', () => {
    const derEnc = encryptPrivateKeyInfo(nodeKey, 'p', { iterations: 5000 });
    expect(keyError(() => decryptPrivateKeyInfo(derEnc, 'p', { maxIterations: 4096 })).message).toMatch(/iteration count 5000/);
  });

  it('inconsistent private keys', () => {
    for (const field of ['n', 'd', 'p', 'dp', 'dq', 'qinv'] as const) {
      const bad = { ...nodeKey, [field]: nodeKey[field] + 2n };
      expect(keyError(() => parsePrivateKey(privateKeyToPem(bad))).code).toBe('INCONSISTENT_KEY');
    }
  });

  it('multi-prime and unknown versions', () => {
    const fields = [nodeKey.n, nodeKey.e, nodeKey.d, nodeKey.p, nodeKey.q, nodeKey.dp, nodeKey.dq, nodeKey.qinv].map((v) => der.integer(v));
    const multi = der.sequence(der.integer(1), ...fields, der.sequence(der.sequence(der.integer(7), der.integer(3), der.integer(5))));
    expect(keyError(() => parsePrivateKey(multi)).message).toMatch(/multi-prime/);
    expect(keyError(() => parsePrivateKey(multi)).code).toBe('UNSUPPORTED_KEY');
    expect(keyError(() => parsePrivateKey(der.sequence(der.integer(2), ...fields))).code).toBe('BAD_KEY');
  });

  it('other algorithms are named', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecPkcs8 = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(keyError(() => parsePrivateKey(ecPkcs8)).message).toMatch(/EC \(1\.2\.840\.10045\.2\.1\)/);
    const sec1 = ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    expect(keyError(() => parsePrivateKey(sec1)).message).toMatch(/EC private key/);
    const ed = generateKeyPairSync('ed25519');
    expect(keyError(() => parsePrivateKey(ed.privateKey.export({ type: 'pkcs8', format: 'der' }))).message).toMatch(/Ed25519/);

    // A certificate may still carry an EC key: its SubjectPublicKeyInfo parses, raw.
    const spki = u8(ec.publicKey.export({ type: 'spki', format: 'der' }));
    const info = decodeSubjectPublicKeyInfo(spki);
    expect(info.algorithmOid).toBe(OID.ecPublicKey);
    expect(info.rsa).toBeUndefined();
    expect(info.raw).toEqual(spki);
    expect(toHex(info.algorithmParams!)).toBe('06082a8648ce3d030107'); // prime256v1
    expect(keyError(() => parsePublicKey(spki)).code).toBe('UNSUPPORTED_KEY');
  });

  it('rsaEncryption parameters: NULL or absent, nothing else', () => {
    const body = der.bitString(encodeRsaPublicKey(nodeKey));
    expect(decodeSubjectPublicKeyInfo(der.sequence(der.sequence(der.oid(OID.rsaEncryption)), body)).rsa?.n).toBe(nodeKey.n);
    expect(() => decodeSubjectPublicKeyInfo(der.sequence(der.sequence(der.oid(OID.rsaEncryption), der.integer(0)), body))).toThrow(Ssl3Error);
    expect(() => decodeSubjectPublicKeyInfo(der.sequence(der.sequence(der.oid(OID.rsaEncryption), der.null()), der.bitString(encodeRsaPublicKey(nodeKey), 1)))).toThrow(
      Ssl3Error,
    );
  });

  it('readSubjectPublicKeyInfo consumes exactly one value inside a larger structure', () => {
    const spki = encodeSubjectPublicKeyInfo(nodeKey);
    const r = new DerReader(der.sequence(der.integer(5), spki, der.boolean(true))).sequence();
    r.integer();
    expect(readSubjectPublicKeyInfo(r).raw).toEqual(spki);
    expect(r.peekTag()).toBe(Tag.BOOLEAN);
  });

  it('files without a key, malformed PEM, and oversized moduli', () => {
    expect(keyError(() => parsePrivateKey(pemEncode('CERTIFICATE', new Uint8Array(3)))).message).toMatch(/no private key found.*'CERTIFICATE'/);
    expect(keyError(() => parsePrivateKey('nothing here')).code).toBe('NO_KEY');
    expect(keyError(() => parsePublicKey(privateKeyToPem(nodeKey))).code).toBe('NO_KEY');
    expect(keyError(() => parsePrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n')).code).toBe('BAD_KEY');
    expect(keyError(() => parsePrivateKey(new Uint8Array([1, 2, 3]))).code).toBe('BAD_KEY');
    expect(keyError(() => parsePrivateKey(pemEncode('PRIVATE KEY', new Uint8Array([0x30, 0])))).message).toMatch(/malformed PKCS #8/);
    const huge = encodeRsaPublicKey({ n: (1n << 20000n) + 1n, e: 65537n });
    expect(keyError(() => parsePublicKey(pemEncode('RSA PUBLIC KEY', huge))).code).toBe('UNSUPPORTED_KEY');
  });

  it('PKCS #8 attributes and the RFC 5958 v2 public key are skipped; anything after them is not', () => {
    const alg = der.sequence(der.oid(OID.rsaEncryption), der.null());
    const inner = der.octetString(encodeRsaPrivateKey(nodeKey));
    const attrs = der.tlv(0xa0, der.sequence(der.oid('1.2.840.113549.1.9.20'), der.setOf(der.tlv(0x1e, Uint8Array.of(0, 0x41)))));
    const pub = der.tlv(0x81, Uint8Array.of(0), encodeRsaPublicKey(nodeKey));
    expect(decodePrivateKeyInfo(der.sequence(der.integer(0), alg, inner, attrs))).toEqual(nodeKey);
    expect(decodePrivateKeyInfo(der.sequence(der.integer(1), alg, inner, attrs, pub))).toEqual(nodeKey);
    expect(decodePrivateKeyInfo(der.sequence(der.integer(1), alg, inner, pub))).toEqual(nodeKey);
    expect(() => decodePrivateKeyInfo(der.sequence(der.integer(0), alg, inner, pub))).toThrow(/unexpected bytes/);
    expect(() => decodePrivateKeyInfo(der.sequence(der.integer(0), alg, inner, der.null()))).toThrow(/unexpected bytes/);
  });

  it('finds the key among other blocks (a combined cert+key file)', () => {
    const text = pemEncode('CERTIFICATE', new Uint8Array(5)) + 'junk\n' + privateKeyToPem(nodeKey);
    expect(parsePrivateKey(text)).toEqual(nodeKey);
  });
});

describe('against the openssl CLI', () => {
  const openssl = findPeer('/usr/bin/openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'ssl3-keys-'));
  const f = (name: string) => join(dir, name);
  const run = (...args: string[]) => execFileSync(openssl!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const read = (name: string) => readFileSync(f(name), 'latin1');
  let reference: RsaPrivateKey;

  beforeAll(() => {
    if (!openssl) return;
    run('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', f('k8.pem'));
    reference = fromNode(createPrivateKey(read('k8.pem')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!openssl)('reads genpkey, genrsa, -traditional and DER output', () => {
    expect(parsePrivateKey(read('k8.pem'))).toEqual(reference);
    run('rsa', '-in', f('k8.pem'), '-traditional', '-out', f('k1.pem'));
    expect(read('k1.pem')).toContain('BEGIN RSA PRIVATE KEY');
    expect(parsePrivateKey(read('k1.pem'))).toEqual(reference);
    run('pkey', '-in', f('k8.pem'), '-outform', 'DER', '-out', f('k8.der'));
    expect(parsePrivateKey(readFileSync(f('k8.der')))).toEqual(reference);
    run('genrsa', '-out', f('g.pem'), '768');
    const g = parsePrivateKey(read('g.pem'));
    expect(g).toEqual(fromNode(createPrivateKey(read('g.pem'))));
    expect(privateKeyToPem(g)).toBe(read('g.pem')); // byte-identical re-encoding
    run('pkey', '-in', f('k8.pem'), '-pubout', '-out', f('pub.pem'));
    expect(parsePublicKey(read('pub.pem'))).toEqual({ n: reference.n, e: reference.e });
    expect(publicKeyToPem(reference)).toBe(read('pub.pem'));
  });

  it.skipIf(!openssl)('reads PKCS #8 encrypted with PBES2: aes-256-cbc, des3, aes-128 + hmacWithSHA1, genpkey -aes256', () => {
    const variants: string[][] = [
      ['-v2', 'aes-256-cbc'],
      ['-v2', 'des3'],
      ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1'],
      ['-v2', 'aes-192-cbc', '-v2prf', 'hmacWithSHA512'],
    ];
    for (const [i, v] of variants.entries()) {
      run('pkcs8', '-topk8', ...v, '-passout', 'pass:s3cret', '-in', f('k8.pem'), '-out', f(`e${i}.pem`));
      expect(parsePrivateKey(read(`e${i}.pem`), 's3cret')).toEqual(reference);
      expect(keyError(() => parsePrivateKey(read(`e${i}.pem`), 'other')).code).toBe('BAD_PASSPHRASE');
    }
    run('pkey', '-in', f('k8.pem'), '-aes256', '-passout', 'pass:s3cret', '-out', f('gp.pem'));
    expect(parsePrivateKey(read('gp.pem'), 's3cret')).toEqual(reference);
  });

  it.skipIf(!openssl)('explains what it cannot decrypt: legacy PEM, PKCS #12 PBE, scrypt', () => {
    run('rsa', '-in', f('k8.pem'), '-traditional', '-aes256', '-passout', 'pass:x', '-out', f('legacy.pem'));
    const legacy = keyError(() => parsePrivateKey(read('legacy.pem'), 'x'));
    expect(legacy.code).toBe('UNSUPPORTED_ENCRYPTION');
    expect(legacy.message).toMatch(/legacy PEM encryption.*AES-256-CBC.*openssl pkcs8 -topk8/);
    run('pkcs8', '-topk8', '-v1', 'PBE-SHA1-3DES', '-passout', 'pass:x', '-in', f('k8.pem'), '-out', f('p12.pem'));
    expect(keyError(() => parsePrivateKey(read('p12.pem'), 'x')).message).toMatch(/PKCS #12 password-based encryption.*openssl pkcs8/);
    run('pkcs8', '-topk8', '-scrypt', '-passout', 'pass:x', '-in', f('k8.pem'), '-out', f('scrypt.pem'));
    expect(keyError(() => parsePrivateKey(read('scrypt.pem'), 'x')).message).toMatch(/scrypt/);
  });

  it.skipIf(!openssl)('openssl accepts every key we write', () => {
    const key = generateRsaKey(1024);
    writeFileSync(f('o8.pem'), privateKeyToPem(key));
    writeFileSync(f('o1.pem'), privateKeyToPem(key, 'pkcs1'));
    writeFileSync(f('ospki.pem'), publicKeyToPem(key));
    writeFileSync(f('opub1.pem'), publicKeyToPem(key, 'pkcs1'));
    writeFileSync(f('oenc.pem'), encryptedPrivateKeyToPem(key, 'pw', { iterations: 100 }));
    writeFileSync(f('oenc3.pem'), encryptedPrivateKeyToPem(key, 'pw', { cipher: 'des-ede3-cbc', iterations: 100 }));
    for (const name of ['o8.pem', 'o1.pem']) expect(run('rsa', '-check', '-noout', '-in', f(name)).toString()).toMatch(/RSA key ok/);
    const modulus = `Modulus=${key.n.toString(16).toUpperCase()}`;
    expect(run('rsa', '-pubin', '-in', f('ospki.pem'), '-noout', '-modulus').toString().trim()).toBe(modulus);
    expect(run('rsa', '-RSAPublicKey_in', '-in', f('opub1.pem'), '-noout', '-modulus').toString().trim()).toBe(modulus);
    expect(run('pkey', '-pubin', '-in', f('ospki.pem')).toString()).toBe(publicKeyToPem(key));
    for (const name of ['oenc.pem', 'oenc3.pem']) expect(run('pkey', '-in', f(name), '-passin', 'pass:pw').toString()).toBe(privateKeyToPem(key));
    // openssl re-encodes what we wrote to the same bytes.
    expect(run('pkey', '-in', f('o8.pem')).toString()).toBe(privateKeyToPem(key));
    expect(run('rsa', '-in', f('o8.pem'), '-traditional').toString()).toBe(privateKeyToPem(key, 'pkcs1'));
  });
});
