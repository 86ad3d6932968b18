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
import { parseCrls, type Crl } from '../pki/crl.js';
import { CrlCache } from '../pki/crl-cache.js';
import { REVOCATION_MODES, type CrlFetcher, type RevocationMode, type RevocationOptions } from '../pki/revocation.js';
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

/**
 * Revocation checking of the peer's certificates with CRLs, after chain validation (IOS
 * trustpoint `crl` settings; see src/pki/revocation.ts for what each mode does).
 */
export interface RevocationInput {
  /** 'required' (default, IOS's default), 'optional' (`crl optional`) or 'best-effort' (`crl best-effort`). */
  mode?: RevocationMode;
  /** Gets a CRL from a URL; the HTTPS layer supplies http:// and ldap:// (src/http/crl-fetch.ts). */
  fetch?: CrlFetcher;
  /** IOS `crl query URL`: fetch CRLs here instead of at the certificates' distribution points. */
  queryUrl?: string;
  /** CRLs given up front: PEM (several blocks allowed) or DER, or parsed ones. */
  crls?: PemInput | Crl | readonly (PemInput | Crl)[];
  /** Where verified CRLs are kept until nextUpdate; by default one per server (a client: per connection). */
  cache?: CrlCache;
}

function isCrl(x: PemInput | Crl): x is Crl {
  return typeof x === 'object' && !(x instanceof Uint8Array);
}

/**
 * The revocation options a verifier takes; a bad mode or CRL is an OptionError naming it.
 * `defaults` fill what the input leaves out: the fetcher and the cache of the server or agent.
 */
export function loadRevocation(input: RevocationInput | undefined, defaults: { fetch?: CrlFetcher; cache?: CrlCache } = {}): RevocationOptions | undefined {
  if (!input) return undefined;
  const mode = input.mode ?? 'required';
  if (!REVOCATION_MODES.includes(mode)) throw new OptionError(`revocation.mode: '${String(mode)}' is not one of ${REVOCATION_MODES.join(', ')}`);
  const list = input.crls === undefined ? [] : Array.isArray(input.crls) ? (input.crls as readonly (PemInput | Crl)[]) : [input.crls as PemInput | Crl];
  const crls = list.flatMap((c) => (isCrl(c) ? [c] : wrap('revocation.crls', () => parseCrls(c))));
  return { mode, fetch: input.fetch ?? defaults.fetch, queryUrl: input.queryUrl, crls, cache: input.cache ?? defaults.cache ?? new CrlCache() };
}
