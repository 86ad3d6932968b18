/**
 * The engine through its network input (RFC 6101 sections 5.2 and 5.6): the record reader
 * and every handshake decoder behind it, driven as a peer would drive them. Inputs are real
 * flights (test/connection/engine-fuzz.ts corpus) with record-level mutations (flips,
 * duplicates, swaps, drops, cut records, broken lengths, injected records and alerts) and
 * byte edits of the whole stream, delivered in fast-check-chosen pieces; or random bytes
 * behind plausible record and SSLv2 headers. The properties are engine-fuzz.ts runCase's: no
 * throw, no handshake completed, only SSL 3.0 alerts, nothing written after the close.
 */
import fc from 'fast-check';
import { MUTATIONS, OPEN_CONNECTION_SUITES, corpus, runCase, runOpenConnectionCase } from '../../test/connection/engine-fuzz.js';
import { prng } from '../../test/connection/forge.js';
import { concatBytes } from '../../src/util/bytes.js';
import { applyEdits, cut, cutPoints, edit } from '../mutate.js';
import type { FuzzInput, FuzzTarget } from '../target.js';

let flights: ReturnType<typeof corpus> | undefined;
const theCorpus = () => (flights ??= corpus());

/** Mutation steps as (index into MUTATIONS, seed) pairs: shrinkable, replayable. */
const steps = fc.array(fc.tuple(fc.nat(MUTATIONS.length - 1), fc.integer()), { minLength: 1, maxLength: 3 });

function applySteps(records: Uint8Array[], pairs: readonly (readonly [number, number])[]): Uint8Array[] {
  for (const [m, seed] of pairs) if (records.length) records = MUTATIONS[m](records, prng(seed));
  return records;
}

/** A record header (or SSLv2 header, or a handshake header inside a record) before `body`. */
function framed(kind: number, body: Uint8Array, a: number, b: number): Uint8Array {
  const n = body.length;
  switch (kind) {
    case 0:
      return body;
    case 1:
      return concatBytes(Uint8Array.of(20 + (a % 4), 3, b % 3, n >> 8, n & 0xff), body);
    case 2:
      return concatBytes(Uint8Array.of(0x80 | (n >> 8), n & 0xff, 1), body);
    default:
      return concatBytes(Uint8Array.of(22, 3, 0, (n + 4) >> 8, (n + 4) & 0xff, a % 21, 0, n >> 8, n & 0xff), body);
  }
}

/** Also makes the corpus (and with it the test identities' RSA keys) now, before any budget runs. */
function engineInput(role: 'server' | 'client'): fc.Arbitrary<FuzzInput> {
  const flights = theCorpus();
  const source = () => (role === 'server' ? flights.toServer : flights.toClient);
  const mutatedFlight = fc
    .record({ flight: fc.nat(), steps, edits: fc.array(edit, { maxLength: 3 }), cuts: cutPoints(), whole: fc.boolean(), flag: fc.boolean() })
    .map(({ flight, steps: s, edits, cuts, whole, flag }) => {
      const all = source();
      const records = applySteps(all[flight % all.length].slice(), s);
      const stream = applyEdits(concatBytes(...records), edits, { seeds: records.length ? records : [new Uint8Array(0)] });
      return { flags: flag ? 1 : 0, chunks: whole && !edits.length ? records : cut(stream, cuts) };
    });
  const random = fc
    .record({ kind: fc.nat(3), body: fc.uint8Array({ maxLength: 300 }), a: fc.nat(255), b: fc.nat(255), cuts: cutPoints(), flag: fc.boolean() })
    .map(({ kind, body, a, b, cuts, flag }) => ({ flags: flag ? 1 : 0, chunks: cut(framed(kind, body, a, b), cuts) }));
  return fc.oneof({ arbitrary: mutatedFlight, weight: 4 }, { arbitrary: random, weight: 1 });
}

function engineTarget(role: 'server' | 'client'): FuzzTarget {
  return {
    name: `engine-${role}`,
    what: `mutated ${role === 'server' ? 'client' : 'server'} flights and random records into a fresh ${role} Connection: waits or ends with one SSL 3.0 fatal alert, never throws or completes`,
    input: () => engineInput(role),
    // flags bit 0: the server asks for a client certificate (more decoders in play).
    check: (input) => void runCase(role, input.chunks, role === 'server' && (input.flags & 1) === 1),
  };
}

/**
 * Records sealed with an open connection's keys, then mutated: the properties of
 * engine-fuzz.ts runOpenConnectionCase (only the sender's data is ever delivered, in order).
 * The input keeps the messages as chunks and the mutation steps and cut points as its
 * recipe, since the keys are new on every run.
 */
const openConnection: FuzzTarget = {
  name: 'engine-open',
  what: "application-data records sealed with an open connection's keys, then mutated: only the sender's data is delivered, in order",
  input: () => {
    theCorpus(); // the test identities' keys, which pair() needs, before any budget runs
    return fc
      .record({
        suite: fc.nat(OPEN_CONNECTION_SUITES.length - 1),
        messages: fc.array(fc.uint8Array({ minLength: 1, maxLength: 100 }), { minLength: 1, maxLength: 4 }),
        steps,
        cuts: cutPoints(),
      })
      .map(({ suite, messages, steps: s, cuts }) => ({ flags: suite, chunks: messages, recipe: [s.length, ...s.flat(), ...cuts] }));
  },
  check: (input) => {
    const recipe = input.recipe ?? [0];
    const n = recipe[0];
    const pairs = Array.from({ length: n }, (_, i) => [recipe[1 + 2 * i], recipe[2 + 2 * i]] as const);
    const cuts = recipe.slice(1 + 2 * n);
    runOpenConnectionCase(
      OPEN_CONNECTION_SUITES[input.flags % OPEN_CONNECTION_SUITES.length],
      input.chunks,
      (records) => applySteps(records, pairs),
      (records) => cut(concatBytes(...records), cuts),
    );
  },
};

export const ENGINE_TARGETS: readonly FuzzTarget[] = [engineTarget('server'), engineTarget('client'), openConnection];
