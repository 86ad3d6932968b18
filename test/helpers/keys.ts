/** RSA keys and randomness for tests: node-generated keys as our BigInt form, and a seeded RandomSource. */
import { generateKeyPairSync } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import type { RsaPrivateKey } from '../../src/pki/rsa-key.js';
import type { RandomSource } from '../../src/util/random.js';

/** Deterministic RandomSource: SHA-256 in counter mode over a seed. */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let off = 0; off < length; off += 32) {
      const block = sha256(new TextEncoder().encode(`${seed}/${counter++}`));
      out.set(block.subarray(0, Math.min(32, length - off)), off);
    }
    return out;
  };
}

/** A fresh RSA key from node:crypto (fast, native), converted through JWK. */
export function nodeRsaKey(bits = 1024): RsaPrivateKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = privateKey.export({ format: 'jwk' });
  const b = (s: string | undefined): bigint => BigInt('0x' + Buffer.from(s!, 'base64url').toString('hex'));
  return { n: b(jwk.n), e: b(jwk.e), d: b(jwk.d), p: b(jwk.p), q: b(jwk.q), dp: b(jwk.dp), dq: b(jwk.dq), qinv: b(jwk.qi) };
}
