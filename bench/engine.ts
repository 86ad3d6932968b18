/**
 * Our socket API and node:tls side by side, behind one small interface, for the engine rows
 * (handshake.ts, bulk.ts; http.ts uses the server thread directly). Native is node's own TLS 1.2 with AES128-SHA, session tickets off
 * (so resumption is by session ID, as in SSL 3.0), on the same RSA-2048 key and certificate.
 *
 * The servers, ours and native alike, run in a worker thread (server-worker.ts) and the
 * clients in this one, so each side has its own core, as a real server and client would;
 * the port, the bytes a bulk transfer's server received and failures come back over the
 * worker's message port. Set SSL3_BENCH_UTIL=1 to print, on stderr, each thread's CPU use
 * during each measurement beside how busy its event loop was: a thread busier than its CPU
 * use waited for a core (another process on the machine), and the whole process's CPU.
 */
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { connect } from '../src/socket/index.js';
import type { Session } from '../src/handshake/session.js';
import { benchIdentity, HOST, NATIVE_TLS } from './identity.js';
import { threadCpuSeconds } from './measure.js';
import type { Reply, Request, ServerKind, ServerWorkerData } from './server-worker.js';

/** What the rows need of a client socket; both SSLSocket and tls.TLSSocket have it. */
export interface ClientSocket extends Duplex {
  isSessionReused(): boolean;
}

export interface Endpoint {
  /** Starts a client connection; `session` is an opaque value from sessionOf(). */
  connect(options: { ciphers?: string; session?: unknown }): ClientSocket;
  sessionOf(socket: ClientSocket): unknown;
  /**
   * Has the server count what its next connection reads. Resolves once the server is ready,
   * to `done`: the byte count, once at least `total` bytes have arrived.
   */
  expect(total: number): Promise<{ done: Promise<number> }>;
  /** `work`, or the server thread's failure if it fails first (rather than a bare ECONNRESET). */
  guard<T>(work: Promise<T>): Promise<T>;
  /** With SSL3_BENCH_UTIL set, starts measuring both threads; the function returned stops and prints. */
  track(label: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Over an interval, as fractions of its length: each thread's CPU and event-loop use, the process's CPU. */
export interface Usage {
  clientCpu: number;
  clientBusy: number;
  serverCpu: number;
  serverBusy: number;
  processCpu: number;
}

type Pending = { resolve: (reply: Reply) => void; reject: (err: Error) => void };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

const EXIT_MS = 5000;

/** The worker thread that runs the servers, and the requests in flight to it. */
export class ServerThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  private exiting = false;
  private readonly exited: Promise<void>;
  /** Rejects with the thread's failure, whenever it comes. */
  private readonly failed: Promise<never>;
  private onFailure: (err: Error) => void = () => {};

  constructor() {
    const data: ServerWorkerData = { identity: benchIdentity(), host: HOST };
    this.failed = new Promise<never>((_, reject) => (this.onFailure = reject));
    this.failed.catch(() => {}); // observed through guard() and the pending requests
    this.worker = new Worker(new URL('./server-worker.mjs', import.meta.url), { workerData: data });
    this.worker.on('message', (reply: Reply) => this.settle(reply));
    this.worker.on('error', (err: unknown) => this.fail(`failed: ${err instanceof Error ? err.message : String(err)}`, err));
    this.worker.on('messageerror', (err: Error) => this.fail(`sent a message that could not be read: ${err.message}`));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code: number) => {
        if (!this.exiting || code !== 0) this.fail(`exited unexpectedly (code ${code})`);
        resolve();
      }),
    );
    this.worker.unref(); // ref'd only while a request waits, so a stray worker cannot hold the process
  }

  private fail(why: string, cause?: unknown): void {
    if (this.failure) return;
    this.failure = new Error(`bench server thread (bench/server-worker.ts) ${why}`, cause === undefined ? undefined : { cause });
    this.onFailure(this.failure);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.worker.unref();
  }

  private settle(reply: Reply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (!this.pending.size) this.worker.unref();
    if (reply.op === 'error') p.reject(new Error(`bench server thread: ${reply.message}`));
    else p.resolve(reply);
  }

  /** A reply to wait for under a fresh id. */
  private waiter(): { id: number; reply: Promise<Reply> } {
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
    });
    return { id, reply };
  }

  private request(request: WithoutId<Request>): Promise<Reply> {
    const { id, reply } = this.waiter();
    if (!this.failure) this.worker.postMessage({ ...request, id } satisfies Request);
    return reply;
  }

  async listen(kind: ServerKind, rsaThreads = false): Promise<{ server: number; port: number }> {
    const reply = await this.request({ op: 'listen', kind, rsaThreads });
    if (reply.op !== 'listening') throw new Error(`bench server thread: unexpected reply ${reply.op} to listen`);
    return reply;
  }

  /** The handshakes `server` has finished so far. */
  async handshakes(server: number): Promise<{ full: number; resumed: number }> {
    const reply = await this.request({ op: 'handshakes', server });
    if (reply.op !== 'handshakes') throw new Error(`bench server thread: unexpected reply ${reply.op} to handshakes`);
    return reply;
  }

  async expect(server: number, total: number): Promise<{ done: Promise<number> }> {
    const done = this.waiter();
    const received = done.reply.then((r) => (r.op === 'received' ? r.bytes : Promise.reject(new Error(`bench server thread: unexpected reply ${r.op}`))));
    received.catch(() => {}); // the caller awaits it later; a failure meanwhile is not unhandled
    await this.request({ op: 'expect', server, total, done: done.id });
    return { done: received };
  }

  async closeServer(server: number): Promise<void> {
    await this.request({ op: 'close', server });
  }

  async guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await Promise.race([work, this.failed]);
    } catch (err) {
      // A client socket's reset can arrive before the worker's 'error' event: give it a moment.
      if (!this.failure) await new Promise((resolve) => setTimeout(resolve, 200));
      throw this.failure ?? err;
    }
  }

  private async cpu(): Promise<number> {
    const reply = await this.request({ op: 'cpu' });
    return reply.op === 'cpu' ? reply.seconds : NaN;
  }

  async usage(): Promise<() => Promise<Usage>> {
    const serverCpu = await this.cpu();
    const serverLoop = this.worker.performance.eventLoopUtilization();
    const clientCpu = threadCpuSeconds();
    const clientLoop = performance.eventLoopUtilization();
    const processCpu = process.cpuUsage();
    const start = performance.now();
    return async () => {
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(processCpu);
      const usage = {
        clientCpu: (threadCpuSeconds() - clientCpu) / seconds,
        clientBusy: performance.eventLoopUtilization(clientLoop).utilization,
        serverCpu: 0,
        serverBusy: this.worker.performance.eventLoopUtilization(serverLoop).utilization,
        processCpu: (used.user + used.system) / 1e6 / seconds,
      };
      usage.serverCpu = ((await this.cpu()) - serverCpu) / seconds;
      return usage;
    };
  }

  /** Ends the worker: it closes its servers and its port, and must then exit by itself. */
  async close(): Promise<void> {
    if (this.failure) {
      await this.worker.terminate();
      return;
    }
    this.exiting = true;
    await this.request({ op: 'exit' });
    this.worker.ref();
    const timer = setTimeout(() => {
      this.fail(`did not exit within ${EXIT_MS} ms of closing its servers (a handle left open?)`);
      void this.worker.terminate();
    }, EXIT_MS);
    await this.exited;
    clearTimeout(timer);
    if (this.failure) throw this.failure;
  }
}

/**
 * Runs `work` with a server thread, which is closed afterwards (terminated if `work` failed).
 * The thread stays up across measurements so its JIT stays warm, as the client's does.
 */
export async function withServerThread<T>(work: (thread: ServerThread) => Promise<T>): Promise<T> {
  const thread = new ServerThread();
  let result: T;
  try {
    result = await work(thread);
  } catch (err) {
    await thread.close().catch(() => {});
    throw err;
  }
  await thread.close();
  return result;
}

async function makeEndpoint(
  thread: ServerThread,
  kind: ServerKind,
  dial: (port: number, options: { ciphers?: string; session?: unknown }) => ClientSocket,
  sessionOf: (s: ClientSocket) => unknown,
): Promise<Endpoint> {
  const { server, port } = await thread.listen(kind);
  return {
    connect: (options) => dial(port, options),
    sessionOf,
    expect: (total) => thread.expect(server, total),
    guard: (work) => thread.guard(work),
    track: (label) => track(thread, label),
    close: () => thread.closeServer(server),
  };
}

/** Our SSL 3.0 server and client (default cipher list unless the client names one). */
export function oursEndpoint(thread: ServerThread): Promise<Endpoint> {
  const { certPem } = benchIdentity();
  return makeEndpoint(
    thread,
    'ours',
    (p, o) => connect({ host: HOST, port: p, ca: certPem, ciphers: o.ciphers ?? 'aes-128-cbc-sha', session: o.session as Session | undefined }),
    (s) => (s as ReturnType<typeof connect>).getSession(),
  );
}

/** node:tls, TLS 1.2 AES128-SHA, no session tickets: a session cache keyed by ID, as ours. */
export function nativeEndpoint(thread: ServerThread): Promise<Endpoint> {
  const { certPem } = benchIdentity();
  return makeEndpoint(
    thread,
    'native',
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

const SHOW_USAGE = !!process.env.SSL3_BENCH_UTIL;

export async function track(thread: ServerThread, label: string): Promise<() => Promise<void>> {
  if (!SHOW_USAGE) return async () => {};
  const stop = await thread.usage();
  return async () => {
    const u = await stop();
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`.padStart(4);
    process.stderr.write(
      `  ${label.padEnd(30)} client CPU ${pct(u.clientCpu)} (busy ${pct(u.clientBusy)})  server CPU ${pct(u.serverCpu)} (busy ${pct(u.serverBusy)})  process CPU ${pct(u.processCpu)}\n`,
    );
  };
}
