/**
 * Timing helpers for the benchmark: run a function repeatedly for a fixed wall-clock budget
 * and report work per second. Ours and native run alternately, several rounds each, and the
 * best round counts, so a burst of load on the (two-core) machine hurts both sides alike.
 */
import { readFileSync } from 'node:fs';

export interface Row {
  name: string;
  unit: string;
  ours: number;
  native: number;
  /** ours / native: higher is better for every unit used here (all are rates). */
  ratio: number;
  /** What `native` is: node:crypto (OpenSSL), node:tls, node:https or NSS (run.ts fills it in per group). */
  against?: string;
  /** Where measured: native's CPU seconds over ours for the same work (higher is better). */
  cpuRatio?: number;
}

/** Work units per second of `fn` (each call does `units` units), best of `rounds`. */
export function rate(fn: () => void, units: number, budgetMs = 250, rounds = 3): number {
  fn(); // warm-up: JIT and lazy tables
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      fn();
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < budgetMs);
    best = Math.max(best, (calls * units) / (elapsed / 1000));
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

/** For slow one-shot operations (key generation): mean rate over `count` runs. */
export function meanRate(fn: () => void, count: number): number {
  const start = performance.now();
  for (let i = 0; i < count; i++) fn();
  return count / ((performance.now() - start) / 1000);
}

/**
 * CPU seconds (user + system) the calling thread has used, from Linux's /proc/thread-self/stat
 * (in ticks of 1/100 s); NaN where that does not exist. Node 20 has no per-thread CPU clock.
 */
export function threadCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3, state
    return (Number(fields[11]) + Number(fields[12])) / 100; // fields 14 and 15: utime, stime
  } catch {
    return NaN;
  }
}
