/**
 * `npm run timing` (issue 13 item 4): are the secret-dependent checks of our server constant
 * time, measured on the wire? Our server (public socket API) runs in a worker thread; this
 * thread is a raw SSL 3.0 client built on the test forge (test/connection/forge.ts,
 * tcp-link.ts) that opens a connection per sample, sends one flight that ends in a failure of
 * a given class, and times from the write of that flight to the first byte of the server's
 * answer (always the same fatal alert). Classes are interleaved in a new random order every
 * round, so drifts of a shared machine's load fall on all of them alike.
 *
 * Groups (RFC 6101 sections 5.6.7.1, 5.6.9, 5.2.3):
 * - premaster: the Bleichenbacher countermeasure. A well-formed EncryptedPreMasterSecret of
 *   a secret other than the one the client keys its Finished with, against malformed ones
 *   (block type, no separator, a 47-byte secret, the wrong client_version, a zero in PS).
 *   Each is answered bad_record_mac when the Finished fails to decrypt.
 * - finished: a Finished whose verify_data differs in its first byte, its last, or all.
 *   Each is answered handshake_failure.
 * - record: application data under a CBC suite with a wrong MAC and padding_length 0, a wrong
 *   MAC and the largest padding, a padding_length of the block size, of 255; all of one
 *   length, chosen so that the MAC input lengths the checks imply straddle a SHA-1/MD5 block
 *   boundary (where Lucky 13 lives). Each is answered bad_record_mac.
 * Each group also measures a control class that differs in something public (a shorter
 * ciphertext, a longer record): the tests must find it, or the run had too little power to
 * say anything.
 *
 * Statistics (timing/stats.ts): Welch's t over several percentile crops (|t| > 4.5 is a leak,
 * dudect's threshold) and the two-sample Kolmogorov-Smirnov test (p below 0.001 divided by
 * the number of pairs), for every pair of classes in a group. The smallest control a group
 * finds is the size of leak the run could have seen. Exit 0 when no pair is distinguishable
 * and each group found a control, 1 when a pair is distinguishable, 3 when a group found none.
 *
 *   npm run timing                          5000 samples per class, all groups
 *   npm run timing -- --samples 500 --group record --suite aes-128-cbc-sha
 *   npm run timing -- --json timing.json
 */
import { writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ScriptedClient, type ServerLink } from '../test/connection/forge.js';
import { TcpLink } from '../test/connection/tcp-link.js';
import { nodeRsaKey } from '../test/helpers/keys.js';
import { selfSignedCertificate } from '../src/pki/selfsign.js';
import { rsaEncryptPkcs1 } from '../src/pki/rsa.js';
import { i2osp, os2ip, rsaPublic } from '../src/pki/rsa-raw.js';
import type { RsaPublicKey } from '../src/pki/rsa-key.js';
import { suiteByName, type CipherSuite } from '../src/ciphers/suites.js';
import { ContentType } from '../src/record/content-types.js';
import { HandshakeType } from '../src/handshake/messages.js';
import { concatBytes, toHex } from '../src/util/bytes.js';
import { systemRandom } from '../src/util/random.js';
import { loadAverage, scriptFlags } from '../test/helpers/script-flags.js';
import { comparePair, summarize, type PairVerdict } from './stats.js';
import type { TimingServerData } from './server.js';

const USAGE = 'usage: npm run timing -- [--samples N] [--group premaster|finished|record]... [--suite NAME] [--bits N] [--t-threshold T] [--json FILE]';

const flags = scriptFlags('timing', USAGE, {
  samples: { type: 'string', default: '5000' },
  group: { type: 'string', multiple: true },
  suite: { type: 'string', default: '3des-ede-cbc-sha' },
  bits: { type: 'string', default: '1024' },
  't-threshold': { type: 'string', default: '4.5' },
  json: { type: 'string' },
});
const values = flags.values;
// Annotated, so that the compiler knows a call to it ends the script.
const fail: (message: string) => never = flags.fail;
const samples = Number(values.samples);
if (!Number.isInteger(samples) || samples < 20) fail(`--samples ${values.samples}: a whole number of at least 20`);
const bits = Number(values.bits);
if (![512, 1024, 2048, 3072, 4096].includes(bits)) fail(`--bits ${values.bits}: one of 512, 1024, 2048, 3072, 4096`);
const tThreshold = Number(values['t-threshold']);
if (!(tThreshold > 0)) fail(`--t-threshold ${values['t-threshold']}: a positive number`);
let suite: CipherSuite;
try {
  suite = suiteByName(values.suite!);
} catch (e) {
  fail(`--suite: ${(e as Error).message}`);
}
const GROUPS = ['premaster', 'finished', 'record'] as const;
type Group = (typeof GROUPS)[number];
const groups = (values.group ?? [...GROUPS]) as Group[];
for (const g of groups) if (!GROUPS.includes(g)) fail(`--group ${g}: one of ${GROUPS.join(', ')}`);
if (groups.includes('record') && suite.blockSize === 1) fail(`--suite ${values.suite}: the record group needs a CBC suite (3DES, DES or AES)`);

// --- the server ---------------------------------------------------------------------------

const key = nodeRsaKey(bits);
const cert = selfSignedCertificate({ key, hostname: 'timing.test', ips: ['127.0.0.1'], days: 2 }).raw;
const k = Math.ceil(bits / 8);
const serverData: TimingServerData = { key, cert, ciphers: [suite.iosKeyword] };
const worker = new Worker(new URL('./server.mjs', import.meta.url), { workerData: serverData });
const port = await new Promise<number>((resolve, reject) => {
  worker.once('message', (m: { port: number }) => resolve(m.port));
  worker.once('error', reject);
});

// --- one measurement ----------------------------------------------------------------------

/**
 * A link that holds what the scripted client sends while `held` is set, so a whole flight
 * leaves in one write (one TCP segment) at the moment the clock starts.
 */
class HeldLink implements ServerLink {
  held: Uint8Array[] | undefined;
  readonly conn = { receive: (b: Uint8Array) => (this.held ? this.held.push(b) : this.tcp.conn.receive(b)) };
  constructor(readonly tcp: TcpLink) {}
  get out(): readonly Uint8Array[] {
    return this.tcp.out;
  }
}

interface Answer {
  ns: number;
  /** What came back: the records' types and lengths, and the bytes when they are plaintext. */
  signature: string;
}

/** What `flight` scripts, as one write. */
function send(link: HeldLink, flight: () => void): void {
  link.tcp.socket.write(held(link, flight));
}

function held(link: HeldLink, flight: () => void): Uint8Array {
  link.held = [];
  flight();
  const bytes = concatBytes(...link.held);
  link.held = undefined;
  return bytes;
}

/** Sends what `flight` scripts as one write; the time until the first byte of the answer, and the answer once the server closed. */
async function timedFlight(link: HeldLink, flight: () => void, plaintextAnswer: boolean): Promise<Answer> {
  const bytes = held(link, flight);
  const before = link.tcp.out.length;
  const socket = link.tcp.socket;
  let t1 = 0n;
  socket.once('data', () => (t1 = process.hrtime.bigint()));
  const t0 = process.hrtime.bigint();
  socket.write(bytes);
  await link.tcp.until(() => link.tcp.ended, 'the server to answer and close');
  link.tcp.close();
  const answer = link.tcp.out.slice(before);
  const signature = answer.map((r) => (plaintextAnswer ? toHex(r) : `${r[0]}/${r.length - 5}`)).join(' ') || 'nothing';
  return { ns: Number(t1 - t0), signature };
}

/** Connects and sends a ClientHello; resolves once the server's first flight is in. */
async function hello(): Promise<{ link: HeldLink; c: ScriptedClient<HeldLink> }> {
  const tcp = await TcpLink.connect(port);
  tcp.socket.setNoDelay(true);
  const link = new HeldLink(tcp);
  const c = new ScriptedClient(link);
  c.sendHello({ suites: [suite.id] });
  await tcp.until(() => tcp.sentHandshake(HandshakeType.server_hello_done), 'ServerHelloDone');
  c.absorb();
  return { link, c };
}

const premaster = () => concatBytes(Uint8Array.of(3, 0), systemRandom(46));

/** A nonzero random byte string (PKCS #1 v1.5 padding string). */
function nonzero(n: number): Uint8Array {
  const b = systemRandom(n);
  for (let i = 0; i < n; i++) while (b[i] === 0) b[i] = systemRandom(1)[0];
  return b;
}

/** RSA of an encoded message `em` (k bytes, below n since em[0] = 0) with the server's key: any block we like. */
function rawEncrypt(pub: RsaPublicKey, em: Uint8Array): Uint8Array {
  return i2osp(rsaPublic(pub, os2ip(em)), k);
}

/** EncryptionBlock 00 02 PS 00 secret (RFC 8017 7.2.1), with the changes a class makes. */
function block(secret: Uint8Array, change: (em: Uint8Array) => void = () => {}): Uint8Array {
  const em = concatBytes(Uint8Array.of(0, 2), nonzero(k - 3 - secret.length), Uint8Array.of(0), secret);
  change(em);
  return em;
}

type Measure = () => Promise<Answer>;

/** A class whose failing flight follows the server's first flight: a new connection, the hello, then `flight` timed. */
function flightClass(flight: (c: ScriptedClient<HeldLink>, link: HeldLink) => void): Measure {
  return async () => {
    const { link, c } = await hello();
    return timedFlight(link, () => flight(c, link), true);
  };
}

function premasterClass(make: (pub: RsaPublicKey) => Uint8Array): Measure {
  // The client keys its Finished with a secret the server never gets: every class ends at
  // the Finished record's MAC, after the server has worked with what it decrypted.
  return flightClass((c) => {
    c.sendKeyExchange(premaster(), make(c.serverKey!));
    c.sendChangeCipherSpec();
    c.sendFinished();
  });
}

function finishedClass(alter: (verify: Uint8Array) => void): Measure {
  return flightClass((c) => {
    c.sendKeyExchange();
    c.sendChangeCipherSpec();
    const verify = c.transcript.finished(c.keys!.master, 'client').slice();
    alter(verify);
    c.sendFinished(verify);
  });
}

/**
 * The record length for the record group: the smallest multiple of the block size from
 * `min` on whose MAC input (pad block of secret + pad, 11 header bytes, the content) needs
 * one more hash block with padding_length 0 than with the largest padding.
 */
function straddlingLength(bs: number, macLength: number, min: number): number {
  if (bs === 1) return min; // a stream cipher has no padding (the record group refuses it)
  const hashBlocks = (content: number) => Math.ceil((64 + 11 + content + 9) / 64);
  for (let L = Math.ceil(min / bs) * bs; ; L += bs) {
    const longest = L - macLength - 1;
    if (hashBlocks(longest) !== hashBlocks(longest - (bs - 1))) return L;
  }
}

const macLength = suite.mac === 'sha1' ? 20 : 16;
const recordLength = straddlingLength(suite.blockSize, macLength, 300);

/** A record of `length` bytes: padding_length `pad` (pad + 1 padding bytes), the MAC right or wrong. */
function recordClass(pad: number, macRight: boolean, length = recordLength): Measure {
  return async () => {
    const { link, c } = await hello();
    // The client's second flight in one write (no Nagle wait), then the server's Finished.
    send(link, () => {
      c.sendKeyExchange();
      c.sendChangeCipherSpec();
      c.sendFinished();
    });
    await link.tcp.until(() => link.tcp.out.some((r) => r[0] === ContentType.change_cipher_spec) && c.serverRecords().length > 0, "the server's Finished");
    const fragment = systemRandom(length - macLength - 1 - pad);
    const other = fragment.slice();
    other[0] ^= 1;
    return timedFlight(link, () => link.conn.receive(c.forger!.sealWith(ContentType.application_data, fragment, pad, pad, macRight ? fragment : other)), false);
  };
}

const CLASSES: Record<Group, Record<string, Measure>> = {
  premaster: {
    'well-formed': premasterClass((pub) => rsaEncryptPkcs1(pub, premaster())),
    'block-type-1': premasterClass((pub) => rawEncrypt(pub, block(premaster(), (em) => (em[1] = 1)))),
    'no-separator': premasterClass((pub) => rawEncrypt(pub, block(premaster(), (em) => (em[k - 49] = 0x5a)))),
    'secret-47-bytes': premasterClass((pub) => rawEncrypt(pub, block(premaster().subarray(0, 47)))),
    'version-3.1': premasterClass((pub) => rawEncrypt(pub, block(concatBytes(Uint8Array.of(3, 1), systemRandom(46))))),
    'zero-in-ps': premasterClass((pub) => rawEncrypt(pub, block(premaster(), (em) => (em[5] = 0)))),
  },
  finished: {
    'first-byte': finishedClass((v) => (v[0] ^= 1)),
    'last-byte': finishedClass((v) => (v[35] ^= 1)),
    'all-bytes': finishedClass((v) => v.set(systemRandom(36))),
  },
  record: {
    'mac-bad-pad-0': recordClass(0, false),
    'mac-bad-pad-max': recordClass(suite.blockSize - 1, false),
    'pad-length-bs': recordClass(suite.blockSize, true),
    'pad-length-255': recordClass(255, true),
  },
};

/** Classes that differ in public data only: the tests must tell them apart from the rest. */
const CONTROLS: Record<Group, Record<string, Measure>> = {
  // A ciphertext one byte short: public, and the server skips the private operation's work on it.
  premaster: { 'control-short-ciphertext': premasterClass((pub) => rsaEncryptPkcs1(pub, premaster()).subarray(1)) },
  // A Finished the record layer refuses (its record is cut short): no transcript hash is compared.
  finished: {
    'control-bad-record': flightClass((c, link) => {
      c.sendKeyExchange();
      c.sendChangeCipherSpec();
      link.conn.receive(Uint8Array.of(ContentType.handshake, 3, 0, 0, 1, 0));
    }),
  },
  // Records 64 and 1024 bytes longer: more to decrypt and to MAC. The first costs one hash
  // block and eight 3DES blocks more; the Lucky 13 difference (padding 0 against the largest)
  // is that hash block alone, so finding the first says how close the run came to seeing it.
  record: { 'control-plus-64-bytes': recordClass(0, false, recordLength + 64), 'control-plus-1024-bytes': recordClass(0, false, recordLength + 1024) },
};

// --- the run ------------------------------------------------------------------------------

function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

interface GroupResult {
  group: Group;
  classes: Record<string, ReturnType<typeof summarize> & { answers: Record<string, number> }>;
  pairs: PairVerdict[];
  controls: PairVerdict[];
}

const load = loadAverage;
const startLoad = load();
process.stdout.write(
  `timing: ${samples} samples per class, groups ${groups.join(', ')}, suite ${suite.iosKeyword} (record length ${recordLength}), RSA-${bits}; load average ${startLoad}\n`,
);
const results: GroupResult[] = [];
let anyLeak = false;
let anyWeak = false;
const resolutions: string[] = [];
const started = Date.now();

for (const group of groups) {
  const measures = { ...CLASSES[group], ...CONTROLS[group] };
  const names = Object.keys(measures);
  const times = new Map<string, number[]>(names.map((n) => [n, []]));
  const answers = new Map<string, Map<string, number>>(names.map((n) => [n, new Map()]));
  // Warm-up: JIT and caches, not counted.
  for (const n of names) for (let i = 0; i < 20; i++) await measures[n]();
  for (let round = 0; round < samples; round++) {
    for (const n of shuffle([...names])) {
      const a = await measures[n]();
      times.get(n)!.push(a.ns / 1000);
      answers.get(n)!.set(a.signature, (answers.get(n)!.get(a.signature) ?? 0) + 1);
    }
    if ((round + 1) % Math.max(1, Math.floor(samples / 10)) === 0) process.stdout.write(`  ${group}: ${round + 1}/${samples} rounds (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  const real = Object.keys(CLASSES[group]);
  const pairCount = (real.length * (real.length - 1)) / 2;
  const alpha = 0.001 / pairCount;
  const pairs: PairVerdict[] = [];
  for (let i = 0; i < real.length; i++) {
    for (let j = i + 1; j < real.length; j++) pairs.push(comparePair(real[i], times.get(real[i])!, real[j], times.get(real[j])!, tThreshold, alpha));
  }
  const controls = Object.keys(CONTROLS[group]).map((cn) => comparePair(cn, times.get(cn)!, real[0], times.get(real[0])!, tThreshold, alpha));
  const classes: GroupResult['classes'] = {};
  for (const n of names) classes[n] = { ...summarize(times.get(n)!), answers: Object.fromEntries(answers.get(n)!) };
  results.push({ group, classes, pairs, controls });

  process.stdout.write(`\n${group}: time from the flight's write to the answer's first byte, microseconds\n`);
  process.stdout.write(`  ${'class'.padEnd(26)} ${'n'.padStart(6)} ${'median'.padStart(9)} ${'mean'.padStart(9)} ${'sd'.padStart(9)} ${'p10'.padStart(9)} ${'p90'.padStart(9)}  answer\n`);
  for (const n of names) {
    const s = classes[n];
    const answerKinds = Object.keys(s.answers);
    const shown = answerKinds.length === 1 ? answerKinds[0].slice(0, 40) : `${answerKinds.length} different answers`;
    process.stdout.write(`  ${n.padEnd(26)} ${String(s.n).padStart(6)} ${s.median.toFixed(1).padStart(9)} ${s.mean.toFixed(1).padStart(9)} ${s.sd.toFixed(1).padStart(9)} ${s.p10.toFixed(1).padStart(9)} ${s.p90.toFixed(1).padStart(9)}  ${shown}\n`);
  }
  // The answers themselves must not tell the classes apart either (the same alert, the same records).
  const realAnswers = new Set(real.flatMap((n) => Object.keys(classes[n].answers)));
  if (realAnswers.size !== 1) {
    anyLeak = true;
    process.stdout.write(`  DISTINGUISHABLE BY THE ANSWER: ${[...realAnswers].join(' | ')}\n`);
  }
  // The run could have seen a leak about as large as the smallest control it found; none found: it saw nothing.
  const found = controls.filter((p) => p.distinguishable).map((p) => ({ name: p.a, shift: classes[p.a].median - classes[real[0]].median }));
  if (!found.length) anyWeak = true;
  const resolution = found.length ? found.reduce((a, b) => (Math.abs(a.shift) < Math.abs(b.shift) ? a : b)) : undefined;
  resolutions.push(`${group}: ${resolution ? `${resolution.name}, a median shift of ${resolution.shift.toFixed(1)} us` : 'no control found'}`);
  process.stdout.write(`  pairs (|t| > ${tThreshold} or KS p < ${alpha.toExponential(1)} is distinguishable):\n`);
  for (const p of [...pairs, ...controls]) {
    const isControl = controls.includes(p);
    const verdict = isControl ? (p.distinguishable ? 'control found' : 'control not found (below this run\'s resolution)') : p.distinguishable ? 'DISTINGUISHABLE' : 'ok';
    if (!isControl && p.distinguishable) anyLeak = true;
    process.stdout.write(`    ${`${p.a} / ${p.b}`.padEnd(52)} t ${p.t.toFixed(2).padStart(7)} (crop ${p.crop})  KS D ${p.ks.d.toFixed(4)} p ${p.ks.p.toExponential(2)}  ${verdict}\n`);
  }
}

const endLoad = load();
process.stdout.write(`\n${((Date.now() - started) / 1000).toFixed(0)} s; load average at the start ${startLoad}, at the end ${endLoad}\n`);
process.stdout.write(`smallest public difference found, per group: ${resolutions.join('; ')}\n`);
process.stdout.write(anyLeak ? 'RESULT: a class is distinguishable\n' : anyWeak ? 'RESULT: no class distinguishable, but a group found none of its controls: inconclusive\n' : 'RESULT: no class distinguishable; each group found a control\n');
if (values.json) writeFileSync(values.json, JSON.stringify({ samples, suite: suite.iosKeyword, bits, recordLength, load: { start: startLoad, end: endLoad }, results }, null, 2) + '\n');
worker.postMessage('exit');
await new Promise((r) => worker.once('exit', r));
process.exit(anyLeak ? 1 : anyWeak ? 3 : 0);
