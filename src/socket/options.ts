/**
 * Turning node:tls-style options (PEM strings or Buffers for key, cert and ca; cipher names)
 * into what the connection needs. A bad option is a user error: one clear sentence naming it.
 */
import type { CipherSuite } from '../ciphers/suites.js';
import { DEFAULT_SUITES, parseSuiteList } from '../ciphers/suites.js';
import type { Certificate } from '../pki/certificate.js';
import type { RsaPrivateKey } from '../pki/rsa-key.js';
import { parseCertificates } from '../pki/x509.js';
import { parsePrivateKey } from '../pki/keys.js';
import { Ssl3Error } from '../util/errors.js';

export type PemInput = string | Uint8Array;

export class OptionError extends Ssl3Error {
  constructor(message: string) {
    super('BAD_OPTION', message);
  }
}

function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Ssl3Error) throw new OptionError(`${what}: ${e.message}`);
    throw e;
  }
}

export function loadKey(key: PemInput | RsaPrivateKey, passphrase?: string): RsaPrivateKey {
  if (typeof key === 'object' && !(key instanceof Uint8Array)) return key;
  return wrap('key', () => parsePrivateKey(key, passphrase));
}

/** All certificates in the inputs (PEM with several blocks, or DER). */
export function loadCertificates(what: string, input: PemInput | readonly PemInput[] | undefined): Certificate[] {
  if (input === undefined) return [];
  const list = Array.isArray(input) ? (input as readonly PemInput[]) : [input as PemInput];
  return list.flatMap((item) => wrap(what, () => parseCertificates(item)));
}

export function loadSuites(ciphers: string | readonly string[] | undefined): CipherSuite[] {
  if (ciphers === undefined) return [...DEFAULT_SUITES];
  return wrap('ciphers', () => parseSuiteList(ciphers as string | string[]));
}
