/**
 * The handshake's RSA private-key operations as a step that may answer later, the way
 * BoringSSL's SSL_PRIVATE_KEY_METHOD works: the state machine hands the operation over and
 * waits (HandshakeHost.waitFor), and a caller can have it done off the event loop (a pool of
 * worker threads: src/socket/rsa-pool.ts) or by a token, so a burst of full handshakes does
 * not stall the other connections' records.
 *
 * Both operations are the raw private-key operation on a k-octet block (RFC 8017 RSADP and
 * RSASP1 are the same arithmetic): the padding stays with the handshake. The server's
 * ClientKeyExchange (RFC 6101 5.6.7.1) gets the raw block back and checks it with masks
 * (pki/pkcs1.ts premasterFromBlock), so doing the exponentiation elsewhere keeps the
 * Bleichenbacher countermeasure whole; the client's CertificateVerify (5.6.8) hands over
 * the PKCS #1 block of its MD5 + SHA-1 hash.
 */
import { i2osp, os2ip, rsaPrivate } from '../pki/rsa.js';
import { modulusBytes, type RsaPrivateKey } from '../pki/rsa-key.js';
import type { RandomSource } from '../util/random.js';
import type { MaybeAsync } from './context.js';

export interface PrivateKeyOperations {
  /** RSADP without padding: the k-octet block c^d mod n for the k-octet input c (< n). */
  decrypt(input: Uint8Array): MaybeAsync<Uint8Array>;
  /** RSASP1 of an encoded message (k octets, EMSA-PKCS1-v1_5): the signature. */
  sign(encoded: Uint8Array): MaybeAsync<Uint8Array>;
}

/** The operations done here and now, on the key itself (the default). */
export function localPrivateKey(key: RsaPrivateKey, random: RandomSource): PrivateKeyOperations {
  const k = modulusBytes(key);
  const op = (input: Uint8Array) => i2osp(rsaPrivate(key, os2ip(input), random), k);
  return { decrypt: op, sign: op };
}
