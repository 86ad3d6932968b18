/**
 * The short fuzz budget every CI run spends (issue 13 item 5): each target of `npm run fuzz`
 * (fuzz/targets) for about a second of fast-check inputs, from a seed that changes every run.
 * A failure is shrunk, saved in fuzz/findings/ as `npm run fuzz` saves its findings, and
 * reported with its seed and the file (`npm run fuzz -- --replay FILE` runs it again).
 * SSL3_FUZZ_SEED fixes the seed; SSL3_FUZZ_MS changes the time per target. Long runs are
 * `npm run fuzz`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { TARGETS } from '../../fuzz/targets/index.js';
import { encodeInput, timed, warmUp, type FuzzInput } from '../../fuzz/target.js';

const SEED = process.env.SSL3_FUZZ_SEED ? Number(process.env.SSL3_FUZZ_SEED) : Date.now() % 0x7fffffff;
const MS = Number(process.env.SSL3_FUZZ_MS ?? 1000);
// The time decides; the count only caps a target so fast that a second would be wasted on it.
const RUNS = 20_000;

describe(`fuzz targets, short budget (seed ${SEED})`, () => {
  const started: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of started) await stop();
  });
  for (const target of TARGETS) {
    it(`${target.name}: ${target.what}`, async () => {
      if (target.start) {
        await target.start();
        if (target.stop) started.push(() => target.stop!());
      }
      const check = timed(target);
      const arbitrary = target.input();
      warmUp(arbitrary, SEED);
      await fc.assert(
        fc.asyncProperty(arbitrary, (input: FuzzInput) => check(input)),
        {
          seed: SEED,
          numRuns: RUNS,
          interruptAfterTimeLimit: MS,
          markInterruptAsFailure: false,
          reporter: (details) => {
            if (!details.failed) return;
            const input = details.counterexample?.[0] as FuzzInput | undefined;
            const dir = join(import.meta.dirname, '../../fuzz/findings');
            const file = join(dir, `${target.name}-test-${Date.now()}.json`);
            mkdirSync(dir, { recursive: true });
            writeFileSync(file, JSON.stringify({ target: target.name, kind: 'property', seed: details.seed, path: details.counterexamplePath, input: input ? encodeInput(input) : '', error: String(details.errorInstance) }, null, 2) + '\n');
            throw new Error(`${target.name} failed (seed ${details.seed}; saved ${file}): ${String(details.errorInstance)}`);
          },
        },
      );
    });
  }
});
