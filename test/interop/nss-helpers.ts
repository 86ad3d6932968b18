/**
 * Shared plumbing for the interop tests against NSS (tstclnt, strsclnt, selfserv) and tshark:
 * finding the tools, running child processes with bounded waits (every child is killed when
 * its test ends, and at process exit as a last resort), NSS key databases, free ports, our
 * own SSL 3.0 server answering a tiny HTTP request, and our client fetching one.
 *
 * Everything listens and connects on 127.0.0.1 with ports chosen at run time.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { connect, createServer, type ConnectOptions, type ServerOptions, type SSLServer, type SSLSocket } from '../../src/socket/index.js';
import type { TraceEvent } from '../../src/connection/connection.js';
import { findPeer } from '../helpers/peers.js';
import { tempDir } from '../helpers/temp-dirs.js';

export { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';

export const REQUIRE_PEERS = process.env.SSL3_REQUIRE_PEERS === '1';
export const HOST = '127.0.0.1';

/** Every suite we and NSS share under SSL 3.0: the four IOS ones and the two AES ones. */
export const SUITES = [
  { keyword: 'rc4-128-md5', openssl: 'RC4-MD5', nss: 'c' },
  { keyword: 'rc4-128-sha', openssl: 'RC4-SHA', nss: 'n' },
  { keyword: '3des-ede-cbc-sha', openssl: 'DES-CBC3-SHA', nss: 'd' },
  { keyword: 'des-cbc-sha', openssl: 'DES-CBC-SHA', nss: 'e' },
  // NSS's letters for RSA with AES under SSL 3.0, as `tstclnt -Y` / `selfserv -Y` list them.
  { keyword: 'aes-128-cbc-sha', openssl: 'AES128-SHA', nss: 'v' },
  { keyword: 'aes-256-cbc-sha', openssl: 'AES256-SHA', nss: 'y' },
] as const;
export type SuiteRow = (typeof SUITES)[number];
export const IOS_SUITES = SUITES.slice(0, 4);

/**
 * Finds each program (name -> Debian package). Returns their paths, or undefined when any is
 * missing (findPeer has then said which, or thrown under SSL3_REQUIRE_PEERS=1).
 */
export function findTools<K extends string>(programs: Record<K, string>): Record<K, string> | undefined {
  const found = {} as Record<K, string>;
  let missing = false;
  for (const [program, pkg] of Object.entries(programs) as [K, string][]) {
    const path = findPeer(program, pkg);
    if (path) found[program] = path;
    else missing = true;
  }
  return missing ? undefined : found;
}


// --- child processes -----------------------------------------------------------------------

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a program to completion (stdin = input, then EOF); kills it after timeoutMs. Never rejects. */
export function run(
  file: string,
  args: readonly string[],
  options: { input?: string | Buffer; timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = track(spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: options.cwd, env: options.env }));
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 15_000);
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.stdin!.on('error', () => {}); // the program may exit before reading everything
    child.on('error', (e) => err.push(Buffer.from(`spawn failed: ${e.message}\n`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), timedOut });
    });
    child.stdin!.end(options.input ?? '');
  });
}

/**
 * NSS tstclnt sending `GET / HTTP/1.0` over SSL 3.0 (RC4-SHA) to 127.0.0.1:port, presenting the
 * client certificate `nickname` of `db`. It checks the server's certificate against the CA
 * trusted in `db` unless `trustServer` (tstclnt -o: accept whatever the server presents).
 */
export function tstclntWithCert(tstclnt: string, o: { port: number; db: string; nickname: string; trustServer?: boolean }): Promise<RunResult> {
  const args = ['-h', HOST, '-p', String(o.port), '-d', o.db, '-n', o.nickname, '-V', 'ssl3:ssl3', '-c', 'n', ...(o.trustServer ? ['-o'] : [])];
  return run(tstclnt, args, { input: 'GET / HTTP/1.0\r\n\r\n', timeoutMs: 15_000 });
}

/** Runs a short setup command synchronously (certutil, pk12util), bounded, failing loudly. */
export function runSync(file: string, args: readonly string[]): string {
  try {
    return execFileSync(file, args, { timeout: 30_000, encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const x = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${x.message}\n${x.stdout ?? ''}${x.stderr ?? ''}`);
  }
}

/** A long-running child (selfserv, a tshark capture) with its output kept for diagnostics. */
export class Daemon {
  readonly child: ChildProcess;
  output = '';
  exited = false;
  private readonly exit: Promise<void>;

  constructor(file: string, args: readonly string[]) {
    this.child = track(spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    const keep = (d: Buffer) => {
      this.output += d.toString('latin1');
      if (this.output.length > 1 << 20) this.output = this.output.slice(-(1 << 19));
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.child.on('error', (e) => (this.output += `spawn failed: ${e.message}\n`));
    this.exit = new Promise((resolve) => {
      this.child.once('close', () => {
        this.exited = true;
        resolve();
      });
      this.child.once('error', () => {
        this.exited = true;
        resolve();
      });
    });
  }

  /** Resolves when `pattern` appears in the output; rejects on exit or timeout. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.exited) throw new Error(`exited before printing ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await sleep(25);
    }
  }

  /** Sends `signal`, waits up to graceMs for the exit, then SIGKILL. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
    if (this.exited) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// --- ports ---------------------------------------------------------------------------------

/** A port free right now on 127.0.0.1 (bind to 0, read it, close). Another process may take it: callers retry. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls until a TCP connect to the port succeeds; gives up when `alive()` turns false or after timeoutMs. */
export async function waitForPort(port: number, timeoutMs: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive()) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: HOST, port });
      const done = (v: boolean) => {
        s.destroy();
        resolve(v);
      };
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
      s.setTimeout(1_000, () => done(false));
    });
    if (ok) return true;
    await sleep(50);
  }
  return false;
}

export interface Selfserv {
  daemon: Daemon;
  port: number;
}

/**
 * Starts a server on a free port of 127.0.0.1 and waits until it accepts connections (and,
 * before that, until `ready` resolves, if given); retries on another port when one was taken
 * meanwhile. `what` names it in the error when it never starts.
 */
export async function startOnFreePort(what: string, start: (port: number) => Daemon, ready?: (daemon: Daemon) => Promise<void>): Promise<Selfserv> {
  let last = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const daemon = start(port);
    try {
      await ready?.(daemon);
      if (await waitForPort(port, 10_000, () => !daemon.exited)) return { daemon, port };
    } catch {
      // fall through: try another port
    }
    last = daemon.output;
    await daemon.stop('SIGKILL');
  }
  throw new Error(`${what} did not start:\n${last}`);
}

/** Starts selfserv on a free port and waits until it accepts. */
export function startSelfserv(selfserv: string, args: string[]): Promise<Selfserv> {
  return startOnFreePort('selfserv', (port) => new Daemon(selfserv, ['-p', String(port), ...args]));
}

// --- NSS key databases ---------------------------------------------------------------------

/** A fresh NSS database with an empty password; returns its `sql:DIR` name. */
export function makeNssDb(certutil: string, name: string): string {
  const db = `sql:${tempDir(`nss-${name}`)}`;
  runSync(certutil, ['-N', '-d', db, '--empty-password']);
  return db;
}

/** Adds a certificate with trust flags (e.g. 'P,,' a trusted peer, 'CT,,' a CA for server and client certs). */
export function nssAddCert(certutil: string, db: string, nickname: string, certFile: string, trust: string): void {
  runSync(certutil, ['-A', '-d', db, '-n', nickname, '-t', trust, '-i', certFile]);
}

/** Imports a key and certificate from PKCS#12 (its friendly name becomes the nickname). */
export function nssImportP12(pk12util: string, db: string, p12File: string, password: string): void {
  runSync(pk12util, ['-i', p12File, '-d', db, '-W', password, '-K', '']);
}

// --- our server ----------------------------------------------------------------------------

export interface ServedConnection {
  socket: SSLSocket;
  cipher?: string;
  reused: boolean;
  /** Application data as it arrived, one chunk per record. */
  chunks: Buffer[];
  peerSubjectCn?: string;
  authorized: boolean;
  authorizationError?: string;
}

export interface HttpTestServer {
  server: SSLServer;
  port: number;
  connections: ServedConnection[];
  /** Errors of failed handshakes ('tlsClientError'). */
  errors: (Error & { code?: string; alert?: string })[];
  /** Trace events of all connections (the tests run one connection at a time). */
  trace: TraceEvent[];
  keylog: string[];
  close(): Promise<void>;
}

/** The response body our server sends: the request's body echoed, else a greeting naming the suite. */
export function greeting(cipher: string | undefined): string {
  return `hello over ${cipher} from ssl3\n`;
}

/**
 * Our server, answering one HTTP/1.0 request per connection: the request body (Content-Length)
 * is echoed back; without a body the response names the negotiated suite. Then close_notify.
 */
export async function startHttpServer(options: ServerOptions): Promise<HttpTestServer> {
  const connections: ServedConnection[] = [];
  const errors: HttpTestServer['errors'] = [];
  const trace: TraceEvent[] = [];
  const keylog: string[] = [];
  const server = createServer({ ...options, trace: (e) => trace.push(e) }, (socket) => {
    const peer = socket.getPeerCertificate();
    const served: ServedConnection = {
      socket,
      cipher: socket.getCipher()?.name,
      reused: socket.isSessionReused(),
      chunks: [],
      peerSubjectCn: 'subject' in peer ? peer.subject.CN : undefined,
      authorized: socket.authorized,
      authorizationError: socket.authorizationError,
    };
    connections.push(served);
    let answered = false;
    socket.on('data', (d: Buffer) => {
      served.chunks.push(d);
      const all = Buffer.concat(served.chunks);
      const end = all.indexOf('\r\n\r\n');
      if (answered || end < 0) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(all.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      if (all.length < end + 4 + length) return;
      answered = true;
      const body = length ? all.subarray(end + 4, end + 4 + length) : Buffer.from(greeting(served.cipher));
      socket.end(Buffer.concat([Buffer.from(`HTTP/1.0 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
    });
    socket.on('error', () => {}); // peers may reset after the response; the tests check what arrived
  });
  server.on('tlsClientError', (err: Error) => errors.push(err));
  server.on('keylog', (line: Buffer) => keylog.push(line.toString()));
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    server,
    port,
    connections,
    errors,
    trace,
    keylog,
    async close() {
      for (const c of connections) c.socket.destroy();
      await Promise.race([new Promise<void>((resolve) => server.close(() => resolve())), sleep(2_000)]);
    },
  };
}

/** The trace events since index `from` that are incoming application-data records: their lengths. */
export function appDataRecordLengths(trace: readonly TraceEvent[], from: number, direction: 'in' | 'out' = 'in'): number[] {
  return trace
    .slice(from)
    .filter((e): e is Extract<TraceEvent, { kind: 'record' }> => e.kind === 'record' && e.direction === direction && e.type === 23)
    .map((e) => e.length);
}

// --- our client ----------------------------------------------------------------------------

export interface FetchResult {
  socket: SSLSocket;
  /** Everything the server sent (HTTP response), decrypted. */
  response: string;
  /** A handshake or transport error, if the exchange failed. */
  error?: Error & { code?: string };
  keylog: string[];
  trace: TraceEvent[];
}

/**
 * Our client: connect, send `request`, read until the server closes. Bounded by timeoutMs;
 * never rejects (the result carries the error). `onSecure` replaces the plain "send once the
 * handshake is done" with a script of its own (renegotiate first, say), calling `send` when
 * the request should go.
 */
export async function fetchOver(
  options: ConnectOptions,
  request: string | Buffer,
  timeoutMs = 15_000,
  onSecure: (socket: SSLSocket, send: () => void) => void = (_socket, send) => send(),
): Promise<FetchResult> {
  const keylog: string[] = [];
  const trace: TraceEvent[] = [];
  const socket = connect({ host: HOST, ...options, trace: (e) => trace.push(e) });
  socket.on('keylog', (line: Buffer) => keylog.push(line.toString()));
  const chunks: Buffer[] = [];
  let error: (Error & { code?: string }) | undefined;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      error ??= new Error(`no complete exchange within ${timeoutMs} ms`);
      resolve();
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      resolve();
    };
    socket.once('secureConnect', () => onSecure(socket, () => socket.write(request)));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e: Error) => {
      error ??= e;
      finish();
    });
    socket.once('end', finish);
    socket.once('close', finish);
  });
  socket.destroy();
  return { socket, response: Buffer.concat(chunks).toString('latin1'), error, keylog, trace };
}
