/**
 * The HTTPS client over SSL 3.0: node:http's request machinery with our SSLSocket as the
 * connection (an http.Agent whose createConnection returns one), as node:https does with
 * node:tls. Keep-alive reuses connections; the agent also remembers SSL sessions per host
 * so that new connections resume them.
 */
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { connect, type ConnectOptions } from '../socket/index.js';
import { pickClientSslOptions } from '../socket/options.js';
import type { Session } from '../handshake/session.js';
import { CrlCache } from '../pki/crl-cache.js';
import { fetchCrl } from './crl-fetch.js';

export interface AgentOptions extends http.AgentOptions, Omit<ConnectOptions, 'host' | 'port' | 'socket' | 'timeout'> {}

export class Agent extends http.Agent {
  private readonly sessions = new Map<string, Session>();

  constructor(readonly sslOptions: AgentOptions = {}) {
    super(sslOptions);
    // CRLs over http:// and ldap://, kept for all of this agent's connections.
    const { revocation } = sslOptions;
    this.sslOptions = { ...sslOptions, crlFetcher: sslOptions.crlFetcher ?? fetchCrl, revocation: revocation && { cache: new CrlCache(), ...revocation } };
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, socket: Duplex) => void): Duplex {
    const host = options.hostname ?? options.host ?? 'localhost';
    const port = Number(options.port ?? 443);
    const key = `${host}:${port}`;
    const socket = connect({ ...this.sslOptions, host, port, session: this.sslOptions.session ?? this.sessions.get(key) });
    socket.once('session', (s: Session) => {
      if (s.id.length) this.sessions.set(key, s);
    });
    socket.once('secureConnect', () => callback?.(null, socket));
    socket.once('error', (e) => {
      this.sessions.delete(key);
      callback?.(e, socket);
    });
    return socket;
  }
}

export interface RequestOptions extends http.RequestOptions, Omit<ConnectOptions, 'host' | 'port' | 'socket' | 'timeout' | 'session'> {}

/** http.request over SSL 3.0: `url` like https://host:port/path. */
export function request(url: string | URL, options: RequestOptions = {}, callback?: (res: http.IncomingMessage) => void): http.ClientRequest {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.protocol !== 'https:') throw new TypeError(`only https: URLs are served over SSL 3.0, got ${u.protocol}`);
  const agent = options.agent instanceof Agent ? options.agent : new Agent({ ...pickClientSslOptions(options), keepAlive: false });
  return http.request(
    {
      ...options,
      protocol: 'http:',
      hostname: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port || 443,
      path: `${u.pathname}${u.search}`,
      agent,
    },
    callback,
  );
}

export function get(url: string | URL, options: RequestOptions = {}, callback?: (res: http.IncomingMessage) => void): http.ClientRequest {
  const req = request(url, { ...options, method: 'GET' }, callback);
  req.end();
  return req;
}
