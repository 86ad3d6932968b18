/**
 * A harness side's identity from what users have: a key and certificates as PEM or DER (the
 * socket layer's loaders, so the same inputs work as for createServer), or already parsed.
 */
import type { RsaPrivateKey } from '../pki/rsa-key.js';
import { loadCertificates, loadKey, type PemInput } from '../socket/options.js';
import type { HarnessIdentity } from './peer-state.js';

/** A key (PEM, DER or parsed) and a chain (PEM with one or more certificates, DER, or a list), leaf first. */
export function identityFrom(key: PemInput | RsaPrivateKey, cert: PemInput | readonly PemInput[]): HarnessIdentity {
  return { key: loadKey(key), chain: loadCertificates('cert', cert).map((c) => c.raw) };
}
