/**
 * A test server that behaves like an old device's embedded web server over SSL 3.0: it reads
 * one HTTP/1.0 request with its own small parser (not node:http), answers, and closes the TCP
 * connection without close_notify, as such devices and OpenSSL's `s_server -WWW` do. The
 * answer's body is close-delimited unless the route asks for Content-Length or chunked
 * framing, and a route can cut its body short to play a truncation.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type SSLServer } from '../../src/socket/index.js';
import type { SSLSocket } from '../../src/socket/ssl-socket.js';

export interface DeviceRequest {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export interface DeviceResponse {
  status?: number;
  headers?: [string, string][];
  body?: string;
  /** How the end of the body is marked: by closing the connection (default), Content-Length, or chunked coding. */
  framing?: 'close' | 'length' | 'chunked';
  /** Send only this many bytes of the body (and, chunked, no last chunk), then close. */
  cutAt?: number;
}

export interface OldDevice {
  port: number;
  server: SSLServer;
  requests: DeviceRequest[];
  close(): Promise<void>;
}

const REASONS: Record<number, string> = { 200: 'OK', 302: 'Found', 401: 'Unauthorized', 404: 'Not Found' };

function parseRequest(text: string): DeviceRequest | undefined {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [line, ...fields] = text.slice(0, headEnd).split('\r\n');
  const [method, path] = line.split(' ');
  const headers: Record<string, string> = {};
  for (const f of fields) {
    const i = f.indexOf(':');
    if (i > 0) headers[f.slice(0, i).trim().toLowerCase()] = f.slice(i + 1).trim();
  }
  const body = text.slice(headEnd + 4);
  if (body.length < Number(headers['content-length'] ?? 0)) return undefined;
  return { method, path, headers, body };
}

function encodeResponse(r: DeviceResponse): string {
  const status = r.status ?? 200;
  const body = r.body ?? '';
  const framing = r.framing ?? 'close';
  const fields = [...(r.headers ?? [])];
  if (framing === 'length') fields.push(['Content-Length', String(Buffer.byteLength(body))]);
  if (framing === 'chunked') fields.push(['Transfer-Encoding', 'chunked']);
  const sent = r.cutAt === undefined ? body : body.slice(0, r.cutAt);
  const encoded = framing === 'chunked' ? `${sent ? `${Buffer.byteLength(sent).toString(16)}\r\n${sent}\r\n` : ''}${r.cutAt === undefined ? '0\r\n\r\n' : ''}` : sent;
  // Chunked coding needs HTTP/1.1; the devices this plays answer 1.0 otherwise.
  const version = framing === 'chunked' ? '1.1' : '1.0';
  return `HTTP/${version} ${status} ${REASONS[status] ?? 'Status'}\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n${encoded}`;
}

/** Starts the device on 127.0.0.1 with the given identity; `route` answers each request. */
export async function startOldDevice(identity: { keyPem: string; certPem: string }, route: (req: DeviceRequest) => DeviceResponse): Promise<OldDevice> {
  const requests: DeviceRequest[] = [];
  const open = new Set<SSLSocket>();
  const server = createServer({ key: identity.keyPem, cert: identity.certPem }, (ssl: SSLSocket) => {
    open.add(ssl);
    ssl.socket.once('close', () => open.delete(ssl));
    ssl.on('error', () => {});
    let text = '';
    ssl.setEncoding('latin1');
    ssl.on('data', (d: string) => {
      text += d;
      const req = parseRequest(text);
      if (!req) return;
      requests.push(req);
      ssl.removeAllListeners('data');
      ssl.write(encodeResponse(route(req)), 'utf8', () => {
        // Close TCP without close_notify, and read nothing more (a device does not answer ours).
        ssl.socket.removeAllListeners('data');
        ssl.socket.on('data', () => {});
        ssl.socket.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of open) s.socket.destroy();
      }),
  };
}
