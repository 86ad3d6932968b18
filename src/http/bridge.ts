/**
 * The bridge: a plain HTTP listener on the operator's side that forwards every request to an
 * HTTPS device which speaks only SSL 3.0, through our client. Browsers, curl and scripts that
 * can no longer speak SSL 3.0 then reach the device at http://127.0.0.1:PORT/.
 *
 * It forwards as a gateway does (RFC 9110 section 7.6): the hop-by-hop fields (Connection and
 * the fields it names, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade; RFC 9110
 * 7.6.1) are dropped each way, Host becomes the device's, and a Location pointing at the
 * device is rewritten to the bridge's path so redirects stay on the bridge. Connections to
 * the device are kept alive and their SSL sessions resumed (our Agent). When the device
 * cannot be reached or the handshake fails, the client gets 502 Bad Gateway with the reason.
 */
import * as http from 'node:http';
import { Agent, request, type AgentOptions } from './https-client.js';

/** RFC 9110 7.6.1, plus the Proxy-* fields, which are for the hop that reads them. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export interface BridgeOptions extends AgentOptions {
  /** The device: an https:// URL; its path, if any, prefixes every forwarded path. */
  target: string | URL;
  /** Told of every request the device could not answer (the client got a 502). */
  onUpstreamError?: (error: Error & { code?: string }, request: http.IncomingMessage) => void;
  /** Receives each device connection's NSS key log lines ('keylog' events), once per connection. */
  onKeylog?: (line: Buffer) => void;
}

/** A Set-Cookie value without its Secure and Domain attributes: the browser sees the bridge's plain host. */
export function bridgeCookie(setCookie: string): string {
  const [pair, ...attributes] = setCookie.split(';');
  const kept = attributes.filter((a) => !/^\s*(secure|domain(=.*)?)\s*$/i.test(a));
  return [pair, ...kept].join(';');
}

/** The end-to-end header fields of `headers`: without hop-by-hop ones and those Connection names. */
export function endToEndHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) out[name] = value;
  }
  return out;
}

export class Bridge {
  readonly server: http.Server;
  readonly target: URL;
  readonly agent: Agent;
  private readonly base: string;
  private readonly onKeylog?: (line: Buffer) => void;
  /** Device connections whose key log is already followed (keep-alive reuses them). */
  private readonly logged = new WeakSet<object>();

  constructor(options: BridgeOptions) {
    const { target, onUpstreamError, onKeylog, ...ssl } = options;
    this.onKeylog = onKeylog;
    this.target = new URL(target);
    if (this.target.protocol !== 'https:') throw new TypeError(`the bridge forwards to https:// devices, got ${this.target.protocol}//`);
    this.base = this.target.pathname.replace(/\/+$/, '');
    this.agent = new Agent({ ...ssl, keepAlive: true });
    this.server = http.createServer((req, res) => this.forward(req, res, onUpstreamError));
  }

  /**
   * The device URL a request path maps to. Built on the device's origin field by field, never
   * by resolving the path as a URL: a path such as //elsewhere.example/ would otherwise name
   * another host, and the bridge must only ever reach its device.
   */
  upstreamUrl(path: string): URL {
    const url = new URL(this.target.origin);
    const q = path.indexOf('?');
    const pathname = q < 0 ? path : path.slice(0, q);
    url.pathname = `${this.base}${pathname.startsWith('/') ? '' : '/'}${pathname}`;
    if (q >= 0) url.search = path.slice(q);
    return url;
  }

  /** A device Location seen through the bridge: same-device URLs become bridge paths. */
  private downstreamLocation(location: string): string {
    let url: URL;
    try {
      url = new URL(location, this.target);
    } catch {
      return location;
    }
    if (url.origin !== this.target.origin) return location;
    const path = url.pathname.startsWith(`${this.base}/`) || url.pathname === this.base ? url.pathname.slice(this.base.length) || '/' : url.pathname;
    return `${path}${url.search}${url.hash}`;
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, onError: BridgeOptions['onUpstreamError']): void {
    const url = this.upstreamUrl(req.url ?? '/');
    const headers = { ...endToEndHeaders(req.headers), host: this.target.host };
    // What the browser believes it talks to: this bridge, at the Host it asked for.
    const self = `http://${req.headers.host ?? ''}`;
    for (const field of ['origin', 'referer'] as const) {
      const value = headers[field];
      if (typeof value === 'string' && (value === self || value.startsWith(`${self}/`))) headers[field] = `${this.target.origin}${value === self ? '' : this.base}${value.slice(self.length)}`;
    }
    const upstream = request(url, { method: req.method, headers, agent: this.agent }, (up) => {
      const back = endToEndHeaders(up.headers);
      if (typeof back.location === 'string') back.location = this.downstreamLocation(back.location);
      const cookies = back['set-cookie'];
      if (Array.isArray(cookies)) back['set-cookie'] = cookies.map(bridgeCookie);
      res.writeHead(up.statusCode ?? 502, up.statusMessage, back);
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    upstream.on('error', (err: Error & { code?: string }) => {
      onError?.(err, req);
      if (res.headersSent) return void res.destroy(err);
      const body = `ssl3 bridge: ${this.target.host}: ${err.message}\n`;
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    const keylog = this.onKeylog;
    if (keylog) {
      upstream.on('socket', (socket) => {
        if (this.logged.has(socket)) return;
        this.logged.add(socket);
        socket.on('keylog', keylog);
      });
    }
    req.on('error', () => upstream.destroy());
    req.pipe(upstream);
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
