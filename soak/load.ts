/**
 * Load and soak (issue 13 item 6): waves of concurrent SSL 3.0 clients against one HTTPS server
 * (soak/server.ts, a child process with max-connections raised), each client one of a mix:
 * - full or resumed handshake (a session from a warm-up connection, RFC 6101 5.6.1.2);
 * - prompt (asks at once), idle (holds its open connection, then asks) or slow (trickles its
 *   request a byte at a time).
 * Every client of a wave first finishes its handshake and waits until all of them have (so the
 * whole wave is open at once), then does what its kind does. Each ends served (200 and the
 * body), refused with a reason (the server closed before answering or sent an alert: the
 * error our client reports), or failed (anything else, a hang included): a pass has no failure.
 * The server's RSS, heap and active handles are taken after a full GC before the first wave
 * and after each one, and its event-loop delay (perf_hooks, 10 ms sampling) during each wave.
 *
 * Clients use the public socket API (connect), as a user's program would.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { connect } from '../src/socket/index.js';
import type { Session } from '../src/handshake/session.js';
import type { SoakServerConfig, SoakServerReply, SoakServerRequest, SoakServerStats } from './server.js';

export interface SoakOptions {
  connections: number;
  waves: number;
  maxConnections?: number;
  bits?: number;
  /** How long idle clients hold their open connection before asking, ms. */
  idleMs?: number;
  /** Pause between two bytes of a slow client's request, ms. */
  slowByteMs?: number;
  /** Connections are opened this many ms apart (a burst, not one instant: the listen backlog is finite). */
  rampMs?: number;
  /** A client with no outcome after this long has failed, ms. */
  clientTimeoutMs?: number;
  /** Half the clients resume a session (default); false: every one makes a full handshake. */
  resume?: boolean;
  log?: (line: string) => void;
}

export type Outcome = { kind: 'served' } | { kind: 'refused'; reason: string } | { kind: 'failed'; reason: string };

export interface WaveReport {
  wave: number;
  ms: number;
  outcomes: Record<string, number>;
  /** Distinct reasons of refusals and failures, with counts. */
  reasons: Record<string, number>;
  peakOpen: number;
  /** The most clients that were open (handshake done, not yet ended) at once, seen from the client side. */
  clientPeakOpen: number;
  during: SoakServerStats;
  after: SoakServerStats;
}

export interface SoakReport {
  options: Required<Omit<SoakOptions, 'log'>>;
  start: SoakServerStats;
  waves: WaveReport[];
}

const REQUEST = 'GET /soak HTTP/1.1\r\nHost: soak.test\r\n\r\n';
const BODY = 'soak ok\n';

class ServerProcess {
  private waiting: ((r: SoakServerReply) => void)[] = [];

  private failures: ((e: Error) => void)[] = [];

  private constructor(readonly child: ChildProcess) {
    child.on('message', (m: SoakServerReply) => {
      this.failures.shift();
      this.waiting.shift()?.(m);
    });
    child.on('exit', (code) => {
      for (const f of this.failures.splice(0)) f(new Error(`soak server exited (${code})`));
      this.waiting = [];
    });
  }

  static async start(config: SoakServerConfig): Promise<{ server: ServerProcess; port: number }> {
    const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [JSON.stringify(config)], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const server = new ServerProcess(child);
    const first = await server.next();
    if (first.op !== 'listening') throw new Error(`soak server: expected 'listening', got ${first.op}`);
    return { server, port: first.port };
  }

  private next(): Promise<SoakServerReply> {
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.failures.push(reject);
    });
  }

  async ask(op: SoakServerRequest['op']): Promise<SoakServerStats> {
    const reply = this.next();
    this.child.send({ op });
    const r = await reply;
    if (r.op !== 'stats') throw new Error(`soak server: expected stats, got ${r.op}`);
    return r.stats;
  }

  async stop(): Promise<void> {
    const reply = this.next();
    this.child.send({ op: 'stop' });
    await reply;
    if (this.child.exitCode === null) await once(this.child, 'exit');
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The error our client gives when the server refuses: closed before any answer, or an alert. */
function refusal(e: Error & { code?: string }): string | undefined {
  if (e.code === 'ERR_SSL_CLOSED_BEFORE_ANSWER' || e.code === 'ERR_SSL_CLOSED_IN_HANDSHAKE' || /alert/.test(e.message)) return `${e.code ?? 'alert'}: ${e.message}`;
  return undefined;
}

interface Barrier {
  arrive(): void;
  isOpen(): boolean;
  readonly opened: Promise<void>;
}

function barrier(count: number): Barrier {
  let left = count;
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return {
    arrive: () => {
      if (--left === 0) open();
    },
    isOpen: () => left <= 0,
    opened,
  };
}

type Behaviour = 'prompt' | 'idle' | 'slow';

/** One client: its handshake, the wait for the whole wave, its request as its behaviour says, the answer. */
function client(
  port: number,
  session: Session | undefined,
  behaviour: Behaviour,
  wave: Barrier,
  o: Required<Omit<SoakOptions, 'log'>>,
  open: { now: number; peak: number },
): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    let arrived = false;
    let secure = false;
    let response = '';
    const ssl = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: '', session });
    const finish = (out: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!arrived) wave.arrive();
      if (secure) open.now--;
      ssl.destroy();
      resolve(out);
    };
    // Where it stood says whose fault a hang is: a handshake the server neither finished nor
    // closed (its opening deadline should have), a wave held by another client, or a request
    // never answered.
    const timer = setTimeout(() => {
      const stage = !secure ? 'handshake never finished' : !wave.isOpen() ? 'the wave never opened' : `${response.length} bytes of answer`;
      finish({ kind: 'failed', reason: `no outcome within ${o.clientTimeoutMs} ms (${stage})` });
    }, o.clientTimeoutMs);
    ssl.setEncoding('latin1');
    ssl.on('data', (d: string) => (response += d));
    ssl.on('error', (e: Error) => {
      const reason = refusal(e);
      finish(reason ? { kind: 'refused', reason } : { kind: 'failed', reason: e.message });
    });
    ssl.on('close', () => {
      if (response.startsWith('HTTP/1.1 200 ') && response.endsWith(BODY)) finish({ kind: 'served' });
      else if (!secure) finish({ kind: 'refused', reason: 'closed before the handshake finished' });
      else finish({ kind: 'failed', reason: response ? `unexpected answer: ${JSON.stringify(response.slice(0, 60))}` : 'closed without an answer' });
    });
    ssl.once('secureConnect', () => {
      secure = true;
      open.peak = Math.max(open.peak, ++open.now);
      arrived = true;
      wave.arrive();
      void wave.opened.then(async () => {
        if (behaviour === 'idle') await sleep(o.idleMs);
        if (behaviour === 'slow') {
          for (const ch of REQUEST) {
            if (settled) return;
            ssl.write(ch);
            await sleep(o.slowByteMs);
          }
        } else if (!settled) ssl.write(REQUEST);
      });
    });
  });
}

/** A fresh session to resume: one full handshake and request. */
async function warmUp(port: number): Promise<Session> {
  const ssl = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: '' });
  ssl.resume();
  const timer = setTimeout(() => ssl.destroy(new Error('soak: the warm-up connection had no end within 30 s')), 30_000);
  await once(ssl, 'secureConnect');
  const session = ssl.getSession();
  ssl.end(REQUEST);
  await once(ssl, 'close');
  clearTimeout(timer);
  if (!session) throw new Error('soak: the warm-up connection gave no session to resume');
  return session;
}

async function quiet(server: ServerProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while ((await server.ask('stats')).counters.current > 0 && Date.now() < until) await sleep(100);
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const o: Required<Omit<SoakOptions, 'log'>> = {
    connections: options.connections,
    waves: options.waves,
    maxConnections: options.maxConnections ?? options.connections,
    bits: options.bits ?? 2048,
    idleMs: options.idleMs ?? 3000,
    slowByteMs: options.slowByteMs ?? 20,
    rampMs: options.rampMs ?? 2,
    clientTimeoutMs: options.clientTimeoutMs ?? 120_000,
    resume: options.resume ?? true,
  };
  const log = options.log ?? (() => {});
  const { server, port } = await ServerProcess.start({ bits: o.bits, maxConnections: o.maxConnections, idle: 60, life: 120 });
  try {
    // Code paths, JIT and session cache warm before the baseline, as in a server that has been up a while.
    for (let i = 0; i < 3; i++) await warmUp(port);
    const session = await warmUp(port);
    await quiet(server, 10_000);
    const start = await server.ask('gc');
    log(`start: rss ${mb(start.rss)}, heap ${mb(start.heapUsed)}, ${start.handles} handles`);
    const waves: WaveReport[] = [];
    for (let w = 1; w <= o.waves; w++) {
      await server.ask('reset');
      const t0 = Date.now();
      const wave = barrier(o.connections);
      const open = { now: 0, peak: 0 };
      const behaviours: Behaviour[] = ['prompt', 'idle', 'prompt', 'slow'];
      const clients: Promise<Outcome>[] = [];
      for (let i = 0; i < o.connections; i++) {
        const resumed = o.resume && i % 2 === 1;
        const behaviour = behaviours[Math.floor(i / 2) % behaviours.length];
        clients.push(client(port, resumed ? session : undefined, behaviour, wave, o, open).then((out) => ({ ...out, tag: `${resumed ? 'resumed' : 'full'}/${behaviour}` })));
        if (o.rampMs) await sleep(o.rampMs);
      }
      const results = (await Promise.all(clients)) as (Outcome & { tag: string })[];
      const during = await server.ask('stats');
      await quiet(server, 30_000);
      const after = await server.ask('gc');
      const outcomes: Record<string, number> = {};
      const reasons: Record<string, number> = {};
      for (const r of results) {
        outcomes[`${r.kind} ${r.tag}`] = (outcomes[`${r.kind} ${r.tag}`] ?? 0) + 1;
        if (r.kind !== 'served') reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
      }
      const report: WaveReport = { wave: w, ms: Date.now() - t0, outcomes, reasons, peakOpen: during.counters.peak, clientPeakOpen: open.peak, during, after };
      waves.push(report);
      const count = (k: Outcome['kind']) => results.filter((r) => r.kind === k).length;
      log(
        `wave ${w}: ${o.connections} clients in ${(report.ms / 1000).toFixed(1)} s: ${count('served')} served, ${count('refused')} refused, ${count('failed')} failed; ` +
          `${open.peak} open at once; event loop max ${during.loop.max.toFixed(0)} ms (p99 ${during.loop.p99.toFixed(0)} ms); ` +
          `after: rss ${mb(after.rss)}, heap ${mb(after.heapUsed)}, ${after.handles} handles, ${after.counters.current} connections`,
      );
      for (const [reason, n] of Object.entries(reasons)) log(`  ${n} x ${reason}`);
    }
    return { options: o, start, waves };
  } finally {
    await server.stop().catch(() => server.child.kill());
  }
}

export function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
