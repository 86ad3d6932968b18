/**
 * `ssl3 serve --workers N` and `ssl3 serve --config FILE --workers N`: the same servers in N
 * worker processes (node:cluster), so every core does handshakes. Each worker runs the
 * command as given, on the same ports (node:cluster shares the listening sockets: the primary
 * accepts and hands each connection to the workers in turn); the primary runs no server. It
 * keeps what must be one for the whole server (src/http/cluster-hub.ts): the connection
 * limit, the session cache (a session resumes whichever worker the client reaches next) and
 * the access log, which it alone writes.
 *
 * - Start: worker 1 first, alone: it may generate the self-signed identity, which the others
 *   then load from the data directory instead of making their own; and a command line or a
 *   configuration that cannot start fails once, with worker 1's message and exit status.
 *   Then the others. Worker 1 speaks for all (its listening line, its messages); the
 *   listening line comes once every worker listens.
 * - SIGINT, SIGTERM: every worker stops gracefully (requests in flight finish, SSL
 *   connections get close_notify), then the primary exits. SIGHUP: every worker reloads
 *   (serve --config). Workers leave these signals to the primary (a terminal sends them to the
 *   whole process group), except SIGTERM sent to a worker itself, which stops that worker.
 * - A worker that dies is replaced; its slots under the connection limit are given back.
 */
import cluster, { type Worker } from 'node:cluster';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from './command.js';
import { stopOnSignal } from './signals.js';
import { ClusterHub } from '../http/cluster-hub.js';
import { WorkerLink } from '../http/cluster-worker.js';
import { isClusterMessage, type ToPrimary, type ToWorker } from '../http/cluster-protocol.js';

/** The environment variable that tells a worker its number (1..N). */
const WORKER_ENV = 'SSL3_WORKER';
/** A replacement for a worker that died within this many ms of its start counts as a failed start. */
const QUICK_DEATH_MS = 5_000;
const MAX_QUICK_DEATHS = 5;
/** How long a worker's graceful stop may take (its servers' close grace, PolicyServer.close). */
const STOP_GRACE_MS = 5_000;

export interface PrimaryOptions {
  workers: number;
  /** The command line each worker runs (`serve ...`, with --workers). */
  argv: string[];
  /** Where the access log's lines go, if one is kept. */
  accessLog?: (line: string) => void;
  /** Flushes and closes the access log once every worker has stopped. */
  closeLog?: () => Promise<void>;
}

/** This process is a worker of `ssl3 serve --workers N`. */
export function isWorker(): boolean {
  return cluster.isWorker && process.env[WORKER_ENV] !== undefined;
}

/** The `ssl3` entry point this module runs under (main.ts from source, main.js built). */
function cliEntry(): string {
  const self = fileURLToPath(import.meta.url);
  return fileURLToPath(new URL(`./main${extname(self)}`, import.meta.url));
}

/** Runs the primary: starts the workers, serves their messages, stops them on a signal. Resolves to the exit status. */
export async function runPrimary(o: PrimaryOptions, io: CliIo): Promise<number> {
  let speaker = 1;
  let started = false;
  const held: (string | Uint8Array)[] = [];
  const hub = new ClusterHub({
    accessLog: o.accessLog,
    print: (stream, text, worker) => {
      if (worker !== speaker) return;
      if (stream === 'stderr') io.stderr(String(text));
      else if (started) io.stdout(text);
      else held.push(text);
    },
  });
  cluster.setupPrimary({ exec: cliEntry(), args: o.argv, serialization: 'advanced' });
  const live = new Map<number, Worker>();
  let stopping = false;
  let quickDeaths = 0;
  let failed: ((code: number) => void) | undefined;

  const start = (n: number): Promise<void> =>
    new Promise((resolve) => {
      const worker = cluster.fork({ [WORKER_ENV]: String(n) });
      const bornAt = Date.now();
      live.set(n, worker);
      let ready = false;
      const detach = hub.attach(
        n,
        {
          send: (m: ToWorker) => {
            if (worker.isConnected()) worker.send(m);
          },
          onMessage: (listener) => worker.on('message', (m: unknown) => isClusterMessage(m) && listener(m as ToPrimary)),
        },
        () => {
          ready = true;
          resolve();
        },
      );
      worker.once('exit', (code, signal) => {
        detach();
        if (live.get(n) === worker) live.delete(n);
        if (speaker === n) speaker = Math.min(...live.keys());
        if (stopping) return;
        if (!ready && !started) {
          // A worker that could not start: its message is out (worker 1 speaks); stop the rest.
          failed?.(code ?? 1);
          return;
        }
        quickDeaths = Date.now() - bornAt < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
        io.stderr(`ssl3: worker ${n} (pid ${worker.process.pid}) ${signal ? `was killed by ${signal}` : `exited with status ${code}`}; `);
        if (quickDeaths >= MAX_QUICK_DEATHS) {
          io.stderr('it keeps dying: stopping\n');
          failed?.(1);
          return;
        }
        io.stderr('starting another\n');
        if (!live.size) speaker = n;
        void start(n);
      });
    });

  const stopAll = async (): Promise<void> => {
    stopping = true;
    const workers = [...live.values()];
    // Its exit can come before the primary has read the last of its messages (access log
    // lines): the channel's end comes after them.
    const ended = (w: Worker, event: 'exit' | 'disconnect', done: boolean) => new Promise<void>((resolve) => (done ? resolve() : w.once(event, () => resolve())));
    const exits = workers.map((w) => Promise.all([ended(w, 'exit', w.isDead()), ended(w, 'disconnect', !w.isConnected())]));
    for (const w of workers) if (w.isConnected()) w.send({ ssl3: 'stop' } satisfies ToWorker);
    // A worker's close gives its connections STOP_GRACE_MS at most; one still there after that is stuck.
    const timer = setTimeout(() => workers.forEach((w) => w.isDead() || w.process.kill('SIGKILL')), STOP_GRACE_MS + 5_000);
    await Promise.all(exits);
    clearTimeout(timer);
    await o.closeLog?.();
  };

  const failure = new Promise<number>((resolve) => (failed = resolve));
  const startup = (async () => {
    await start(1);
    await Promise.all(Array.from({ length: o.workers - 1 }, (_, i) => start(i + 2)));
  })();
  const outcome = await Promise.race([startup.then(() => 0), failure]);
  if (outcome !== 0) {
    await stopAll();
    for (const text of held) io.stdout(text);
    return outcome;
  }
  started = true;
  for (const text of held.splice(0)) io.stdout(text);
  io.stderr(`ssl3: ${o.workers} worker processes (pids ${[...live.values()].map((w) => w.process.pid).join(', ')})\n`);
  const stopped = stopOnSignal(io, stopAll, () => {
    for (const w of live.values()) if (w.isConnected()) w.send({ ssl3: 'reload' } satisfies ToWorker);
  });
  const code = await Promise.race([stopped.then(() => 0), failure]);
  if (code !== 0) await stopAll();
  return code;
}

/** A worker's end of the link, and its output (which the primary prints for the speaking worker only). */
export interface WorkerRole {
  link: WorkerLink;
  io: CliIo;
  /** Tells the primary this worker's servers listen. */
  ready(): void;
  /**
   * Resolves once the primary says to stop (or goes away, or SIGTERM comes to this worker),
   * after `close`; runs `onReload` when the primary says to reload.
   */
  stopped(close: () => Promise<unknown>, onReload?: () => void): Promise<void>;
}

/** Joins the primary (in a worker process). */
export function joinPrimary(io: CliIo): WorkerRole {
  const link = new WorkerLink({
    send: (m: ToPrimary) => process.send?.(m),
    onMessage: (listener) => process.on('message', (m: unknown) => isClusterMessage(m) && listener(m as ToWorker)),
  });
  // The terminal's signals reach the primary, which tells every worker.
  process.on('SIGINT', () => {});
  process.on('SIGHUP', () => {});
  return {
    link,
    io: {
      // The primary prints what the speaking worker says (worker 1, or the first one left).
      stdout: (text) => link.send({ ssl3: 'print', stream: 'stdout', text: typeof text === 'string' ? text : Buffer.from(text).toString('latin1') }),
      stderr: (text) => link.send({ ssl3: 'print', stream: 'stderr', text }),
      stdin: io.stdin,
    },
    ready: () => link.send({ ssl3: 'ready' }),
    stopped: (close, onReload) =>
      new Promise<void>((resolve) => {
        let stopping = false;
        const stop = () => {
          if (stopping) return;
          stopping = true;
          void close().then(() => {
            // The channel is all that keeps this process alive now.
            process.disconnect?.();
            resolve();
          });
        };
        link.onStop(stop);
        if (onReload) link.onReload(onReload);
        process.once('SIGTERM', stop);
        process.once('disconnect', () => {
          link.disconnected();
          stop();
        });
      }),
  };
}
