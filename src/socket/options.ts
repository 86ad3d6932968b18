/**
 * The options of connect() and createServer(), node:tls-style (PEM strings or Buffers for key,
 * cert and ca; cipher names), and their resolution, once, into what each SSLSocket is given
 * (Go: one Config). A client resolves them in connect(); a server when it is created and when
 * a setter replaces a part, so each accepted connection only spreads what is ready. A bad
 * option is a user error: one clear sentence naming it.
 */
import type * as net from 'node:net';
import type { CipherSuite } from '../ciphers/suites.js';
import type { Session, SessionCacheOptions, SessionStore } from '../handshake/session.js';
import type { Pin } from '../pki/pin.js';
import type { Role, TraceEvent } from '../connection/connection.js';
import { textTracer } from '../trace/text-trace.js';
import type { FlowRecorder } from '../trace/pcap.js';
import type { SSLSocketOptions } from './ssl-socket.js';
import { sharedRsaPool, type RsaPool } from './rsa-pool.js';
import type { PrivateKeyOperations } from '../handshake/private-key.js';
import { makePeerVerifier } from './peer-verification.js';
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

export interface CommonOptions {
  key?: PemInput | RsaPrivateKey;
  passphrase?: string;
  /** Our certificate, optionally followed by its chain (PEM with several blocks, or DER). */
  cert?: PemInput | readonly PemInput[];
  /** Trust anchors for the peer's chain. */
  ca?: PemInput | readonly PemInput[];
  /** IOS keywords, OpenSSL or RFC names: an array, or a string separated by ':', ',' or spaces. */
  ciphers?: string | readonly string[];
  /** Refuse peers whose certificate does not verify (default true). */
  rejectUnauthorized?: boolean;
  /** Pinned certificate fingerprints (SHA-256 or SHA-1 hex, or sha256//BASE64 of the key). */
  pin?: string | Pin | readonly (string | Pin)[];
  /**
   * Check the peer's validated chain against CRLs: a revoked certificate is refused with
   * certificate_revoked; what happens without a CRL depends on the mode (src/pki/revocation.ts).
   */
  revocation?: RevocationInput;
  /**
   * Gets CRLs for revocation settings that bring no `fetch` of their own (also those given
   * later to setClientAuth). The HTTPS layer sets http:// and ldap:// (src/http/crl-fetch.ts).
   */
  crlFetcher?: CrlFetcher;
  /**
   * Show every record and handshake message: `true` prints them readably to stderr, a
   * function receives the raw trace events (src/trace has formatters).
   */
  trace?: boolean | ((event: TraceEvent) => void);
  /** With trace: also show each handshake's master secret and key block (secrets; for learning). */
  traceSecrets?: boolean;
  /** 1/n-1 splitting of application data under CBC suites, the BEAST countermeasure (default true; false for a teaching trace). */
  splitCbcRecords?: boolean;
  /** Milliseconds for the handshake to finish (default 120000). */
  handshakeTimeout?: number;
  /**
   * Record each connection's TCP/IP packets in this capture file (src/trace/pcap.ts), one flow
   * per connection with its real addresses and ports; Wireshark decrypts it with the key log.
   * Its sink runs inside socket callbacks, so it should handle its own write errors.
   */
  pcap?: FlowRecorder;
  /** Injected for deterministic tests. */
  random?: (n: number) => Uint8Array;
  now?: () => number;
  /** The hello Random entirely from `random`, gmt_unix_time included (see HandshakeOptions). */
  randomHelloTime?: boolean;
  /**
   * Do the RSA private-key operations (a server's premaster decryption, a client's
   * CertificateVerify signature) in worker threads, off the event loop (rsa-pool.ts): true
   * for the process's pool (as many threads as cores), or a pool of one's own. Default: on
   * the event loop.
   */
  rsaThreads?: boolean | RsaPool;
}

export interface ConnectOptions extends CommonOptions {
  host?: string;
  port?: number;
  /** An already connected socket to run SSL over (e.g. through a proxy). */
  socket?: net.Socket;
  /** The name the server's certificate must carry; defaults to `host`. Set to '' to skip the check. */
  servername?: string;
  /** A session from an earlier connection's getSession(), to resume. */
  session?: Session;
}

export interface ServerOptions extends CommonOptions {
  /** Send a CertificateRequest. */
  requestCert?: boolean;
  /** With requestCert: refuse clients without a valid certificate. Default false here (node: true). */
  requireCert?: boolean;
  /** Allow client-initiated renegotiation (default false). */
  allowRenegotiation?: boolean;
  /**
   * Sessions to resume: this server's own cache (its options; the default), false for none,
   * or a SessionStoreProvider: a cache kept elsewhere and shared, such as the primary
   * process's for all cluster workers (src/http/cluster-worker.ts).
   */
  sessionCache?: SessionCacheOptions | false | SessionStoreProvider;
}

/**
 * Sessions kept outside the server, for several servers alike (one per worker process). The
 * scope names what a session was made under (index.ts sessionScope(): identity and client
 * authentication): servers with the same settings share their sessions, and a change of
 * settings starts a scope of its own, as a new cache does for a server on its own.
 */
export interface SessionStoreProvider {
  store(scope: string): SessionStore;
}

export function isSessionStoreProvider(o: ServerOptions['sessionCache']): o is SessionStoreProvider {
  return typeof (o as SessionStoreProvider | undefined)?.store === 'function';
}


/** The server's key and certificate chain (leaf first), as setIdentity() takes them. */
export interface ServerIdentity {
  key: PemInput | RsaPrivateKey;
  passphrase?: string;
  cert: PemInput | readonly PemInput[];
}

/** Client certificates: ask for one (requestCert), refuse clients without a valid one (requireCert), trusting `ca`. */
export interface ClientAuthOptions {
  requestCert?: boolean;
  requireCert?: boolean;
  ca?: PemInput | readonly PemInput[];
  /** Revocation checking of client certificates; without a cache of its own it uses the server's. */
  revocation?: RevocationInput;
}

/** The options of connect() that are about SSL, not about where to connect: what an HTTPS agent passes on. */
export type ClientSslOptions = Omit<ConnectOptions, 'host' | 'port' | 'socket'>;

/**
 * Every SSL option a client takes, once. The compiler checks the table against
 * ClientSslOptions, so an option added there cannot be forgotten by code that passes options
 * on (the HTTPS client's agent).
 */
const CLIENT_SSL_OPTIONS: Record<keyof ClientSslOptions, true> = {
  key: true,
  passphrase: true,
  cert: true,
  ca: true,
  ciphers: true,
  rejectUnauthorized: true,
  pin: true,
  revocation: true,
  crlFetcher: true,
  trace: true,
  traceSecrets: true,
  splitCbcRecords: true,
  handshakeTimeout: true,
  pcap: true,
  random: true,
  now: true,
  randomHelloTime: true,
  rsaThreads: true,
  servername: true,
  session: true,
};

/** The SSL options among `options` (an HTTPS request's, say), and nothing else. */
export function pickClientSslOptions(options: ClientSslOptions): ClientSslOptions {
  const picked: Record<string, unknown> = {};
  for (const name of Object.keys(CLIENT_SSL_OPTIONS)) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked as ClientSslOptions;
}

/** What an SSLSocket is given, less what depends on its own transport (onWire). */
export type SocketSettings = Omit<SSLSocketOptions, 'onWire'>;

function tracer(trace: CommonOptions['trace'], role: Role): ((event: TraceEvent) => void) | undefined {
  if (trace === true) return textTracer((line) => process.stderr.write(line), `[${role}] `);
  return trace || undefined;
}

function asList<T>(v: T | readonly T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? [...(v as readonly T[])] : [v as T];
}

/** The settings both roles pass on unchanged from the user's options. */
/** The pool the options ask for, if any. */
export function rsaPoolOf(o: CommonOptions): RsaPool | undefined {
  return o.rsaThreads === true ? sharedRsaPool() : o.rsaThreads || undefined;
}

/** A private key's operations as the options want them done: in the pool, or (undefined) here. */
function keyOperations(o: CommonOptions, key: RsaPrivateKey | undefined): PrivateKeyOperations | undefined {
  return key && rsaPoolOf(o)?.operations(key);
}

function commonSettings(o: CommonOptions, role: Role): Pick<SocketSettings, 'random' | 'now' | 'randomHelloTime' | 'traceSecrets' | 'splitCbcRecords' | 'onTrace' | 'handshakeTimeout'> {
  const { random, now, randomHelloTime, traceSecrets, splitCbcRecords } = o;
  return { random, now, randomHelloTime, traceSecrets, splitCbcRecords, onTrace: tracer(o.trace, role), handshakeTimeout: o.handshakeTimeout ?? 120_000 };
}

export interface ResolvedClient {
  readonly host: string;
  readonly port: number;
  readonly settings: SocketSettings;
}

/** connect()'s options, resolved: where to connect, and what its SSLSocket is given. */
export function resolveClientOptions(options: ConnectOptions): ResolvedClient {
  const host = options.host ?? 'localhost';
  const suites = loadSuites(options.ciphers);
  const ca = loadCertificates('ca', options.ca);
  const chain = loadCertificates('cert', options.cert);
  const key = options.key === undefined ? undefined : loadKey(options.key, options.passphrase);
  if (chain.length && !key) throw new OptionError('cert: a client certificate needs its key');
  const revocation = loadRevocation(options.revocation, { fetch: options.crlFetcher });
  const servername = options.servername ?? host;
  return {
    host,
    port: options.port ?? 443,
    settings: {
      ...commonSettings(options, 'client'),
      suites,
      session: options.session,
      certificateChain: chain.map((c) => c.raw),
      privateKey: key,
      privateKeyOperations: keyOperations(options, key),
      verifyPeer: makePeerVerifier({
        ca,
        pins: asList(options.pin),
        servername: servername || undefined,
        rejectUnauthorized: options.rejectUnauthorized !== false,
        purpose: 'serverAuth',
        now: options.now,
        revocation,
      }),
    },
  };
}

/** What a server's new connections are set up with; replaced as a whole by its setters, never changed in place. */
export interface ServerSettings {
  readonly suites: readonly CipherSuite[];
  readonly chain: readonly Uint8Array[];
  readonly key: RsaPrivateKey;
  readonly ca: readonly Certificate[];
  readonly requestCert: boolean;
  readonly requireCert: boolean;
  readonly revocation?: RevocationOptions;
}

/** Parses a server identity; throws OptionError (naming the option) before anything is replaced. */
export function loadIdentity(identity: { key?: PemInput | RsaPrivateKey; cert?: PemInput | readonly PemInput[]; passphrase?: string }): Pick<ServerSettings, 'key' | 'chain'> {
  const chain = loadCertificates('cert', identity.cert);
  if (!chain.length) throw new OptionError('cert: a server needs a certificate');
  if (identity.key === undefined) throw new OptionError('key: a server needs a private key');
  return { key: loadKey(identity.key, identity.passphrase), chain: chain.map((c) => c.raw) };
}

/** Client certificate settings; `crl` supplies what revocation settings leave out (the server's fetcher and cache). */
export function loadClientAuth(auth: ClientAuthOptions, crl: { fetch?: CrlFetcher; cache?: CrlCache }): Pick<ServerSettings, 'ca' | 'requestCert' | 'requireCert' | 'revocation'> {
  return {
    ca: loadCertificates('ca', auth.ca),
    requestCert: !!(auth.requestCert || auth.requireCert),
    requireCert: !!auth.requireCert,
    revocation: loadRevocation(auth.revocation, crl),
  };
}

/** createServer()'s options, resolved into the settings its setters later replace part by part. */
export function resolveServerOptions(options: ServerOptions, crlCache: CrlCache): ServerSettings {
  return {
    suites: loadSuites(options.ciphers),
    ...loadIdentity(options),
    ...loadClientAuth(options, { fetch: options.crlFetcher, cache: crlCache }),
  };
}

/** What each SSLSocket a server accepts is given, from its options and current settings. */
export function serverSocketSettings(options: ServerOptions, live: ServerSettings, sessionCache: SessionStore | undefined): SocketSettings {
  return {
    ...commonSettings(options, 'server'),
    suites: live.suites,
    certificateChain: live.chain,
    privateKey: live.key,
    privateKeyOperations: keyOperations(options, live.key),
    requestCert: live.requestCert,
    requireCert: live.requireCert,
    certificateAuthorities: live.ca.map((c) => c.subject.raw),
    sessionCache,
    allowRenegotiation: options.allowRenegotiation,
    verifyPeer: makePeerVerifier({
      ca: live.ca,
      pins: asList(options.pin),
      rejectUnauthorized: options.rejectUnauthorized !== false && live.requireCert,
      purpose: 'clientAuth',
      now: options.now,
      revocation: live.revocation,
    }),
  };
}
