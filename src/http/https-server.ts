/**
 * HTTPS over SSL 3.0 with node's own HTTP/1.1 server on top, the way node:https sits on
 * node:tls: each secured SSLSocket is handed to an http.Server with emit('connection'), so
 * handlers get the req/res API (and Express apps run unchanged). node:http's parser is the
 * one the ecosystem trusts; we never parse HTTP ourselves. Only the line ends of request heads
 * are widened first: a bare LF becomes CRLF (bare-lf.ts, RFC 9112 2.2), for legacy clients.
 *
 * With `policy`, the IOS server policies (access class, max connections, timeout policy,
 * authentication, access log; see server-policy.ts) apply to every connection; the access
 * list and the connection limit are checked on the TCP connection, before the handshake.
 * Both change live: `policy.update(...)` for the policies, `ssl.setSuites / setIdentity /
 * setClientAuth` for the SSL settings (src/config/runtime.ts does so as IOS commands arrive).
 * With `revocation`, client certificates are checked against CRLs fetched over http:// and
 * ldap:// (crl-fetch.ts) unless the options bring a fetcher of their own.
 */
import * as http from 'node:http';
import { createServer as createSslServer, type ServerOptions, type SSLServer } from '../socket/index.js';
import type { SSLSocket } from '../socket/ssl-socket.js';
import { bareLfRequestFilter } from './bare-lf.js';
import { PolicyServer, type RequestHandler, type ServerPolicy, type ServerPolicyOptions } from './server-policy.js';
import { fetchCrl } from './crl-fetch.js';

export type { RequestHandler } from './server-policy.js';

export interface HttpsServerOptions extends ServerOptions {
  /** Passed to node:http (e.g. maxHeaderSize). */
  http?: http.ServerOptions;
  /** The IOS server policies; a ServerPolicy instance may be shared with other servers. Default: none. */
  policy?: ServerPolicy | ServerPolicyOptions;
}

/** An SSL 3.0 listener whose connections are served by an internal http.Server. */
export class HttpsServer extends PolicyServer {
  readonly ssl: SSLServer;

  constructor(options: HttpsServerOptions, handler?: RequestHandler) {
    const ssl = createSslServer({ ...options, crlFetcher: options.crlFetcher ?? fetchCrl });
    super(ssl, 'https', http.createServer(options.http ?? {}), options.policy, handler);
    this.ssl = ssl;
    ssl.on('secureConnection', (socket: SSLSocket) => {
      if (!this.adopt(socket, socket.socket)) return;
      socket.setInputFilter(bareLfRequestFilter());
      this.http.emit('connection', socket);
    });
  }
}

export function createServer(options: HttpsServerOptions, handler?: RequestHandler): HttpsServer {
  return new HttpsServer(options, handler);
}
