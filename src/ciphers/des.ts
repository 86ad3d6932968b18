/**
 * DES (FIPS 46-3) and Triple DES in its EDE form (NIST SP 800-67, TDEA), both in CBC mode
 * (FIPS 81), for the SSL 3.0 suites that use them (RFC 6101 appendices A.6 and C: DES_CBC
 * and 3DES_EDE_CBC). None of the project's dependencies implements them.
 *
 * Why the code looks the way it does: all record traffic of those suites goes through here,
 * and a DES written the way the standard describes it (bit-by-bit permutations) is two orders
 * of magnitude slower than OpenSSL. The classic table-driven formulation (Outerbridge's
 * d3des, OpenSSL's des_enc.c "SPtrans") brings plain JavaScript to about native speed:
 * - S-boxes and the permutation P are fused into lookup tables (des-tables.ts), so a round
 *   is eight lookups ORed together and two XORs with the round key; no bit is moved singly;
 * - E costs a rotate and two masks, because the halves are kept rotated by one bit, which
 *   puts every 6-bit E group on a byte boundary;
 * - IP and FP are five "swap-move" steps each instead of 64 single-bit moves;
 * - round keys are expanded once, in the constructor, into an Int32Array;
 * - the CBC loop lives here and reads and writes bytes directly: no allocation and no call
 *   per block. For TDEA the three passes run inside the same loop with IP and FP applied
 *   once per block, since the FP ending one pass and the IP starting the next cancel out.
 * Everything is 32-bit integer arithmetic, which V8 compiles to plain machine instructions.
 * The tables are module constants of this file so that V8 embeds their addresses in the
 * compiled loop instead of keeping them in (too few) registers.
 *
 * Parity bits in keys are ignored, as OpenSSL does: PC-1 never reads them.
 */

import type { CbcEngine } from './types.js';
import { CipherError } from '../util/errors.js';
import { checkOutput } from './check.js';
import { buildSpTables, desKeySchedule } from './des-tables.js';

const BLOCK = 8;
const ZERO_IV = new Uint8Array(BLOCK);
const { even: SP_EVEN, odd: SP_ODD } = buildSpTables();

function checkLength(value: Uint8Array, lengths: readonly number[], code: string, what: string): void {
  // Also guards plain-JavaScript callers, for whom the parameter types are only a hint.
  if (!(value instanceof Uint8Array) || !lengths.includes(value.length)) {
    const got = value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
    throw new CipherError(code, `${what} must be ${lengths.join(' or ')} bytes, got ${got}`);
  }
}

function checkCbcArgs(data: Uint8Array, iv: Uint8Array, out?: Uint8Array): void {
  checkLength(iv, [BLOCK], 'BAD_IV_LENGTH', 'DES-CBC IV');
  if (!(data instanceof Uint8Array) || data.length % BLOCK !== 0) {
    const got = data instanceof Uint8Array ? `${data.length} bytes` : typeof data;
    throw new CipherError('BAD_INPUT_LENGTH', `DES-CBC input must be a multiple of ${BLOCK} bytes, got ${got}`);
  }
  checkOutput('DES-CBC', data, out);
}

/** Decryption is the same network with the round keys in reverse order. */
function reversed(schedule: Int32Array): Int32Array {
  const out = new Int32Array(32);
  for (let round = 0; round < 16; round++) {
    out[2 * round] = schedule[30 - 2 * round];
    out[2 * round + 1] = schedule[31 - 2 * round];
  }
  return out;
}

function passes(...schedules: Int32Array[]): Int32Array {
  const out = new Int32Array(32 * schedules.length);
  schedules.forEach((s, i) => out.set(s, 32 * i));
  return out;
}

/**
 * CBC over whole blocks; `ks` holds one or three DES passes of 32 words each. One function
 * serves both directions so that the round code exists once: `encrypt` only decides what is
 * chained, through two masks that cost a few operations per block.
 */
function cbc(ks: Int32Array, data: Uint8Array, iv: Uint8Array, encrypt: boolean, out: Uint8Array = new Uint8Array(data.length)): Uint8Array {
  // In place (out === data) is safe: each block is read whole before it is written.
  const spE = SP_EVEN;
  const spO = SP_ODD;
  const n = ks.length;
  // Encrypting, the previous ciphertext is XORed into the input and the output chains;
  // decrypting, it is XORed into the output and the input chains.
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

    // IP: each step exchanges one group of bits between the halves.
    t = ((l >>> 4) ^ r) & 0x0f0f0f0f; r ^= t; l ^= t << 4;
    t = ((l >>> 16) ^ r) & 0x0000ffff; r ^= t; l ^= t << 16;
    t = ((r >>> 2) ^ l) & 0x33333333; l ^= t; r ^= t << 2;
    t = ((r >>> 8) ^ l) & 0x00ff00ff; l ^= t; r ^= t << 8;
    t = ((l >>> 1) ^ r) & 0x55555555; r ^= t; l ^= t << 1;
    // Into the rotated frame the tables and round keys are built for (des-tables.ts).
    l = (l << 1) | (l >>> 31);
    r = (r << 1) | (r >>> 31);

    for (let k = 0; k < n; ) {
      for (const end = k + 32; k < end; k += 4) {
        t = (r & 0x3f3f3f3f) ^ ks[k];
        u = (((r >>> 4) | (r << 28)) & 0x3f3f3f3f) ^ ks[k + 1];
        l ^= spE[t >>> 24] | spE[(t >>> 16) & 255] | spE[(t >>> 8) & 255] | spE[t & 255] |
          spO[u >>> 24] | spO[(u >>> 16) & 255] | spO[(u >>> 8) & 255] | spO[u & 255];
        t = (l & 0x3f3f3f3f) ^ ks[k + 2];
        u = (((l >>> 4) | (l << 28)) & 0x3f3f3f3f) ^ ks[k + 3];
        r ^= spE[t >>> 24] | spE[(t >>> 16) & 255] | spE[(t >>> 8) & 255] | spE[t & 255] |
          spO[u >>> 24] | spO[(u >>> 16) & 255] | spO[(u >>> 8) & 255] | spO[u & 255];
      }
      // DES outputs R16 L16, swapped. Between TDEA passes FP and IP cancel but this swap
      // does not, so it follows every pass.
      t = l; l = r; r = t;
    }

    l = (l >>> 1) | (l << 31);
    r = (r >>> 1) | (r << 31);
    // FP = IP^-1: the same steps in reverse order.
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

/**
 * CBC decryption, two blocks at a time. A DES round is one long chain of dependent
 * operations (key XOR, table loads, ORs, XOR into the other half), so one block leaves most
 * of the CPU's execution units idle while it waits on each load. Decryption, unlike CBC
 * encryption, needs no block's result to start the next one, so two blocks run interleaved
 * and the CPU overlaps their chains: measured 1.2-1.45x faster on the reference machine. The
 * round code is that of cbc() with every line doubled (lanes l/r and L/R); a trailing odd
 * block goes through cbc(). In place is safe: both blocks are read before either is written.
 */
function cbcDecryptPairs(ks: Int32Array, data: Uint8Array, iv: Uint8Array, out: Uint8Array = new Uint8Array(data.length)): Uint8Array {
  const spE = SP_EVEN;
  const spO = SP_ODD;
  const n = ks.length;
  let prevL = (iv[0] << 24) | (iv[1] << 16) | (iv[2] << 8) | iv[3];
  let prevR = (iv[4] << 24) | (iv[5] << 16) | (iv[6] << 8) | iv[7];
  const pairsEnd = data.length - (data.length % (2 * BLOCK));

  for (let off = 0; off < pairsEnd; off += 2 * BLOCK) {
    const al = (data[off] << 24) | (data[off + 1] << 16) | (data[off + 2] << 8) | data[off + 3];
    const ar = (data[off + 4] << 24) | (data[off + 5] << 16) | (data[off + 6] << 8) | data[off + 7];
    const bl = (data[off + 8] << 24) | (data[off + 9] << 16) | (data[off + 10] << 8) | data[off + 11];
    const br = (data[off + 12] << 24) | (data[off + 13] << 16) | (data[off + 14] << 8) | data[off + 15];
    let l = al, r = ar, L = bl, R = br;
    let t: number, u: number, T: number, U: number;

    t = ((l >>> 4) ^ r) & 0x0f0f0f0f; r ^= t; l ^= t << 4;     T = ((L >>> 4) ^ R) & 0x0f0f0f0f; R ^= T; L ^= T << 4;
    t = ((l >>> 16) ^ r) & 0x0000ffff; r ^= t; l ^= t << 16;   T = ((L >>> 16) ^ R) & 0x0000ffff; R ^= T; L ^= T << 16;
    t = ((r >>> 2) ^ l) & 0x33333333; l ^= t; r ^= t << 2;     T = ((R >>> 2) ^ L) & 0x33333333; L ^= T; R ^= T << 2;
    t = ((r >>> 8) ^ l) & 0x00ff00ff; l ^= t; r ^= t << 8;     T = ((R >>> 8) ^ L) & 0x00ff00ff; L ^= T; R ^= T << 8;
    t = ((l >>> 1) ^ r) & 0x55555555; r ^= t; l ^= t << 1;     T = ((L >>> 1) ^ R) & 0x55555555; R ^= T; L ^= T << 1;
    l = (l << 1) | (l >>> 31); r = (r << 1) | (r >>> 31);       L = (L << 1) | (L >>> 31); R = (R << 1) | (R >>> 31);

    for (let k = 0; k < n; ) {
      for (const end = k + 32; k < end; k += 4) {
        const k0 = ks[k], k1 = ks[k + 1], k2 = ks[k + 2], k3 = ks[k + 3];
        t = (r & 0x3f3f3f3f) ^ k0; u = (((r >>> 4) | (r << 28)) & 0x3f3f3f3f) ^ k1;
        T = (R & 0x3f3f3f3f) ^ k0; U = (((R >>> 4) | (R << 28)) & 0x3f3f3f3f) ^ k1;
        l ^= spE[t >>> 24] | spE[(t >>> 16) & 255] | spE[(t >>> 8) & 255] | spE[t & 255] |
          spO[u >>> 24] | spO[(u >>> 16) & 255] | spO[(u >>> 8) & 255] | spO[u & 255];
        L ^= spE[T >>> 24] | spE[(T >>> 16) & 255] | spE[(T >>> 8) & 255] | spE[T & 255] |
          spO[U >>> 24] | spO[(U >>> 16) & 255] | spO[(U >>> 8) & 255] | spO[U & 255];
        t = (l & 0x3f3f3f3f) ^ k2; u = (((l >>> 4) | (l << 28)) & 0x3f3f3f3f) ^ k3;
        T = (L & 0x3f3f3f3f) ^ k2; U = (((L >>> 4) | (L << 28)) & 0x3f3f3f3f) ^ k3;
        r ^= spE[t >>> 24] | spE[(t >>> 16) & 255] | spE[(t >>> 8) & 255] | spE[t & 255] |
          spO[u >>> 24] | spO[(u >>> 16) & 255] | spO[(u >>> 8) & 255] | spO[u & 255];
        R ^= spE[T >>> 24] | spE[(T >>> 16) & 255] | spE[(T >>> 8) & 255] | spE[T & 255] |
          spO[U >>> 24] | spO[(U >>> 16) & 255] | spO[(U >>> 8) & 255] | spO[U & 255];
      }
      t = l; l = r; r = t;                                         T = L; L = R; R = T;
    }

    l = (l >>> 1) | (l << 31); r = (r >>> 1) | (r << 31);       L = (L >>> 1) | (L << 31); R = (R >>> 1) | (R << 31);
    t = ((l >>> 1) ^ r) & 0x55555555; r ^= t; l ^= t << 1;     T = ((L >>> 1) ^ R) & 0x55555555; R ^= T; L ^= T << 1;
    t = ((r >>> 8) ^ l) & 0x00ff00ff; l ^= t; r ^= t << 8;     T = ((R >>> 8) ^ L) & 0x00ff00ff; L ^= T; R ^= T << 8;
    t = ((r >>> 2) ^ l) & 0x33333333; l ^= t; r ^= t << 2;     T = ((R >>> 2) ^ L) & 0x33333333; L ^= T; R ^= T << 2;
    t = ((l >>> 16) ^ r) & 0x0000ffff; r ^= t; l ^= t << 16;   T = ((L >>> 16) ^ R) & 0x0000ffff; R ^= T; L ^= T << 16;
    t = ((l >>> 4) ^ r) & 0x0f0f0f0f; r ^= t; l ^= t << 4;     T = ((L >>> 4) ^ R) & 0x0f0f0f0f; R ^= T; L ^= T << 4;

    // Plaintext = decrypted block XOR the ciphertext before it.
    l ^= prevL; r ^= prevR; L ^= al; R ^= ar;
    prevL = bl;
    prevR = br;
    out[off] = l >>> 24; out[off + 1] = l >>> 16; out[off + 2] = l >>> 8; out[off + 3] = l;
    out[off + 4] = r >>> 24; out[off + 5] = r >>> 16; out[off + 6] = r >>> 8; out[off + 7] = r;
    out[off + 8] = L >>> 24; out[off + 9] = L >>> 16; out[off + 10] = L >>> 8; out[off + 11] = L;
    out[off + 12] = R >>> 24; out[off + 13] = R >>> 16; out[off + 14] = R >>> 8; out[off + 15] = R;
  }
  if (pairsEnd < data.length) {
    const chain = Uint8Array.of(prevL >>> 24, prevL >>> 16, prevL >>> 8, prevL, prevR >>> 24, prevR >>> 16, prevR >>> 8, prevR);
    cbc(ks, data.subarray(pairsEnd), chain, false, out.subarray(pairsEnd));
  }
  return out;
}

/** Shared by Des and TripleDes, which differ only in how the key becomes round keys. */
abstract class DesCbcBase implements CbcEngine {
  readonly blockSize = BLOCK;
  readonly #enc: Int32Array;
  readonly #dec: Int32Array;

  protected constructor(enc: Int32Array, dec: Int32Array) {
    this.#enc = enc;
    this.#dec = dec;
  }

  /** CBC-encrypts whole blocks; `iv` is only read. Returns `out`, or a new array. */
  encryptCbc(data: Uint8Array, iv: Uint8Array, out?: Uint8Array): Uint8Array {
    checkCbcArgs(data, iv, out);
    return cbc(this.#enc, data, iv, true, out);
  }

  /** CBC-decrypts whole blocks; `iv` is only read. Returns `out`, or a new array. */
  decryptCbc(data: Uint8Array, iv: Uint8Array, out?: Uint8Array): Uint8Array {
    checkCbcArgs(data, iv, out);
    return cbcDecryptPairs(this.#dec, data, iv, out);
  }

  /** One block in ECB (CBC with a zero IV is ECB for one block), for known-answer tests. */
  encryptBlock(block: Uint8Array): Uint8Array {
    checkLength(block, [BLOCK], 'BAD_INPUT_LENGTH', 'DES block');
    return cbc(this.#enc, block, ZERO_IV, true);
  }

  /** One block in ECB, for known-answer tests. */
  decryptBlock(block: Uint8Array): Uint8Array {
    checkLength(block, [BLOCK], 'BAD_INPUT_LENGTH', 'DES block');
    return cbc(this.#dec, block, ZERO_IV, false);
  }
}

/** Single DES (FIPS 46-3) in CBC mode. `key` is 8 bytes; parity bits are ignored. */
export class Des extends DesCbcBase {
  constructor(key: Uint8Array) {
    checkLength(key, [8], 'BAD_KEY_LENGTH', 'DES key');
    const k = desKeySchedule(key, 0);
    super(k, reversed(k));
  }
}

/**
 * TDEA in EDE form (NIST SP 800-67) in CBC mode, the "outer CBC" of SSL's 3DES_EDE_CBC and
 * OpenSSL's des-ede3-cbc: encryption is E_K3(D_K2(E_K1(x))), decryption the reverse.
 * `key` is K1|K2|K3 (24 bytes, keying option 1), K1|K2 (16 bytes, option 2: K3 = K1), or
 * K1 alone (8 bytes: K1 = K2 = K3, which is single DES and runs as one pass, not three).
 */
export class TripleDes extends DesCbcBase {
  constructor(key: Uint8Array) {
    checkLength(key, [24, 16, 8], 'BAD_KEY_LENGTH', '3DES key');
    const k1 = desKeySchedule(key, 0);
    if (key.length === 8) {
      super(k1, reversed(k1));
      return;
    }
    const k2 = desKeySchedule(key, 8);
    const k3 = key.length === 24 ? desKeySchedule(key, 16) : k1;
    super(passes(k1, reversed(k2), k3), passes(reversed(k3), k2, reversed(k1)));
  }
}
