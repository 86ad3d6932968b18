/**
 * What the running configuration means for the servers (docs/ios-configuration.md, the feature
 * guide's "Configuring the HTTPS Server" and "Providing Additional Security and Efficiency"):
 * the suites, the access list, the authentication and the client-certificate settings the
 * HTTP and HTTPS servers get. Pure functions of the config and the key ring, so runtime.ts
 * only has to move their results into the running servers, and each rule is tested without
 * a socket.
 */
import { randomBytes } from 'node:crypto';
import { CIPHER_SUITES, IOS_SUITES, type CipherSuite } from '../ciphers/suites.js';
import type { AccessList } from '../http/access-list.js';
import type { BasicAuthOptions } from '../http/basic-auth.js';
import type { ServerPolicyOptions } from '../http/server-policy.js';
import type { Certificate } from '../pki/certificate.js';
import type { KeyRing, RunningConfig, StoredPassword, Trustpoint } from './model.js';
import { clientIdentity, type DeviceIdentity } from './keyring.js';
import { hashSecret, verifyPassword } from './password.js';

/**
 * `ip http secure-ciphersuite`: the configured IOS keywords, or IOS's four when it is not
 * configured, in the suite table's server preference order (strongest first). The order the
 * keywords were typed in does not matter, as on IOS, which lists them sorted.
 */
export function serverSuites(http: RunningConfig['http']): CipherSuite[] {
  return suitesOf(http.secureCiphersuites);
}

function suitesOf(keywords: readonly string[] | undefined): CipherSuite[] {
  const wanted = new Set(keywords ?? IOS_SUITES.map((s) => s.iosKeyword));
  return CIPHER_SUITES.filter((s) => wanted.has(s.iosKeyword));
}

/** The trustpoint's CRL settings as the SSL layer takes them (`crl query`, `crl optional` / `best-effort`; checked by default, as IOS). */
function revocationOf(tp: Trustpoint): { mode: 'required' | 'optional' | 'best-effort'; queryUrl?: string } {
  return { mode: tp.crlMode ?? 'required', ...(tp.crlQuery !== undefined ? { queryUrl: tp.crlQuery } : {}) };
}

/** What the HTTPS client works with (`copy https://...`): IOS's `ip http client ...` settings. */
export interface ClientSettings {
  /** `ip http client secure-trustpoint`, else the primary trustpoint; undefined when neither is configured. */
  trustpoint?: string;
  /** Its CA certificates: what servers must chain to. */
  ca: Certificate[];
  /** The certificate presented when a server asks, and its key. */
  identity?: DeviceIdentity;
  /** `ip http client secure-ciphersuite`, else IOS's four. */
  suites: CipherSuite[];
  revocation?: { mode: 'required' | 'optional' | 'best-effort'; queryUrl?: string };
}

export function clientSettingsOf(config: RunningConfig, keys: KeyRing): ClientSettings {
  const http = config.http;
  const name = http.clientSecureTrustpoint ?? [...config.trustpoints.values()].find((t) => t.primary)?.name;
  const tp = name === undefined ? undefined : config.trustpoints.get(name);
  const suites = suitesOf(http.clientSecureCiphersuites);
  if (!tp) return { suites, ca: [] };
  const ca = keys.certificates.filter((c) => c.usage === 'ca' && c.trustpoint === tp.name).map((c) => c.certificate);
  const identity = clientIdentity(keys, tp.name);
  // Only a certificate of this trustpoint is presented: a self-signed one means nothing to its CA.
  return { trustpoint: tp.name, ca, suites, revocation: revocationOf(tp), ...(identity && identity.trustpoint === tp.name ? { identity } : {}) };
}

/**
 * `ip http access-class N` with the entries of `access-list N`. A class naming a list that does
 * not exist lets everyone in: IOS treats an undefined access list as `permit any`, and a
 * console user building the list after naming it must not be locked out half way.
 */
export function accessListOf(config: RunningConfig): AccessList | undefined {
  const n = config.http.accessClass;
  if (n === undefined) return undefined;
  return config.accessLists.get(n);
}

/**
 * A type 5 secret of a random password nobody knows: checked against when the user name is
 * unknown, so that costs one MD5-crypt like a wrong password does and the response time does
 * not tell which user names exist.
 */
export function decoySecret(): StoredPassword {
  return hashSecret(randomBytes(16).toString('hex'));
}

/**
 * `ip http authentication {enable | local}` as Basic authentication, or undefined for none.
 * - enable: any user name with the enable secret (else the enable password). With neither
 *   configured there is no authentication: on a device IOS would fall back to the console
 *   password, which we do not have, and refusing everyone would leave a fresh device's web
 *   server unusable with no way in but the console.
 * - local: the `username` entries. With none configured nobody gets in, as on IOS: local
 *   authentication was asked for, and there is no one to authenticate.
 * The users are copied now: a change reaches the server at the next apply.
 */
export function authenticationOf(config: RunningConfig, decoy: StoredPassword): BasicAuthOptions | undefined {
  if (config.http.authentication === 'enable') {
    const secret = config.enableSecret ?? config.enablePassword;
    if (!secret) return undefined;
    return { verify: (_user, password) => verifyPassword(secret, password) };
  }
  const users = new Map([...config.users].map(([name, u]) => [name, u.password]));
  return {
    verify: (user, password) => {
      const stored = users.get(user);
      // Both branches run one verification, so an unknown name costs what a wrong password does.
      const ok = verifyPassword(stored ?? decoy, password);
      return ok && stored !== undefined;
    },
  };
}

/** The shared server policy: access class, max connections, timeout policy, authentication. */
export function policyOptionsOf(config: RunningConfig, decoy: StoredPassword): ServerPolicyOptions {
  const http = config.http;
  return {
    accessList: accessListOf(config),
    maxConnections: http.maxConnections,
    timeout: { ...http.timeout },
    auth: authenticationOf(config, decoy),
  };
}

export interface ClientAuthSettings {
  requestCert: boolean;
  requireCert: boolean;
  /** The CA certificates of `ip http secure-trustpoint`, which client certificates must chain to. */
  ca: Certificate[];
  /** Why clients cannot be verified, when they cannot (printed as a warning). */
  warning?: string;
  /** The secure trustpoint's CRL settings (`crl query`, `crl optional` / `crl best-effort`); IOS checks CRLs by default. */
  revocation?: { mode: 'required' | 'optional' | 'best-effort'; queryUrl?: string };
}

/**
 * `ip http secure-client-auth`: request a certificate and refuse clients without one that
 * chains to a CA certificate of the secure trustpoint. Without such a CA certificate clients
 * are still asked and still refused: that is what IOS does (the handshake fails), and quietly
 * letting them in would turn a configured security check off.
 */
export function clientAuthOf(config: RunningConfig, keys: KeyRing): ClientAuthSettings {
  const http = config.http;
  if (!http.secureClientAuth) return { requestCert: false, requireCert: false, ca: [] };
  const tp = http.secureTrustpoint;
  const ca = tp === undefined ? [] : keys.certificates.filter((c) => c.usage === 'ca' && c.trustpoint === tp).map((c) => c.certificate);
  let warning: string | undefined;
  if (tp === undefined) {
    warning = 'ip http secure-client-auth: no ip http secure-trustpoint names the CA of client certificates; clients cannot be verified and will be refused';
  } else if (!ca.length) {
    warning = `ip http secure-client-auth: trustpoint ${tp} has no CA certificate (crypto ca authenticate ${tp}); clients cannot be verified and will be refused`;
  }
  const trustpoint = tp === undefined ? undefined : config.trustpoints.get(tp);
  const revocation = trustpoint && revocationOf(trustpoint);
  return { requestCert: true, requireCert: true, ca, warning, ...(revocation ? { revocation } : {}) };
}
