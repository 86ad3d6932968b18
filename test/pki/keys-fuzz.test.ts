/**
 * Property test for every parser of untrusted key and certificate bytes (DER, X.690; PEM,
 * RFC 7468; PKCS #1/#8, RFC 8017/5958; X.509, RFC 5280): random bytes and mutations of real
 * encodings (bit flips, byte inserts and deletes, tweaked length and tag bytes, truncation)
 * must each either parse or throw an Ssl3Error subclass, never another exception, and
 * never take long. Deterministic by default; SSL3_FUZZ_SEED and SSL3_FUZZ_MS change the
 * seed and the time budget for longer runs.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DerReader } from '../../src/pki/der.js';
import {
  decodePrivateKeyInfo,
  decodeRsaPrivateKey,
  decodeRsaPublicKey,
  decodeSubjectPublicKeyInfo,
  decryptPrivateKeyInfo,
  encryptPrivateKeyInfo,
  parsePrivateKey,
  parsePublicKey,
} from '../../src/pki/keys.js';
import { pemDecode } from '../../src/pki/pem.js';
import { toHex } from '../../src/util/bytes.js';
import { Ssl3Error } from '../../src/util/errors.js';
import { findPeer } from '../helpers/peers.js';
import { headerOffsets } from '../../fuzz/mutate.js';
import { nodeRsaPair } from '../helpers/keys.js';

const SEED = Number(process.env.SSL3_FUZZ_SEED ?? 0x5eed1);
const BUDGET_MS = Number(process.env.SSL3_FUZZ_MS ?? 3000);
/** One call slower than this counts as a hang (legitimate calls take a few ms; the margin absorbs a busy machine). */
const SLOW_MS = 1000;

/** xorshift32: small, fast, replayable. */
function prng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function mutate(seed: Uint8Array, offsets: { tags: number[]; lengths: number[] }, rnd: (n: number) => number): Uint8Array {
  let b = Uint8Array.from(seed);
  const rounds = 1 + rnd(3);
  for (let r = 0; r < rounds; r++) {
    const at = rnd(Math.max(1, b.length));
    switch (rnd(8)) {
      case 0: // flip a few bits
        for (let i = 1 + rnd(4); i > 0; i--) b[rnd(b.length)] ^= 1 << rnd(8);
        break;
      case 1: // insert bytes
        b = Uint8Array.from([...b.subarray(0, at), ...Array.from({ length: 1 + rnd(4) }, () => rnd(256)), ...b.subarray(at)]);
        break;
      case 2: // delete a range
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + rnd(8))]);
        break;
      case 3: // tweak a length byte
      case 4: {
        const p = offsets.lengths[rnd(offsets.lengths.length)];
        if (p === undefined || p >= b.length) break;
        const choices = [b[p] + 1, b[p] - 1, 0, 0x7f, 0x80, 0x81, 0x82, 0x84, 0x85, 0xff, rnd(256)];
        b[p] = choices[rnd(choices.length)] & 0xff;
        break;
      }
      case 5: {
        // change a tag byte
        const p = offsets.tags[rnd(offsets.tags.length)];
        if (p === undefined || p >= b.length) break;
        const choices = [0x02, 0x03, 0x04, 0x05, 0x06, 0x30, 0x31, 0xa0, 0xa3, 0x1f, 0x80, rnd(256)];
        b[p] = choices[rnd(choices.length)];
        break;
      }
      case 6: // truncate
        b = b.subarray(0, at);
        break;
      default: // duplicate a slice elsewhere
        {
          const from = rnd(b.length);
          const slice = b.subarray(from, from + 1 + rnd(16));
          b = Uint8Array.from([...b.subarray(0, at), ...slice, ...b.subarray(at)]);
        }
        break;
    }
  }
  return b;
}

type Target = readonly [name: string, parse: (input: Uint8Array) => unknown];

interface Failure {
  target: string;
  input: string;
  error: string;
}

/** Feeds `input` to every target; returns the first failure. */
function check(targets: readonly Target[], input: Uint8Array): Failure | undefined {
  for (const [name, parse] of targets) {
    const start = performance.now();
    let error: unknown;
    try {
      parse(input);
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - start;
    if (error !== undefined && !(error instanceof Ssl3Error)) {
      return { target: name, input: toHex(input), error: (error as Error)?.stack ?? String(error) };
    }
    if (ms > SLOW_MS) return { target: name, input: toHex(input), error: `took ${ms.toFixed(0)} ms` };
  }
  return undefined;
}

const walk = (r: DerReader): void => {
  while (!r.done) {
    const tlv = r.readTlv();
    if (tlv.tag & 0x20) walk(r.child(tlv));
  }
};

async function loadCertificateParser(): Promise<((der: Uint8Array) => unknown) | undefined> {
  const file = fileURLToPath(new URL('../../src/pki/x509.ts', import.meta.url));
  if (!existsSync(file)) return undefined;
  const spec = '../../src/pki/x509.js'; // not a literal: the module may not exist yet when this is type-checked
  const mod = (await import(spec)) as { parseCertificate?: (der: Uint8Array) => unknown };
  return mod.parseCertificate;
}

describe('key and certificate parsers under random and mutated input', () => {
  it('return or throw Ssl3Error, never anything else, never slowly', async () => {
    const pair = nodeRsaPair(1024);
    const pkcs1 = new Uint8Array(pair.privateKey.export({ type: 'pkcs1', format: 'der' }));
    const pkcs8 = new Uint8Array(pair.privateKey.export({ type: 'pkcs8', format: 'der' }));
    const spki = new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' }));
    const rsaPub = new Uint8Array(pair.publicKey.export({ type: 'pkcs1', format: 'der' }));
    const key = decodeRsaPrivateKey(pkcs1);
    const encAes = encryptPrivateKeyInfo(key, 'pw', { iterations: 16 });
    const enc3des = encryptPrivateKeyInfo(key, 'pw', { iterations: 16, cipher: 'des-ede3-cbc' });
    const pem = new TextEncoder().encode(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const ecSpki = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }));

    const seeds: Uint8Array[] = [pkcs1, pkcs8, spki, rsaPub, encAes, enc3des, ecSpki];
    const openssl = findPeer('/usr/bin/openssl', 'openssl');
    if (openssl) {
      const dir = mkdtempSync(join(tmpdir(), 'ssl3-fuzz-'));
      try {
        execFileSync(
          openssl,
          ['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-subj', '/C=DE/O=Fuzz/CN=fuzz.example', '-days', '1',
            '-addext', 'subjectAltName=DNS:fuzz.example,IP:192.0.2.1', '-addext', 'keyUsage=digitalSignature,keyEncipherment'],
          { stdio: 'ignore' },
        );
        seeds.push(pemDecode(readFileSync(join(dir, 'c.pem'), 'latin1'))[0].der);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    const targets: Target[] = [
      ['DerReader walk', (b) => walk(new DerReader(b))],
      ['parsePrivateKey', (b) => parsePrivateKey(b)],
      ['parsePrivateKey+passphrase', (b) => parsePrivateKey(b, 'pw')],
      ['decodeRsaPrivateKey', decodeRsaPrivateKey],
      ['decodePrivateKeyInfo', decodePrivateKeyInfo],
      ['decryptPrivateKeyInfo', (b) => decryptPrivateKeyInfo(b, 'pw', { maxIterations: 64 })],
      ['decodeSubjectPublicKeyInfo', decodeSubjectPublicKeyInfo],
      ['decodeRsaPublicKey', decodeRsaPublicKey],
      ['parsePublicKey', parsePublicKey],
    ];
    const parseCertificate = await loadCertificateParser();
    if (parseCertificate) targets.push(['parseCertificate', parseCertificate]);

    // Encrypted seeds through parsePrivateKey would run PBKDF2 with whatever count a mutation
    // leaves there (bounded only by MAX_PBKDF2_ITERATIONS); the decrypt target has the low bound.
    const cheap = (b: Uint8Array) => b !== encAes && b !== enc3des;
    const targetsFor = (s: Uint8Array) => (cheap(s) ? targets : targets.filter(([n]) => !n.startsWith('parsePrivateKey')));

    const rnd = prng(SEED);
    const offsets = seeds.map(headerOffsets);
    const deadline = performance.now() + BUDGET_MS;
    let runs = 0;
    let failure: Failure | undefined;

    // Every seed must parse cleanly through the targets before mutation starts.
    for (const s of [...seeds, pem]) failure ??= check(targetsFor(s), s);

    while (!failure && performance.now() < deadline) {
      runs++;
      const kind = rnd(10);
      let input: Uint8Array;
      let t = targets;
      if (kind === 0) {
        // Pure noise, sometimes dressed as a SEQUENCE so the parsers look further.
        input = Uint8Array.from({ length: rnd(200) }, () => rnd(256));
        if (rnd(2) && input.length > 2) [input[0], input[1]] = [0x30, Math.min(input.length - 2, 0x7f)];
      } else if (kind === 1) {
        // Mutated PEM text: the PEM and base64 layer in front of the DER parsers.
        input = mutate(pem, { tags: [], lengths: [] }, rnd);
        t = targets.filter(([n]) => n === 'parsePrivateKey' || n === 'parsePublicKey');
      } else {
        const i = rnd(seeds.length);
        input = mutate(seeds[i], offsets[i], rnd);
        t = targetsFor(seeds[i]);
      }
      failure = check(t, input);
    }

    expect(failure, `seed ${SEED}, after ${runs} runs: ${JSON.stringify(failure, null, 2)}`).toBeUndefined();
    expect(runs).toBeGreaterThan(100);
  });
});
