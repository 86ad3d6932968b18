/**
 * The random source. Everything that needs randomness takes a RandomSource so tests and
 * golden transcripts can inject a deterministic one (docs/architecture.md, "Principles": "Deterministic when asked").
 * The default uses WebCrypto's getRandomValues, available in Node and browsers;
 * seededRandom() is the deterministic one behind `--seed` and the golden transcripts.
 */
import { sha256 } from '@noble/hashes/sha2.js';

export type RandomSource = (length: number) => Uint8Array;

export const systemRandom: RandomSource = (length) => {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65536 bytes per call.
  for (let off = 0; off < length; off += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(off, Math.min(length, off + 65536)));
  }
  return out;
};

/**
 * A deterministic RandomSource for reproducible runs (`--seed`, golden transcripts, tests):
 * SHA-256 in counter mode, block i = SHA-256(seed + "/" + i) (UTF-8), each call taking as
 * many fresh blocks as it needs. The same seed and the same sequence of calls give the same
 * bytes, so a handshake replays byte for byte. Never for real secrets: whoever knows the seed
 * knows every key.
 */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  const encoder = new TextEncoder();
  return (length) => {
    const out = new Uint8Array(length);
    for (let off = 0; off < length; off += 32) {
      const block = sha256(encoder.encode(`${seed}/${counter++}`));
      out.set(block.subarray(0, Math.min(32, length - off)), off);
    }
    return out;
  };
}
