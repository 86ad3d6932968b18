/**
 * connect() and createServer(), shaped like node:tls's. Sockets are plain net sockets; the
 * SSL 3.0 work happens in SSLSocket / Connection.
 */
import * as net from 'node:net';
import type { Session } from '../handshake/session.js';
import { SessionCache, type SessionCacheOptions } from '../handshake/session.js';
import type { CipherSuite } from '../ciphers/suites.js';
import type { Certificate } from '../pki/certificate.js';
import type { RsaPrivateKey } from '../pki/rsa-key.js';
import type { Pin } from '../pki/pin.js';
import type { Role, TraceEvent } from '../connection/connection.js';
import { SSLSocket, type SSLSocketOptions } from './ssl-socket.js';
import { textTracer } from '../trace/text-trace.js';
import type { Flow, FlowRecorder, PcapDirection } from '../trace/pcap.js';
import { loadCertificates, loadKey, loadRevocation, loadSuites, OptionError, type PemInput, type RevocationInput } from './options.js';
import type { CrlFetcher, RevocationOptions } from '../pki/revocation.js';
import { CrlCache } from '../pki/crl-cache.js';
import { makePeerVerifier } from './peer-verification.js';

interface CommonOptions {
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
  sessionCache?: SessionCacheOptions | false;
}

/**
 * TCP_NODELAY on the sockets we open and accept, as node:http's servers have by default. The
 * engine's output already leaves in one write per step (a whole flight, a response), so Nagle
 * has nothing to coalesce; what it can do is hold a short write behind an unacknowledged one
 * until the peer's delayed ACK comes (up to 40 ms): a close_notify behind the last response,
 * a client's Finished behind its key exchange when they leave in two steps.
 */
const NO_DELAY = true;

function tracer(trace: CommonOptions['trace'], role: string): ((event: TraceEvent) => void) | undefined {
  if (trace === true) return textTracer((line) => process.stderr.write(line), `[${role}] `);
  return trace || undefined;
}

/**
 * The onWire hook recording one connection in `pcap`: the flow starts once the TCP connection
 * is up (its addresses are known) and ends when it closes. The client is the local end for
 * role 'client', the remote end for 'server'. Whose FIN went first is as this end saw it
 * (our 'finish' or the peer's 'end' first); when the two cross, either order is true enough.
 */
function pcapTap(pcap: CommonOptions['pcap'], raw: net.Socket, role: Role): SSLSocketOptions['onWire'] {
  if (!pcap) return undefined;
  const [sent, received]: PcapDirection[] = role === 'client' ? ['client-to-server', 'server-to-client'] : ['server-to-client', 'client-to-server'];
  let flow: Flow | undefined;
  let firstFin: PcapDirection | undefined;
  const open = () => {
    const { localAddress, localPort, remoteAddress, remotePort } = raw;
    if (flow || !localAddress || !localPort || !remoteAddress || !remotePort) return flow;
    const local = { address: localAddress, port: localPort };
    const remote = { address: remoteAddress, port: remotePort };
    const [client, server] = role === 'client' ? [local, remote] : [remote, local];
    flow = pcap.flow({ clientAddress: client.address, clientPort: client.port, serverAddress: server.address, serverPort: server.port });
    return flow;
  };
  if (raw.connecting) raw.once('connect', open);
  else open();
  raw.once('end', () => (firstFin ??= received));
  raw.once('finish', () => (firstFin ??= sent));
  raw.once('close', () => flow?.close(firstFin ?? sent));
  return (direction, bytes) => open()?.data(direction === 'out' ? sent : received, bytes);
}

function asList<T>(v: T | readonly T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? [...(v as readonly T[])] : [v as T];
}

export function connect(options: ConnectOptions, callback?: () => void): SSLSocket {
  const host = options.host ?? 'localhost';
  const suites = loadSuites(options.ciphers);
  const ca = loadCertificates('ca', options.ca);
  const chain = loadCertificates('cert', options.cert);
  const key = options.key === undefined ? undefined : loadKey(options.key, options.passphrase);
  if (chain.length && !key) throw new OptionError('cert: a client certificate needs its key');
  const revocation = loadRevocation(options.revocation, { fetch: options.crlFetcher });
  const raw = options.socket ?? net.connect({ host, port: options.port ?? 443, noDelay: NO_DELAY });
  const servername = options.servername ?? host;
  let outcome: { authorized: boolean; error?: string } = { authorized: false };
  const ssl: SSLSocket = new SSLSocket(raw, 'client', {
    suites,
    session: options.session,
    certificateChain: chain.map((c) => c.raw),
    privateKey: key,
    verifyPeer: makePeerVerifier(
      {
        ca,
        pins: asList(options.pin),
        servername: servername || undefined,
        rejectUnauthorized: options.rejectUnauthorized !== false,
        purpose: 'serverAuth',
        now: options.now,
        revocation,
      },
      (o) => (outcome = o),
    ),
    random: options.random,
    now: options.now,
    onTrace: tracer(options.trace, 'client'),
    traceSecrets: options.traceSecrets,
    splitCbcRecords: options.splitCbcRecords,
    onWire: pcapTap(options.pcap, raw, 'client'),
    handshakeTimeout: options.handshakeTimeout ?? 120_000,
  });
  ssl.once('secureConnect', () => {
    ssl.authorized = outcome.authorized;
    ssl.authorizationError = outcome.error;
    callback?.();
  });
  if (options.socket && !options.socket.connecting) ssl.startHandshake();
  else raw.once('connect', () => ssl.startHandshake());
  return ssl;
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

/** What a new connection is set up with; replaced as a whole by the setters, never changed in place. */
interface LiveSettings {
  suites: readonly CipherSuite[];
  chain: readonly Uint8Array[];
  key: RsaPrivateKey;
  ca: readonly Certificate[];
  requestCert: boolean;
  requireCert: boolean;
  revocation?: RevocationOptions;
}

/**
 * An SSL 3.0 listener, shaped like node:tls.Server. The suites, the identity and the client
 * certificate settings can change while it runs (IOS changes `ip http secure-ciphersuite`,
 * the keys and `ip http secure-client-auth` live): each connection reads them once, when it
 * is accepted, so a handshake never mixes old and new values and open connections go on
 * with what they started with.
 */
export class SSLServer extends net.Server {
  private settings: LiveSettings;
  private cache?: SessionCache;
  private readonly cacheOptions: SessionCacheOptions | false | undefined;
  /** CRLs fetched for client certificates, kept across connections until their nextUpdate. */
  readonly crlCache = new CrlCache();

  constructor(
    private readonly options: ServerOptions,
    secureConnectionListener?: (socket: SSLSocket) => void,
  ) {
    super({ pauseOnConnect: false, noDelay: NO_DELAY });
    const suites = loadSuites(options.ciphers);
    const { key, chain } = loadIdentity(options.key, options.cert, options.passphrase);
    this.settings = {
      suites,
      chain,
      key,
      ca: loadCertificates('ca', options.ca),
      requestCert: !!(options.requestCert || options.requireCert),
      requireCert: !!options.requireCert,
      revocation: loadRevocation(options.revocation, { fetch: options.crlFetcher, cache: this.crlCache }),
    };
    this.cacheOptions = options.sessionCache;
    this.cache = this.newSessionCache();
    if (secureConnectionListener) this.on('secureConnection', secureConnectionListener);
    this.on('connection', (raw: net.Socket) => this.onConnection(raw));
  }

  /** Resumable sessions of this server; a new cache after a change of identity or client authentication. */
  get sessionCache(): SessionCache | undefined {
    return this.cache;
  }

  /** The suites new connections may negotiate, in server preference order. */
  get suites(): readonly CipherSuite[] {
    return this.settings.suites;
  }

  /** Suites for new connections (as the `ciphers` option); a bad list throws and changes nothing. */
  setSuites(ciphers: string | readonly string[] | undefined): void {
    this.settings = { ...this.settings, suites: loadSuites(ciphers) };
  }

  /**
   * Key and certificate chain for new connections. Cached sessions are dropped: they were
   * set up under the old key, which may be replaced because it is no longer safe.
   */
  setIdentity(identity: ServerIdentity): void {
    const { key, chain } = loadIdentity(identity.key, identity.cert, identity.passphrase);
    this.settings = { ...this.settings, key, chain };
    this.cache = this.newSessionCache();
  }

  /**
   * Client certificate settings for new connections. Cached sessions are dropped, so that no
   * client resumes past a check it was never put through (a new CA, a certificate now required).
   */
  setClientAuth(auth: ClientAuthOptions): void {
    const ca = loadCertificates('ca', auth.ca);
    const revocation = loadRevocation(auth.revocation, { fetch: this.options.crlFetcher, cache: this.crlCache });
    this.settings = { ...this.settings, ca, requestCert: !!(auth.requestCert || auth.requireCert), requireCert: !!auth.requireCert, revocation };
    this.cache = this.newSessionCache();
  }

  private newSessionCache(): SessionCache | undefined {
    return this.cacheOptions === false ? undefined : new SessionCache({ ...this.cacheOptions, now: this.options.now });
  }

  private onConnection(raw: net.Socket): void {
    // An earlier 'connection' listener (access list, connection limit) may have refused it.
    if (raw.destroyed) return;
    const options = this.options;
    const live = this.settings;
    let outcome: { authorized: boolean; error?: string } = { authorized: false };
    const ssl: SSLSocket = new SSLSocket(raw, 'server', {
      suites: live.suites,
      certificateChain: live.chain,
      privateKey: live.key,
      requestCert: live.requestCert,
      requireCert: live.requireCert,
      certificateAuthorities: live.ca.map((c) => c.subject.raw),
      sessionCache: this.cache,
      allowRenegotiation: options.allowRenegotiation,
      verifyPeer: makePeerVerifier(
        {
          ca: live.ca,
          pins: asList(options.pin),
          rejectUnauthorized: options.rejectUnauthorized !== false && live.requireCert,
          purpose: 'clientAuth',
          now: options.now,
          revocation: live.revocation,
        },
        (o) => (outcome = o),
      ),
      random: options.random,
      now: options.now,
      onTrace: tracer(options.trace, 'server'),
      traceSecrets: options.traceSecrets,
      splitCbcRecords: options.splitCbcRecords,
      onWire: pcapTap(options.pcap, raw, 'server'),
      handshakeTimeout: options.handshakeTimeout ?? 120_000,
    });
    ssl.once('secure', () => {
      ssl.authorized = outcome.authorized;
      ssl.authorizationError = outcome.error ?? (ssl.getPeerCertificateChain().length ? undefined : 'client sent no certificate');
      this.emit('secureConnection', ssl);
    });
    ssl.on('error', (err) => this.emit('tlsClientError', err, ssl));
    // As node:tls.Server does: key log lines of every connection, emitted during its handshake.
    ssl.on('keylog', (line: Buffer) => this.emit('keylog', line, ssl));
    ssl.startHandshake();
  }
}

/** Parses a server identity; throws OptionError (naming the option) before anything is replaced. */
function loadIdentity(key: ServerOptions['key'], cert: ServerOptions['cert'], passphrase: string | undefined): { key: RsaPrivateKey; chain: Uint8Array[] } {
  const chain = loadCertificates('cert', cert);
  if (!chain.length) throw new OptionError('cert: a server needs a certificate');
  if (key === undefined) throw new OptionError('key: a server needs a private key');
  return { key: loadKey(key, passphrase), chain: chain.map((c) => c.raw) };
}

export function createServer(options: ServerOptions, secureConnectionListener?: (socket: SSLSocket) => void): SSLServer {
  return new SSLServer(options, secureConnectionListener);
}

export { SSLSocket };
