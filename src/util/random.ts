/**
 * The random source. Everything that needs randomness takes a RandomSource so tests and
 * golden transcripts can inject a deterministic one (DESIGN.md, "Deterministic when asked").
 * The default uses WebCrypto's getRandomValues, available in Node and browsers.
 */

export type RandomSource = (length: number) => Uint8Array;

export const systemRandom: RandomSource = (length) => {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65536 bytes per call.
  for (let off = 0; off < length; off += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(off, Math.min(length, off + 65536)));
  }
  return out;
};
