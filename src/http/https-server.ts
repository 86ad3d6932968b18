/**
 * HTTPS over SSL 3.0 with node's own HTTP/1.1 server on top, the way node:https sits on
 * node:tls: each secured SSLSocket is handed to an http.Server with emit('connection'), so
 * handlers get the req/res API (and Express apps run unchanged). node:http's parser is the
 * one the ecosystem trusts; we never parse HTTP ourselves.
 */
import * as http from 'node:http';
import { createServer as createSslServer, type ServerOptions, type SSLServer } from '../socket/index.js';
import type { SSLSocket } from '../socket/ssl-socket.js';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface HttpsServerOptions extends ServerOptions {
  /** Passed to node:http (e.g. keepAliveTimeout, requestTimeout, maxHeaderSize). */
  http?: http.ServerOptions;
}

/** An SSL 3.0 listener whose connections are served by an internal http.Server. */
export class HttpsServer {
  readonly ssl: SSLServer;
  readonly http: http.Server;

  constructor(options: HttpsServerOptions, handler?: RequestHandler) {
    this.http = http.createServer(options.http ?? {}, handler);
    this.ssl = createSslServer(options, (socket: SSLSocket) => {
      this.http.emit('connection', socket);
    });
  }

  listen(port: number, host?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.ssl.once('error', onError);
      this.ssl.listen(port, host, () => {
        this.ssl.off('error', onError);
        resolve();
      });
    });
  }

  address() {
    return this.ssl.address();
  }

  on(event: 'request', listener: RequestHandler): this {
    this.http.on(event, listener);
    return this;
  }

  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive connections. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.ssl.close(() => resolve());
      this.http.closeIdleConnections();
    });
  }
}

export function createServer(options: HttpsServerOptions, handler?: RequestHandler): HttpsServer {
  return new HttpsServer(options, handler);
}
