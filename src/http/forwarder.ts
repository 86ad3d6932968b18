/**
 * Forwarding one HTTP request to an upstream server and its response back, as a gateway does
 * (RFC 9110 section 7.6). It serves both directions the project bridges:
 * - the bridge (bridge.ts): plain HTTP on this machine to an SSL 3.0-only device, upstream
 *   through our SSL 3.0 client;
 * - `ssl3 serve --upstream`: legacy SSL 3.0 clients to a modern service, upstream through
 *   node:http or node:https.
 *
 * The hop-by-hop fields (Connection and the fields it names, Keep-Alive, Proxy-*, TE, Trailer,
 * Transfer-Encoding, Upgrade; RFC 9110 7.6.1) are dropped each way and Host becomes the
 * upstream's. Seen from the client, the upstream lives at this server's address, so: a
 * Location pointing at the upstream (its origin, or a name its certificate carries) comes back
 * as a local path; a browser's Origin and Referer naming this server are turned into the
 * upstream's (services that check them against CSRF would refuse ours); and Set-Cookie loses
 * its Domain attribute (RFC 6265 5.2.3), and also Secure when the client side is plain HTTP
 * (5.2.5), or the browser would not send the cookie back. Cookie values and page bodies are untouched. The upstream's path, if any, prefixes
 * every forwarded path. An upstream that fails before answering, or whose short body is cut
 * before its end (response-end.ts), gives 502 with the reason.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { followResponseEnd } from './response-end.js';

/**
 * Upstream bodies with a Content-Length up to this are held until complete before the client
 * gets the response (a device's pages are small): cut short, they become a 502. Longer ones,
 * chunked and close-delimited ones stream, and a cut reaches the client as a cut connection.
 */
const HOLD_LIMIT = 256 * 1024;

/** RFC 9110 7.6.1, plus the Proxy-* fields, which are for the hop that reads them. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

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

/** A Set-Cookie value for the client side: without Domain, and without Secure when that side is plain HTTP. */
export function clientSideCookie(setCookie: string, plainClientSide: boolean): string {
  const [pair, ...attributes] = setCookie.split(';');
  const drop = plainClientSide ? /^\s*(secure|domain(=.*)?)\s*$/i : /^\s*domain(=.*)?\s*$/i;
  return [pair, ...attributes.filter((a) => !drop.test(a))].join(';');
}

/**
 * The exact names (DNS and IP subjectAltName entries, else the common name) of the certificate
 * a connection's peer presented, lower case; none for a plain connection. Read through
 * getPeerCertificate(), which our SSLSocket and node's TLSSocket shape alike. Wildcard names
 * are left out: they cover other hosts too.
 */
function certificateNames(socket: unknown): string[] {
  const peer = (socket as { getPeerCertificate?: () => { subject?: { CN?: string }; subjectaltname?: string } } | null)?.getPeerCertificate?.();
  if (!peer) return [];
  const san = (peer.subjectaltname ?? '').split(',').flatMap((entry) => /^\s*(?:DNS|IP Address):(.+?)\s*$/.exec(entry)?.[1] ?? []);
  const names = san.length ? san : peer.subject?.CN ? [peer.subject.CN] : [];
  return names.filter((n) => !n.includes('*')).map((n) => n.toLowerCase());
}

/** Sends one request upstream (our SSL 3.0 client's request(), or node's http/https request). */
export type UpstreamRequest = (url: URL, options: http.RequestOptions, callback: (res: http.IncomingMessage) => void) => http.ClientRequest;

export interface ForwarderOptions {
  /** The upstream: its origin, and a path that prefixes every forwarded path. */
  target: URL;
  send: UpstreamRequest;
  /** Add X-Forwarded-For/-Proto/-Host, for services that want to know who asked (RFC 7239 has the standard form; these are what services read). */
  forwardedHeaders?: boolean;
  /** Told of every request the upstream could not answer (the client got a 502). */
  onUpstreamError?: (error: Error & { code?: string }, request: http.IncomingMessage) => void;
  /** Called with each upstream request, e.g. to follow its socket. */
  onUpstreamRequest?: (request: http.ClientRequest) => void;
}

export class Forwarder {
  readonly target: URL;
  private readonly base: string;

  constructor(private readonly options: ForwarderOptions) {
    this.target = options.target;
    this.base = this.target.pathname.replace(/\/+$/, '');
  }

  /**
   * The upstream URL a request path maps to. Built on the upstream's origin field by field,
   * never by resolving the path as a URL: a path such as //elsewhere.example/ would otherwise
   * name another host, and a gateway must only ever reach its upstream.
   */
  upstreamUrl(path: string): URL {
    const url = new URL(this.target.origin);
    const q = path.indexOf('?');
    const pathname = q < 0 ? path : path.slice(0, q);
    url.pathname = `${this.base}${pathname.startsWith('/') ? '' : '/'}${pathname}`;
    if (q >= 0) url.search = path.slice(q);
    return url;
  }

  /**
   * An upstream Location seen from the client: URLs on the upstream become local paths. The
   * upstream is its origin, and also any https:// URL on a name its certificate carries
   * (`ownNames`): devices redirect to themselves by the name they believe they have
   * (https://device/...), whatever address the gateway reaches them at.
   */
  private clientLocation(location: string, ownNames: readonly string[]): string {
    let url: URL;
    try {
      url = new URL(location, this.target);
    } catch {
      return location;
    }
    const own = url.origin === this.target.origin || (url.protocol === 'https:' && ownNames.includes(url.hostname.replace(/^\[|\]$/g, '').toLowerCase()));
    if (!own) return location;
    const path = url.pathname.startsWith(`${this.base}/`) || url.pathname === this.base ? url.pathname.slice(this.base.length) || '/' : url.pathname;
    return `${path}${url.search}${url.hash}`;
  }

  /** An http.Server request handler. */
  readonly handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const secure = (req.socket as Socket & { encrypted?: boolean }).encrypted === true;
    const headers: http.OutgoingHttpHeaders = { ...endToEndHeaders(req.headers), host: this.target.host };
    // What the browser believes it talks to: this server, at the Host it asked for.
    const self = `${secure ? 'https' : 'http'}://${req.headers.host ?? ''}`;
    for (const field of ['origin', 'referer'] as const) {
      const value = headers[field];
      if (typeof value === 'string' && (value === self || value.startsWith(`${self}/`))) headers[field] = `${this.target.origin}${value === self ? '' : this.base}${value.slice(self.length)}`;
    }
    if (this.options.forwardedHeaders) {
      const prior = req.headers['x-forwarded-for'];
      headers['x-forwarded-for'] = [prior, req.socket.remoteAddress].filter(Boolean).join(', ');
      headers['x-forwarded-proto'] = secure ? 'https' : 'http';
      if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
    }
    /** The upstream failed: 502 with the reason while nothing was sent, else the client's connection is cut where the upstream's was. */
    const fail = (err: Error & { code?: string }) => {
      if (res.destroyed) return; // the client left first
      this.options.onUpstreamError?.(err, req);
      if (res.headersSent) return void res.destroy(err);
      const body = `ssl3: ${this.target.host}: ${err.message}\n`;
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const upstream = this.options.send(this.upstreamUrl(req.url ?? '/'), { method: req.method, headers }, (up) => {
      const back = endToEndHeaders(up.headers);
      if (typeof back.location === 'string') back.location = this.clientLocation(back.location, certificateNames(up.socket));
      const cookies = back['set-cookie'];
      if (Array.isArray(cookies)) back['set-cookie'] = cookies.map((c) => clientSideCookie(c, !secure));
      // response-end.ts decides when the upstream's body is complete.
      followResponseEnd(up, (end) => {
        if (!end.complete) fail(end.error);
      });
      const length = Number(up.headers['content-length']);
      if (length <= HOLD_LIMIT) {
        // Held until complete, so that a body cut short becomes a 502, not a page that looks whole.
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          res.writeHead(up.statusCode ?? 502, up.statusMessage, back);
          res.end(Buffer.concat(chunks));
        });
      } else {
        res.writeHead(up.statusCode ?? 502, up.statusMessage, back);
        up.pipe(res);
      }
    });
    upstream.on('error', fail);
    this.options.onUpstreamRequest?.(upstream);
    req.on('error', () => upstream.destroy());
    req.pipe(upstream);
  };
}

/**
 * A Forwarder to a modern service over node:http or node:https (the service's TLS is
 * OpenSSL's, with node's trust store: NODE_EXTRA_CA_CERTS adds a private CA), keeping its
 * connections alive. `ssl3 serve --upstream` puts it behind our SSL 3.0 server, so legacy
 * clients reach a service that no longer speaks SSL 3.0. close() ends the kept connections.
 */
export function serviceForwarder(target: string | URL, options: Omit<ForwarderOptions, 'target' | 'send'> = {}): { forwarder: Forwarder; close: () => void } {
  const url = new URL(target);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`the upstream must be an http:// or https:// URL, got ${url.protocol}//`);
  const secure = url.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const send: UpstreamRequest = (u, o, callback) => (secure ? https : http).request(u, { ...o, agent }, callback);
  return { forwarder: new Forwarder({ forwardedHeaders: true, ...options, target: url, send }), close: () => agent.destroy() };
}
