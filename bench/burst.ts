/**
 * The burst rows of issue 14: "a burst of full handshakes never stalls resumed handshakes and
 * data of other connections", measured. Our server (createServer, RSA-2048, RC4-SHA, echoing
 * what it reads) runs in a worker thread (engine.ts); NSS's strsclnt, a process of its own,
 * keeps BURST_THREADS full handshakes going against it (`-N`: no session reuse); meanwhile a
 * probe client in this thread runs two lanes, each one request after another: a resumed
 * handshake (connect with a session, until 'secureConnect'), and a small echo on a connection
 * opened before the burst. Two servers, each in a thread of its own: `rsaThreads` on (the RSA
 * private operations in the process's pool, as `ssl3 serve` runs) and off (on the event loop);
 * their floors are taken in alternate slices, then each has its burst.
 *
 *   burst-resumed-p50/p99   ms from connect to 'secureConnect' of a resumed handshake
 *   burst-data-p50/p99      ms from writing ECHO_BYTES on the open connection to reading them back
 *   burst-full              full handshakes per second the server finished meanwhile
 *   burst-floor-*           the same latencies with no burst: the floor
 *
 * `ours` is rsaThreads on, `native` rsaThreads off; for the latencies the ratio is off / on
 * (how many times longer a probe waits without the pool: higher is better, as in every row).
 * A probe waits for its answer before the next, so a stalled server gets fewer samples rather
 * than more: the percentiles understate the stall if anything. SSL3_BENCH_UTIL=1 prints the
 * sample counts of each phase and the server thread's CPU during each burst on stderr.
 */
import { readFileSync } from 'node:fs';
import { connect, type SSLSocket } from '../src/socket/index.js';
import type { Session } from '../src/handshake/session.js';
import { secured, track, withServerThread, type ServerThread } from './engine.js';
import { HOST } from './identity.js';
import { percentile, type Row } from './measure.js';
import { setUp, type Setup } from './nss-setup.js';
import { Daemon, removeTempDirs, sleep } from '../test/interop/nss-helpers.js';

/** RC4-SHA: the IOS keyword (server, probe) and NSS's letter (strsclnt). */
const SUITE = { ios: 'rc4-128-sha', nss: 'n' };
/** strsclnt threads, each one full handshake after another. */
const BURST_THREADS = 64;
/** strsclnt's connection count: more than any burst gets through; it is stopped after the probe. */
const BURST_COUNT = 1_000_000;
const FLOOR_MS = 2000;
const FLOOR_ROUNDS = 4;
const BURST_MS = 5000;
/** Unmeasured probing first, on each server: the JIT of the probe's paths, client and server. */
const WARM_MS = 1000;
/** How long the burst may take to reach BURST_THREADS finished full handshakes. */
const RAMP_TIMEOUT_MS = 15_000;
const ECHO_BYTES = 32;
const SHOW_USAGE = !!process.env.SSL3_BENCH_UTIL;

const LATENCIES = ['resumed-p50', 'resumed-p99', 'data-p50', 'data-p99'] as const;
export const BURST_NAMES = [...LATENCIES.map((l) => `burst-${l}`), 'burst-full', ...LATENCIES.map((l) => `burst-floor-${l}`)];

/** One probing phase: each lane's latencies (ms), and the server's full handshakes per second meanwhile. */
interface Phase {
  resumed: number[];
  data: number[];
  fullRate: number;
}

interface Probe {
  port: number;
  ca: string;
  session: Session;
  /** The connection opened before the burst, echoing. */
  open: SSLSocket;
  /** Resolves with the next ECHO_BYTES the open connection reads. */
  echoed(): Promise<void>;
}

/** Our client, RC4-SHA, trusting the bench certificate; `session` to resume. */
function dial(port: number, ca: string, session?: Session): SSLSocket {
  return connect({ host: HOST, port, ca, ciphers: SUITE.ios, session });
}

function closed(socket: SSLSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
  });
}

async function openProbe(port: number, ca: string): Promise<Probe> {
  const first = dial(port, ca);
  await secured(first);
  const session = first.getSession();
  first.resume();
  first.end();
  await closed(first);
  if (!session) throw new Error('burst: the server gave no session to resume');
  const open = dial(port, ca);
  await secured(open);
  let got = 0;
  let waiting: (() => void) | undefined;
  open.on('data', (d: Buffer) => {
    got += d.length;
    if (waiting && got >= ECHO_BYTES) {
      got -= ECHO_BYTES;
      const w = waiting;
      waiting = undefined;
      w();
    }
  });
  const echoed = () =>
    new Promise<void>((resolve, reject) => {
      const fail = () => reject(new Error('burst: the open connection ended during an echo'));
      open.once('close', fail);
      waiting = () => {
        open.off('close', fail);
        resolve();
      };
    });
  return { port, ca, session, open, echoed };
}

/** Runs `step` one after another until `ms` have passed; each call's duration in ms. */
async function lane(ms: number, step: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const start = performance.now();
    await step();
    times.push(performance.now() - start);
  }
  return times;
}

/** Both lanes for `ms`, and the full handshakes the server finished meanwhile. */
async function probe(thread: ServerThread, server: number, p: Probe, ms: number): Promise<Phase> {
  const before = await thread.handshakes(server);
  const start = performance.now();
  const [resumed, data] = await thread.guard(
    Promise.all([
      lane(ms, async () => {
        const socket = dial(p.port, p.ca, p.session);
        await secured(socket);
        if (!socket.isSessionReused()) throw new Error('burst: a probe handshake was not resumed');
        // The close is not waited for: it is not the handshake's latency, and the next probe starts now.
        socket.resume();
        socket.end();
      }),
      lane(ms, async () => {
        const echo = p.echoed();
        p.open.write(new Uint8Array(ECHO_BYTES));
        await echo;
      }),
    ]),
  );
  const seconds = (performance.now() - start) / 1000;
  const after = await thread.handshakes(server);
  return { resumed, data, fullRate: (after.full - before.full) / seconds };
}

/** strsclnt -N with BURST_THREADS threads, RC4-SHA, until stopped. */
function startBurst(s: Setup, port: number): Daemon {
  const args = ['-p', String(port), '-d', s.clientDb, '-c', String(BURST_COUNT), '-t', String(BURST_THREADS), '-C', SUITE.nss, '-V', 'ssl3:ssl3', '-N', '-q', HOST];
  return new Daemon(s.tools.strsclnt, args);
}

/** Waits until the server has finished BURST_THREADS full handshakes since `from`: every strsclnt thread is going. */
async function rampUp(thread: ServerThread, server: number, from: number, burst: Daemon): Promise<void> {
  const deadline = performance.now() + RAMP_TIMEOUT_MS;
  while ((await thread.handshakes(server)).full - from < BURST_THREADS) {
    if (burst.exited) throw new Error(`burst: strsclnt exited before the burst began:\n${burst.output.slice(-2000)}`);
    if (performance.now() > deadline) throw new Error(`burst: fewer than ${BURST_THREADS} full handshakes within ${RAMP_TIMEOUT_MS} ms:\n${burst.output.slice(-2000)}`);
    await sleep(50);
  }
}

function report(label: string, phase: Phase): void {
  if (!SHOW_USAGE) return;
  process.stderr.write(`  ${label.padEnd(30)} ${phase.resumed.length} resumed, ${phase.data.length} echoes, ${phase.fullRate.toFixed(0)} full hs/s\n`);
}

/** A mode's server (its own thread) and the probe's connections to it. */
interface Mode {
  name: string;
  thread: ServerThread;
  server: number;
  probe: Probe;
}

async function startMode(s: Setup, thread: ServerThread, rsaThreads: boolean): Promise<Mode> {
  const { server, port } = await thread.listen('echo', rsaThreads);
  return { name: `rsaThreads ${rsaThreads ? 'on' : 'off'}`, thread, server, probe: await openProbe(port, readFileSync(s.certFile, 'utf8')) };
}

async function stopMode(m: Mode): Promise<void> {
  m.probe.open.end();
  await closed(m.probe.open);
  await m.thread.closeServer(m.server);
}

/** The floor of each mode, FLOOR_ROUNDS slices each, taken alternately so that drift (the client's JIT, other load) falls on both. */
async function floors(modes: Mode[]): Promise<Phase[]> {
  const phases = modes.map((): Phase => ({ resumed: [], data: [], fullRate: 0 }));
  for (const m of modes) await probe(m.thread, m.server, m.probe, WARM_MS);
  for (let round = 0; round < FLOOR_ROUNDS; round++) {
    for (const [i, m] of modes.entries()) {
      const slice = await probe(m.thread, m.server, m.probe, FLOOR_MS / FLOOR_ROUNDS);
      phases[i].resumed.push(...slice.resumed);
      phases[i].data.push(...slice.data);
    }
  }
  modes.forEach((m, i) => report(`burst floor, ${m.name}`, phases[i]));
  return phases;
}

/** The probe while strsclnt bursts full handshakes at the mode's server. */
async function underBurst(s: Setup, m: Mode): Promise<Phase> {
  const burst = startBurst(s, m.probe.port);
  try {
    await rampUp(m.thread, m.server, (await m.thread.handshakes(m.server)).full, burst);
    const stop = await track(m.thread, `burst, ${m.name}`);
    const phase = await probe(m.thread, m.server, m.probe, BURST_MS);
    await stop();
    report(`burst, ${m.name}`, phase);
    if (burst.exited) throw new Error(`burst: strsclnt exited during the burst:\n${burst.output.slice(-2000)}`);
    return phase;
  } finally {
    await burst.stop('SIGKILL');
  }
}

/** Both modes' servers, each in a thread of its own, up together: the floors alternate, then each mode's burst. */
function measure(s: Setup): Promise<{ on: { floor: Phase; burst: Phase }; off: { floor: Phase; burst: Phase } }> {
  return withServerThread((onThread) =>
    withServerThread(async (offThread) => {
      const modes: Mode[] = [];
      try {
        modes.push(await startMode(s, onThread, true), await startMode(s, offThread, false));
        const [onFloor, offFloor] = await floors(modes);
        const onBurst = await underBurst(s, modes[0]);
        const offBurst = await underBurst(s, modes[1]);
        return { on: { floor: onFloor, burst: onBurst }, off: { floor: offFloor, burst: offBurst } };
      } finally {
        for (const m of modes) await stopMode(m);
      }
    }),
  );
}

function latencyRows(prefix: string, on: Phase, off: Phase, against: string): Row[] {
  return LATENCIES.map((l) => {
    const [lane, p] = l.split('-p') as ['resumed' | 'data', string];
    const ours = percentile(on[lane], Number(p));
    const native = percentile(off[lane], Number(p));
    return { name: `${prefix}${l}`, unit: 'ms', ours, native, ratio: native / ours, against };
  });
}

export async function burstRows(want: (name: string) => boolean): Promise<Row[]> {
  if (!BURST_NAMES.some(want)) return [];
  const s = setUp({ files: false });
  if (!s) {
    console.log('burst-*: skipped (NSS tools or openssl missing; see above)');
    return [];
  }
  try {
    const { on, off } = await measure(s);
    return [
      ...latencyRows('burst-', on.burst, off.burst, 'rsaThreads off'),
      { name: 'burst-full', unit: 'hs/s', ours: on.burst.fullRate, native: off.burst.fullRate, ratio: on.burst.fullRate / off.burst.fullRate, against: 'rsaThreads off' },
      ...latencyRows('burst-floor-', on.floor, off.floor, 'rsaThreads off, no burst'),
    ];
  } finally {
    removeTempDirs();
  }
}
