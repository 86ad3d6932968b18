/**
 * DES constants from FIPS 46-3 (S-boxes, P, PC-1, PC-2, key-schedule shifts) and the tables
 * derived from them at module load for the fast path in des.ts.
 *
 * The constants are kept exactly as the standard prints them (1-based bit numbers, bit 1 the
 * most significant), so each can be checked against the document by eye; the derived tables
 * are what the rounds actually use. Deriving them here instead of pasting 512 opaque 32-bit
 * constants keeps the file reviewable and makes a typo show up as a failed known-answer test.
 */

/** The eight S-boxes, each 4 rows of 16 (FIPS 46-3, "Primitive functions S1, ..., S8"). */
const S_BOXES: readonly (readonly number[])[] = [
  [
    14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
    0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
    15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13,
  ],
  [
    15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
    3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
    13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9,
  ],
  [
    10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
    13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
    1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12,
  ],
  [
    7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
    13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
    3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14,
  ],
  [
    2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
    14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
    11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3,
  ],
  [
    12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
    10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
    4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13,
  ],
  [
    4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
    13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
    6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12,
  ],
  [
    13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
    1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
    2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11,
  ],
];

/** The permutation P applied to the S-box outputs (FIPS 46-3). */
const P: readonly number[] = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
  2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
];

/** Permuted choice 1: 56 of the 64 key bits; bits 8, 16, ..., 64 (parity) are never read. */
const PC1: readonly number[] = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];

/** Permuted choice 2: the 48 bits of each round key, from C||D (bits 1..56). */
const PC2: readonly number[] = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
  41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];

/** Left rotations of C and D before each of the 16 rounds. */
const SHIFTS: readonly number[] = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];

/** Bit `n` (1 = most significant) of a 32-bit word. */
function bit32(word: number, n: number): number {
  return (word >>> (32 - n)) & 1;
}

/**
 * SP[i][v]: S-box i+1 applied to the 6-bit E-expanded group v, then P, as one 32-bit word.
 * Fusing S and P works because P only moves bits: the outputs of the eight boxes occupy
 * disjoint bits after P, so the round function becomes eight lookups ORed together and no
 * bit is moved at run time.
 *
 * The words are rotated left by one. des.ts keeps both halves rotated that way for the
 * whole cipher, which places every E-expansion group (bits 32,1..5; 4..9; ...; 28..32,1) on
 * a byte boundary of either R or R rotated by 4, so E itself is free: each group is just
 * `(x >>> shift) & 63`. The XOR into the other half must then be in the same rotated frame.
 */
function buildSp(): Int32Array[] {
  const tables: Int32Array[] = [];
  for (let box = 0; box < 8; box++) {
    const table = new Int32Array(64);
    for (let v = 0; v < 64; v++) {
      // FIPS 46-3: the outer bits (first and last) pick the row, the inner four the column.
      const row = ((v >>> 4) & 2) | (v & 1);
      const col = (v >>> 1) & 15;
      const s = S_BOXES[box][row * 16 + col];
      const before = s << (28 - 4 * box); // output bits 4*box+1 .. 4*box+4
      let after = 0;
      for (let j = 0; j < 32; j++) after |= bit32(before, P[j]) << (31 - j);
      table[v] = (after << 1) | (after >>> 31);
    }
    tables.push(table);
  }
  return tables;
}

export const [SP1, SP2, SP3, SP4, SP5, SP6, SP7, SP8] = buildSp();

/**
 * The 16 round keys of `key` (8 bytes at `offset`), as 32 words in the layout the rounds in
 * des.ts consume: for round i, word 2i holds the key bits for S-boxes 2, 4, 6, 8 and word
 * 2i+1 those for S-boxes 1, 3, 5, 7, each 6-bit group in the low bits of one byte, most
 * significant byte first. That is where the matching E-expansion groups sit in R and in R
 * rotated right by 4 (see buildSp), so a round key is applied with one XOR per word.
 *
 * This runs once per key, so it favours being checkable against FIPS 46-3 over speed.
 */
export function desKeySchedule(key: Uint8Array, offset: number): Int32Array {
  const hi = (key[offset] << 24) | (key[offset + 1] << 16) | (key[offset + 2] << 8) | key[offset + 3];
  const lo = (key[offset + 4] << 24) | (key[offset + 5] << 16) | (key[offset + 6] << 8) | key[offset + 7];
  const keyBit = (n: number): number => (n <= 32 ? bit32(hi, n) : bit32(lo, n - 32));

  // C and D as 28-bit integers, bit 1 of each in bit 27.
  let c = 0;
  let d = 0;
  for (let j = 0; j < 28; j++) {
    c |= keyBit(PC1[j]) << (27 - j);
    d |= keyBit(PC1[j + 28]) << (27 - j);
  }

  const out = new Int32Array(32);
  for (let round = 0; round < 16; round++) {
    const s = SHIFTS[round];
    c = ((c << s) | (c >>> (28 - s))) & 0x0fffffff;
    d = ((d << s) | (d >>> (28 - s))) & 0x0fffffff;
    const cdBit = (n: number): number => (n <= 28 ? (c >>> (28 - n)) & 1 : (d >>> (56 - n)) & 1);

    let even = 0; // S-boxes 2, 4, 6, 8
    let odd = 0; // S-boxes 1, 3, 5, 7
    for (let box = 0; box < 8; box++) {
      let group = 0;
      for (let j = 0; j < 6; j++) group = (group << 1) | cdBit(PC2[box * 6 + j]);
      const shift = 24 - 8 * (box >>> 1);
      if (box & 1) even |= group << shift;
      else odd |= group << shift;
    }
    out[2 * round] = even;
    out[2 * round + 1] = odd;
  }
  return out;
}
