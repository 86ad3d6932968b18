/**
 * RSA (RFC 8017) against node:crypto (OpenSSL): keys exchanged as JWK, PKCS#1 v1.5
 * encryption both ways, signatures both ways with byte-exact comparison, SSL 3.0's bare
 * MD5||SHA-1 signature, strict verification, key generation, and a NIST CAVS known answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as nodeCrypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import {
  emsaPkcs1v15Encode,
  generateRsaKey,
  i2osp,
  lcm,
  modulusBytes,
  os2ip,
  publicKeyOf,
  rsaDecryptPkcs1,
  rsaEncryptPkcs1,
  rsaPrivate,
  rsaPublic,
  rsaSignPkcs1,
  rsaVerifyPkcs1,
  validateRsaPrivateKey,
  type Pkcs1HashAlg,
  type RsaPrivateKey,
} from '../../src/pki/rsa.js';
import { BLINDING_REFRESH_INTERVAL } from '../../src/pki/rsa-raw.js';
import { RsaError } from '../../src/util/errors.js';
import { concatBytes, fromHex } from '../../src/util/bytes.js';
import type { RandomSource } from '../../src/util/random.js';
import { seededRandom } from '../helpers/keys.js';
import { nodeRsaPair } from '../helpers/keys.js';

// ---- JWK exchange with node (no DER needed) ----

const b64uToBig = (s: string) => BigInt('0x' + (Buffer.from(s, 'base64url').toString('hex') || '0'));
const bigToB64u = (x: bigint) => {
  let h = x.toString(16);
  if (h.length % 2) h = '0' + h;
  return Buffer.from(h, 'hex').toString('base64url');
};

function fromNode(key: nodeCrypto.KeyObject): RsaPrivateKey {
  const j = key.export({ format: 'jwk' });
  const f = (name: string) => b64uToBig((j as Record<string, string>)[name]);
  return { n: f('n'), e: f('e'), d: f('d'), p: f('p'), q: f('q'), dp: f('dp'), dq: f('dq'), qinv: f('qi') };
}

function toNode(key: RsaPrivateKey): { priv: nodeCrypto.KeyObject; pub: nodeCrypto.KeyObject } {
  const jwk = {
    kty: 'RSA',
    n: bigToB64u(key.n),
    e: bigToB64u(key.e),
    d: bigToB64u(key.d),
    p: bigToB64u(key.p),
    q: bigToB64u(key.q),
    dp: bigToB64u(key.dp),
    dq: bigToB64u(key.dq),
    qi: bigToB64u(key.qinv),
  };
  const priv = nodeCrypto.createPrivateKey({ key: jwk, format: 'jwk' });
  return { priv, pub: nodeCrypto.createPublicKey(priv) };
}


const u8 = (b: Buffer | Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

const HASHES: Record<Exclude<Pkcs1HashAlg, 'md5-sha1'>, (m: Uint8Array) => Uint8Array> = { md5, sha1, sha224, sha256, sha384, sha512 };

interface Pair {
  ours: RsaPrivateKey;
  priv: nodeCrypto.KeyObject;
  pub: nodeCrypto.KeyObject;
}

const nodePairs: Record<number, Pair> = {};

beforeAll(() => {
  for (const bits of [1024, 2048]) {
    const { privateKey, publicKey } = nodeRsaPair(bits);
    nodePairs[bits] = { ours: fromNode(privateKey), priv: privateKey, pub: publicKey };
  }
});

describe('raw RSA against node', () => {
  it('a node key imported via JWK is consistent', () => {
    for (const { ours } of Object.values(nodePairs)) validateRsaPrivateKey(ours);
  });

  it('rsaPublic / rsaPrivate equal node RSA_NO_PADDING in both directions', () => {
    const { ours, priv, pub } = nodePairs[2048];
    const k = modulusBytes(ours);
    for (let i = 0; i < 3; i++) {
      const x = os2ip(nodeCrypto.randomBytes(k)) % ours.n;
      const xb = Buffer.from(i2osp(x, k));
      const nodeEnc = nodeCrypto.publicEncrypt({ key: pub, padding: nodeCrypto.constants.RSA_NO_PADDING }, xb);
      expect(i2osp(rsaPublic(ours, x), k)).toEqual(u8(nodeEnc));
      const nodeDec = nodeCrypto.privateDecrypt({ key: priv, padding: nodeCrypto.constants.RSA_NO_PADDING }, xb);
      expect(i2osp(rsaPrivate(ours, x), k)).toEqual(u8(nodeDec));
    }
  });

  it('rsaPrivate inverts rsaPublic at the edges (0, 1, n-1)', () => {
    const { ours } = nodePairs[1024];
    for (const x of [0n, 1n, 2n, ours.n - 1n]) expect(rsaPrivate(ours, rsaPublic(ours, x))).toBe(x);
  });

  it('refuses inputs outside [0, n)', () => {
    const { ours } = nodePairs[1024];
    for (const x of [-1n, ours.n, ours.n + 5n]) {
      expect(() => rsaPublic(ours, x)).toThrow(RsaError);
      expect(() => rsaPrivate(ours, x)).toThrow(RsaError);
    }
  });

  it('detects a faulty CRT computation instead of returning it', () => {
    const { ours } = nodePairs[1024];
    const broken = { ...ours, dp: ours.dp ^ 2n };
    try {
      rsaPrivate(broken, 12345n);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RsaError);
      expect((e as RsaError).code).toBe('FAULT_DETECTED');
    }
    expect(() => validateRsaPrivateKey(broken)).toThrow(/dp/);
  });

  it('rejects malformed keys as programmer errors', () => {
    const { ours } = nodePairs[1024];
    const noQ = { ...ours, q: undefined } as unknown as RsaPrivateKey;
    expect(() => rsaPrivate(noQ, 5n)).toThrow(RsaError);
    expect(() => rsaPublic({ n: 10n, e: 3n }, 5n)).toThrow(/public key/);
  });

  it('blinding depends on the random source but the result does not', () => {
    const { ours } = nodePairs[1024];
    const x = 0x1234567890abcdefn;
    expect(rsaPrivate(ours, x, seededRandom('a'))).toBe(rsaPrivate(ours, x, seededRandom('b')));
  });
});

/** A random source that counts how often it is read. */
function countingRandom(seed: string): RandomSource & { calls: number } {
  const inner = seededRandom(seed);
  const source = Object.assign((length: number) => {
    source.calls++;
    return inner(length);
  }, { calls: 0 });
  return source;
}

describe('cached blinding (one r per key, renewed by squaring)', () => {
  it('50 consecutive private operations on one key equal node, across a refresh', () => {
    const { ours, priv } = nodePairs[2048];
    const key = { ...ours }; // a new key object: its own, empty blinding state
    const k = modulusBytes(key);
    const random = countingRandom('chain');
    for (let i = 0; i < 50; i++) {
      const x = os2ip(nodeCrypto.randomBytes(k)) % key.n;
      const nodeDec = nodeCrypto.privateDecrypt({ key: priv, padding: nodeCrypto.constants.RSA_NO_PADDING }, Buffer.from(i2osp(x, k)));
      expect(i2osp(rsaPrivate(key, x, random), k)).toEqual(u8(nodeDec));
    }
    // Read for call 1 and again for call 1 + BLINDING_REFRESH_INTERVAL, never in between.
    expect(BLINDING_REFRESH_INTERVAL).toBeLessThan(50);
    expect(random.calls).toBe(2);
  });

  it('reads the caller\'s random source: a different source starts a fresh pair', () => {
    const { ours } = nodePairs[1024];
    const key = { ...ours };
    const a = countingRandom('a');
    const b = countingRandom('b');
    const x = 0xfeedfacecafebeefn;
    const y = rsaPublic(key, x);
    for (const [source, calls] of [[a, 1], [a, 1], [b, 1], [b, 1], [a, 2]] as const) {
      expect(rsaPrivate(key, y, source)).toBe(x);
      expect(source.calls).toBe(calls);
    }
  });

  it('is deterministic per key object with a deterministic source', () => {
    const { ours } = nodePairs[1024];
    const trace = () => {
      const key = { ...ours };
      const seen: string[] = [];
      const inner = seededRandom('det');
      const random: RandomSource = (length) => {
        const out = inner(length);
        seen.push(Buffer.from(out).toString('hex'));
        return out;
      };
      const results = Array.from({ length: BLINDING_REFRESH_INTERVAL + 2 }, (_, i) => rsaPrivate(key, BigInt(i + 2), random));
      return { seen, results };
    };
    const first = trace();
    expect(first.seen).toHaveLength(2);
    expect(trace()).toEqual(first);
  });

  it('drops the pair after a detected fault and works again afterwards', () => {
    const { ours } = nodePairs[1024];
    const key = { ...ours } as { -readonly [F in keyof RsaPrivateKey]: RsaPrivateKey[F] };
    const random = countingRandom('fault');
    const x = 0x0123456789n;
    const y = rsaPublic(key, x);
    expect(rsaPrivate(key, y, random)).toBe(x);
    expect(random.calls).toBe(1);
    key.dp ^= 2n; // a fault in the p half
    expect(() => rsaPrivate(key, y, random)).toThrow(/consistency check/);
    key.dp ^= 2n;
    expect(rsaPrivate(key, y, random)).toBe(x);
    expect(random.calls).toBe(2);
  });
});

describe('PKCS#1 v1.5 encryption against node', () => {
  it('node publicEncrypt -> rsaDecryptPkcs1, all message lengths at the edges', () => {
    const { ours, pub } = nodePairs[1024];
    const k = modulusBytes(ours);
    for (const len of [0, 1, 16, 48, k - 11]) {
      const msg = nodeCrypto.randomBytes(len);
      const ct = nodeCrypto.publicEncrypt({ key: pub, padding: nodeCrypto.constants.RSA_PKCS1_PADDING }, msg);
      expect(rsaDecryptPkcs1(ours, u8(ct))).toEqual(u8(msg));
    }
  });

  it('rsaEncryptPkcs1 -> node privateDecrypt (RSA_NO_PADDING): a well-formed type-2 block', () => {
    const { ours, priv } = nodePairs[2048];
    const k = modulusBytes(ours);
    for (const len of [0, 48, k - 11]) {
      const msg = u8(nodeCrypto.randomBytes(len));
      const ct = rsaEncryptPkcs1(publicKeyOf(ours), msg);
      expect(ct.length).toBe(k);
      const em = u8(nodeCrypto.privateDecrypt({ key: priv, padding: nodeCrypto.constants.RSA_NO_PADDING }, ct));
      expect(em[0]).toBe(0);
      expect(em[1]).toBe(2);
      const psLen = k - 3 - len;
      expect(psLen).toBeGreaterThanOrEqual(8);
      expect(em.subarray(2, 2 + psLen).every((b) => b !== 0)).toBe(true);
      expect(em[2 + psLen]).toBe(0);
      expect(em.subarray(3 + psLen)).toEqual(msg);
      expect(rsaDecryptPkcs1(ours, ct)).toEqual(msg);
    }
  });

  it('rsaEncryptPkcs1 -> node privateDecrypt with RSA_PKCS1_PADDING (child node with the Marvin revert)', () => {
    // Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809) unless reverted per process.
    const { ours, priv } = nodePairs[1024];
    const pem = priv.export({ format: 'pem', type: 'pkcs8' }) as string;
    const messages = [new Uint8Array(0), u8(nodeCrypto.randomBytes(48)), u8(nodeCrypto.randomBytes(modulusBytes(ours) - 11))];
    const cts = messages.map((m) => Buffer.from(rsaEncryptPkcs1(ours, m)).toString('hex'));
    const script = `
      const c = require('crypto');
      const { pem, cts } = JSON.parse(require('fs').readFileSync(0, 'utf8'));
      const out = cts.map((h) => c.privateDecrypt({ key: pem, padding: c.constants.RSA_PKCS1_PADDING }, Buffer.from(h, 'hex')).toString('hex'));
      process.stdout.write(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--security-revert=CVE-2023-46809', '-e', script], {
      input: JSON.stringify({ pem, cts }),
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    // Node prints a "SECURITY WARNING" line about the revert first.
    const decrypted = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as string[];
    expect(decrypted).toEqual(messages.map((m) => Buffer.from(m).toString('hex')));
  });

  it('refuses an over-long message', () => {
    const { ours } = nodePairs[1024];
    expect(() => rsaEncryptPkcs1(ours, new Uint8Array(modulusBytes(ours) - 10))).toThrow(/does not fit/);
  });

  it('the padding is nonzero even from a source full of zeros', () => {
    const { ours } = nodePairs[1024];
    let calls = 0;
    // Mostly zeros: the padding must skip them and ask for more.
    const zeroish: RandomSource = (n) => Uint8Array.from({ length: n }, (_, i) => ((i + calls++) % 5 === 0 ? 7 : 0));
    const ct = rsaEncryptPkcs1(ours, Uint8Array.of(1, 2, 3), zeroish);
    expect(rsaDecryptPkcs1(ours, ct)).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('rsaDecryptPkcs1 throws DECRYPT_FAILED on every kind of bad block', () => {
    const { ours } = nodePairs[1024];
    const k = modulusBytes(ours);
    const block = (mutate: (em: Uint8Array) => void) => {
      const em = new Uint8Array(k);
      em[1] = 2;
      em.fill(0x55, 2, k); // no zero anywhere: each case places (or omits) the separator
      mutate(em);
      return i2osp(rsaPublic(ours, os2ip(em)), k);
    };
    const bad = [
      block((em) => ((em[1] = 1), (em[k - 11] = 0))), // type 1
      block((em) => ((em[0] = 1), (em[k - 11] = 0))), // leading octet
      block(() => {}), // no separator at all: PS runs to the end
      block((em) => (em[5] = 0)), // separator after only 3 octets of PS
      new Uint8Array(k - 1), // wrong length
      i2osp(ours.n, k), // c >= n
    ];
    for (const ct of bad) {
      try {
        rsaDecryptPkcs1(ours, ct);
        expect.unreachable();
      } catch (e) {
        expect((e as RsaError).code).toBe('DECRYPT_FAILED');
      }
    }
    // Separator right after 8 octets of PS is the minimum that is accepted.
    expect(rsaDecryptPkcs1(ours, block((em) => (em[10] = 0))).length).toBe(k - 11);
  });
});

describe('PKCS#1 v1.5 signatures against node', () => {
  const msg = new TextEncoder().encode('SSL 3.0 ServerKeyExchange params');

  for (const alg of ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const) {
    it(`${alg}: ours equal node's byte for byte, and each verifies the other`, () => {
      for (const bits of [1024, 2048]) {
        const { ours, priv, pub } = nodePairs[bits];
        const digest = HASHES[alg](msg);
        const sig = rsaSignPkcs1(ours, alg, digest);
        const nodeSig = nodeCrypto.sign(alg, msg, priv);
        expect(sig).toEqual(u8(nodeSig)); // v1.5 signatures are deterministic
        expect(nodeCrypto.verify(alg, msg, pub, sig)).toBe(true);
        expect(rsaVerifyPkcs1(publicKeyOf(ours), alg, digest, u8(nodeSig))).toBe(true);
      }
    });
  }

  it("md5-sha1 (SSL 3.0): the bare 36-octet digest, as node's privateEncrypt pads it", () => {
    const { ours, priv, pub } = nodePairs[1024];
    const digest = concatBytes(md5(msg), sha1(msg));
    const sig = rsaSignPkcs1(ours, 'md5-sha1', digest);
    expect(sig).toEqual(u8(nodeCrypto.privateEncrypt({ key: priv, padding: nodeCrypto.constants.RSA_PKCS1_PADDING }, digest)));
    expect(u8(nodeCrypto.publicDecrypt({ key: pub, padding: nodeCrypto.constants.RSA_PKCS1_PADDING }, sig))).toEqual(digest);
    expect(rsaVerifyPkcs1(ours, 'md5-sha1', digest, sig)).toBe(true);
  });

  it('rejects altered signatures, digests and lengths', () => {
    const { ours } = nodePairs[1024];
    const k = modulusBytes(ours);
    const digest = sha256(msg);
    const sig = rsaSignPkcs1(ours, 'sha256', digest);
    const flipped = sig.slice();
    flipped[k - 1] ^= 1;
    expect(rsaVerifyPkcs1(ours, 'sha256', digest, flipped)).toBe(false);
    const otherDigest = digest.slice();
    otherDigest[0] ^= 0x80;
    expect(rsaVerifyPkcs1(ours, 'sha256', otherDigest, sig)).toBe(false);
    expect(rsaVerifyPkcs1(ours, 'sha1', sha1(msg), sig)).toBe(false);
    expect(rsaVerifyPkcs1(ours, 'sha256', digest, sig.subarray(1))).toBe(false);
    expect(rsaVerifyPkcs1(ours, 'sha256', digest, concatBytes(Uint8Array.of(0), sig))).toBe(false);
    expect(rsaVerifyPkcs1(ours, 'sha256', digest, i2osp(ours.n, k))).toBe(false);
  });

  it('rejects Bleichenbacher-2006-style blocks that a lenient parser would accept', () => {
    // Correctly "signed" (raw private op) but malformed blocks: a verifier that parses EM and
    // stops after the digest, or skips DigestInfo parameters, accepts some of these.
    const { ours, pub } = nodePairs[2048];
    const k = modulusBytes(ours);
    const digest = sha1(msg);
    const good = emsaPkcs1v15Encode('sha1', digest, k);
    const t = good.subarray(k - 35);
    const withTail = (ffCount: number, tail: Uint8Array) => {
      const em = new Uint8Array(k);
      em[1] = 1;
      em.fill(0xff, 2, 2 + ffCount);
      em.set(t, 3 + ffCount);
      em.set(tail, 3 + ffCount + t.length);
      return em;
    };
    const forged: Uint8Array[] = [
      withTail(8, u8(nodeCrypto.randomBytes(k - 3 - 8 - 35))), // garbage after the digest
      (() => {
        const em = good.slice();
        em[1] = 2; // block type 2
        return em;
      })(),
      (() => {
        const em = good.slice();
        em[5] = 0xfe; // not all 0xff
        return em;
      })(),
      (() => {
        // DigestInfo without the NULL parameters (some decoders accept both)
        const info = fromHex('301f300706052b0e03021a0414');
        const em = new Uint8Array(k);
        em[1] = 1;
        em.fill(0xff, 2, k - info.length - 20 - 1);
        em.set(info, k - info.length - 20);
        em.set(digest, k - 20);
        return em;
      })(),
    ];
    for (const em of forged) {
      const sig = i2osp(rsaPrivate(ours, os2ip(em)), k);
      expect(rsaVerifyPkcs1(ours, 'sha1', digest, sig)).toBe(false);
      expect(nodeCrypto.verify('sha1', msg, pub, sig)).toBe(false); // OpenSSL agrees
    }
    expect(rsaVerifyPkcs1(ours, 'sha1', digest, i2osp(rsaPrivate(ours, os2ip(good)), k))).toBe(true);
  });

  it('throws on wrong digest lengths, unknown hashes and keys too small for the hash', () => {
    const { ours } = nodePairs[1024];
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as RsaError).code;
      }
      return 'no error';
    };
    expect(codeOf(() => rsaSignPkcs1(ours, 'sha256', new Uint8Array(20)))).toBe('BAD_DIGEST_LENGTH');
    expect(codeOf(() => rsaVerifyPkcs1(ours, 'md5-sha1', new Uint8Array(35), new Uint8Array(128)))).toBe('BAD_DIGEST_LENGTH');
    expect(codeOf(() => rsaSignPkcs1(ours, 'sha3-256' as Pkcs1HashAlg, new Uint8Array(32)))).toBe('UNSUPPORTED_HASH');
    expect(codeOf(() => emsaPkcs1v15Encode('sha256', new Uint8Array(32), 61))).toBe('KEY_TOO_SMALL');
    expect(emsaPkcs1v15Encode('sha256', new Uint8Array(32), 62).length).toBe(62);
  });
});

describe('key generation', () => {
  it('rejects sizes outside 512..4096 and bad exponents', () => {
    for (const bits of [0, 256, 511, 4097, 1024.5]) {
      expect(() => generateRsaKey(bits)).toThrow(expect.objectContaining({ code: 'BAD_KEY_SIZE' }) as Error);
    }
    for (const e of [1n, 2n, 65536n, 1n << 257n]) {
      expect(() => generateRsaKey(512, { e })).toThrow(expect.objectContaining({ code: 'BAD_EXPONENT' }) as Error);
    }
  });

  function checkStructure(key: RsaPrivateKey, bits: number) {
    validateRsaPrivateKey(key);
    expect(key.n.toString(2).length).toBe(bits);
    expect(key.p * key.q).toBe(key.n);
    expect(key.p > key.q).toBe(true);
    expect(key.p >> BigInt(bits - (bits >> 1) - 2)).toBe(3n);
    expect(key.q >> BigInt((bits >> 1) - 2)).toBe(3n);
    expect((key.e * key.d) % lcm(key.p - 1n, key.q - 1n)).toBe(1n);
    expect(key.d > 1n << BigInt(bits >> 1)).toBe(true);
    expect(nodeCrypto.checkPrimeSync(key.p, { checks: 20 })).toBe(true);
    expect(nodeCrypto.checkPrimeSync(key.q, { checks: 20 })).toBe(true);
  }

  function interop(key: RsaPrivateKey, bits: number) {
    const { priv, pub } = toNode(key);
    expect(priv.asymmetricKeyDetails?.modulusLength).toBe(bits);
    const msg = nodeCrypto.randomBytes(100);
    const alg = bits >= 1024 ? 'sha256' : 'sha1';
    const digest = alg === 'sha256' ? sha256(msg) : sha1(msg);
    expect(rsaVerifyPkcs1(key, alg, digest, u8(nodeCrypto.sign(alg, msg, priv)))).toBe(true);
    expect(nodeCrypto.verify(alg, msg, pub, rsaSignPkcs1(key, alg, digest))).toBe(true);
    const secret = nodeCrypto.randomBytes(48);
    const ct = nodeCrypto.publicEncrypt({ key: pub, padding: nodeCrypto.constants.RSA_PKCS1_PADDING }, secret);
    expect(rsaDecryptPkcs1(key, u8(ct))).toEqual(u8(secret));
  }

  for (const bits of [512, 768, 1024, 1025]) {
    it(`${bits}-bit keys: structure and node interop`, () => {
      const key = generateRsaKey(bits);
      checkStructure(key, bits);
      interop(key, bits);
    });
  }

  it('2048-bit key: structure and node interop', () => {
    const key = generateRsaKey(2048);
    checkStructure(key, 2048);
    interop(key, 2048);
  });

  it('deterministic with an injected random source; e = 3 supported', () => {
    const a = generateRsaKey(512, { e: 3n, random: seededRandom('key') });
    const b = generateRsaKey(512, { e: 3n, random: seededRandom('key') });
    expect(a).toEqual(b);
    expect(a.e).toBe(3n);
    checkStructure(a, 512);
    interop(a, 512);
  });
});

describe('known answers', () => {
  // NIST CAVS 10.1 "SigGen PKCS#1 Ver 1.5" (SigGen15_186-3.rsp), [mod = 1024], first SHA1 and
  // first SHA256 vectors. The file gives n, e, message and signature; we verify.
  const n = os2ip(
    fromHex(
      'a3ecf80ff1804833c36a89a1583f58ef3332476a50a153e73ced17796139636045c131a6b17222ba8848f70150b18dfa' +
        '390bfb1670ae982dfbc311fd0ede055564687af3805ca883944bb5ac9ec19b0e0cfbd9a314d70b17080c3d49b50cbf41' +
        '7062eb41bd639d67a5fb330ec55a0489fee08eeec97ed487c114b20393fe0aef',
    ),
  );
  const key = { n, e: 0x1001n };
  const vectors = [
    {
      alg: 'sha1' as const,
      msg:
        '1018469fda81f41922cfdb2dca679f7f3a286f11ba448ab71e4e02cca994c0242caec9416e57c0cad07cab383193fad3' +
        '102ec5ddf0d0550d01ffe63ffc9aab694f6d13d17a034b7db9bb04ebe31e76039270a44a8485e25841d7958cfed53bfe' +
        'c27dabb5c72c9d1b23b56cada7b11bf7081797c03c0d3b8227fd991d77ea78cb',
      sig:
        '147A8797D9D653F52D210135F61BBDFE59698D755B076230F2B252E7792C86121469FAB7B410789DF4F193A76E8BE99A' +
        '2162E422C6A56106FA4E2FE5ABAFC542FF1A899D8580F9F6B4CD29A8310CD34964CE22BBAD9618D97E4C36695B246BDD' +
        '0C0D5D0C75D044265E6F275A272718B0C2B93974DC76DDCCA985BEF994CE67BD',
    },
    {
      alg: 'sha256' as const,
      msg:
        'dfce08b64b9ea4014947012670548da4ceeee084dbfe509aac92bf096982b8050153bbdd1c5bd4385226729e9a19773b' +
        '05558ce0acdfb74be6fd2fa8bfe36f58a68e89f066f1bd85584f4a27d6e884abf2d727ae683bebd6d295585b1b71dcc6' +
        '36491bf910a68670c3882fc60c08db7bff3c59f4f95b13c3d721e329657528d9',
      sig:
        '8D9D30A87DF0C2F6CD651FCAF2B9AC1296287AD3D4B03132E330F08AB701FC197040D0A261F631E7E34478B592551E1F' +
        '682395C9E2B54C8CE8B0C72C1B5A79748CC34F9152730A7F67FAE1225A4CE750F1D5D4E288176DF197E7503C88B5BAEC' +
        'EF3ABCF2875F111E6D7F7B4DC8AFA2ED3C1D7AD8E7CF45A77F0B1CB178518402',
    },
  ];
  for (const v of vectors) {
    it(`SigGen15 1024-bit ${v.alg}`, () => {
      const digest = (v.alg === 'sha1' ? sha1 : sha256)(fromHex(v.msg));
      const sig = fromHex(v.sig);
      expect(rsaVerifyPkcs1(key, v.alg, digest, sig)).toBe(true);
      const bad = sig.slice();
      bad[10] ^= 4;
      expect(rsaVerifyPkcs1(key, v.alg, digest, bad)).toBe(false);
    });
  }
});
