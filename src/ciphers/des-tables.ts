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

/*
 * The round function in des.ts works on a half R kept rotated left by one bit. In that frame
 * the E-expansion groups (bits 32,1..5 for S1; 4..9 for S2; ...; 28..32,1 for S8) fall on
 * byte boundaries: the groups of S2, S4, S6, S8 are the low six bits of the four bytes of R,
 * those of S1, S3, S5, S7 the low six bits of the bytes of R rotated right by 4. So E costs
 * one rotate and two masks, and each group is read with a shift.
 *
 * Once R is masked to those groups, the two high bits of every byte are free. The round keys
 * set them to 0, 1, 2, 3 from the most significant byte down, so a whole byte indexes one 256-entry table holding four
 * S-boxes side by side. With two tables instead of eight, V8 compiles a round to about 65
 * x64 instructions with no register spills instead of about 100 with many (measured with
 * --print-opt-code); the tight round loop in des.ts then runs at OpenSSL's speed, and keeps
 * closer to it when the other core or hyperthread is busy.
 */

/** The high bits the round keys put in each byte, choosing the S-box within a table. */
const QUARTERS = 0x004080c0;

/** Bit `n` (1 = most significant) of a 32-bit word. */
function bit32(word: number, n: number): number {
  return (word >>> (32 - n)) & 1;
}

/**
 * S-box `box` (0-based) followed by P, for each 6-bit input: one 32-bit word per input.
 * Fusing S and P works because P only moves bits: the outputs of the eight boxes land on
 * disjoint bits after P, so a round is eight lookups ORed together and no bit is moved at
 * run time. Words are rotated left by one to match the frame the halves are kept in.
 */
function spBox(box: number): Int32Array {
  const table = new Int32Array(64);
  for (let v = 0; v < 64; v++) {
    // FIPS 46-3: the outer bits (first and last) pick the row, the inner four the column.
    const row = ((v >>> 4) & 2) | (v & 1);
    const col = (v >>> 1) & 15;
    const before = S_BOXES[box][row * 16 + col] << (28 - 4 * box); // output bits 4*box+1 .. 4*box+4
    let after = 0;
    for (let j = 0; j < 32; j++) after |= bit32(before, P[j]) << (31 - j);
    table[v] = (after << 1) | (after >>> 31);
  }
  return table;
}

/**
 * The two combined S-box/P tables: `even` holds S2, S4, S6, S8 and `odd` S1, S3, S5, S7, each
 * box in the quarter its input byte selects (see above).
 */
export function buildSpTables(): { even: Int32Array; odd: Int32Array } {
  const even = new Int32Array(256);
  const odd = new Int32Array(256);
  for (let q = 0; q < 4; q++) {
    odd.set(spBox(2 * q), 64 * q);
    even.set(spBox(2 * q + 1), 64 * q);
  }
  return { even, odd };
}

/**
 * ROUND_KEY_BITS[48 * round + 6 * box + j]: which key bit (0-based, 0 = most significant bit
 * of the first byte) is bit j of S-box `box`'s 6-bit round-key group. PC-1, the rotations and
 * PC-2 only select and move bits, so their composition is a fixed table and a key schedule
 * is 768 table-driven bit copies instead of a simulation of the C and D registers.
 */
const ROUND_KEY_BITS: Uint8Array = (() => {
  const out = new Uint8Array(16 * 48);
  // C and D hold key bit numbers (1-based) rather than bit values, rotated as FIPS 46-3 says.
  let c = PC1.slice(0, 28);
  let d = PC1.slice(28);
  for (let round = 0; round < 16; round++) {
    const s = SHIFTS[round];
    c = [...c.slice(s), ...c.slice(0, s)];
    d = [...d.slice(s), ...d.slice(0, s)];
    const cd = [...c, ...d];
    for (let i = 0; i < 48; i++) out[48 * round + i] = cd[PC2[i] - 1] - 1;
  }
  return out;
})();

/**
 * The 16 round keys of the 8-byte key at `key[offset]`, as 32 words: for round i, word 2i
 * holds the groups of S2, S4, S6, S8 and word 2i+1 those of S1, S3, S5, S7, one group in the
 * low six bits of each byte (most significant byte first) with the table-quarter selectors
 * above in the high two. Each word is applied with one XOR to the matching masked half.
 */
export function desKeySchedule(key: Uint8Array, offset: number): Int32Array {
  const bits = new Uint8Array(64);
  for (let i = 0; i < 64; i++) bits[i] = (key[offset + (i >>> 3)] >>> (7 - (i & 7))) & 1;

  const out = new Int32Array(32);
  for (let round = 0, p = 0; round < 16; round++) {
    let even = QUARTERS;
    let odd = QUARTERS;
    for (let box = 0; box < 8; box++) {
      let group = 0;
      for (let j = 0; j < 6; j++) group = (group << 1) | bits[ROUND_KEY_BITS[p++]];
      const shift = 24 - 8 * (box >>> 1);
      // `box` counts from 0, so odd values are S2, S4, S6, S8.
      if (box & 1) even |= group << shift;
      else odd |= group << shift;
    }
    out[2 * round] = even;
    out[2 * round + 1] = odd;
  }
  bits.fill(0);
  return out;
}
