/**
 * What a fuzz target is, for `npm run fuzz` (fuzz/run.ts), the short budget in `npm test`
 * (test/fuzz/short.test.ts) and the regression tests (test/fuzz/regressions.test.ts): an
 * input arbitrary and a check that throws when a property breaks. Every input is one shape,
 * FuzzInput, so any failure is saved and replayed as the same small JSON object.
 */
import fc from 'fast-check';
import { fromHex, toHex } from '../src/util/bytes.js';
import { Ssl3Error } from '../src/util/errors.js';

/**
 * `chunks`: the bytes, in the pieces they are delivered in (one piece for a parser); `flags`:
 * a target's small options (a role setting, a suite index); `recipe`: numbers that rebuild
 * what cannot be stored as bytes (mutation seeds applied to records sealed with fresh keys).
 */
export interface FuzzInput {
  flags: number;
  chunks: Uint8Array[];
  recipe?: number[];
}

export interface FuzzTarget {
  readonly name: string;
  /** One line: what is fed to what, and what must hold. */
  readonly what: string;
  /** Built on first use: the seeds may cost a handshake or a key. */
  input(): fc.Arbitrary<FuzzInput>;
  /** Throws when a property fails; resolves (or returns) when the input was handled well. */
  check(input: FuzzInput): void | Promise<void>;
  /** For targets that need a running server. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** One input taking longer than this is a hang (default 2000 ms, generous for a loaded machine). */
  readonly slowMs?: number;
}

export function encodeInput(input: FuzzInput): string {
  return JSON.stringify({ flags: input.flags, chunks: input.chunks.map(toHex), ...(input.recipe ? { recipe: input.recipe } : {}) });
}

export function decodeInput(json: string): FuzzInput {
  const o = JSON.parse(json) as { flags: number; chunks: string[]; recipe?: number[] };
  return { flags: o.flags, chunks: o.chunks.map((h) => fromHex(h)), ...(o.recipe ? { recipe: o.recipe } : {}) };
}

/**
 * A parser's property: it returns, or throws one of the project's typed errors (Ssl3Error:
 * DER, PEM, key, X.509, CRL, CMS, SCEP, decode errors), never a TypeError, RangeError or
 * other surprise, which would mean a check is missing.
 */
export function expectTypedFailure(what: string, parse: () => unknown): void {
  try {
    parse();
  } catch (e) {
    if (e instanceof Ssl3Error) return;
    const err = e as Error;
    throw new Error(`${what} threw ${err?.name ?? typeof e} instead of a typed error: ${err?.message ?? String(e)}`, { cause: e });
  }
}

/** The same for an asynchronous parser. */
export async function expectTypedFailureAsync(what: string, parse: () => Promise<unknown>): Promise<void> {
  try {
    await parse();
  } catch (e) {
    if (e instanceof Ssl3Error) return;
    const err = e as Error;
    throw new Error(`${what} threw ${err?.name ?? typeof e} instead of a typed error: ${err?.message ?? String(e)}`, { cause: e });
  }
}

/**
 * Builds what a target's inputs start from (its seeds: handshakes, keys, certificates) by
 * drawing one input, so that a time budget is spent on inputs and not on the first one's
 * set-up (fast-check counts a budget that ends before any input finished as a failure).
 */
export function warmUp(arbitrary: fc.Arbitrary<FuzzInput>, seed: number): void {
  fc.sample(arbitrary, { numRuns: 1, seed });
}

/** Wraps a check with the time bound: an input slower than `slowMs` fails as a hang. */
export function timed(target: FuzzTarget): (input: FuzzInput) => Promise<void> {
  const limit = target.slowMs ?? 2000;
  return async (input) => {
    const t0 = performance.now();
    await target.check(input);
    const ms = performance.now() - t0;
    if (ms > limit) throw new Error(`${target.name}: one input took ${ms.toFixed(0)} ms (limit ${limit} ms): a hang or a super-linear path`);
  };
}
