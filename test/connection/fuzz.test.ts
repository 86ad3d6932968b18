/**
 * A bounded fuzz/property test of the sans-I/O engine (docs/architecture.md, "Principles": "Bad input never crashes
 * the process"; RFC 6101 section 5.4.2 for the alert set). Random bytes and mutated real
 * handshake flights (bit flips, truncation, duplication, reordering, dropped and injected
 * records, broken length fields, random chunking) go into a fresh server and a fresh client
 * Connection. Each must either keep waiting or close with one fatal alert from the SSL 3.0
 * set; receive() never throws, `secure` never fires on such input, nothing is written after
 * the close, and every case finishes quickly. On an open connection, mutated application-data
 * records never deliver anything but the sender's data, in order.
 *
 * The generator is seeded (forge.ts prng) and the corpus flights are made with injected
 * randomness, so a failure names the seed that replays it (given the same RSA test keys).
 */
import { describe, expect, it } from 'vitest';
import { prng } from './forge.js';
import { MUTATIONS, OPEN_CONNECTION_SUITES, chunks, corpus, randomInput, runCase, runOpenConnectionCase } from './engine-fuzz.js';

describe('fuzz: random and mutated input into a fresh Connection', () => {
  const flights = corpus();
  // Fixed case counts (not a time budget), so the same seeds run everywhere: about 1.5 s per
  // role on a 2-core machine, the whole file within about 5 s.
  const CASES = 1200;

  for (const role of ['server', 'client'] as const) {
    it(`${role}: never throws, never completes, ends only with an SSL 3.0 fatal alert`, () => {
      const source = role === 'server' ? flights.toServer : flights.toClient;
      const outcomes = new Map<string, number>();
      for (let n = 0; n < CASES; n++) {
        const seed = (role === 'server' ? 0x5eed0000 : 0xc11e0000) + n;
        const r = prng(seed);
        let input: Uint8Array[];
        if (r.int(5) === 0) {
          input = randomInput(r);
        } else {
          input = source[r.int(source.length)];
          for (let m = 1 + r.int(3); m > 0 && input.length > 0; m--) input = MUTATIONS[r.int(MUTATIONS.length)](input, r);
        }
        let outcome: string;
        try {
          outcome = runCase(role, chunks(input, r), role === 'server' && r.int(2) === 1);
        } catch (e) {
          throw new Error(`${role} fuzz case with seed 0x${seed.toString(16)} failed: ${(e as Error).message}`, { cause: e });
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      // The inputs reach well past the record framing: the main failure classes all occur.
      for (const seen of ['waiting', 'unexpected_message', 'handshake_failure', 'bad_record_mac', 'illegal_parameter', 'ERR_SSL_PEER_ALERT']) expect(outcomes.get(seen) ?? 0).toBeGreaterThan(0);
    });
  }

  it('open connection: altered application-data records never deliver altered data', () => {
    for (let n = 0; n < 120; n++) {
      const seed = 0xda7a0000 + n;
      const r = prng(seed);
      const suite = OPEN_CONNECTION_SUITES[r.int(OPEN_CONNECTION_SUITES.length)];
      const messages = Array.from({ length: 1 + r.int(4) }, () => r.bytes(1 + r.int(100)));
      const alter = (records: Uint8Array[]) => {
        for (let m = 1 + r.int(2); m > 0 && records.length > 0; m--) records = MUTATIONS[r.int(MUTATIONS.length)](records, r);
        return records;
      };
      try {
        runOpenConnectionCase(suite, messages, alter, (records) => chunks(records, r));
      } catch (e) {
        throw new Error(`open-connection fuzz case with seed 0x${seed.toString(16)} failed: ${(e as Error).message}`, { cause: e });
      }
    }
  });
});
