/**
 * The SSL 3.0 premaster-secret decryption with the Bleichenbacher countermeasure
 * (RFC 6101 5.6.7.1; countermeasure as RFC 5246 7.4.7.1): every malformed block yields a
 * random 48-octet secret and goodMask 0, never an exception, and uses the same work and
 * randomness as a good block.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as nodeCrypto from 'node:crypto';
import {
  generatePrime,
  i2osp,
  modInverse,
  modulusBytes,
  os2ip,
  rsaDecryptPremaster,
  rsaDecryptPremasterDetailed,
  rsaEncryptPkcs1,
  rsaPublic,
  type RsaPrivateKey,
} from '../../src/pki/rsa.js';
import { RsaError } from '../../src/util/errors.js';
import { concatBytes } from '../../src/util/bytes.js';
import type { RandomSource } from '../../src/util/random.js';
import { seededRandom } from '../helpers/keys.js';
import { nodeRsaPair } from '../helpers/keys.js';

const b64uToBig = (s: string) => BigInt('0x' + Buffer.from(s, 'base64url').toString('hex'));
const u8 = (b: Buffer | Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);


/** A RandomSource that counts the octets asked of it. */
function countingRandom(): { random: RandomSource; used: () => number } {
  let used = 0;
  return {
    random: (n) => {
      used += n;
      return u8(nodeCrypto.randomBytes(n));
    },
    used: () => used,
  };
}

let key: RsaPrivateKey;
let nodePub: nodeCrypto.KeyObject;
let k: number;

beforeAll(() => {
  const { privateKey, publicKey } = nodeRsaPair(1024);
  const j = privateKey.export({ format: 'jwk' }) as Record<string, string>;
  const f = (name: string) => b64uToBig(j[name]);
  key = { n: f('n'), e: f('e'), d: f('d'), p: f('p'), q: f('q'), dp: f('dp'), dq: f('dq'), qinv: f('qi') };
  nodePub = publicKey;
  k = modulusBytes(key);
});

function premasterFor(version: [number, number]): Uint8Array {
  return concatBytes(Uint8Array.from(version), u8(nodeCrypto.randomBytes(46)));
}

/** 00 02 PS(k-51 nonzero) 00 premaster(48), mutated, then encrypted raw: any block we like. */
function rawBlock(premaster: Uint8Array, mutate: (em: Uint8Array) => void = () => {}): Uint8Array {
  const em = new Uint8Array(k);
  em[1] = 2;
  for (let i = 2; i < k - 49; i++) em[i] = 1 + (i % 255);
  em.set(premaster, k - 48);
  mutate(em);
  return i2osp(rsaPublic(key, os2ip(em)), k);
}

describe('rsaDecryptPremaster: well-formed blocks', () => {
  it("node's publicEncrypt of an SSL 3.0 premaster decrypts, version as number or pair", () => {
    const pm = premasterFor([3, 0]);
    const ct = u8(nodeCrypto.publicEncrypt({ key: nodePub, padding: nodeCrypto.constants.RSA_PKCS1_PADDING }, pm));
    for (const v of [0x0300, [3, 0] as const]) {
      const r = rsaDecryptPremasterDetailed(key, ct, v);
      expect(r.goodMask).toBe(-1);
      expect(r.premaster).toEqual(pm);
      expect(rsaDecryptPremaster(key, ct, v)).toEqual(pm);
    }
  });

  it('our rsaEncryptPkcs1 output decrypts; a TLS 1.0 client_version is checked the same way', () => {
    const pm = premasterFor([3, 1]);
    const ct = rsaEncryptPkcs1(key, pm);
    expect(rsaDecryptPremasterDetailed(key, ct, [3, 1])).toEqual({ premaster: pm, goodMask: -1 });
  });

  it('zeros inside the secret itself are fine (only the separator position matters)', () => {
    const pm = concatBytes(Uint8Array.of(3, 0), new Uint8Array(46));
    const r = rsaDecryptPremasterDetailed(key, rawBlock(pm), 0x0300);
    expect(r.goodMask).toBe(-1);
    expect(r.premaster).toEqual(pm);
  });
});

describe('rsaDecryptPremaster: malformed blocks give a random secret, never a throw', () => {
  const real = concatBytes(Uint8Array.of(3, 0), Uint8Array.from({ length: 46 }, (_, i) => i + 1));

  const cases: Array<[string, () => Uint8Array]> = [
    ['wrong minor version', () => rawBlock(real, (em) => (em[k - 47] = 1))],
    ['wrong major version', () => rawBlock(real, (em) => (em[k - 48] = 2))],
    ['version bytes zero', () => rawBlock(real, (em) => (em[k - 48] = em[k - 47] = 0))],
    ['block type 1', () => rawBlock(real, (em) => (em[1] = 1))],
    ['block type 0', () => rawBlock(real, (em) => (em[1] = 0))],
    ['leading octet not zero', () => rawBlock(real, (em) => (em[0] = 1))],
    ['no separator', () => rawBlock(real, (em) => (em[k - 49] = 0x42))],
    ['separator one early (49-octet message)', () => rawBlock(real, (em) => ((em[k - 50] = 0), (em[k - 49] = 3)))],
    ['separator one late (47-octet message)', () => rawBlock(real, (em) => ((em[k - 49] = 7), (em[k - 48] = 0)))],
    ['short padding: zero after 3 octets of PS', () => rawBlock(real, (em) => (em[5] = 0))],
    ['empty padding: zero right after 00 02', () => rawBlock(real, (em) => (em[2] = 0))],
    ['zero at the end of PS', () => rawBlock(real, (em) => (em[k - 50] = 0))],
    ['ciphertext one octet short', () => rawBlock(real).subarray(1)],
    ['ciphertext with a leading zero octet', () => concatBytes(new Uint8Array(1), rawBlock(real))],
    ['empty ciphertext', () => new Uint8Array(0)],
    ['double-length ciphertext', () => concatBytes(rawBlock(real), rawBlock(real))],
    ['ciphertext = n', () => i2osp(key.n, k)],
    ['ciphertext all 0xff (> n)', () => new Uint8Array(k).fill(0xff)],
    ['ciphertext = c + n', () => {
      const c = os2ip(rawBlock(real)) + key.n;
      return c < 1n << BigInt(8 * k) ? i2osp(c, k) : new Uint8Array(k).fill(0xff);
    }],
  ];

  for (const [name, make] of cases) {
    it(name, () => {
      const ct = make();
      const seed = `bad/${name}`;
      let r: { premaster: Uint8Array; goodMask: number } | undefined;
      expect(() => (r = rsaDecryptPremasterDetailed(key, ct, 0x0300, seededRandom(seed)))).not.toThrow();
      expect(r!.goodMask).toBe(0);
      expect(r!.premaster.length).toBe(48);
      expect(r!.premaster).not.toEqual(real);
      // The substitute is the first 48 octets drawn, before the ciphertext is looked at.
      expect(r!.premaster).toEqual(seededRandom(seed)(48));
      // With the system source: unpredictable, different each time.
      const a = rsaDecryptPremaster(key, ct, [3, 0]);
      const b = rsaDecryptPremaster(key, ct, [3, 0]);
      expect(a.length).toBe(48);
      expect(a).not.toEqual(b);
    });
  }

  it('the unmutated block of the same construction is accepted (the cases test what they claim)', () => {
    expect(rsaDecryptPremasterDetailed(key, rawBlock(real), 0x0300)).toEqual({ premaster: real, goodMask: -1 });
  });

  it('good and bad blocks ask the random source for the same amount (no early exit)', () => {
    const usage = [rawBlock(real), ...cases.map(([, make]) => make())].map((ct) => {
      const counter = countingRandom();
      rsaDecryptPremaster(key, ct, 0x0300, counter.random);
      return counter.used();
    });
    expect(new Set(usage).size).toBe(1);
  });
});

describe('rsaDecryptPremaster: programmer errors do throw', () => {
  it('a key with a missing field', () => {
    const broken = { ...key, dq: undefined } as unknown as RsaPrivateKey;
    expect(() => rsaDecryptPremaster(broken, new Uint8Array(k), 0x0300)).toThrow(RsaError);
    expect(() => rsaDecryptPremaster(undefined as unknown as RsaPrivateKey, new Uint8Array(k), 0x0300)).toThrow();
  });

  it('an impossible expected version', () => {
    expect(() => rsaDecryptPremaster(key, new Uint8Array(k), 0x10000)).toThrow(RangeError);
    expect(() => rsaDecryptPremaster(key, new Uint8Array(k), [3, 256])).toThrow(RangeError);
  });

  it('a RandomSource returning the wrong length', () => {
    expect(() => rsaDecryptPremaster(key, new Uint8Array(k), 0x0300, () => new Uint8Array(8))).toThrow(RangeError);
  });

  it('a key too small to carry 48 octets', () => {
    const random = seededRandom('tiny');
    const p = generatePrime(208, 65537n, random);
    const q = generatePrime(200, 65537n, random);
    const d = modInverse(65537n, (p - 1n) * (q - 1n));
    const tiny = { n: p * q, e: 65537n, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qinv: modInverse(q, p) };
    expect(modulusBytes(tiny)).toBeLessThan(59);
    expect(() => rsaDecryptPremaster(tiny, new Uint8Array(modulusBytes(tiny)), 0x0300)).toThrow(
      expect.objectContaining({ code: 'KEY_TOO_SMALL' }) as Error,
    );
  });
});
