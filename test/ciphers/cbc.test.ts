/**
 * CbcCipher (src/ciphers/cbc.ts), the record layer's CBC state: each update() continues the
 * chain from the last ciphertext block of the previous one (RFC 6101 section 6.2.3.2), so a
 * message sent as several records equals one CBC pass over it. Checked for AES, DES and 3DES,
 * in both directions, against the engines' own one-pass CBC and against node:crypto's
 * streaming ciphers; plus the typed errors and that a rejected call leaves the state alone.
 */
import { describe, it, expect } from 'vitest';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { CbcCipher } from '../../src/ciphers/cbc.js';
import { Aes } from '../../src/ciphers/aes.js';
import { Des, TripleDes } from '../../src/ciphers/des.js';
import type { CbcEngine, CipherDirection } from '../../src/ciphers/types.js';
import { CipherError } from '../../src/util/errors.js';
import { concatBytes, toHex } from '../../src/util/bytes.js';
import { errorCode, seededBytes, seededInt } from './helpers.js';

interface EngineCase {
  name: string;
  keyLength: number;
  make: (key: Uint8Array) => CbcEngine;
  /** node:crypto's name, where node has it without the legacy provider. */
  native?: string;
}

const ENGINES: EngineCase[] = [
  { name: 'AES-128', keyLength: 16, make: (k) => new Aes(k), native: 'aes-128-cbc' },
  { name: 'AES-256', keyLength: 32, make: (k) => new Aes(k), native: 'aes-256-cbc' },
  { name: 'DES', keyLength: 8, make: (k) => new Des(k) },
  { name: '3DES-EDE', keyLength: 24, make: (k) => new TripleDes(k), native: 'des-ede3-cbc' },
];

/** Splits `data` into whole-block pieces of 0..maxBlocks blocks (records of an SSL connection). */
function recordPieces(data: Uint8Array, bs: number, int: (min: number, max: number) => number, maxBlocks: number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let off = 0; off < data.length; ) {
    const n = Math.min(data.length - off, bs * int(0, maxBlocks));
    pieces.push(data.subarray(off, off + n));
    off += n;
  }
  return pieces;
}

function runPieces(cipher: CbcCipher, pieces: Uint8Array[]): Uint8Array {
  return concatBytes(...pieces.map((p) => cipher.update(p)));
}

describe('record-sized pieces equal one CBC pass', () => {
  for (const e of ENGINES) {
    it(`${e.name}: 40 random messages, split at random block boundaries, both directions`, () => {
      const rand = seededBytes(81 + e.keyLength);
      const int = seededInt(rand);
      for (let c = 0; c < 40; c++) {
        const key = rand(e.keyLength);
        const engine = e.make(key);
        const bs = engine.blockSize;
        const iv = rand(bs);
        const data = rand(bs * int(0, 300));
        // Records of up to about 2 KiB, and sometimes single blocks (1/n-1 splitting).
        const maxBlocks = c % 3 === 0 ? 1 : Math.floor(2048 / bs);

        const whole = engine.encryptCbc(data, iv);
        const enc = runPieces(new CbcCipher(engine, iv, 'encrypt'), recordPieces(data, bs, int, maxBlocks));
        expect(toHex(enc), `case ${c} encrypt`).toBe(toHex(whole));

        // Decrypt with other boundaries than the encryption used.
        const dec = runPieces(new CbcCipher(e.make(key), iv, 'decrypt'), recordPieces(whole, bs, int, maxBlocks));
        expect(toHex(dec), `case ${c} decrypt`).toBe(toHex(data));

        // Decrypting random bytes: the decryption chain on its own.
        const rdec = runPieces(new CbcCipher(engine, iv, 'decrypt'), recordPieces(data, bs, int, maxBlocks));
        expect(toHex(rdec), `case ${c} decrypt random`).toBe(toHex(engine.decryptCbc(data, iv)));
      }
    });
  }

  for (const e of ENGINES.filter((x) => x.native)) {
    it(`${e.name}: same pieces as node:crypto's streaming ${e.native!} (OpenSSL)`, () => {
      const rand = seededBytes(91 + e.keyLength);
      const int = seededInt(rand);
      for (let c = 0; c < 20; c++) {
        const key = rand(e.keyLength);
        const bs = e.make(key).blockSize;
        const iv = rand(bs);
        const data = rand(bs * int(1, 200));
        const pieces = recordPieces(data, bs, int, 64);
        for (const direction of ['encrypt', 'decrypt'] as CipherDirection[]) {
          const ours = new CbcCipher(e.make(key), iv, direction);
          const native = (direction === 'encrypt' ? createCipheriv : createDecipheriv)(e.native!, key, iv).setAutoPadding(false);
          for (const p of pieces) expect(toHex(ours.update(p)), `case ${c} ${direction}`).toBe(native.update(p).toString('hex'));
        }
      }
    });
  }
});

describe('state', () => {
  const rand = seededBytes(99);

  it('copies the IV: changing the caller\'s IV array later does not change the chain', () => {
    const engine = new Aes(rand(16));
    const iv = rand(16);
    const data = rand(64);
    const expected = toHex(engine.encryptCbc(data, iv));
    const ivCopy = iv.slice();
    const cbc = new CbcCipher(engine, iv, 'encrypt');
    iv.fill(0);
    expect(toHex(cbc.update(data))).toBe(expected);
    expect(toHex(engine.encryptCbc(data, ivCopy))).toBe(expected);
  });

  it('encrypting: changing a returned ciphertext does not change the next record', () => {
    const engine = new TripleDes(rand(24));
    const iv = rand(8);
    const data = rand(64);
    const whole = engine.encryptCbc(data, iv);
    const cbc = new CbcCipher(engine, iv, 'encrypt');
    const first = cbc.update(data.subarray(0, 32));
    first.fill(0xaa);
    expect(toHex(cbc.update(data.subarray(32)))).toBe(toHex(whole.subarray(32)));
  });

  it('decrypting: changing the caller\'s ciphertext buffer after update() does not change the next record', () => {
    const engine = new Aes(rand(32));
    const iv = rand(16);
    const data = rand(96);
    const cipher = engine.encryptCbc(data, iv);
    const buf = cipher.slice();
    const cbc = new CbcCipher(engine, iv, 'decrypt');
    const first = cbc.update(buf.subarray(0, 48));
    buf.fill(0); // e.g. the record framer reusing its buffer
    expect(toHex(concatBytes(first, cbc.update(cipher.subarray(48))))).toBe(toHex(data));
  });

  it('an empty update returns an empty array and leaves the chain as it was', () => {
    const engine = new Des(rand(8));
    const iv = rand(8);
    const data = rand(40);
    const cbc = new CbcCipher(engine, iv, 'encrypt');
    expect(cbc.update(new Uint8Array(0))).toHaveLength(0);
    const a = cbc.update(data.subarray(0, 16));
    expect(cbc.update(new Uint8Array(0))).toHaveLength(0);
    const b = cbc.update(data.subarray(16));
    expect(toHex(concatBytes(a, b))).toBe(toHex(engine.encryptCbc(data, iv)));
  });

  it('describes itself: kind block, the engine\'s block size, its direction', () => {
    const aes = new CbcCipher(new Aes(new Uint8Array(16)), new Uint8Array(16), 'decrypt');
    expect([aes.kind, aes.blockSize, aes.direction]).toEqual(['block', 16, 'decrypt']);
    const des = new CbcCipher(new Des(new Uint8Array(8)), new Uint8Array(8), 'encrypt');
    expect([des.kind, des.blockSize, des.direction]).toEqual(['block', 8, 'encrypt']);
  });
});

describe('bad input throws CipherError', () => {
  it('an IV of the wrong length for the engine', () => {
    for (const e of ENGINES) {
      const engine = e.make(new Uint8Array(e.keyLength));
      for (const n of [0, 1, engine.blockSize - 1, engine.blockSize + 1, engine.blockSize === 8 ? 16 : 8]) {
        for (const d of ['encrypt', 'decrypt'] as CipherDirection[]) {
          expect(errorCode(() => new CbcCipher(engine, new Uint8Array(n), d)), `${e.name} IV of ${n}`).toBe('BAD_IV_LENGTH');
        }
      }
      expect(() => new CbcCipher(engine, undefined as unknown as Uint8Array, 'encrypt')).toThrow(CipherError);
    }
  });

  it('partial blocks, and the chain is unchanged after the rejected call', () => {
    const rand = seededBytes(100);
    for (const e of ENGINES) {
      const engine = e.make(rand(e.keyLength));
      const bs = engine.blockSize;
      const iv = rand(bs);
      const data = rand(4 * bs);
      for (const d of ['encrypt', 'decrypt'] as CipherDirection[]) {
        const cbc = new CbcCipher(engine, iv, d);
        const first = cbc.update(data.subarray(0, bs));
        for (const n of [1, bs - 1, bs + 1, 2 * bs + 3]) {
          expect(errorCode(() => cbc.update(new Uint8Array(n))), `${e.name} ${d} ${n} bytes`).toBe('BAD_INPUT_LENGTH');
        }
        const rest = cbc.update(data.subarray(bs));
        const whole = d === 'encrypt' ? engine.encryptCbc(data, iv) : engine.decryptCbc(data, iv);
        expect(toHex(concatBytes(first, rest)), `${e.name} ${d}`).toBe(toHex(whole));
      }
    }
  });
});

describe('output into a given array, also in place (as the record layer decrypts and encrypts)', () => {
  for (const e of ENGINES) {
    it(`${e.name}: in place and into an unaligned view equal a fresh result, and the chain continues`, () => {
      const rand = seededBytes(41);
      const key = rand(e.keyLength);
      const iv = rand(e.make(key).blockSize);
      const bs = iv.length;
      const pieces = [rand(bs * 5), rand(bs * 64), rand(bs)];
      for (const direction of ['encrypt', 'decrypt'] as CipherDirection[]) {
        const fresh = new CbcCipher(e.make(key), iv, direction);
        const inPlace = new CbcCipher(e.make(key), iv, direction);
        const offset = new CbcCipher(e.make(key), iv, direction);
        for (const p of pieces) {
          const want = fresh.update(p);
          const copy = p.slice();
          expect(inPlace.update(copy, copy)).toBe(copy);
          expect(toHex(copy)).toBe(toHex(want));
          const buffer = new Uint8Array(p.length + 7);
          const view = buffer.subarray(5, 5 + p.length);
          expect(offset.update(p, view)).toBe(view);
          expect(toHex(view)).toBe(toHex(want));
        }
      }
    });
  }

  it('an output of the wrong length is refused with BAD_OUTPUT_LENGTH', () => {
    const c = new CbcCipher(new Aes(new Uint8Array(16)), new Uint8Array(16), 'encrypt');
    expect(errorCode(() => c.update(new Uint8Array(32), new Uint8Array(16)))).toBe('BAD_OUTPUT_LENGTH');
  });
});
