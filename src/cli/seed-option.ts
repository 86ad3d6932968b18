/**
 * `--seed S` for the commands that open SSL connections (ssl3 get, connect, bridge, serve):
 * reproducible lessons. Every random value of our side (the hello Random, gmt_unix_time
 * included; the server's session ID; the client's pre_master_secret and its PKCS #1 padding;
 * RSA blinding) comes from seededRandom() (src/util/random.ts) keyed by S and the role, so
 * the same run gives the same bytes; with --pcap the capture's TCP sequence numbers too. The
 * clock still checks certificates. Whoever knows S can derive every key: lessons only.
 */
import { seededRandom, type RandomSource } from '../util/random.js';
import { UsageError, type CliIo } from './command.js';

export const SEED_FLAG = { seed: { type: 'string' } } as const;

export const SEED_USAGE = `  --seed S         a reproducible lesson: every random value (hello randoms, session IDs,
                   pre_master_secret, padding) derives from S, so the same run gives the
                   same bytes (anyone who knows S can decrypt: for teaching only)`;

export interface SeededOptions {
  random?: RandomSource;
  randomHelloTime?: boolean;
  /** For the --pcap writer's initial sequence numbers. */
  pcapRandom?: RandomSource;
}

/** The connection options `--seed` asks for (none without it), with one warning line on stderr. */
export function seededOptions(seed: string | undefined, role: 'client' | 'server', command: string, io: CliIo): SeededOptions {
  if (seed === undefined) return {};
  if (!seed) throw new UsageError('--seed must not be empty');
  io.stderr(`ssl3 ${command}: warning: --seed: every key of these connections derives from '${seed}'; anyone who knows it can decrypt them\n`);
  // One stream per role and use, so a client and a server given the same S still differ.
  return { random: seededRandom(`ssl3 ${role} ${seed}`), randomHelloTime: true, pcapRandom: seededRandom(`ssl3 ${role} pcap ${seed}`) };
}
