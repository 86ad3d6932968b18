/**
 * Timing helpers for the benchmark: run a function repeatedly for a fixed budget and report
 * work per second. Ours and native run alternately, several rounds each, and the best round
 * counts. The primitive rows are single-threaded work on this thread, so their budget and
 * their rate are in CPU time (the process's user + system time), not wall time: on a machine
 * shared with other work, a burst of load stretches wall time but not the CPU time a
 * computation needs, so ours and native stay comparable even when they ran at different moments.
 */
import { readFileSync } from 'node:fs';

export interface Row {
  name: string;
  unit: string;
  ours: number;
  native: number;
  /** ours / native for rates; native / ours for the memory and latency rows (nss-memory.ts, burst.ts), where less is better: higher is better in every row. */
  ratio: number;
  /** What `native` is: node:crypto (OpenSSL), node:tls, node:https or NSS (run.ts fills it in per group). */
  against?: string;
  /** Where measured: native's CPU seconds over ours for the same work (higher is better). */
  cpuRatio?: number;
}

/** CPU seconds this process has used. */
export function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Work units per CPU second of `fn` (each call does `units` units), best of `rounds`. */
export function rate(fn: () => void, units: number, budgetMs = 250, rounds = 3): number {
  fn(); // warm-up: JIT and lazy tables
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const start = cpuSeconds();
    let elapsed = 0;
    do {
      fn();
      calls++;
      elapsed = cpuSeconds() - start;
    } while (elapsed * 1000 < budgetMs);
    best = Math.max(best, (calls * units) / elapsed);
  }
  return best;
}

/** Measures ours and native alternately and builds a row. */
export function compare(name: string, unit: string, ours: () => void, native: () => void, units: number, budgetMs?: number): Row {
  let o = 0;
  let n = 0;
  for (let i = 0; i < 2; i++) {
    o = Math.max(o, rate(ours, units, budgetMs, 2));
    n = Math.max(n, rate(native, units, budgetMs, 2));
  }
  return { name, unit, ours: o, native: n, ratio: o / n };
}

/** The `p`th percentile of `values` (nearest rank: a value that was measured); NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** For slow one-shot operations (key generation): mean rate over `count` runs, per CPU second. */
export function meanRate(fn: () => void, count: number): number {
  const start = cpuSeconds();
  for (let i = 0; i < count; i++) fn();
  return count / (cpuSeconds() - start);
}

/** A /proc stat line's parent pid and CPU seconds (user + system, in ticks of 1/100 s). */
export function parseProcStat(stat: string): { ppid: number; cpu: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3, state
  return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100 }; // fields 4, 14, 15
}

/**
 * CPU seconds (user + system) the calling thread has used, from Linux's /proc/thread-self/stat;
 * NaN where that does not exist. Node 20 has no per-thread CPU clock.
 */
export function threadCpuSeconds(): number {
  try {
    return parseProcStat(readFileSync('/proc/thread-self/stat', 'utf8')).cpu;
  } catch {
    return NaN;
  }
}
