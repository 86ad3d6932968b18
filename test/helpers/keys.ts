/** RSA keys and randomness for tests: node-generated keys as our BigInt form, and a seeded RandomSource. */
import { generateKeyPairSync } from 'node:crypto';
import type { RsaPrivateKey } from '../../src/pki/rsa-key.js';
export { seededRandom } from '../../src/util/random.js';

/** A fresh RSA key from node:crypto (fast, native), converted through JWK. */
export function nodeRsaKey(bits = 1024): RsaPrivateKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = privateKey.export({ format: 'jwk' });
  const b = (s: string | undefined): bigint => BigInt('0x' + Buffer.from(s!, 'base64url').toString('hex'));
  return { n: b(jwk.n), e: b(jwk.e), d: b(jwk.d), p: b(jwk.p), q: b(jwk.q), dp: b(jwk.dp), dq: b(jwk.dq), qinv: b(jwk.qi) };
}
