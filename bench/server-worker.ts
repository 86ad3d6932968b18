/**
 * The server side of the engine rows (handshake.ts, bulk.ts, http.ts), run in a worker thread so that
 * server and client each have a core, as in real use. engine.ts starts it through
 * server-worker.mjs (which registers tsx: `--import tsx` does not reach worker threads on
 * Node 20) and drives it over the message port with the requests below, one reply per
 * request carrying the same id. Our SSL 3.0 server and node:tls both run here, for fairness.
 * The https-* kinds are HTTP servers on top (ours: src/http/https-server.ts; native:
 * node:https) answering every request with the same small body, for the http-* rows. The
 * `echo` kind is our server sending back whatever it reads (echo()), for the burst-* rows (burst.ts),
 * which also set `rsaThreads` and read each server's count of full and resumed handshakes.
 */
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import * as tls from 'node:tls';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { createServer } from '../src/socket/index.js';
import { createServer as createHttpsServer } from '../src/http/https-server.js';
import { HTTP_BODY, NATIVE_TLS, type Identity } from './identity.js';
import { threadCpuSeconds } from './measure.js';

export type ServerKind = 'ours' | 'native' | 'https-ours' | 'https-native' | 'echo';

export interface ServerWorkerData {
  identity: Identity;
  host: string;
}

export type Request =
  /** Start a server; replies with its port and a server id. `rsaThreads`: our server's option (ours, echo). */
  | { op: 'listen'; id: number; kind: ServerKind; rsaThreads?: boolean }
  /**
   * The server's next connection counts what it reads: replies 'armed' at once, then, under
   * the id `done`, 'received' once `total` bytes are in (or 'error' if the connection ends first).
   */
  | { op: 'expect'; id: number; server: number; total: number; done: number }
  /** The handshakes a server (ours, native, echo) has finished so far, full and resumed. */
  | { op: 'handshakes'; id: number; server: number }
  /** Close a server (waits for its connections to end). */
  | { op: 'close'; id: number; server: number }
  /** This thread's CPU seconds so far. */
  | { op: 'cpu'; id: number }
  /** Close the message port so the worker ends once its event loop is empty. */
  | { op: 'exit'; id: number };

export type Reply =
  | { op: 'listening'; id: number; server: number; port: number }
  | { op: 'armed'; id: number }
  | { op: 'received'; id: number; bytes: number }
  | { op: 'closed'; id: number }
  | { op: 'handshakes'; id: number; full: number; resumed: number }
  | { op: 'cpu'; id: number; seconds: number }
  | { op: 'error'; id: number; message: string };

interface Counter {
  id: number;
  total: number;
}

interface Running {
  /** Stops listening; resolves once its connections are gone. */
  close(): Promise<void>;
  /** The bulk counter waiting for the server's next connection, if any. */
  counter?: Counter;
  /** Handshakes finished (the https-* kinds do not count theirs). */
  full: number;
  resumed: number;
}

const port = parentPort;
if (!port) throw new Error('bench/server-worker.ts must run in a worker thread (engine.ts starts it)');
const { identity, host } = workerData as ServerWorkerData;
const servers = new Map<number, Running>();
let nextServer = 1;

function reply(message: Reply): void {
  port!.postMessage(message);
}

/** node's server resumes session IDs only through these events (OpenSSL's internal cache is off). */
function cacheSessions(server: tls.Server): void {
  const store = new Map<string, Buffer>();
  server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
    store.set(id.toString('hex'), data);
    done();
  });
  server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => done(null, store.get(id.toString('hex')) ?? null));
}

function makeServer(kind: 'ours' | 'native' | 'echo', rsaThreads: boolean): Server {
  const { keyPem, certPem } = identity;
  if (kind !== 'native') return createServer({ key: keyPem, cert: certPem, rsaThreads });
  const server = tls.createServer({ key: keyPem, cert: certPem, ...NATIVE_TLS, secureOptions: constants.SSL_OP_NO_TICKET });
  cacheSessions(server);
  return server;
}

function answer(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(HTTP_BODY) });
  res.end(HTTP_BODY);
}

/** An HTTPS server answering HTTP_BODY: ours over SSL 3.0, or node:https as the native TLS servers are set up. */
async function listenHttps(id: number, kind: 'https-ours' | 'https-native'): Promise<void> {
  const { keyPem, certPem } = identity;
  let close: () => Promise<void>;
  let address: () => AddressInfo;
  if (kind === 'https-ours') {
    const server = createHttpsServer({ key: keyPem, cert: certPem }, answer);
    await server.listen(0, host);
    close = () => server.close(1000);
    address = () => server.address() as AddressInfo;
  } else {
    const server = https.createServer({ key: keyPem, cert: certPem, ...NATIVE_TLS, secureOptions: constants.SSL_OP_NO_TICKET }, answer);
    cacheSessions(server);
    server.on('tlsClientError', () => {});
    server.listen(0, host);
    await once(server, 'listening');
    close = () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    address = () => server.address() as AddressInfo;
  }
  const number = nextServer++;
  servers.set(number, { close, full: 0, resumed: 0 });
  reply({ op: 'listening', id, server: number, port: address().port });
}

/** Counts `socket`'s bytes for a bulk transfer; an early end or error fails the request. */
function count(socket: Duplex, counter: Counter): void {
  let got = 0;
  let settled = false;
  const fail = (why: string) => {
    if (settled) return;
    settled = true;
    reply({ op: 'error', id: counter.id, message: `server connection ${why} after ${got} of ${counter.total} bytes` });
  };
  socket.on('data', (d: Buffer) => {
    got += d.length;
    if (!settled && got >= counter.total) {
      settled = true;
      reply({ op: 'received', id: counter.id, bytes: got });
    }
  });
  socket.on('error', (err: Error) => fail(`failed (${err.message})`));
  socket.on('close', () => fail('closed'));
}

/**
 * Sends back what `socket` reads. A blank line (CRLF CRLF: the end of strsclnt's HTTP/1.0 GET)
 * also ends the connection once echoed, as an HTTP/1.0 server would, for clients that read
 * to the end; the burst rows' probe never sends one.
 */
function echo(socket: Duplex): void {
  let tail = '';
  socket.on('data', (d: Buffer) => {
    tail = (tail + d.toString('latin1')).slice(-4);
    if (tail === '\r\n\r\n') socket.end(d);
    else socket.write(d);
  });
  socket.on('end', () => socket.end());
}

async function listen(id: number, kind: ServerKind, rsaThreads: boolean): Promise<void> {
  if (kind === 'https-ours' || kind === 'https-native') return listenHttps(id, kind);
  const server = makeServer(kind, rsaThreads);
  const running: Running = { close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))), full: 0, resumed: 0 };
  server.on('secureConnection', (socket: Duplex & { isSessionReused(): boolean }) => {
    socket.on('error', () => {}); // the client's side reports failures
    if (socket.isSessionReused()) running.resumed++;
    else running.full++;
    const counter = running.counter;
    running.counter = undefined;
    if (counter) count(socket, counter);
    else if (kind === 'echo') echo(socket);
    else socket.resume();
  });
  server.on('tlsClientError', () => {});
  server.listen(0, host);
  await once(server, 'listening');
  const number = nextServer++;
  servers.set(number, running);
  reply({ op: 'listening', id, server: number, port: (server.address() as AddressInfo).port });
}

function running(server: number): Running {
  const r = servers.get(server);
  if (!r) throw new Error(`no server ${server}`);
  return r;
}

async function handle(request: Request): Promise<void> {
  switch (request.op) {
    case 'listen':
      return listen(request.id, request.kind, request.rsaThreads ?? false);
    case 'expect': {
      const r = running(request.server);
      if (r.counter) throw new Error(`server ${request.server} is already counting a connection`);
      r.counter = { id: request.done, total: request.total };
      return reply({ op: 'armed', id: request.id });
    }
    case 'handshakes': {
      const { full, resumed } = running(request.server);
      return reply({ op: 'handshakes', id: request.id, full, resumed });
    }
    case 'close': {
      const r = running(request.server);
      servers.delete(request.server);
      await r.close();
      return reply({ op: 'closed', id: request.id });
    }
    case 'cpu':
      return reply({ op: 'cpu', id: request.id, seconds: threadCpuSeconds() });
    case 'exit':
      for (const r of servers.values()) r.close().catch(() => {});
      servers.clear();
      reply({ op: 'closed', id: request.id });
      port!.close();
      return;
  }
}

port.on('message', (request: Request) => {
  handle(request).catch((err: unknown) => reply({ op: 'error', id: request.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
});
