/**
 * The running configuration of the IOS "HTTPS - HTTP Server and Client with SSL 3.0" feature
 * (docs/ios-configuration.md, the Cisco feature guide): what the IOS commands set, as data. The
 * grammar (commands.ts) changes it, render.ts writes it back as `show running-config` text,
 * show.ts formats the status blocks, and runtime.ts makes the running servers match it.
 *
 * Keys and certificates are not configuration text (IOS keeps them in NVRAM beside the
 * startup-config); they live in KeyRing, persisted by store.ts on `copy running-config
 * startup-config` / `write memory`.
 */
import type { AccessEntry } from '../http/access-list.js';
import type { Certificate } from '../pki/certificate.js';
import type { RsaPrivateKey } from '../pki/rsa-key.js';
import type { TimeoutPolicy } from '../http/timeout-policy.js';

/** A password as IOS stores it: type 0 (clear text) or type 5 (MD5-crypt, `$1$salt$hash`). */
export type StoredPassword = { readonly type: 0; readonly text: string } | { readonly type: 5; readonly hash: string };

/** `username NAME [privilege N] {password|secret} X`. */
export interface LocalUser {
  readonly name: string;
  /** 0..15; IOS's default is 1. */
  readonly privilege: number;
  readonly password: StoredPassword;
}

/** `crypto ca trustpoint NAME` and its sub-mode lines. */
export interface Trustpoint {
  readonly name: string;
  /** `enrollment url URL`: the CA's SCEP URL. */
  enrollmentUrl?: string;
  /** `enrollment http-proxy HOST PORT`. */
  httpProxy?: { host: string; port: number };
  /** `crl query URL` (http:// or ldap://). */
  crlQuery?: string;
  /** `crl optional` / `crl best-effort`; undefined: a CRL check is required (IOS default). */
  crlMode?: 'optional' | 'best-effort';
  /** `primary`: the default trustpoint. */
  primary: boolean;
  /** `subject-name X.500-NAME`: the subject requested at enrollment, besides the FQDN. */
  subjectName?: string;
  /** `enrollment retry period MINUTES` (1..60): the wait between polls of a pending request; default 1. */
  retryPeriod?: number;
  /** `enrollment retry count N` (1..100): polls before giving up; default ENROLL_RETRY_COUNT. */
  retryCount?: number;
}

/** IOS polls a pending request every minute; it would do so forever, but a console that waits needs an end. */
export const ENROLL_RETRY_PERIOD_MINUTES = 1;
export const ENROLL_RETRY_COUNT = 10;

export type AuthenticationMethod = 'enable' | 'local';

/** The `ip http ...` settings. Defaults are IOS's (DEFAULT_HTTP). */
export interface HttpConfig {
  /** `ip http server`. */
  server: boolean;
  /** `ip http port N` (1..65535). */
  port: number;
  /** `ip http secure-server`. */
  secureServer: boolean;
  /** `ip http secure-port N`: 443 or 1025..65535. */
  securePort: number;
  /** `ip http secure-ciphersuite ...`: IOS keywords; undefined = not configured (all four). */
  secureCiphersuites?: readonly string[];
  /** `ip http secure-client-auth`. */
  secureClientAuth: boolean;
  /** `ip http secure-trustpoint NAME`. */
  secureTrustpoint?: string;
  /** `ip http path PATH`: base path for HTML files. */
  path?: string;
  /** `ip http access-class N`. */
  accessClass?: number;
  /** `ip http max-connections N`. */
  maxConnections: number;
  /** `ip http timeout-policy idle S life S requests N`. */
  timeout: TimeoutPolicy;
  /** `ip http authentication {enable | local}`. */
  authentication: AuthenticationMethod;
  /** `ip http client secure-trustpoint NAME`. */
  clientSecureTrustpoint?: string;
  /** `ip http client secure-ciphersuite ...`; undefined = all four. */
  clientSecureCiphersuites?: readonly string[];
}

export interface RunningConfig {
  /** `hostname NAME` (default Router): the prompt, and with the domain the FQDN of keys and certificates. */
  hostname: string;
  /** `ip domain-name NAME`. */
  domainName?: string;
  /** `enable secret X` (stored type 5). */
  enableSecret?: StoredPassword;
  /** `enable password X`; the secret wins when both are set, as in IOS. */
  enablePassword?: StoredPassword;
  /** `username ...`, in the order configured. */
  users: Map<string, LocalUser>;
  /** `access-list N ...`: entries of each standard list, in order. */
  accessLists: Map<number, AccessEntry[]>;
  /** `crypto ca trustpoint NAME`, in the order declared. */
  trustpoints: Map<string, Trustpoint>;
  http: HttpConfig;
}

export const DEFAULT_HOSTNAME = 'Router';
/** IOS's default modulus is 1024; ours is 2048, as 1024-bit RSA is no longer safe. */
export const DEFAULT_MODULUS = 2048;
export const MODULUS_RANGE: readonly [number, number] = [360, 4096];

export function defaultHttpConfig(): HttpConfig {
  return {
    server: false,
    port: 80,
    secureServer: false,
    securePort: 443,
    secureClientAuth: false,
    maxConnections: 5,
    timeout: { idle: 180, life: 180, requests: 1 },
    authentication: 'enable',
  };
}

export function defaultConfig(): RunningConfig {
  return {
    hostname: DEFAULT_HOSTNAME,
    users: new Map(),
    accessLists: new Map(),
    trustpoints: new Map(),
    http: defaultHttpConfig(),
  };
}

/** hostname.domain, or the host name alone without a domain: the name in keys and certificates. */
export function fqdn(config: RunningConfig): string {
  return config.domainName ? `${config.hostname}.${config.domainName}` : config.hostname;
}

/** A deep copy, so a console can try a change and the store can snapshot what it saves. */
export function cloneConfig(c: RunningConfig): RunningConfig {
  return {
    ...c,
    users: new Map(c.users),
    accessLists: new Map([...c.accessLists].map(([n, es]) => [n, [...es]])),
    trustpoints: new Map([...c.trustpoints].map(([n, t]) => [n, { ...t, httpProxy: t.httpProxy && { ...t.httpProxy } }])),
    http: { ...c.http, timeout: { ...c.http.timeout } },
  };
}

export type KeyUsage = 'general' | 'signature' | 'encryption';

/** One RSA key pair, as `show crypto key mypubkey rsa` lists it. */
export interface KeyPairRecord {
  /** IOS names the pair after the FQDN at generation time. */
  readonly name: string;
  readonly usage: KeyUsage;
  readonly key: RsaPrivateKey;
  readonly generatedAt: Date;
}

/** A certificate the device holds, as `show crypto ca certificates` lists it. */
export interface CertificateRecord {
  /** The trustpoint it belongs to (TP-self-signed-N for the self-signed one). */
  readonly trustpoint: string;
  /** 'ca' for a trustpoint's CA certificate, else the key usage of the device certificate. */
  readonly usage: KeyUsage | 'ca';
  readonly certificate: Certificate;
}

/**
 * The device's keys and certificates. Either one general-purpose pair, or (usage-keys) a
 * signature pair and an encryption pair: then the server's certificate holds the encryption
 * key (RSA key exchange encrypts the premaster secret to it) and is signed by the signature
 * key, whose own self-signed certificate follows it in the chain; CertificateVerify, where we
 * send one, is signed with the signature key.
 */
export interface KeyRing {
  keys: KeyPairRecord[];
  certificates: CertificateRecord[];
}

export function emptyKeyRing(): KeyRing {
  return { keys: [], certificates: [] };
}
