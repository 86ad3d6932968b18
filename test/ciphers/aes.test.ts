/**
 * AES-CBC (src/ciphers/aes.ts): the NIST SP 800-38A Appendix F.2 example vectors (CBC-AES128,
 * -AES192 and -AES256, encryption and decryption, with the intermediate input and output
 * blocks), a differential test against node:crypto (OpenSSL) and input validation.
 */
import { describe, it, expect } from 'vitest';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { Aes } from '../../src/ciphers/aes.js';
import { CipherError } from '../../src/util/errors.js';
import { concatBytes, fromHex, toHex } from '../../src/util/bytes.js';
import { errorCode, seededBytes, seededInt } from './helpers.js';

/** SP 800-38A F.1: the plaintext of every CBC example, four blocks. */
const PLAINTEXT = [
  '6bc1bee22e409f96e93d7e117393172a',
  'ae2d8a571e03ac9c9eb76fac45af8e51',
  '30c81c46a35ce411e5fbc1191a0a52ef',
  'f69f2445df4f9b17ad2b417be66c3710',
];
const IV = '000102030405060708090a0b0c0d0e0f';

interface CbcExample {
  /** "F.2.1 CBC-AES128.Encrypt" etc.; the .Decrypt example (F.2.2, F.2.4, F.2.6) runs the same blocks backwards. */
  name: string;
  key: string;
  /** Per block: [Input Block, Output Block = Ciphertext] of the Encrypt example. */
  blocks: [string, string][];
}

const EXAMPLES: CbcExample[] = [
  {
    name: 'F.2.1/F.2.2 CBC-AES128',
    key: '2b7e151628aed2a6abf7158809cf4f3c',
    blocks: [
      ['6bc0bce12a459991e134741a7f9e1925', '7649abac8119b246cee98e9b12e9197d'],
      ['d86421fb9f1a1eda505ee1375746972c', '5086cb9b507219ee95db113a917678b2'],
      ['604ed7ddf32efdff7020d0238b7c2a5d', '73bed6b8e3c1743b7116e69e22229516'],
      ['8521f2fd3c8eef2cdc3da7e5c44ea206', '3ff1caa1681fac09120eca307586e1a7'],
    ],
  },
  {
    name: 'F.2.3/F.2.4 CBC-AES192',
    key: '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b',
    blocks: [
      ['6bc0bce12a459991e134741a7f9e1925', '4f021db243bc633d7178183a9fa071e8'],
      ['e12f97e55dbfcfa1efcf7796da0fffb9', 'b4d9ada9ad7dedf4e5e738763f69145a'],
      ['8411b1ef0e2109e5001cf96f256346b5', '571b242012fb7ae07fa9baac3df102e0'],
      ['a1840065cdb4e1f7d282fbd7db9d35f0', '08b0e27988598881d920a9e64f5615cd'],
    ],
  },
  {
    name: 'F.2.5/F.2.6 CBC-AES256',
    key: '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    blocks: [
      ['6bc0bce12a459991e134741a7f9e1925', 'f58c4c04d6e5f1ba779eabfb5f7bfbd6'],
      ['5ba1c653c8e65d26e929c4571ad47587', '9cfc4e967edb808d679f777bc6702c7d'],
      ['ac3452d0dd87649c8264b662dc7a7e92', '39f23369a9d9bacfa530e26304231461'],
      ['cf6d172c769621d8081ba318e24f2371', 'b2eb05e2c39be9fcda6c19078c6a9d1b'],
    ],
  },
];

const ZERO_IV = new Uint8Array(16);

describe('NIST SP 800-38A Appendix F.2 (CBC-AES)', () => {
  for (const ex of EXAMPLES) {
    describe(ex.name, () => {
      const key = fromHex(ex.key);
      const iv = fromHex(IV);
      const plain = fromHex(PLAINTEXT.join(''));
      const cipher = fromHex(ex.blocks.map(([, c]) => c).join(''));

      it('the input blocks are plaintext XOR the previous ciphertext block (checks the table)', () => {
        ex.blocks.forEach(([input], i) => {
          const prev = i === 0 ? iv : fromHex(ex.blocks[i - 1][1]);
          const p = fromHex(PLAINTEXT[i]);
          expect(toHex(p.map((b, j) => b ^ prev[j])), `block ${i + 1}`).toBe(input);
        });
      });

      it('Encrypt: the four blocks in one call', () => {
        expect(toHex(new Aes(key).encryptCbc(plain, iv))).toBe(toHex(cipher));
      });

      it('Decrypt: the four blocks in one call', () => {
        expect(toHex(new Aes(key).decryptCbc(cipher, iv))).toBe(toHex(plain));
      });

      it('block by block, chaining the IV by hand', () => {
        const aes = new Aes(key);
        let chain = iv;
        ex.blocks.forEach(([, c], i) => {
          const out = aes.encryptCbc(fromHex(PLAINTEXT[i]), chain);
          expect(toHex(out), `encrypt block ${i + 1}`).toBe(c);
          expect(toHex(aes.decryptCbc(out, chain)), `decrypt block ${i + 1}`).toBe(PLAINTEXT[i]);
          chain = out;
        });
      });

      it('the block function alone: Input Block -> Output Block (one block with a zero IV is ECB)', () => {
        const aes = new Aes(key);
        for (const [input, output] of ex.blocks) {
          expect(toHex(aes.encryptCbc(fromHex(input), ZERO_IV))).toBe(output);
          expect(toHex(aes.decryptCbc(fromHex(output), ZERO_IV))).toBe(input);
        }
      });
    });
  }
});

describe('differential against node:crypto (OpenSSL)', () => {
  function native(alg: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array, encrypt: boolean): string {
    const c = encrypt ? createCipheriv(alg, key, iv) : createDecipheriv(alg, key, iv);
    c.setAutoPadding(false);
    return Buffer.concat([c.update(data), c.final()]).toString('hex');
  }

  for (const [alg, keyLength, seed] of [
    ['aes-128-cbc', 16, 71],
    ['aes-192-cbc', 24, 72],
    ['aes-256-cbc', 32, 73],
  ] as const) {
    it(`${alg}: 120 random keys, IVs and inputs of 16..4096 bytes, both directions`, () => {
      const rand = seededBytes(seed);
      const int = seededInt(rand);
      for (let i = 0; i < 120; i++) {
        const key = rand(keyLength);
        const iv = rand(16);
        const data = rand(16 * int(1, 256));
        const aes = new Aes(key);
        const enc = aes.encryptCbc(data, iv);
        expect(toHex(enc), `case ${i}`).toBe(native(alg, key, iv, data, true));
        // Decrypting random bytes checks the decryption direction on its own.
        expect(toHex(aes.decryptCbc(data, iv)), `case ${i}`).toBe(native(alg, key, iv, data, false));
        expect(toHex(aes.decryptCbc(enc, iv))).toBe(toHex(data));
      }
    });
  }
});

describe('arrays', () => {
  it('leaves data and IV untouched and returns new arrays, also for unaligned views into one buffer', () => {
    const rand = seededBytes(74);
    const backing = rand(200);
    const before = backing.slice();
    const data = backing.subarray(3, 3 + 64); // not 4-byte aligned
    const iv = backing.subarray(101, 117);
    const aes = new Aes(rand(32));
    const enc = aes.encryptCbc(data, iv);
    const dec = aes.decryptCbc(enc, iv);
    const dec2 = aes.decryptCbc(data, iv);
    expect(toHex(backing)).toBe(toHex(before));
    expect(enc.buffer).not.toBe(backing.buffer);
    expect(dec2.buffer).not.toBe(backing.buffer);
    expect(toHex(dec)).toBe(toHex(data));
    // Same answers as for aligned copies.
    expect(toHex(aes.encryptCbc(data.slice(), iv.slice()))).toBe(toHex(enc));
    expect(toHex(aes.decryptCbc(data.slice(), iv.slice()))).toBe(toHex(dec2));
  });

  it('every call returns a fresh array: changing one output affects nothing else', () => {
    const aes = new Aes(new Uint8Array(16));
    const data = new Uint8Array(32);
    const a = aes.encryptCbc(data, ZERO_IV);
    const b = aes.encryptCbc(data, ZERO_IV);
    expect(a).not.toBe(b);
    a.fill(0xff);
    expect(toHex(b)).toBe(toHex(aes.encryptCbc(data, ZERO_IV)));
  });

  it('does not depend on the key array after construction', () => {
    const ex = EXAMPLES[0];
    const key = fromHex(ex.key);
    const aes = new Aes(key);
    // The decryption schedule is built lazily: it must not read the (now changed) caller's array.
    key.fill(0);
    const cipher = fromHex(ex.blocks.map(([, c]) => c).join(''));
    expect(toHex(aes.decryptCbc(cipher, fromHex(IV)))).toBe(PLAINTEXT.join(''));
    expect(toHex(aes.encryptCbc(fromHex(PLAINTEXT.join('')), fromHex(IV)))).toBe(toHex(cipher));
  });

  it('empty input gives empty output; block size 16', () => {
    const aes = new Aes(new Uint8Array(24));
    expect(aes.encryptCbc(new Uint8Array(0), ZERO_IV)).toHaveLength(0);
    expect(aes.decryptCbc(new Uint8Array(0), ZERO_IV)).toHaveLength(0);
    expect(aes.blockSize).toBe(16);
  });

  it('round trips for every length 0..512 in whole blocks and every key size', () => {
    const rand = seededBytes(75);
    for (const keyLength of [16, 24, 32]) {
      const aes = new Aes(rand(keyLength));
      for (let n = 0; n <= 512; n += 16) {
        const data = rand(n);
        const iv = rand(16);
        expect(toHex(aes.decryptCbc(aes.encryptCbc(data, iv), iv))).toBe(toHex(data));
      }
    }
  });

  it('chains across calls: the last ciphertext block is the next IV', () => {
    const rand = seededBytes(76);
    const aes = new Aes(rand(16));
    const data = rand(160);
    const iv = rand(16);
    const whole = aes.encryptCbc(data, iv);
    const first = aes.encryptCbc(data.subarray(0, 48), iv);
    const second = aes.encryptCbc(data.subarray(48), first.subarray(32));
    expect(toHex(concatBytes(first, second))).toBe(toHex(whole));
  });
});

describe('bad input throws CipherError, never a wrong result', () => {
  it('key lengths', () => {
    for (const n of [0, 1, 8, 15, 17, 20, 23, 25, 31, 33, 48, 64]) {
      expect(errorCode(() => new Aes(new Uint8Array(n))), `key of ${n}`).toBe('BAD_KEY_LENGTH');
    }
    expect(errorCode(() => new Aes('0123456789abcdef' as unknown as Uint8Array))).toBe('BAD_KEY_LENGTH');
    expect(() => new Aes(new Uint8Array(15))).toThrow(CipherError);
  });

  it('IV lengths', () => {
    const aes = new Aes(new Uint8Array(16));
    for (const n of [0, 8, 15, 17, 32]) {
      expect(errorCode(() => aes.encryptCbc(new Uint8Array(32), new Uint8Array(n))), `IV of ${n}`).toBe('BAD_IV_LENGTH');
      expect(errorCode(() => aes.decryptCbc(new Uint8Array(32), new Uint8Array(n))), `IV of ${n}`).toBe('BAD_IV_LENGTH');
    }
    expect(errorCode(() => aes.encryptCbc(new Uint8Array(16), undefined as unknown as Uint8Array))).toBe('BAD_IV_LENGTH');
  });

  it('data that is not whole blocks', () => {
    const aes = new Aes(new Uint8Array(32));
    for (const n of [1, 8, 15, 17, 31, 4095]) {
      expect(errorCode(() => aes.encryptCbc(new Uint8Array(n), ZERO_IV)), `data of ${n}`).toBe('BAD_INPUT_LENGTH');
      expect(errorCode(() => aes.decryptCbc(new Uint8Array(n), ZERO_IV)), `data of ${n}`).toBe('BAD_INPUT_LENGTH');
    }
  });
});
