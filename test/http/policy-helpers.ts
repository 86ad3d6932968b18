/**
 * Helpers for the server-policy tests: one test identity, servers on 127.0.0.1 with a policy,
 * HTTPS requests with our own client, raw TCP and raw SSL sockets for attacks, and bounded
 * waits (every wait here has a deadline, so no test can hang).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Agent, request } from '../../src/http/https-client.js';
import { createServer, type HttpsServer } from '../../src/http/https-server.js';
import type { RequestHandler, ServerPolicy, ServerPolicyOptions } from '../../src/http/server-policy.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { connect } from '../../src/socket/index.js';
import type { SSLSocket } from '../../src/socket/ssl-socket.js';
import { nodeRsaKey } from '../helpers/keys.js';

const key = nodeRsaKey(1024);
export const keyPem = privateKeyToPem(key);
export const certPem = certificateToPem(selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'], days: 10 }));

export const hello: RequestHandler = (req, res) => {
  const body = `hello ${req.url}`;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

export async function startHttps(policy: ServerPolicy | ServerPolicyOptions | undefined, handler: RequestHandler = hello): Promise<{ server: HttpsServer; port: number }> {
  const server = createServer({ key: keyPem, cert: certPem, policy }, handler);
  await server.listen(0, '127.0.0.1');
  return { server, port: (server.address() as AddressInfo).port };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects if `p` has not settled within `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** Polls `cond` every 10 ms until it holds; fails after `ms`. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  socket: SSLSocket;
}

/** One HTTPS request with our client; bounded by 5 s. */
export function fetchHttps(port: number, path: string, options: { agent?: Agent; headers?: Record<string, string>; ciphers?: string } = {}): Promise<Response> {
  const p = new Promise<Response>((resolve, reject) => {
    const req = request(`https://127.0.0.1:${port}${path}`, { ca: certPem, agent: options.agent, headers: options.headers, ciphers: options.ciphers }, (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socket: req.socket as unknown as SSLSocket }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  return within(p, 5000, `GET ${path}`);
}

export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1, ca: certPem });
}

/** A raw TCP connection, opened. */
export async function rawConnect(port: number): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  await within(
    new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    }),
    2000,
    'TCP connect',
  );
  return s;
}

/** What a socket saw until it closed: bytes received and ms from `since`. Fails after `ms`. */
export function closed(s: net.Socket | SSLSocket, ms: number, since = Date.now()): Promise<{ bytes: number; afterMs: number }> {
  let bytes = 0;
  s.on('data', (d: Buffer) => (bytes += d.length));
  if (s.destroyed) return Promise.resolve({ bytes, afterMs: Date.now() - since });
  return within(new Promise((resolve) => s.once('close', () => resolve({ bytes, afterMs: Date.now() - since }))), ms, 'the connection to close');
}

/** An SSL connection with our client, handshake done. */
export async function sslConnect(port: number): Promise<SSLSocket> {
  const s = connect({ host: '127.0.0.1', port, ca: certPem });
  s.on('error', () => {});
  await within(
    new Promise<void>((resolve, reject) => {
      s.once('secureConnect', resolve);
      s.once('error', reject);
      s.once('close', () => reject(new Error('closed during the handshake')));
    }),
    5000,
    'SSL handshake',
  );
  return s;
}

/** Sends raw HTTP text over a new SSL connection and returns all the server sent back. */
export async function rawHttps(port: number, text: string): Promise<string> {
  const s = await sslConnect(port);
  let out = '';
  s.setEncoding('utf8');
  s.on('data', (d: string) => (out += d));
  s.write(text);
  await within(new Promise((resolve) => s.once('close', resolve)), 5000, 'the response');
  return out;
}
