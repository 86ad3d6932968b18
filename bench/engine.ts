/**
 * Our socket API and node:tls side by side, behind one small interface, for the engine rows
 * (handshake.ts, bulk.ts). Native is node's own TLS 1.2 with AES128-SHA, session tickets off
 * (so resumption is by session ID, as in SSL 3.0), on the same RSA-2048 key and certificate.
 */
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import * as tls from 'node:tls';
import { constants } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { connect, createServer } from '../src/socket/index.js';
import type { Session } from '../src/handshake/session.js';
import { benchIdentity, HOST } from './identity.js';

/** What the rows need of a client socket; both SSLSocket and tls.TLSSocket have it. */
export interface ClientSocket extends Duplex {
  isSessionReused(): boolean;
}

export interface Endpoint {
  /** Starts a client connection; `session` is an opaque value from sessionOf(). */
  connect(options: { ciphers?: string; session?: unknown }): ClientSocket;
  sessionOf(socket: ClientSocket): unknown;
  /** Calls back with each server-side socket once its handshake is done. */
  onServerSocket(listener: ((socket: Duplex) => void) | undefined): void;
  close(): Promise<void>;
}

const NATIVE_TLS = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA' } as const;

async function listen(server: Server): Promise<number> {
  server.listen(0, HOST);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function makeEndpoint(server: Server, port: number, dial: (port: number, options: { ciphers?: string; session?: unknown }) => ClientSocket, sessionOf: (s: ClientSocket) => unknown): Endpoint {
  let listener: ((socket: Duplex) => void) | undefined;
  server.on('secureConnection', (socket: Duplex) => {
    socket.on('error', () => {});
    if (listener) listener(socket);
    else socket.resume();
  });
  server.on('tlsClientError', () => {});
  return {
    connect: (options) => dial(port, options),
    sessionOf,
    onServerSocket: (l) => (listener = l),
    close: () => closeServer(server),
  };
}

/** Our SSL 3.0 server and client (default cipher list unless the client names one). */
export async function oursEndpoint(): Promise<Endpoint> {
  const { keyPem, certPem } = benchIdentity();
  const server = createServer({ key: keyPem, cert: certPem });
  const port = await listen(server);
  return makeEndpoint(
    server,
    port,
    (p, o) => connect({ host: HOST, port: p, ca: certPem, ciphers: o.ciphers ?? 'aes-128-cbc-sha', session: o.session as Session | undefined }),
    (s) => (s as ReturnType<typeof connect>).getSession(),
  );
}

/** node:tls, TLS 1.2 AES128-SHA, no session tickets: a session cache keyed by ID, as ours. */
export async function nativeEndpoint(): Promise<Endpoint> {
  const { keyPem, certPem } = benchIdentity();
  const server = tls.createServer({ key: keyPem, cert: certPem, ...NATIVE_TLS, secureOptions: constants.SSL_OP_NO_TICKET });
  // node's server resumes session IDs only through these events (OpenSSL's internal cache is off).
  const store = new Map<string, Buffer>();
  server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
    store.set(id.toString('hex'), data);
    done();
  });
  server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => done(null, store.get(id.toString('hex')) ?? null));
  const port = await listen(server);
  return makeEndpoint(
    server,
    port,
    (p, o) => tls.connect({ host: HOST, port: p, ca: certPem, ...NATIVE_TLS, session: o.session as Buffer | undefined }),
    (s) => (s as tls.TLSSocket).getSession(),
  );
}

/** The client's handshake-done event: 'secureConnect' on both. */
export function secured(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('secureConnect', () => {
      socket.off('error', reject);
      resolve();
    });
    socket.once('error', reject);
  });
}
