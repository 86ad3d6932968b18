/**
 * `npm run fuzz`: property-based and mutation fuzzing of the engine, the handshake codecs,
 * the PKI parsers, the IOS config loader and the HTTP front (fuzz/targets), for a time or a
 * count, with fast-check. The loop runs in a worker thread (fuzz/worker.ts) watched from
 * here: a failed property (shrunk by fast-check), an input that runs longer than the hang
 * bound, and an uncaught exception are each saved as a finding (fuzz/findings/*.json, the
 * input replayable as it is) and reported; the run goes on with the next slice. Exit status
 * 0 when nothing was found, 1 otherwise, 2 for bad flags.
 *
 *   npm run fuzz                              10 minutes over every target
 *   npm run fuzz -- --time 1h                 about 10^7 inputs on the shared two-core machine (10^8 overnight)
 *   npm run fuzz -- --count 10000000          a count instead of a time (split over the targets)
 *   npm run fuzz -- --target der --target x509 --time 60s
 *   npm run fuzz -- --replay fuzz/findings/F.json    run one saved input again
 *   npm run fuzz -- --list
 *
 * SSL3_FUZZ_TIME and SSL3_FUZZ_COUNT set the budget when no flag does; --seed fixes the
 * first seed (default: from the clock), so a run can be repeated.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadAverage, scriptFlags } from '../test/helpers/script-flags.js';
import { TARGETS, targetByName } from './targets/index.js';
import { decodeInput, timed } from './target.js';
import type { WorkerJob, WorkerMessage } from './worker.js';

const USAGE = 'usage: npm run fuzz -- [--time DURATION | --count N] [--target NAME]... [--seed N] [--slice DURATION] [--hang DURATION] [--out DIR] | --replay FILE | --list';

/** 90, 90s, 15m, 8h (seconds when bare) in milliseconds. */
function duration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) fail(`${flag} ${JSON.stringify(text)} is not a duration (e.g. 90s, 15m, 8h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Number(m[1]) * unit;
  if (ms <= 0) fail(`${flag} must be more than zero`);
  return ms;
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) <= 0) fail(`${flag} ${JSON.stringify(text)} is not a whole number above zero`);
  return Number(text);
}

const flags = scriptFlags('fuzz', USAGE, {
  time: { type: 'string' },
  count: { type: 'string' },
  target: { type: 'string', multiple: true },
  seed: { type: 'string' },
  slice: { type: 'string' },
  hang: { type: 'string' },
  out: { type: 'string' },
  replay: { type: 'string' },
  list: { type: 'boolean' },
});
const args = flags.values;
// Annotated, so that the compiler knows a call to it ends the script.
const fail: (message: string) => never = flags.fail;

if (args.list) {
  for (const t of TARGETS) process.stdout.write(`${t.name.padEnd(20)} ${t.what}\n`);
  process.exit(0);
}

if (args.replay) {
  let finding: { target: string; input: string };
  try {
    finding = JSON.parse(readFileSync(args.replay, 'utf8')) as typeof finding;
  } catch (e) {
    fail(`--replay ${args.replay}: ${(e as Error).message}`);
  }
  const target = targetByName(finding.target) ?? fail(`--replay: no target named ${finding.target}`);
  await target.start?.();
  try {
    await timed(target)(decodeInput(finding.input));
    process.stdout.write(`${target.name}: the input passes now\n`);
  } catch (e) {
    process.stdout.write(`${target.name}: the input still fails: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  } finally {
    await target.stop?.();
  }
  process.exit();
}

if (args.time && args.count) fail('give --time or --count, not both');
const timeText = args.time ?? (args.count ? undefined : process.env.SSL3_FUZZ_TIME);
const countText = args.count ?? (args.time ? undefined : process.env.SSL3_FUZZ_COUNT);
const ms = timeText ? duration(timeText, '--time') : countText ? undefined : 10 * 60_000;
const count = countText ? wholeNumber(countText, '--count') : undefined;
const names = args.target ?? TARGETS.map((t) => t.name);
for (const n of names) if (!targetByName(n)) fail(`--target ${n}: no such target (npm run fuzz -- --list names them)`);
const seed = args.seed !== undefined ? wholeNumber(args.seed, '--seed') : Date.now() % 0x7fffffff;
const hangMs = args.hang ? duration(args.hang, '--hang') : 60_000;
const sliceMs = args.slice ? duration(args.slice, '--slice') : Math.max(1000, Math.min(60_000, (ms ?? 600_000) / names.length / 4));
const outDir = args.out ?? join(import.meta.dirname, 'findings');

const SHARED_BYTES = 1 << 20;
interface Tally {
  runs: number;
  ms: number;
  findings: number;
}
const tally = new Map<string, Tally>(names.map((n) => [n, { runs: 0, ms: 0, findings: 0 }]));
let findings = 0;

function save(kind: 'property' | 'hang' | 'uncaught', target: string, input: string, error: string, extra: Record<string, unknown> = {}): void {
  findings++;
  tally.get(target)!.findings++;
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${target}-${kind}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify({ target, kind, ...extra, input, error }, null, 2) + '\n');
  process.stdout.write(`\nFINDING (${kind}) in ${target}: ${error.split('\n')[0]}\n  input ${input.slice(0, 300)}${input.length > 300 ? '...' : ''}\n  saved ${file} (npm run fuzz -- --replay ${file})\n`);
}

process.stdout.write(
  `fuzz: ${names.length} targets, ${ms !== undefined ? `${(ms / 1000).toFixed(0)} s` : `${count} inputs`}, seed ${seed}, slices of ${(sliceMs / 1000).toFixed(0)} s, hang bound ${(hangMs / 1000).toFixed(0)} s; load average ${loadAverage()}\n`,
);

const started = Date.now();
let remainingTargets = names;
let runsSoFar = 0;

/** Runs one worker until it finishes, hangs or dies; returns whether the budget is used up. */
function runWorker(): Promise<boolean> {
  const shared = new SharedArrayBuffer(8 + SHARED_BYTES);
  const header = new Int32Array(shared, 0, 2);
  const left = ms !== undefined ? ms - (Date.now() - started) : undefined;
  const job: WorkerJob = { targets: remainingTargets, seed: (seed + runsSoFar) | 0, ms: left, count: count !== undefined ? count - runsSoFar : undefined, sliceMs, shared };
  const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: job });
  let current = remainingTargets[0];
  const lastInput = () => new TextDecoder().decode(new Uint8Array(shared, 8, Atomics.load(header, 1)));
  return new Promise((resolve) => {
    let beat = Atomics.load(header, 0);
    let beatAt = Date.now();
    let finished = false;
    const end = (budgetUsed: boolean) => {
      if (finished) return;
      finished = true;
      clearInterval(watch);
      resolve(budgetUsed);
    };
    const watch = setInterval(() => {
      const now = Atomics.load(header, 0);
      if (now !== beat) {
        beat = now;
        beatAt = Date.now();
        return;
      }
      if (Date.now() - beatAt < hangMs) return;
      save('hang', current, lastInput(), `no progress for ${(hangMs / 1000).toFixed(0)} s on one input`);
      // Go on without the target that hung, as a fuzzer would after a timeout.
      remainingTargets = remainingTargets.filter((n) => n !== current);
      void worker.terminate();
      end(remainingTargets.length === 0);
    }, 1000);
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'current') current = m.target;
      else if (m.kind === 'slice') {
        const t = tally.get(m.target)!;
        t.runs += m.runs;
        t.ms += m.ms;
        runsSoFar += m.runs;
        const secs = (Date.now() - started) / 1000;
        process.stdout.write(`[${secs.toFixed(0).padStart(6)} s] ${m.target.padEnd(20)} +${m.runs} inputs (${((m.runs / m.ms) * 1000).toFixed(0)}/s), ${runsSoFar} in all\n`);
      } else if (m.kind === 'finding') save('property', m.target, m.input, m.error, { seed: m.seed, path: m.path });
      else if (m.kind === 'done') end(true);
    });
    worker.on('error', (e) => {
      save('uncaught', current, lastInput(), e.stack ?? e.message);
      end(false);
    });
    worker.on('exit', () => end(true));
  });
}

while (!(await runWorker())) {
  if (ms !== undefined && Date.now() - started >= ms) break;
}

const seconds = (Date.now() - started) / 1000;
process.stdout.write(`\n${'target'.padEnd(20)} ${'inputs'.padStart(12)} ${'per s'.padStart(8)} findings\n`);
for (const [name, t] of tally) {
  process.stdout.write(`${name.padEnd(20)} ${String(t.runs).padStart(12)} ${(t.ms ? (t.runs / t.ms) * 1000 : 0).toFixed(0).padStart(8)} ${t.findings}\n`);
}
process.stdout.write(`${'all'.padEnd(20)} ${String(runsSoFar).padStart(12)} ${(runsSoFar / seconds).toFixed(0).padStart(8)} ${findings}   (${seconds.toFixed(0)} s)\n`);
process.exit(findings ? 1 : 0);
