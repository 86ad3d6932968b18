/**
 * createBulkCipher (src/ciphers/factory.ts): the right cipher for each algorithm and suite,
 * working in both directions, and the typed errors for keys and IVs of the wrong length for
 * the algorithm (stricter than the engines, which accept other AES and 3DES key sizes).
 */
import { describe, it, expect } from 'vitest';
import { createBulkCipher } from '../../src/ciphers/factory.js';
import { Rc4 } from '../../src/ciphers/rc4.js';
import { CbcCipher } from '../../src/ciphers/cbc.js';
import { Aes } from '../../src/ciphers/aes.js';
import { Des, TripleDes } from '../../src/ciphers/des.js';
import { CIPHER_SUITES } from '../../src/ciphers/suites.js';
import type { BulkAlgorithm, CbcEngine } from '../../src/ciphers/types.js';
import { concatBytes, toHex } from '../../src/util/bytes.js';
import { errorCode, seededBytes } from './helpers.js';

const rand = seededBytes(121);

interface AlgorithmCase {
  algorithm: BulkAlgorithm;
  keyLength: number;
  ivLength: number;
  /** The engine the CBC chain must run, for block ciphers. */
  engine?: (key: Uint8Array) => CbcEngine;
}

const ALGORITHMS: AlgorithmCase[] = [
  { algorithm: 'null', keyLength: 0, ivLength: 0 },
  { algorithm: 'rc4', keyLength: 16, ivLength: 0 },
  { algorithm: 'des-cbc', keyLength: 8, ivLength: 8, engine: (k) => new Des(k) },
  { algorithm: '3des-ede-cbc', keyLength: 24, ivLength: 8, engine: (k) => new TripleDes(k) },
  { algorithm: 'aes-128-cbc', keyLength: 16, ivLength: 16, engine: (k) => new Aes(k) },
  { algorithm: 'aes-256-cbc', keyLength: 32, ivLength: 16, engine: (k) => new Aes(k) },
];

describe('the cipher for each algorithm', () => {
  it('null: a stream "cipher" that returns a copy of its input', () => {
    const c = createBulkCipher('null', new Uint8Array(0), new Uint8Array(0), 'encrypt');
    expect([c.kind, c.blockSize]).toEqual(['stream', 1]);
    const data = rand(100);
    const out = c.update(data);
    expect(toHex(out)).toBe(toHex(data));
    expect(out).not.toBe(data);
    out[0] ^= 1;
    expect(out[0]).not.toBe(data[0]);
  });

  it('rc4: an Rc4, continuing one keystream across updates', () => {
    const key = rand(16);
    const c = createBulkCipher('rc4', key, new Uint8Array(0), 'encrypt');
    expect(c).toBeInstanceOf(Rc4);
    const data = rand(300);
    const whole = new Rc4(key).update(data);
    expect(toHex(concatBytes(c.update(data.subarray(0, 123)), c.update(data.subarray(123))))).toBe(toHex(whole));
    // The decrypting side is the same keystream.
    expect(toHex(createBulkCipher('rc4', key, new Uint8Array(0), 'decrypt').update(whole))).toBe(toHex(data));
  });

  for (const a of ALGORITHMS.filter((x) => x.engine)) {
    it(`${a.algorithm}: a CbcCipher over ${a.engine!(new Uint8Array(a.keyLength)).constructor.name}, both directions`, () => {
      const key = rand(a.keyLength);
      const iv = rand(a.ivLength);
      const data = rand(a.ivLength * 12);
      const engine = a.engine!(key);
      const enc = createBulkCipher(a.algorithm, key, iv, 'encrypt');
      const dec = createBulkCipher(a.algorithm, key, iv, 'decrypt');
      expect(enc).toBeInstanceOf(CbcCipher);
      expect(dec).toBeInstanceOf(CbcCipher);
      expect([enc.kind, enc.blockSize, (enc as CbcCipher).direction]).toEqual(['block', a.ivLength, 'encrypt']);
      expect((dec as CbcCipher).direction).toBe('decrypt');
      const ct = enc.update(data);
      expect(toHex(ct)).toBe(toHex(engine.encryptCbc(data, iv)));
      expect(toHex(dec.update(ct))).toBe(toHex(data));
    });
  }

  it('a suite gives the same cipher as its algorithm', () => {
    for (const s of CIPHER_SUITES) {
      const key = rand(s.keyLength);
      const iv = rand(s.ivLength);
      const data = rand(s.blockSize * 20);
      const bySuite = createBulkCipher(s, key, iv, 'encrypt');
      const byName = createBulkCipher(s.cipher, key, iv, 'encrypt');
      expect(bySuite.constructor, s.rfcName).toBe(byName.constructor);
      expect([bySuite.kind, bySuite.blockSize], s.rfcName).toEqual([s.blockSize > 1 ? 'block' : 'stream', s.blockSize]);
      expect(toHex(bySuite.update(data)), s.rfcName).toBe(toHex(byName.update(data)));
    }
  });

  it('stream ciphers ignore the IV (SSL 3.0 derives none for them)', () => {
    const key = rand(16);
    const data = rand(64);
    const a = createBulkCipher('rc4', key, new Uint8Array(0), 'encrypt').update(data);
    const b = createBulkCipher('rc4', key, rand(16), 'encrypt').update(data);
    expect(toHex(a)).toBe(toHex(b));
  });
});

describe('typed errors for key and IV lengths', () => {
  const BAD_KEYS: Record<BulkAlgorithm, number[]> = {
    null: [],
    rc4: [0, 257],
    'des-cbc': [0, 7, 9, 16, 24],
    // TripleDes itself takes 8 and 16 bytes (K1 = K3, single DES); the suite's key is 24.
    '3des-ede-cbc': [0, 8, 16, 23, 25, 32],
    // Aes itself takes 16, 24 and 32 bytes; each suite takes its own.
    'aes-128-cbc': [0, 15, 17, 24, 32],
    'aes-256-cbc': [0, 16, 24, 31, 33],
  };

  for (const a of ALGORITHMS) {
    if (BAD_KEYS[a.algorithm].length === 0) continue;
    it(`${a.algorithm}: keys of ${BAD_KEYS[a.algorithm].join(', ')} bytes -> BAD_KEY_LENGTH`, () => {
      for (const n of BAD_KEYS[a.algorithm]) {
        for (const d of ['encrypt', 'decrypt'] as const) {
          expect(errorCode(() => createBulkCipher(a.algorithm, new Uint8Array(n), new Uint8Array(a.ivLength), d)), `key of ${n}`).toBe('BAD_KEY_LENGTH');
        }
      }
      expect(errorCode(() => createBulkCipher(a.algorithm, new Uint8Array(a.keyLength), new Uint8Array(a.ivLength), 'encrypt'))).toBe('no error');
    });
  }

  for (const a of ALGORITHMS.filter((x) => x.engine)) {
    it(`${a.algorithm}: IVs other than ${a.ivLength} bytes -> BAD_IV_LENGTH`, () => {
      for (const n of [0, 1, a.ivLength - 1, a.ivLength + 1, a.ivLength === 8 ? 16 : 8]) {
        expect(errorCode(() => createBulkCipher(a.algorithm, new Uint8Array(a.keyLength), new Uint8Array(n), 'encrypt')), `IV of ${n}`).toBe('BAD_IV_LENGTH');
      }
    });
  }

  it('a suite demands its own key length, also where the algorithm takes others (RC4_128 means 16 bytes)', () => {
    for (const s of CIPHER_SUITES.filter((x) => x.cipher !== 'null')) {
      for (const n of [s.keyLength - 1, s.keyLength + 1, 5]) {
        expect(errorCode(() => createBulkCipher(s, new Uint8Array(n), new Uint8Array(s.ivLength), 'decrypt')), `${s.rfcName} key of ${n}`).toBe('BAD_KEY_LENGTH');
      }
      expect(errorCode(() => createBulkCipher(s, new Uint8Array(s.keyLength), new Uint8Array(s.ivLength), 'decrypt')), s.rfcName).toBe('no error');
    }
    // The algorithm alone takes any RC4 key, as RC4 itself does.
    expect(errorCode(() => createBulkCipher('rc4', new Uint8Array(5), new Uint8Array(0), 'encrypt'))).toBe('no error');
  });

  it('an unknown algorithm name from untyped code: CipherError UNKNOWN_ALGORITHM', () => {
    expect(errorCode(() => createBulkCipher('rc2-cbc' as BulkAlgorithm, new Uint8Array(16), new Uint8Array(8), 'encrypt'))).toBe('UNKNOWN_ALGORITHM');
  });

  it('a key of the wrong length is reported before a bad IV', () => {
    expect(errorCode(() => createBulkCipher('aes-256-cbc', new Uint8Array(16), new Uint8Array(3), 'encrypt'))).toBe('BAD_KEY_LENGTH');
    expect(errorCode(() => createBulkCipher('3des-ede-cbc', new Uint8Array(8), new Uint8Array(3), 'encrypt'))).toBe('BAD_KEY_LENGTH');
  });
});
