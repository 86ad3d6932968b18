/**
 * The fuzzing loop of `npm run fuzz`, in a worker thread so that fuzz/run.ts can watch it: a
 * hung input stops this thread's heartbeat, an uncaught exception ends the thread, and in both
 * cases the main thread still holds the input that did it (written to shared memory before
 * each check). Targets take turns in slices (a time or a count each) with a new fast-check
 * seed per slice; each failure is shrunk by fast-check and posted, and the loop goes on.
 */
import fc from 'fast-check';
import { parentPort, workerData } from 'node:worker_threads';
import { TARGETS } from './targets/index.js';
import { encodeInput, timed, warmUp, type FuzzInput, type FuzzTarget } from './target.js';

export interface WorkerJob {
  targets: string[];
  seed: number;
  /** Stop after this many milliseconds in total, or after this many inputs in total. */
  ms?: number;
  count?: number;
  sliceMs: number;
  /** Shared memory: [0] heartbeat counter, [1] input length in bytes, then the input's JSON. */
  shared: SharedArrayBuffer;
}

export type WorkerMessage =
  | { kind: 'slice'; target: string; runs: number; ms: number }
  | { kind: 'finding'; target: string; seed: number; path: string; input: string; error: string }
  | { kind: 'current'; target: string }
  | { kind: 'done' };

const port = parentPort;
if (!port) throw new Error('fuzz/worker.ts runs in a worker thread started by fuzz/run.ts');
const job = workerData as WorkerJob;
const header = new Int32Array(job.shared, 0, 2);
const body = new Uint8Array(job.shared, 8);
const encoder = new TextEncoder();

function post(m: WorkerMessage): void {
  port!.postMessage(m);
}

/** The input about to run, where the main thread can read it if this thread never returns. */
function publish(input: FuzzInput): void {
  const { written } = encoder.encodeInto(encodeInput(input), body);
  Atomics.store(header, 1, written);
  Atomics.add(header, 0, 1);
}

async function slice(target: FuzzTarget, seed: number, runs: number, ms: number): Promise<number> {
  const check = timed(target);
  const arbitrary = target.input();
  warmUp(arbitrary, seed);
  const t0 = performance.now();
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (input: FuzzInput) => {
      publish(input);
      await check(input);
    }),
    { seed, numRuns: runs, interruptAfterTimeLimit: ms, markInterruptAsFailure: false },
  );
  // A slice that ended before any input finished fails in fast-check's eyes with nothing to
  // show; the watchdog judges a hang, so only a real counterexample is a finding.
  if (details.failed && details.counterexample) {
    const input = details.counterexample?.[0] as FuzzInput | undefined;
    const error = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
    post({ kind: 'finding', target: target.name, seed, path: details.counterexamplePath ?? '', input: input ? encodeInput(input) : '', error });
  }
  post({ kind: 'slice', target: target.name, runs: details.numRuns + details.numShrinks, ms: performance.now() - t0 });
  return details.numRuns;
}

const targets = job.targets.map((name) => TARGETS.find((t) => t.name === name)!);
const started = performance.now();
let total = 0;
let round = 0;
const perTarget = job.count !== undefined ? Math.ceil(job.count / targets.length) : Infinity;
const doneRuns = new Map<string, number>();
while (true) {
  const elapsed = performance.now() - started;
  if (job.ms !== undefined && elapsed >= job.ms) break;
  if (job.count !== undefined && total >= job.count) break;
  let ranAny = false;
  for (const [i, target] of targets.entries()) {
    const left = perTarget - (doneRuns.get(target.name) ?? 0);
    if (left <= 0) continue;
    const msLeft = job.ms !== undefined ? job.ms - (performance.now() - started) : Infinity;
    if (msLeft <= 0) break;
    post({ kind: 'current', target: target.name });
    await target.start?.();
    try {
      const runs = await slice(target, (job.seed + round * 7919 + i * 104_729) | 0, Math.min(left, 1_000_000), Math.min(job.sliceMs, msLeft));
      doneRuns.set(target.name, (doneRuns.get(target.name) ?? 0) + runs);
      total += runs;
      ranAny = true;
    } finally {
      await target.stop?.();
    }
  }
  if (!ranAny) break;
  round++;
}
post({ kind: 'done' });
