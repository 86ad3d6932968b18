/**
 * connect() and createServer(), shaped like node:tls's. Sockets are plain net sockets; the
 * SSL 3.0 work happens in SSLSocket / Connection; the options are resolved in options.ts.
 */
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { SessionCache, type SessionStore } from '../handshake/session.js';
import type { CipherSuite } from '../ciphers/suites.js';
import type { Role } from '../connection/connection.js';
import { CrlCache } from '../pki/crl-cache.js';
import type { Flow, PcapDirection } from '../trace/pcap.js';
import { SSLSocket, type SSLSocketOptions } from './ssl-socket.js';
import {
  loadClientAuth,
  loadIdentity,
  loadSuites,
  resolveClientOptions,
  resolveServerOptions,
  serverSocketSettings,
  type ClientAuthOptions,
  type CommonOptions,
  type ConnectOptions,
  type ServerIdentity,
  type ServerOptions,
  type ServerSettings,
  isSessionStoreProvider,
  rsaPoolOf,
  type SocketSettings,
} from './options.js';

export type { ClientAuthOptions, ClientSslOptions, CommonOptions, ConnectOptions, ServerIdentity, ServerOptions, SessionStoreProvider } from './options.js';

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

/**
 * TCP_NODELAY on the sockets we open and accept, as node:http's servers have by default. The
 * engine's output already leaves in one write per step (a whole flight, a response), so Nagle
 * has nothing to coalesce; what it can do is hold a short write behind an unacknowledged one
 * until the peer's delayed ACK comes (up to 40 ms): a close_notify behind the last response,
 * a client's Finished behind its key exchange when they leave in two steps.
 */
const NO_DELAY = true;

export function connect(options: ConnectOptions, callback?: () => void): SSLSocket {
  const { host, port, settings } = resolveClientOptions(options);
  const raw = options.socket ?? net.connect({ host, port, noDelay: NO_DELAY });
  const ssl: SSLSocket = new SSLSocket(raw, 'client', { ...settings, onWire: pcapTap(options.pcap, raw, 'client') });
  if (callback) ssl.once('secureConnect', callback);
  if (options.socket && !options.socket.connecting) ssl.startHandshake();
  else raw.once('connect', () => ssl.startHandshake());
  return ssl;
}

/**
 * An SSL 3.0 listener, shaped like node:tls.Server. The suites, the identity and the client
 * certificate settings can change while it runs (IOS changes `ip http secure-ciphersuite`,
 * the keys and `ip http secure-client-auth` live): each connection reads them once, when it
 * is accepted, so a handshake never mixes old and new values and open connections go on
 * with what they started with.
 */
export class SSLServer extends net.Server {
  private settings: ServerSettings;
  /** What each new connection's SSLSocket is given: resolved again only when a setter changes the settings. */
  private socketSettings: SocketSettings;
  private cache?: SessionStore;
  private readonly cacheOptions: ServerOptions['sessionCache'];
  /** CRLs fetched for client certificates, kept across connections until their nextUpdate. */
  readonly crlCache = new CrlCache();

  constructor(
    private readonly options: ServerOptions,
    secureConnectionListener?: (socket: SSLSocket) => void,
  ) {
    super({ pauseOnConnect: false, noDelay: NO_DELAY });
    this.settings = resolveServerOptions(options, this.crlCache);
    this.cacheOptions = options.sessionCache;
    this.cache = this.newSessionCache();
    this.socketSettings = serverSocketSettings(options, this.settings, this.cache);
    // The RSA threads start with the server rather than with its first full handshake.
    const pool = rsaPoolOf(options);
    if (pool) this.once('listening', () => pool.warm());
    if (secureConnectionListener) this.on('secureConnection', secureConnectionListener);
    this.on('connection', (raw: net.Socket) => this.onConnection(raw));
  }

  /** Resumable sessions of this server; a new cache (or scope) after a change of identity or client authentication. */
  get sessionCache(): SessionStore | undefined {
    return this.cache;
  }

  /** The suites new connections may negotiate, in server preference order. */
  get suites(): readonly CipherSuite[] {
    return this.settings.suites;
  }

  /** Suites for new connections (as the `ciphers` option); a bad list throws and changes nothing. */
  setSuites(ciphers: string | readonly string[] | undefined): void {
    this.replace({ ...this.settings, suites: loadSuites(ciphers) }, false);
  }

  /**
   * Key and certificate chain for new connections. Cached sessions are dropped: they were
   * set up under the old key, which may be replaced because it is no longer safe.
   */
  setIdentity(identity: ServerIdentity): void {
    this.replace({ ...this.settings, ...loadIdentity(identity) }, true);
  }

  /**
   * Client certificate settings for new connections. Cached sessions are dropped, so that no
   * client resumes past a check it was never put through (a new CA, a certificate now required).
   */
  setClientAuth(auth: ClientAuthOptions): void {
    this.replace({ ...this.settings, ...loadClientAuth(auth, { fetch: this.options.crlFetcher, cache: this.crlCache }) }, true);
  }

  private replace(settings: ServerSettings, newSessionCache: boolean): void {
    this.settings = settings;
    if (newSessionCache) this.cache = this.newSessionCache();
    this.socketSettings = serverSocketSettings(this.options, settings, this.cache);
  }

  private newSessionCache(): SessionStore | undefined {
    const o = this.cacheOptions;
    if (o === false) return undefined;
    if (isSessionStoreProvider(o)) return o.store(sessionScope(this.settings));
    return new SessionCache({ ...o, now: this.options.now });
  }

  private onConnection(raw: net.Socket): void {
    // An earlier 'connection' listener (access list, connection limit) may have refused it.
    if (raw.destroyed) return;
    // Read once, when accepted: a handshake never mixes old and new settings.
    const ssl: SSLSocket = new SSLSocket(raw, 'server', { ...this.socketSettings, onWire: pcapTap(this.options.pcap, raw, 'server') });
    ssl.once('secure', () => this.emit('secureConnection', ssl));
    ssl.on('error', (err) => this.emit('tlsClientError', err, ssl));
    // As node:tls.Server does: key log lines of every connection, emitted during its handshake.
    ssl.on('keylog', (line: Buffer) => this.emit('keylog', line, ssl));
    ssl.startHandshake();
  }
}

/** The scope of a server's sessions: a digest of what a resumed client skips the checks of. */
function sessionScope(s: ServerSettings): string {
  const h = createHash('sha256');
  const part = (bytes: Uint8Array | string) => h.update(`${bytes.length}:`).update(bytes);
  for (const c of s.chain) part(c);
  part(`ca ${s.ca.length}`);
  for (const c of s.ca) part(c.raw);
  part(`request ${s.requestCert} require ${s.requireCert} revocation ${s.revocation?.mode ?? 'none'} ${s.revocation?.queryUrl ?? ''}`);
  return h.digest('hex');
}

export function createServer(options: ServerOptions, secureConnectionListener?: (socket: SSLSocket) => void): SSLServer {
  return new SSLServer(options, secureConnectionListener);
}

export { SSLSocket };
