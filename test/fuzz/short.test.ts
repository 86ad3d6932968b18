/**
 * The short fuzz budget every CI run spends (issue 13 item 5): each target of `npm run fuzz`
 * (fuzz/targets) for a few hundred fast-check inputs or a couple of seconds, whichever comes
 * first, from a seed that changes every run (printed on failure with the path that replays
 * it: `npm run fuzz -- --target NAME --seed S --path P`). SSL3_FUZZ_SEED fixes the seed;
 * SSL3_FUZZ_MS changes the time per target. Long runs are `npm run fuzz`.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { TARGETS } from '../../fuzz/targets/index.js';
import { encodeInput, timed, type FuzzInput } from '../../fuzz/target.js';

const SEED = process.env.SSL3_FUZZ_SEED ? Number(process.env.SSL3_FUZZ_SEED) : Date.now() % 0x7fffffff;
const MS = Number(process.env.SSL3_FUZZ_MS ?? 1000);
const RUNS = 300;

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
      await fc.assert(
        fc.asyncProperty(target.input(), (input: FuzzInput) => check(input)),
        {
          seed: SEED,
          numRuns: RUNS,
          interruptAfterTimeLimit: MS,
          markInterruptAsFailure: false,
          reporter: (details) => {
            if (!details.failed) return;
            const input = details.counterexample?.[0] as FuzzInput | undefined;
            throw new Error(
              `${target.name} failed (seed ${details.seed}, path ${details.counterexamplePath}); input ${input ? encodeInput(input) : '?'}: ${String(details.errorInstance)}`,
            );
          },
        },
      );
    });
  }
});
