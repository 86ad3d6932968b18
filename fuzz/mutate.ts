/**
 * Mutation fuzzing with fast-check: arbitraries that start from real encodings (the seeds:
 * certificates, keys, flights, configs, requests) and apply a short list of edits, as AFL and
 * libFuzzer do, but as fast-check values, so a failing input shrinks to few, small edits.
 * Edits: bit flips, interesting byte values, inserts, deletes, duplicated slices, truncation,
 * splices from another seed, dictionary words, and (for DER) rewrites of tag and length bytes
 * found by walking the seed's TLV tree (X.690 8.1.2, 8.1.3).
 */
import fc from 'fast-check';
import { concatBytes } from '../src/util/bytes.js';
import type { FuzzInput } from './target.js';

/** Byte values that sit on parser boundaries: length forms, common tags, sign bits. */
const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0a, 0x0d, 0x20, 0x30, 0x31, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0xa0, 0xa3, 0xfe, 0xff];

export type Edit =
  | { k: 'flip'; at: number; bit: number }
  | { k: 'set'; at: number; v: number }
  | { k: 'insert'; at: number; bytes: Uint8Array }
  | { k: 'delete'; at: number; n: number }
  | { k: 'dup'; at: number; from: number; n: number }
  | { k: 'truncate'; at: number }
  | { k: 'splice'; at: number; other: number; from: number; n: number }
  | { k: 'word'; at: number; word: number }
  | { k: 'header'; which: number; tag: boolean; v: number };

const position = fc.nat();
const byte = fc.oneof(fc.constantFrom(...INTERESTING), fc.nat(255));

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ k: fc.constant('flip' as const), at: position, bit: fc.nat(7) }),
  fc.record({ k: fc.constant('set' as const), at: position, v: byte }),
  fc.record({ k: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ k: fc.constant('delete' as const), at: position, n: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ k: fc.constant('dup' as const), at: position, from: position, n: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ k: fc.constant('truncate' as const), at: position }),
  fc.record({ k: fc.constant('splice' as const), at: position, other: fc.nat(), from: position, n: fc.integer({ min: 1, max: 256 }) }),
  fc.record({ k: fc.constant('word' as const), at: position, word: fc.nat() }),
  fc.record({ k: fc.constant('header' as const), which: fc.nat(), tag: fc.boolean(), v: byte }),
);

/** Offsets of every tag byte and length byte in a DER tree, looking inside OCTET and BIT STRINGs that wrap DER. */
export function headerOffsets(bytes: Uint8Array): { tags: number[]; lengths: number[] } {
  const tags: number[] = [];
  const lengths: number[] = [];
  const visit = (start: number, end: number, depth: number): void => {
    let p = start;
    while (p + 1 < end && depth < 40) {
      tags.push(p);
      lengths.push(p + 1);
      let len = bytes[p + 1];
      let hdr = 2;
      if (len & 0x80) {
        const n = len & 0x7f;
        len = 0;
        for (let i = 0; i < n; i++) len = len * 256 + (bytes[p + 2 + i] ?? 0);
        hdr += n;
      }
      if (bytes[p] & 0x20) visit(p + hdr, Math.min(end, p + hdr + len), depth + 1);
      else if ((bytes[p] === 0x04 || bytes[p] === 0x03) && len > 2) {
        const inner = p + hdr + (bytes[p] === 0x03 ? 1 : 0);
        if (bytes[inner] === 0x30) visit(inner, Math.min(end, p + hdr + len), depth + 1);
      }
      p += hdr + len;
    }
  };
  visit(0, bytes.length, 0);
  return { tags, lengths };
}

export interface Seeds {
  readonly seeds: readonly Uint8Array[];
  /** Words the 'word' edit inserts (config keywords, HTTP header names). */
  readonly dictionary?: readonly Uint8Array[];
  /** Walk the seeds as DER for the 'header' edit. */
  readonly der?: boolean;
}

/** Applies the edits to a copy of `seed`; positions wrap around the current length. */
export function applyEdits(seed: Uint8Array, edits: readonly Edit[], ctx: Seeds, offsets?: { tags: number[]; lengths: number[] }): Uint8Array {
  let b: Uint8Array = seed.slice();
  for (const e of edits) {
    const at = 'at' in e ? e.at % (b.length + 1) : 0;
    switch (e.k) {
      case 'flip':
        if (b.length) b[at % b.length] ^= 1 << e.bit;
        break;
      case 'set':
        if (b.length) b[at % b.length] = e.v;
        break;
      case 'insert':
        b = concatBytes(b.subarray(0, at), e.bytes, b.subarray(at));
        break;
      case 'delete':
        b = concatBytes(b.subarray(0, at), b.subarray(at + e.n));
        break;
      case 'dup': {
        const from = e.from % (b.length + 1);
        b = concatBytes(b.subarray(0, at), b.subarray(from, from + e.n), b.subarray(at));
        break;
      }
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'splice': {
        const other = ctx.seeds[e.other % ctx.seeds.length];
        const from = e.from % (other.length + 1);
        b = concatBytes(b.subarray(0, at), other.subarray(from, from + e.n), b.subarray(at + e.n));
        break;
      }
      case 'word': {
        const words = ctx.dictionary ?? [];
        if (words.length) b = concatBytes(b.subarray(0, at), words[e.word % words.length], b.subarray(at));
        break;
      }
      case 'header': {
        const list = offsets ? (e.tag ? offsets.tags : offsets.lengths) : [];
        const p = list.length ? list[e.which % list.length] : undefined;
        if (p !== undefined && p < b.length) b[p] = e.v;
        break;
      }
    }
  }
  return b;
}

/** Bytes: mostly a seed with 1..6 edits, sometimes plain random bytes. */
export function mutatedBytes(ctx: Seeds, maxRandom = 512): fc.Arbitrary<Uint8Array> {
  const offsets = ctx.der ? ctx.seeds.map(headerOffsets) : undefined;
  const mutated = fc
    .record({ seed: fc.nat(), edits: fc.array(edit, { minLength: 1, maxLength: 6 }) })
    .map(({ seed, edits }) => {
      const i = seed % ctx.seeds.length;
      return applyEdits(ctx.seeds[i], edits, ctx, offsets?.[i]);
    });
  return fc.oneof({ arbitrary: mutated, weight: 6 }, { arbitrary: fc.uint8Array({ maxLength: maxRandom }), weight: 1 });
}

/** A single-buffer FuzzInput (a parser's input) from mutatedBytes. */
export function bytesInput(ctx: Seeds, maxRandom?: number): fc.Arbitrary<FuzzInput> {
  return mutatedBytes(ctx, maxRandom).map((b) => ({ flags: 0, chunks: [b] }));
}

/** Cuts bytes into 1..n pieces at fast-check-chosen points (the stream as TCP may deliver it). */
export function cutPoints(maxCuts = 8): fc.Arbitrary<number[]> {
  return fc.array(fc.nat(), { maxLength: maxCuts });
}

export function cut(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...at, bytes.length]) {
    if (p > prev) out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out.length ? out : [bytes];
}
