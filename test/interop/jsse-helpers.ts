/**
 * Shared plumbing for the interop tests against Java's TLS stacks: OpenJDK's SunJSSE
 * (jsse-*.test.ts) and Bouncy Castle's BCJSSE (bc*.test.ts). Both are driven by one Java
 * program, test/interop/java/Ssl3Peer.java, compiled once per test file into a temp directory.
 * Its output is one fact per line, tagged with the connection number (see the program's header).
 *
 * What makes SSL 3.0 work in these peers (all inside Ssl3Peer or on its command line):
 * - jdk.tls.disabledAlgorithms and jdk.tls.legacyAlgorithms cleared with Security.setProperty
 *   before any JSSE class loads (OpenJDK 17 disables SSLv3, RC4, DES and 3DES_EDE_CBC there;
 *   BCJSSE reads the same property);
 * - protocols and suites enabled explicitly (setEnabledProtocols / setEnabledCipherSuites);
 * - for SunJSSE session resumption: -Djdk.tls.useExtendedMasterSecret=false;
 * - for BCJSSE resumption: -Djdk.tls.allowLegacyResumption=true.
 *
 * Every child is killed when its test file ends (and at process exit as a last resort); every
 * wait is bounded. Everything listens and connects on 127.0.0.1 with ports chosen at run time.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ConnectOptions, type ServerOptions, type SSLServer, type SSLSocket } from '../../src/socket/index.js';
import type { TraceEvent } from '../../src/connection/connection.js';
import { findPeer } from '../helpers/peers.js';
import { fetchOver as fetchRequest } from './nss-helpers.js';
import { tempDir } from '../helpers/temp-dirs.js';

export { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';

export const HOST = '127.0.0.1';
export const PEER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'java', 'Ssl3Peer.java');

/** The suites we test against SunJSSE, under JSSE's names, with our IOS keyword for each. */
export const JSSE_SUITES = [
  { jsse: 'SSL_RSA_WITH_RC4_128_MD5', keyword: 'rc4-128-md5' },
  { jsse: 'SSL_RSA_WITH_RC4_128_SHA', keyword: 'rc4-128-sha' },
  { jsse: 'SSL_RSA_WITH_3DES_EDE_CBC_SHA', keyword: '3des-ede-cbc-sha' },
  { jsse: 'SSL_RSA_WITH_DES_CBC_SHA', keyword: 'des-cbc-sha' },
  { jsse: 'TLS_RSA_WITH_AES_128_CBC_SHA', keyword: 'aes-128-cbc-sha' },
  { jsse: 'TLS_RSA_WITH_AES_256_CBC_SHA', keyword: 'aes-256-cbc-sha' },
] as const;

/**
 * BCJSSE 1.72 has no RC4 or single DES at all; it names 3DES TLS_RSA_WITH_3DES_EDE_CBC_SHA
 * (an SSL_ name is accepted by setEnabledCipherSuites but never usable). Under SSL 3.0 it
 * negotiates 3DES and both AES suites.
 */
export const BC_SUITES = [
  { jsse: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', keyword: '3des-ede-cbc-sha' },
  { jsse: 'TLS_RSA_WITH_AES_128_CBC_SHA', keyword: 'aes-128-cbc-sha' },
  { jsse: 'TLS_RSA_WITH_AES_256_CBC_SHA', keyword: 'aes-256-cbc-sha' },
] as const;

export const BC_JARS = ['/usr/share/java/bcprov.jar', '/usr/share/java/bcutil.jar', '/usr/share/java/bctls.jar'];

export interface JavaTools {
  java: string;
  javac: string;
  openssl: string;
  /** Extra classpath entries (the Bouncy Castle jars for BCJSSE). */
  classpath: string[];
}

/**
 * Finds java, javac and openssl (for the PKCS#12 key stores), plus `jars` when given. Returns
 * undefined when any is missing, after findPeer has named it (or thrown under
 * SSL3_REQUIRE_PEERS=1).
 */
export function findJavaTools(jars: { files: readonly string[]; debianPackage: string } = { files: [], debianPackage: '' }): JavaTools | undefined {
  const java = findPeer('java', 'openjdk-17-jdk-headless');
  const javac = findPeer('javac', 'openjdk-17-jdk-headless');
  const openssl = findPeer('openssl', 'openssl');
  const found = jars.files.map((f) => findPeer(f, jars.debianPackage));
  if (!java || !javac || !openssl || found.some((f) => !f)) return undefined;
  return { java, javac, openssl, classpath: found as string[] };
}


/** Compiles Ssl3Peer.java once (about 2 s); returns the classpath to run it with. */
export function compilePeer(tools: JavaTools): string {
  const out = tempDir('java-peer');
  try {
    execFileSync(tools.javac, ['-d', out, PEER_SOURCE], { timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const x = e as { stderr?: Buffer; message: string };
    throw new Error(`javac ${PEER_SOURCE} failed: ${x.message}\n${x.stderr?.toString() ?? ''}`);
  }
  return [out, ...tools.classpath].join(':');
}

// --- Java child processes ------------------------------------------------------------------

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Quick JVM start for short runs: C1 only, one GC thread. */
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/** What Ssl3Peer reported about one connection. */
export interface PeerConnection {
  n: number;
  ok: boolean;
  protocol?: string;
  suite?: string;
  session?: string;
  peer?: string;
  resumed?: boolean;
  request?: string;
  body?: string;
  error?: string;
}

export function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'r' ? '\r' : c === 'n' ? '\n' : c));
}

/** Ssl3Peer's lines, grouped by connection number. */
export function parseConnections(stdout: string): Map<number, PeerConnection> {
  const out = new Map<number, PeerConnection>();
  for (const line of stdout.split('\n')) {
    const m = /^(HANDSHAKE|PROTOCOL|SUITE|SESSION|PEER|RESUMED|REQUEST|BODY|ERROR) (\d+) ?(.*)$/.exec(line);
    if (!m) continue;
    const n = Number(m[2]);
    const value = m[3];
    const c = out.get(n) ?? { n, ok: false };
    out.set(n, c);
    switch (m[1]) {
      case 'HANDSHAKE':
        c.ok = value === 'OK';
        break;
      case 'PROTOCOL':
        c.protocol = value;
        break;
      case 'SUITE':
        c.suite = value;
        break;
      case 'SESSION':
        c.session = value;
        break;
      case 'PEER':
        c.peer = value;
        break;
      case 'RESUMED':
        c.resumed = value === 'true';
        break;
      case 'REQUEST':
        c.request = unescape(value);
        break;
      case 'BODY':
        c.body = unescape(value);
        break;
      case 'ERROR':
        c.error = value;
        break;
    }
  }
  return out;
}

/** One Ssl3Peer process with its output kept. */
export class JavaPeer {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  exited = false;
  private readonly exit: Promise<void>;

  constructor(tools: JavaTools, classpath: string, mode: 'server' | 'client', args: readonly string[], systemProperties: readonly string[] = []) {
    this.child = spawn(tools.java, [...JVM_FLAGS, ...systemProperties, '-cp', classpath, 'Ssl3Peer', mode, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(this.child);
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString('latin1')));
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString('latin1');
      if (this.stderr.length > 1 << 20) this.stderr = this.stderr.slice(-(1 << 19));
    });
    this.child.stdin!.on('error', () => {});
    this.exit = new Promise((resolve) => {
      const done = () => {
        this.exited = true;
        children.delete(this.child);
        resolve();
      };
      this.child.once('close', done);
      this.child.once('error', (e) => {
        this.stderr += `spawn failed: ${e.message}\n`;
        done();
      });
    });
  }

  get connections(): Map<number, PeerConnection> {
    return parseConnections(this.stdout);
  }

  connection(n: number): PeerConnection {
    return this.connections.get(n) ?? { n, ok: false, error: 'no output for this connection' };
  }

  /**
   * Server: the connection that received `GET <path> HTTP/1.0`, waiting briefly for its line
   * (the Java process's stdout and our socket are separate pipes).
   */
  async byRequest(path: string, timeoutMs = 5_000): Promise<PeerConnection> {
    const m = await this.waitFor(new RegExp(`^REQUEST (\\d+) GET ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} HTTP/1\\.0$`, 'm'), timeoutMs);
    return this.connection(Number(m[1]));
  }

  /** Server: the connection accepted last, once it reported its error (for one that failed before its request). */
  async latestError(timeoutMs = 5_000): Promise<PeerConnection | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = [...this.connections.values()];
      const latest = all.length ? all.reduce((a, b) => (b.n > a.n ? b : a)) : undefined;
      if (latest?.error || this.exited || Date.now() > deadline) return latest;
      await sleep(20);
    }
  }

  /** For assertion messages: what the peer printed (stderr's tail: BCJSSE logs there). */
  describe(): string {
    return `Ssl3Peer stdout:\n${this.stdout}\nstderr (tail):\n${this.stderr.slice(-3000)}`;
  }

  /** Resolves with the first match of `pattern` in stdout; rejects on exit or timeout. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.stdout);
      if (m) return m;
      if (this.exited) throw new Error(`Ssl3Peer exited before printing ${pattern}\n${this.describe()}`);
      if (Date.now() > deadline) throw new Error(`Ssl3Peer printed no ${pattern} within ${timeoutMs} ms\n${this.describe()}`);
      await sleep(20);
    }
  }

  /** Waits up to timeoutMs for the process to end by itself, then kills it. Returns whether it ended by itself. */
  async finish(timeoutMs: number): Promise<boolean> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const wasRunning = !this.exited;
    await this.exit;
    clearTimeout(timer);
    return wasRunning ? this.child.signalCode === null : true;
  }

  /** Closes stdin (a server's cue to exit), then SIGTERM, then SIGKILL. */
  async stop(graceMs = 3_000): Promise<void> {
    if (this.exited) return;
    this.child.stdin!.end();
    const term = setTimeout(() => this.child.kill('SIGTERM'), 500);
    const kill = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(term);
    clearTimeout(kill);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs Ssl3Peer in client mode to completion (it prints DONE and exits); killed after timeoutMs. */
export async function runJavaClient(
  tools: JavaTools,
  classpath: string,
  args: readonly string[],
  systemProperties: readonly string[] = [],
  timeoutMs = 30_000,
): Promise<JavaPeer> {
  const peer = new JavaPeer(tools, classpath, 'client', ['--lifetime-ms', String(timeoutMs), ...args], systemProperties);
  await peer.finish(timeoutMs + 5_000);
  return peer;
}

/** Starts Ssl3Peer in server mode on a port of its choosing; resolves once it listens. */
export async function startJavaServer(
  tools: JavaTools,
  classpath: string,
  args: readonly string[],
  systemProperties: readonly string[] = [],
): Promise<{ peer: JavaPeer; port: number }> {
  const peer = new JavaPeer(tools, classpath, 'server', ['--port', '0', '--lifetime-ms', '180000', ...args], systemProperties);
  try {
    const m = await peer.waitFor(/^LISTENING (\d+)$/m, 20_000);
    return { peer, port: Number(m[1]) };
  } catch (e) {
    await peer.stop();
    throw e;
  }
}

// --- our server ----------------------------------------------------------------------------

export interface ServedConnection {
  socket: SSLSocket;
  standardName?: string;
  reused: boolean;
  /** The version in the client's hello (0x0303 for a TLS 1.2 client talking to us at 3.0). */
  clientVersion?: number;
  peerSubjectCn?: string;
  authorized: boolean;
  /** The request line, e.g. 'GET /2 HTTP/1.0' (Ssl3Peer's client numbers its connections). */
  requestLine?: string;
}

export interface OurServer {
  server: SSLServer;
  port: number;
  connections: ServedConnection[];
  /** Handshake failures ('tlsClientError'). */
  errors: (Error & { code?: string })[];
  /** Trace events of all connections. */
  trace: TraceEvent[];
  /**
   * The latest connection whose request line was `GET /<n> ...` (Ssl3Peer's client numbers its
   * connections from 1 in every run; the tests run one at a time, so the latest is this run's).
   */
  byRequest(n: number): ServedConnection | undefined;
  close(): Promise<void>;
}

/** The body our server answers with. */
export function ourGreeting(standardName: string | undefined, path: string): string {
  return `hello from ssl3 over ${standardName} for ${path}\n`;
}

/** Our server answering one HTTP/1.0 request per connection with a greeting, then close_notify. */
export async function startOurServer(options: ServerOptions): Promise<OurServer> {
  const connections: ServedConnection[] = [];
  const errors: OurServer['errors'] = [];
  const trace: TraceEvent[] = [];
  const server = createServer({ ...options, trace: (e) => trace.push(e) }, (socket) => {
    const peer = socket.getPeerCertificate();
    const served: ServedConnection = {
      socket,
      standardName: socket.getCipher()?.standardName,
      reused: socket.isSessionReused(),
      clientVersion: socket.connection.handshakeResult?.clientVersion,
      peerSubjectCn: 'subject' in peer ? peer.subject.CN : undefined,
      authorized: socket.authorized,
    };
    connections.push(served);
    let request = '';
    let answered = false;
    socket.on('data', (d: Buffer) => {
      request += d.toString('latin1');
      if (answered || !request.includes('\r\n\r\n')) return;
      answered = true;
      served.requestLine = request.slice(0, request.indexOf('\r\n'));
      const path = served.requestLine.split(' ')[1] ?? '?';
      const body = ourGreeting(served.standardName, path);
      socket.end(`HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    socket.on('error', () => {}); // a peer may reset after the response; the tests check what arrived
  });
  server.on('tlsClientError', (err: Error) => errors.push(err));
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    connections,
    errors,
    trace,
    byRequest(n) {
      for (let i = connections.length - 1; i >= 0; i--) if (connections[i].requestLine?.startsWith(`GET /${n} `)) return connections[i];
      return undefined;
    },
    async close() {
      for (const c of connections) c.socket.destroy();
      await Promise.race([new Promise<void>((resolve) => server.close(() => resolve())), sleep(2_000)]);
    },
  };
}

/** Whether the trace since `from` shows an SSLv2-format ClientHello arriving. */
export function sawV2Hello(trace: readonly TraceEvent[], from = 0): boolean {
  return trace.slice(from).some((e) => e.kind === 'handshake' && e.direction === 'in' && e.name === 'client_hello (SSLv2 format)');
}

export function traceNotes(trace: readonly TraceEvent[], from = 0): string[] {
  return trace.slice(from).flatMap((e) => (e.kind === 'note' ? [e.text] : []));
}

// --- our client ----------------------------------------------------------------------------

export interface FetchResult {
  socket: SSLSocket;
  /** Everything the server sent, decrypted. */
  response: string;
  error?: Error & { code?: string };
}

/**
 * Our client: connect, send `GET <path> HTTP/1.0`, read until the server closes. Never rejects.
 * A distinct path per request lets a test find its connection in the Java server's output.
 */
export async function fetchOver(options: ConnectOptions, path = '/', timeoutMs = 15_000): Promise<FetchResult> {
  return fetchRequest(options, `GET ${path} HTTP/1.0\r\nHost: ${options.servername ?? HOST}\r\n\r\n`, timeoutMs);
}
