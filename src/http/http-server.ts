/**
 * The plain HTTP server (IOS `ip http server`, port `ip http port`, default 80): the same
 * handler and the same policies as the HTTPS server, over TCP without SSL. Pass the HTTPS
 * server's ServerPolicy instance to share its connection limit and counters, as the two are
 * one server in IOS. The access log names the cipher of its requests 'plain'.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { PolicyServer, type RequestHandler, type ServerPolicy, type ServerPolicyOptions } from './server-policy.js';

export interface HttpServerOptions {
  /** Passed to node:http (e.g. maxHeaderSize). */
  http?: http.ServerOptions;
  /** The IOS server policies; a ServerPolicy instance may be shared with other servers. Default: none. */
  policy?: ServerPolicy | ServerPolicyOptions;
}

export class HttpServer extends PolicyServer {
  readonly net: net.Server;

  constructor(options: HttpServerOptions = {}, handler?: RequestHandler) {
    const server = net.createServer();
    super(server, 'http', http.createServer(options.http ?? {}), options.policy, handler);
    this.net = server;
    server.on('connection', (raw: net.Socket) =>
      this.whenAdmitted(raw, () => {
        if (this.adopt(raw, raw)) this.http.emit('connection', raw);
      }),
    );
  }
}

export function createHttpServer(options: HttpServerOptions = {}, handler?: RequestHandler): HttpServer {
  return new HttpServer(options, handler);
}
