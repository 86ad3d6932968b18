/**
 * The bridge: a plain HTTP listener on the operator's side that forwards every request to an
 * HTTPS device which speaks only SSL 3.0, through our client. Browsers, curl and scripts that
 * can no longer speak SSL 3.0 then reach the device at http://127.0.0.1:PORT/. The gateway
 * rules (headers, redirects, cookies, 502) are forwarder.ts's. Connections to the device are
 * kept alive and their SSL sessions resumed (our Agent).
 */
import * as http from 'node:http';
import { Agent, request, type AgentOptions } from './https-client.js';
import { Forwarder, type ForwarderOptions } from './forwarder.js';

export interface BridgeOptions extends AgentOptions {
  /** The device: an https:// URL; its path, if any, prefixes every forwarded path. */
  target: string | URL;
  onUpstreamError?: ForwarderOptions['onUpstreamError'];
  /** Receives each device connection's NSS key log lines ('keylog' events), once per connection. */
  onKeylog?: (line: Buffer) => void;
}

export class Bridge {
  readonly server: http.Server;
  readonly agent: Agent;
  readonly forwarder: Forwarder;

  constructor(options: BridgeOptions) {
    const { target, onUpstreamError, onKeylog, ...ssl } = options;
    const url = new URL(target);
    if (url.protocol !== 'https:') throw new TypeError(`the bridge forwards to https:// devices, got ${url.protocol}//`);
    const agent = new Agent({ ...ssl, keepAlive: true });
    /** Device connections whose key log is already followed (keep-alive reuses them). */
    const logged = new WeakSet<object>();
    this.agent = agent;
    this.forwarder = new Forwarder({
      target: url,
      send: (u, o, callback) => request(u, { ...o, agent }, callback),
      onUpstreamError,
      onUpstreamRequest: onKeylog
        ? (req) =>
            req.on('socket', (socket) => {
              if (logged.has(socket)) return;
              logged.add(socket);
              socket.on('keylog', onKeylog);
            })
        : undefined,
    });
    this.server = http.createServer(this.forwarder.handle);
  }

  get target(): URL {
    return this.forwarder.target;
  }

  upstreamUrl(path: string): URL {
    return this.forwarder.upstreamUrl(path);
  }

  listen(port: number, host?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  address(): ReturnType<http.Server['address']> {
    return this.server.address();
  }

  /** Stops listening and ends the connections to the device. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      this.agent.destroy();
    });
  }
}

export function createBridge(options: BridgeOptions): Bridge {
  return new Bridge(options);
}
