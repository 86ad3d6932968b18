/** RSA keys and randomness for tests: node-generated keys as our BigInt form, and a seeded RandomSource. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { parsePrivateKey } from '../../src/pki/keys.js';
import type { RsaPrivateKey } from '../../src/pki/rsa-key.js';
export { seededRandom } from '../../src/util/random.js';

/**
 * A fresh RSA key pair from node:crypto (fast, native), as DER, and as KeyObjects made from that
 * DER. Never a KeyObject the key generation returned: on Node 20 a garbage collection while
 * such a key is exported (export({ format: 'jwk' }) seen) can run the finished generation job's
 * destructor, which takes the lock the export holds, and the process hangs for good (seen in
 * the soak server: main thread in futex_wait under KeyGenJob::~KeyGenJob from ExportJWKRsaKey).
 */
export function nodeRsaPair(bits = 1024): { pkcs8: Uint8Array; privateKey: KeyObject; publicKey: KeyObject } {
  const der = generateKeyPairSync('rsa', { modulusLength: bits, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } });
  return {
    pkcs8: new Uint8Array(der.privateKey),
    privateKey: createPrivateKey({ key: der.privateKey, format: 'der', type: 'pkcs8' }),
    publicKey: createPublicKey({ key: der.publicKey, format: 'der', type: 'spki' }),
  };
}

/** A fresh RSA key from node:crypto, read by our own PKCS #8 parser. */
export function nodeRsaKey(bits = 1024): RsaPrivateKey {
  return parsePrivateKey(nodeRsaPair(bits).pkcs8);
}
