/**
 * DES (FIPS 46-3) and Triple DES in its EDE form (NIST SP 800-67, TDEA), both in CBC mode
 * (FIPS 81), for the SSL 3.0 suites that use them (RFC 6101 appendix A.6: DES_CBC and
 * 3DES_EDE_CBC). Nothing else in the project's dependencies implements them.
 *
 * Why the code looks the way it does: SSL record traffic goes through here, and a naive DES
 * (bit-by-bit permutations, arrays of bits) is two orders of magnitude slower than OpenSSL.
 * The classic table-driven formulation (Outerbridge's d3des, OpenSSL's des_enc.c "SPtrans")
 * gets plain JavaScript to about native speed:
 * - the S-boxes and the permutation P are fused into eight tables of 64 words
 *   (des-tables.ts), so a round is eight lookups, two XORs with the round key and no
 *   bit shuffling;
 * - the E expansion costs nothing because the halves are kept rotated left by one bit,
 *   which puts every 6-bit E group on a byte boundary of R or R rotated by 4;
 * - IP and FP are done with five "swap-move" steps each instead of 64 single-bit moves;
 * - round keys are expanded once, in the constructor, into an Int32Array;
 * - the CBC loop lives here and reads and writes bytes directly: no allocation and no
 *   function call per block. For TDEA the three passes run in the same loop with IP and FP
 *   applied once per block, since FP at the end of one pass and IP at the start of the next
 *   cancel out.
 * Everything is 32-bit integer arithmetic, which V8 compiles to plain machine instructions.
 *
 * Parity bits in keys are ignored, as OpenSSL does: PC-1 never reads them.
 */

import type { CbcEngine } from './types.js';
import { CipherError } from '../util/errors.js';
import { desKeySchedule, SP1, SP2, SP3, SP4, SP5, SP6, SP7, SP8 } from './des-tables.js';

const BLOCK = 8;
const ZERO_IV = new Uint8Array(BLOCK);

function checkBytes(value: unknown, lengths: readonly number[], code: string, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array) || !lengths.includes(value.length)) {
    const got = value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
    throw new CipherError(code, `${what} must be ${lengths.join(' or ')} bytes, got ${got}`);
  }
}

function checkCbcInput(data: unknown, iv: unknown): asserts data is Uint8Array {
  checkBytes(iv, [BLOCK], 'BAD_IV_LENGTH', 'DES IV');
  if (!(data instanceof Uint8Array) || data.length % BLOCK !== 0) {
    const got = data instanceof Uint8Array ? `${data.length} bytes` : typeof data;
    throw new CipherError('BAD_INPUT_LENGTH', `DES-CBC input must be a multiple of ${BLOCK} bytes, got ${got}`);
  }
}

/** A DES schedule used backwards: decryption is the same network with the round keys reversed. */
function reversed(schedule: Int32Array): Int32Array {
  const out = new Int32Array(32);
  for (let round = 0; round < 16; round++) {
    out[2 * round] = schedule[30 - 2 * round];
    out[2 * round + 1] = schedule[31 - 2 * round];
  }
  return out;
}

function concat(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.length * 32);
  parts.forEach((part, i) => out.set(part, i * 32));
  return out;
}

/**
 * CBC over whole blocks with `ks` holding 1 or 3 DES passes (32 words each). One function
 * serves both directions so the round code exists once; `encrypt` only changes what is
 * chained, through the masks below, and costs a handful of operations per block.
 */
function cbc(ks: Int32Array, data: Uint8Array, iv: Uint8Array, encrypt: boolean): Uint8Array {
  const out = new Uint8Array(data.length);
  const n = ks.length;
  const sp1 = SP1, sp2 = SP2, sp3 = SP3, sp4 = SP4, sp5 = SP5, sp6 = SP6, sp7 = SP7, sp8 = SP8;
  // Encrypting: the input is XORed with the previous ciphertext and the output chains.
  // Decrypting: the output is XORed with the previous ciphertext and the input chains.
  const inMask = encrypt ? -1 : 0;
  const outMask = ~inMask;
  let prevL = (iv[0] << 24) | (iv[1] << 16) | (iv[2] << 8) | iv[3];
  let prevR = (iv[4] << 24) | (iv[5] << 16) | (iv[6] << 8) | iv[7];

  for (let off = 0; off < data.length; off += BLOCK) {
    const xl = (data[off] << 24) | (data[off + 1] << 16) | (data[off + 2] << 8) | data[off + 3];
    const xr = (data[off + 4] << 24) | (data[off + 5] << 16) | (data[off + 6] << 8) | data[off + 7];
    let l = xl ^ (prevL & inMask);
    let r = xr ^ (prevR & inMask);
    let t: number;
    let u: number;

    // IP as swap-moves (each exchanges a bit-group between the halves).
    t = ((l >>> 4) ^ r) & 0x0f0f0f0f; r ^= t; l ^= t << 4;
    t = ((l >>> 16) ^ r) & 0x0000ffff; r ^= t; l ^= t << 16;
    t = ((r >>> 2) ^ l) & 0x33333333; l ^= t; r ^= t << 2;
    t = ((r >>> 8) ^ l) & 0x00ff00ff; l ^= t; r ^= t << 8;
    t = ((l >>> 1) ^ r) & 0x55555555; r ^= t; l ^= t << 1;
    // The rotated frame the SP tables and round keys are built for (des-tables.ts).
    l = (l << 1) | (l >>> 31);
    r = (r << 1) | (r >>> 31);

    for (let k = 0; k < n; ) {
      for (const end = k + 32; k < end; k += 4) {
        t = r ^ ks[k];
        u = ((r >>> 4) | (r << 28)) ^ ks[k + 1];
        l ^= sp2[(t >>> 24) & 63] | sp4[(t >>> 16) & 63] | sp6[(t >>> 8) & 63] | sp8[t & 63] |
          sp1[(u >>> 24) & 63] | sp3[(u >>> 16) & 63] | sp5[(u >>> 8) & 63] | sp7[u & 63];
        t = l ^ ks[k + 2];
        u = ((l >>> 4) | (l << 28)) ^ ks[k + 3];
        r ^= sp2[(t >>> 24) & 63] | sp4[(t >>> 16) & 63] | sp6[(t >>> 8) & 63] | sp8[t & 63] |
          sp1[(u >>> 24) & 63] | sp3[(u >>> 16) & 63] | sp5[(u >>> 8) & 63] | sp7[u & 63];
      }
      // DES ends with the halves swapped (R16 L16). Between TDEA passes the FP/IP pair
      // cancels but this swap does not, so it is done after every pass.
      t = l; l = r; r = t;
    }

    l = (l >>> 1) | (l << 31);
    r = (r >>> 1) | (r << 31);
    // FP = IP^-1: the same swap-moves in reverse order.
    t = ((l >>> 1) ^ r) & 0x55555555; r ^= t; l ^= t << 1;
    t = ((r >>> 8) ^ l) & 0x00ff00ff; l ^= t; r ^= t << 8;
    t = ((r >>> 2) ^ l) & 0x33333333; l ^= t; r ^= t << 2;
    t = ((l >>> 16) ^ r) & 0x0000ffff; r ^= t; l ^= t << 16;
    t = ((l >>> 4) ^ r) & 0x0f0f0f0f; r ^= t; l ^= t << 4;

    l ^= prevL & outMask;
    r ^= prevR & outMask;
    prevL = (l & inMask) | (xl & outMask);
    prevR = (r & inMask) | (xr & outMask);
    out[off] = l >>> 24;
    out[off + 1] = l >>> 16;
    out[off + 2] = l >>> 8;
    out[off + 3] = l;
    out[off + 4] = r >>> 24;
    out[off + 5] = r >>> 16;
    out[off + 6] = r >>> 8;
    out[off + 7] = r;
  }
  return out;
}

/** Single DES (FIPS 46-3) in CBC mode. `key` is 8 bytes; parity bits are ignored. */
export class Des implements CbcEngine {
  readonly blockSize = BLOCK;
  readonly #enc: Int32Array;
  readonly #dec: Int32Array;

  constructor(key: Uint8Array) {
    checkBytes(key, [8], 'BAD_KEY_LENGTH', 'DES key');
    this.#enc = desKeySchedule(key, 0);
    this.#dec = reversed(this.#enc);
  }

  encryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array {
    checkCbcInput(data, iv);
    return cbc(this.#enc, data, iv, true);
  }

  decryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array {
    checkCbcInput(data, iv);
    return cbc(this.#dec, data, iv, false);
  }

  /** One block in ECB, for known-answer tests. */
  encryptBlock(block: Uint8Array): Uint8Array {
    checkBytes(block, [BLOCK], 'BAD_INPUT_LENGTH', 'DES block');
    return cbc(this.#enc, block, ZERO_IV, true);
  }

  /** One block in ECB, for known-answer tests. */
  decryptBlock(block: Uint8Array): Uint8Array {
    checkBytes(block, [BLOCK], 'BAD_INPUT_LENGTH', 'DES block');
    return cbc(this.#dec, block, ZERO_IV, false);
  }
}

/**
 * TDEA in EDE form (NIST SP 800-67) in CBC mode ("outer CBC", as SSL and OpenSSL's
 * des-ede3-cbc use it): encryption is E_K3(D_K2(E_K1(x))), decryption the reverse.
 * `key` is K1|K2|K3 (24 bytes, keying option 1), K1|K2 (16 bytes, option 2: K3 = K1), or
 * K1 (8 bytes, option 3, which is single DES and is run as such, one pass instead of three).
 */
export class TripleDes implements CbcEngine {
  readonly blockSize = BLOCK;
  readonly #enc: Int32Array;
  readonly #dec: Int32Array;

  constructor(key: Uint8Array) {
    checkBytes(key, [24, 16, 8], 'BAD_KEY_LENGTH', '3DES key');
    const k1 = desKeySchedule(key, 0);
    if (key.length === 8) {
      this.#enc = k1;
      this.#dec = reversed(k1);
      return;
    }
    const k2 = desKeySchedule(key, 8);
    const k3 = key.length === 24 ? desKeySchedule(key, 16) : k1;
    this.#enc = concat([k1, reversed(k2), k3]);
    this.#dec = concat([reversed(k3), k2, reversed(k1)]);
  }

  encryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array {
    checkCbcInput(data, iv);
    return cbc(this.#enc, data, iv, true);
  }

  decryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array {
    checkCbcInput(data, iv);
    return cbc(this.#dec, data, iv, false);
  }

  /** One block in ECB, for known-answer tests. */
  encryptBlock(block: Uint8Array): Uint8Array {
    checkBytes(block, [BLOCK], 'BAD_INPUT_LENGTH', '3DES block');
    return cbc(this.#enc, block, ZERO_IV, true);
  }

  /** One block in ECB, for known-answer tests. */
  decryptBlock(block: Uint8Array): Uint8Array {
    checkBytes(block, [BLOCK], 'BAD_INPUT_LENGTH', '3DES block');
    return cbc(this.#dec, block, ZERO_IV, false);
  }
}
