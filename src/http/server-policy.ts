/**
 * The IOS HTTP server policies in one place, shared by the HTTPS server (https-server.ts) and
 * the plain HTTP server (http-server.ts), as IOS applies one set to both:
 *
 * | option           | IOS command                                  | default here (with a policy) |
 * | ---------------- | -------------------------------------------- | ---------------------------- |
 * | accessList       | ip http access-class N + access-list N ...   | none: everyone               |
 * | maxConnections   | ip http max-connections N                    | 5                            |
 * | timeout          | ip http timeout-policy idle S life S requests N | 180 / 180 / 1             |
 * | handshakeTimeout | (none: IOS has no such command)              | 10 s                         |
 * | auth             | ip http authentication {enable | local}      | none                         |
 * | accessLog        | (logging)                                    | none                         |
 *
 * A ServerPolicy is built from ServerPolicyOptions and changed live with update(); pass the
 * same instance to several servers and they share one connection limit and one set of counters:
 *
 *   const policy = new ServerPolicy({ accessList: 'permit 10.0.0.0 0.0.0.255', maxConnections: 10 });
 *   const secure = new HttpsServer({ key, cert, policy }, handler);
 *   const plain = new HttpServer({ policy }, handler);
 *
 * What happens to a connection, in order: the access list is checked against the client's
 * address as soon as TCP accepts it (denied: closed at once, before any SSL byte); then the
 * connection limit (at it, the oldest connection still opening gives up its slot, see
 * connection-limit.ts; with none, the new one is closed at once); then the idle and life
 * timers run until it closes. Opening (the SSL handshake; on the plain port, until the first
 * request arrives) has its own short deadline, handshakeTimeout, so that a silent or
 * trickling peer cannot hold a slot for the idle time. Each request is counted against `requests`, authenticated if `auth` is set, logged,
 * and only then handed to the handler.
 *
 * A server created without `policy` has none of these limits (node:http's behaviour), but
 * still closes gracefully.
 */
import * as http from 'node:http';
import type * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { accessPermits, displayAddress, parseAccessList, type AccessList } from './access-list.js';
import { accessLogger, trackResponse, type AccessLogEntry, type AccessLogSink } from './access-log.js';
import { BasicAuth, type BasicAuthOptions } from './basic-auth.js';
import { checkMaxConnections, ConnectionLimit, DEFAULT_MAX_CONNECTIONS, type ConnectionCounters, type ConnectionGate, type Slot } from './connection-limit.js';
import { ConnectionTimers, resolveTimeoutPolicy, type ExpiryReason, type TimeoutPolicy } from './timeout-policy.js';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** What node:http answers a request it cannot take, by error code (its default clientError handler's table); anything else is 400. */
const CLIENT_ERROR_STATUS: Readonly<Record<string, number>> = { HPE_HEADER_OVERFLOW: 431, HPE_CHUNK_EXTENSIONS_OVERFLOW: 413, ERR_HTTP_REQUEST_TIMEOUT: 408 };

export interface ServerPolicyOptions {
  /** Standard access list: parsed entries, or IOS lines ('permit 10.0.0.0 0.0.0.255, deny any'). */
  accessList?: AccessList | string | readonly string[];
  /** Connections handshaking or open at once, over all servers sharing the policy (default 5; Infinity: no limit). */
  maxConnections?: number;
  /** Idle and life seconds, requests per connection (defaults 180 / 180 / 1); false: no timers, no request limit. */
  timeout?: Partial<TimeoutPolicy> | false;
  /** HTTP Basic authentication: `{ password }` (IOS enable), `{ users }` (IOS local) or `{ verify }` (stored IOS secrets). */
  auth?: BasicAuthOptions;
  /** One entry per request: a callback, or a stream that gets one text line per request. */
  accessLog?: AccessLogSink;
  /**
   * The connection limit to count against, instead of a new one of the policy's own: for a
   * limit shared with other processes (src/http/cluster-worker.ts). Taken at construction;
   * update() changes its maximum, as for the policy's own.
   */
  limit?: ConnectionGate;
  /** Milliseconds a closing connection gets for the close_notify exchange before it is destroyed (default 2000). */
  closeGraceMs?: number;
  /** Seconds a new connection gets to finish opening: its SSL handshake, or on the plain port its first request (default 10, 1..600). */
  handshakeTimeout?: number;
}

export const DEFAULT_HANDSHAKE_TIMEOUT = 10;

function checkHandshakeTimeout(s: number): number {
  if (!Number.isInteger(s) || s < 1 || s > 600) throw new RangeError(`handshakeTimeout must be a whole number of seconds from 1 to 600, got ${s}`);
  return s;
}

export class ServerPolicy {
  readonly limit: ConnectionGate;
  private current!: {
    accessList?: AccessList;
    timeout?: TimeoutPolicy;
    auth?: BasicAuth;
    log?: (entry: AccessLogEntry) => void;
    closeGraceMs: number;
    handshakeTimeout: number;
  };

  constructor(options: ServerPolicyOptions = {}) {
    this.limit = options.limit ?? new ConnectionLimit(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS);
    this.update(options);
  }

  /**
   * Changes the policy of running servers, as IOS applies `ip http ...` commands live: the
   * policy becomes what `new ServerPolicy(options)` would be (omitted fields take their
   * defaults), keeping its counters and the connections it counts. A bad option throws and
   * changes nothing.
   *
   * What is decided once per connection (access list, connection limit, timeout policy) applies
   * to connections accepted from now on; open ones keep the values they were accepted with, as
   * the guide says of the timeout policy. Authentication and the access log act per request,
   * so they apply to the next request even on an open keep-alive connection: a password that
   * was just changed or a user just removed must stop working at once, not when the connection
   * ends.
   */
  update(options: ServerPolicyOptions): void {
    const acl = options.accessList;
    const next = {
      accessList: acl === undefined ? undefined : typeof acl === 'string' || typeof acl[0] === 'string' ? parseAccessList(acl as string | string[]) : (acl as AccessList),
      max: checkMaxConnections(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS),
      timeout: options.timeout === false ? undefined : resolveTimeoutPolicy(options.timeout),
      auth: options.auth ? new BasicAuth(options.auth) : undefined,
      log: options.accessLog ? accessLogger(options.accessLog) : undefined,
      closeGraceMs: options.closeGraceMs ?? 2000,
      handshakeTimeout: checkHandshakeTimeout(options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT),
    };
    // Everything is checked above before anything changes.
    this.limit.max = next.max;
    this.current = next;
  }

  get accessList(): AccessList | undefined {
    return this.current.accessList;
  }

  get timeout(): TimeoutPolicy | undefined {
    return this.current.timeout;
  }

  get auth(): BasicAuth | undefined {
    return this.current.auth;
  }

  get log(): ((entry: AccessLogEntry) => void) | undefined {
    return this.current.log;
  }

  get closeGraceMs(): number {
    return this.current.closeGraceMs;
  }

  get handshakeTimeout(): number {
    return this.current.handshakeTimeout;
  }

  /** No access list, no limits, no timers, no authentication: a plain node:http server's behaviour. */
  static unrestricted(): ServerPolicy {
    return new ServerPolicy({ maxConnections: Infinity, timeout: false });
  }

  /** Accepted, refused (limit), denied (access list), current and peak connections; requests. */
  get counters(): Readonly<ConnectionCounters> {
    return this.limit.counters;
  }
}

/** Settles `slot` when the first bytes are written to `raw` (the SSL server's first flight). */
function settleOnFirstWrite(raw: net.Socket, slot: Slot): void {
  const write = raw.write;
  raw.write = function (this: net.Socket, ...args: Parameters<net.Socket['write']>) {
    raw.write = write;
    slot.settle();
    return write.apply(this, args);
  } as net.Socket['write'];
}

/** One accepted TCP connection, from accept to close. */
interface Conn {
  readonly raw: net.Socket;
  readonly client: string;
  readonly slot: Slot;
  /** Until it has finished opening (handshake, or first plain request): the deadline, cleared by opened(). */
  openTimer?: NodeJS.Timeout;
  /** The stream node:http reads and writes: the raw socket, or the SSLSocket once its handshake is done. */
  httpSocket?: Duplex;
  requests: number;
  /** The timeout policy when the connection was accepted: a later change does not reach it. */
  readonly timeout?: TimeoutPolicy;
  readonly inFlight: Set<http.ServerResponse>;
  /** Close once the requests in flight are answered (life reached, server closing). */
  closing: boolean;
  ending: boolean;
  timers?: ConnectionTimers;
  graceTimer?: NodeJS.Timeout;
}

/**
 * A server whose connections go through a ServerPolicy: the common part of HttpsServer and
 * HttpServer. Subclasses give it their listener (a net.Server) and call adopt() when a
 * connection's stream is ready for node:http.
 */
export abstract class PolicyServer {
  readonly http: http.Server;
  readonly policy: ServerPolicy;
  private readonly conns = new Set<Conn>();
  private readonly byRaw = new WeakMap<object, Conn>();
  private readonly byStream = new WeakMap<object, Conn>();
  /** Connections waiting for a slot from a limit kept elsewhere, and what runs once they have one. */
  private readonly admitting = new WeakMap<net.Socket, (() => void)[]>();
  private readonly handlers: RequestHandler[] = [];
  private closing = false;
  /** node:http's keep-alive timeout as configured, before ours replaced it. */
  private readonly nodeKeepAliveMs: number;

  protected constructor(
    private readonly listener: net.Server,
    private readonly kind: 'https' | 'http',
    httpServer: http.Server,
    policy: ServerPolicy | ServerPolicyOptions | undefined,
    handler: RequestHandler | undefined,
  ) {
    this.policy = policy instanceof ServerPolicy ? policy : policy ? new ServerPolicy(policy) : ServerPolicy.unrestricted();
    this.http = httpServer;
    this.nodeKeepAliveMs = httpServer.keepAliveTimeout;
    this.followTimeoutPolicy();
    if (handler) this.handlers.push(handler);
    // Before any other 'connection' listener (the SSL server's): decide before a byte is read.
    listener.prependListener('connection', (raw: net.Socket) => this.onConnection(raw));
    httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => this.onRequest(req, res));
    httpServer.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => this.onClientError(err, socket));
  }

  /** Adds a request handler (runs after the policy: counting, authentication, logging). */
  on(event: 'request', listener: RequestHandler): this {
    if (event === 'request') this.handlers.push(listener);
    return this;
  }

  get counters(): Readonly<ConnectionCounters> {
    return this.policy.counters;
  }

  listen(port: number, host?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.listener.once('error', onError);
      this.listener.listen(port, host, () => {
        this.listener.off('error', onError);
        resolve();
      });
    });
  }

  address() {
    return this.listener.address();
  }

  /**
   * Graceful shutdown: stops accepting; closes idle connections (SSL ones with close_notify);
   * lets requests in flight finish, their responses saying `Connection: close`, then closes
   * their connections; after `graceMs` (default 5000) destroys whatever is still open.
   * Resolves when every connection of this server is gone.
   */
  close(graceMs = 5000): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        for (const c of this.conns) c.raw.destroy();
      }, graceMs);
      timer.unref();
      // The callback runs once the last accepted socket has closed (or at once if not listening).
      this.listener.close(() => {
        clearTimeout(timer);
        resolve();
      });
      for (const c of this.conns) this.closeWhenDone(c);
    });
  }

  /** A connection's stream is ready for HTTP: the raw socket (plain) or the SSLSocket after its handshake. */
  protected adopt(stream: Duplex, raw: net.Socket): boolean {
    const conn = this.byRaw.get(raw);
    if (!conn || raw.destroyed) return false;
    conn.httpSocket = stream;
    this.byStream.set(stream, conn);
    if (this.kind === 'https') this.opened(conn);
    if (this.closing) this.closeWhenDone(conn);
    return true;
  }

  /**
   * Our timers replace node's keep-alive timeout (which would close idle connections after
   * 5 s) while the policy has a timeout policy; a keep-alive timeout the caller chose is left
   * alone. Followed again per connection, as the policy may have changed since.
   */
  private followTimeoutPolicy(): void {
    if (this.nodeKeepAliveMs !== 5000) return;
    this.http.keepAliveTimeout = this.policy.timeout ? 0 : this.nodeKeepAliveMs;
  }

  private onConnection(raw: net.Socket): void {
    const policy = this.policy;
    if (this.closing) {
      raw.destroy();
      return;
    }
    if (policy.accessList && !accessPermits(policy.accessList, raw.remoteAddress)) {
      policy.limit.counters.denied++;
      raw.destroy();
      return;
    }
    // An SSL connection the server has answered keeps its slot (connection-limit.ts says why).
    const canYield = this.kind === 'https' ? () => raw.bytesWritten === 0 : undefined;
    const slot = policy.limit.acquire(() => raw.destroy(), canYield);
    if (!(slot instanceof Promise)) {
      this.admit(raw, slot);
      return;
    }
    // A limit kept elsewhere: process nothing (no SSL record, no request) until it answers.
    raw.pause();
    this.admitting.set(raw, []);
    slot.then(
      (s) => {
        if (raw.destroyed) s?.release();
        else if (this.admit(raw, s)) {
          // That limit cannot ask canYield() when it picks a connection to yield: it is told
          // the moment the server answers (its first write), when the answer becomes no.
          if (s && canYield) settleOnFirstWrite(raw, s);
          raw.resume();
        }
      },
      () => raw.destroy(),
    );
  }

  /**
   * Runs `then` once the connection is counted in: at once, or when a limit kept elsewhere has
   * answered; never if it was refused. (A subclass hands a plain connection to node:http then.)
   */
  protected whenAdmitted(raw: net.Socket, then: () => void): void {
    const waiting = this.admitting.get(raw);
    if (waiting) waiting.push(then);
    else then();
  }

  /** Counts a connection in under its slot, or closes it when it got none (false). */
  private admit(raw: net.Socket, slot: Slot | undefined): boolean {
    const policy = this.policy;
    const waiting = this.admitting.get(raw) ?? [];
    this.admitting.delete(raw);
    if (!slot) {
      raw.destroy();
      return false;
    }
    this.followTimeoutPolicy();
    const timeout = policy.timeout;
    const conn: Conn = { raw, client: displayAddress(raw.remoteAddress), slot, requests: 0, timeout, inFlight: new Set(), closing: false, ending: false };
    this.conns.add(conn);
    this.byRaw.set(raw, conn);
    conn.openTimer = setTimeout(() => raw.destroy(), policy.handshakeTimeout * 1000);
    conn.openTimer.unref();
    raw.once('close', () => {
      this.conns.delete(conn);
      slot.release();
      conn.timers?.stop();
      clearTimeout(conn.openTimer);
      clearTimeout(conn.graceTimer);
    });
    if (timeout) {
      conn.timers = new ConnectionTimers(raw, timeout, {
        processing: () => [...conn.inFlight].some((res) => res.req?.complete),
        expire: (reason) => this.onExpire(conn, reason),
      });
    }
    for (const then of waiting) then();
    return true;
  }

  /** The connection has opened: no deadline any more, and it keeps its slot under pressure. */
  private opened(conn: Conn): void {
    if (!conn.openTimer) return;
    clearTimeout(conn.openTimer);
    conn.openTimer = undefined;
    conn.slot.settle();
  }

  private onExpire(conn: Conn, reason: ExpiryReason): void {
    if (reason === 'life' && conn.inFlight.size) {
      // IOS: a request in progress is finished first, then the connection closes.
      this.closeWhenDone(conn);
      return;
    }
    if (conn.inFlight.size) conn.raw.destroy(); // idle mid-request: the client stopped sending or reading
    else this.end(conn);
  }

  /** Closes the connection now if nothing is in flight, else once the last response is done. */
  private closeWhenDone(conn: Conn): void {
    conn.closing = true;
    for (const res of conn.inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
    if (!conn.inFlight.size) this.end(conn);
  }

  /** Ends the connection: close_notify (SSL) or FIN (plain), destroyed if it is not gone within closeGraceMs. */
  private end(conn: Conn): void {
    if (conn.ending || conn.raw.destroyed) return;
    conn.ending = true;
    if (!conn.httpSocket) {
      // Still handshaking: there is no SSL connection to close cleanly.
      conn.raw.destroy();
      return;
    }
    // node:http has usually ended it already after a last response; a second end() would
    // build an Error (with its stack trace) for nothing.
    if (!conn.httpSocket.writableEnded) conn.httpSocket.end();
    conn.graceTimer = setTimeout(() => conn.raw.destroy(), this.policy.closeGraceMs);
    conn.graceTimer.unref();
  }

  /**
   * A request node:http cannot take (unparsable, headers too large, a broken body). node's own
   * handler writes its 400 and destroys the socket at once, and over SSL the reply never left:
   * the client saw a bare FIN. Here the same reply goes out and the connection ends as after
   * any last response: close_notify (SSL) or FIN follows it. node reports every later chunk of
   * a broken stream again; the connection is already ending then. The request whose body broke
   * is still in flight, unanswered: the reply is its answer (its handler's late writes find the
   * connection ended). Behind complete requests still being answered, a reply would overtake
   * their responses, so the connection only closes once they are sent.
   */
  private onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
    const conn = this.byStream.get(socket);
    if (conn?.ending) return;
    const broken = conn && [...conn.inFlight].find((res) => !res.req.complete);
    if (!conn || err.code === 'ECONNRESET' || !socket.writable || broken?.headersSent) {
      socket.destroy();
      return;
    }
    if (!broken && conn.inFlight.size) return this.closeWhenDone(conn);
    const status = CLIENT_ERROR_STATUS[err.code ?? ''] ?? 400;
    socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
    this.end(conn);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const policy = this.policy;
    policy.limit.counters.requests++;
    const conn = this.byStream.get(req.socket);
    const log = policy.log;
    const tracker = log
      ? trackResponse(req, res, { client: conn?.client ?? displayAddress(req.socket.remoteAddress), cipher: this.cipherOf(req) }, log)
      : undefined;
    if (conn) {
      if (this.kind === 'http') this.opened(conn);
      conn.requests++;
      conn.inFlight.add(res);
      const max = conn.timeout?.requests;
      const last = max !== undefined && conn.requests >= max;
      // node:http then sends `Connection: close` and ends the connection after this response.
      if (last || conn.closing) res.shouldKeepAlive = false;
      let done = false;
      const onDone = () => {
        if (done) return;
        done = true;
        conn.inFlight.delete(res);
        conn.timers?.touch();
        if ((last || conn.closing) && !conn.inFlight.size) setImmediate(() => this.end(conn));
      };
      res.once('finish', onDone);
      res.once('close', onDone);
      if (max !== undefined && conn.requests > max) {
        // A pipelined request beyond the limit.
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
        res.end('Too many requests on this connection\n');
        return;
      }
    }
    if (policy.auth) {
      const user = policy.auth.authorize(req, res);
      if (user === undefined) return;
      tracker?.setUser(user);
    }
    for (const h of this.handlers) h(req, res);
  }

  private cipherOf(req: http.IncomingMessage): string {
    if (this.kind === 'http') return 'plain';
    const socket = req.socket as unknown as { getCipher?: () => { iosKeyword: string } | undefined };
    return socket.getCipher?.()?.iosKeyword ?? '-';
  }
}
