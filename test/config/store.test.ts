// The data directory (src/config/store.ts): what `copy running-config startup-config` writes
// and a start loads. Round trips, file modes, layout switches, damaged files, a crash at every
// step of a save (deterministic, through the beforeChange hook), and real crashes: a child
// process saving in a loop, killed with SIGKILL at random moments.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { certifies, ensureDeviceIdentity, generateKeyPairs, selfSignedCertificates, selfSignedTrustpointName, serverIdentity } from '../../src/config/keyring.js';
import type { CertificateRecord, KeyRing } from '../../src/config/model.js';
import { DataDirectory, PAIR_FILES, StoreError } from '../../src/config/store.js';
import { loadOrCreateIdentity } from '../../src/http/identity-store.js';
import { parsePrivateKey, privateKeyToPem } from '../../src/pki/keys.js';
import { generateRsaKey, type RsaPrivateKey } from '../../src/pki/rsa.js';
import { buildCertificate, keyIdentifier } from '../../src/pki/x509-build.js';
import { certificateToPem, parseCertificates } from '../../src/pki/x509.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';

afterAll(() => removeTempDirs());

const NOW = new Date('2024-05-01T12:00:00.123Z');
const CONFIG_A = 'hostname a\nip domain-name example.com\nenable secret 5 $1$abcd$0123456789abcdefghijkl\n';
const CONFIG_B = 'hostname b\nip domain-name example.com\nip http secure-server\n';
const USAGES = ['general', 'signature', 'encryption'] as const;

function ringOf(name: string, usageKeys: boolean): KeyRing {
  const keys = generateKeyPairs(name, { usageKeys, modulus: 512, now: NOW });
  return { keys, certificates: selfSignedCertificates(keys, name, NOW) };
}

const ringA = ringOf('a.example.com', false);
const ringB = ringOf('b.example.com', true);

// A CA trustpoint with its CA certificate and a certificate enrolled for ring B's encryption key.
const caKey = generateRsaKey(512);
const caCert = buildCertificate({ subject: 'CN=Test CA', notBefore: NOW, notAfter: new Date(NOW.getTime() + 1e10), publicKey: caKey, signingKey: caKey, ca: true });
const enrolled = buildCertificate({
  subject: { CN: 'b.example.com' },
  notBefore: NOW,
  notAfter: new Date(NOW.getTime() + 1e9),
  publicKey: ringB.keys[1].key,
  signingKey: caKey,
  issuerCertificate: caCert,
});
const ringBWithCa: KeyRing = {
  keys: ringB.keys,
  certificates: [
    ...ringB.certificates,
    { trustpoint: 'CA trust/local', usage: 'ca', certificate: caCert },
    { trustpoint: 'CA trust/local', usage: 'encryption', certificate: enrolled },
    { trustpoint: '.hidden', usage: 'ca', certificate: caCert },
  ],
};

const keyId = (k: RsaPrivateKey) => Buffer.from(keyIdentifier(k)).toString('hex');
const mode = (path: string) => statSync(path).mode & 0o777;
const certKey = (r: CertificateRecord) => `${r.trustpoint}|${r.usage}|${Buffer.from(r.certificate.raw).toString('hex')}`;

function expectSameRing(loaded: KeyRing, saved: KeyRing): void {
  expect(loaded.keys.map((k) => ({ ...k }))).toEqual(saved.keys.map((k) => ({ ...k })));
  expect(loaded.certificates.map(certKey).sort()).toEqual(saved.certificates.map(certKey).sort());
}

describe('DataDirectory round trip', () => {
  it('a new directory has no startup-config and an empty ring', async () => {
    const store = new DataDirectory(join(tempDir('store'), 'missing'));
    expect(await store.readStartupConfig()).toBeUndefined();
    expect(await store.loadKeyRing()).toEqual({ keys: [], certificates: [] });
  });

  it.each([
    ['general', ringA],
    ['usage keys with a CA trustpoint', ringBWithCa],
  ])('%s: the same keys, certificates, names, dates and text come back', async (_, ring) => {
    const store = new DataDirectory(join(tempDir('store'), 'nvram'));
    expect(store.startupConfigPath).toBe(join(store.dir, 'startup-config'));
    await store.save(CONFIG_A, ring);
    expect(await store.readStartupConfig()).toBe(CONFIG_A);
    expectSameRing(await new DataDirectory(store.dir).loadKeyRing(), ring);
  });

  it('writes the files with their modes: secrets 0600, certificates 0644, a new directory 0700', async () => {
    const dir = join(tempDir('store'), 'nvram');
    await new DataDirectory(dir).save(CONFIG_A, ringA);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'startup-config'))).toBe(0o600);
    expect(mode(join(dir, 'server-key.pem'))).toBe(0o600);
    expect(mode(join(dir, 'server-cert.pem'))).toBe(0o644);
    await new DataDirectory(dir).save(CONFIG_B, ringBWithCa);
    for (const u of ['signature', 'encryption'] as const) {
      expect(mode(join(dir, PAIR_FILES[u].key))).toBe(0o600);
      expect(mode(join(dir, PAIR_FILES[u].cert))).toBe(0o644);
    }
    expect(readdirSync(join(dir, 'trustpoints')).sort()).toEqual(['%2Ehidden-ca.pem', 'CA%20trust%2Flocal-ca.pem', 'CA%20trust%2Flocal-encryption.pem']);
  });

  it('switching general -> usage keys -> general removes the files of the pairs that went', async () => {
    const dir = tempDir('store');
    const store = new DataDirectory(dir);
    await store.save(CONFIG_A, ringA);
    expect(readdirSync(dir).sort()).toEqual(['keys.json', 'server-cert.pem', 'server-key.pem', 'startup-config']);
    await store.save(CONFIG_B, ringBWithCa);
    expect(readdirSync(dir).sort()).toEqual([
      'keys.json',
      'server-encryption-cert.pem',
      'server-encryption-key.pem',
      'server-signature-cert.pem',
      'server-signature-key.pem',
      'startup-config',
      'trustpoints',
    ]);
    await store.save(CONFIG_A, ringA);
    expect(readdirSync(dir).sort()).toEqual(['keys.json', 'server-cert.pem', 'server-key.pem', 'startup-config', 'trustpoints']);
    expect(readdirSync(join(dir, 'trustpoints'))).toEqual([]);
    expectSameRing(await store.loadKeyRing(), ringA);
  });

  it('saves what the ring held when save() was called, and runs saves one at a time', async () => {
    const store = new DataDirectory(tempDir('store'));
    const ring: KeyRing = { keys: [...ringA.keys], certificates: [...ringA.certificates] };
    const first = store.save(CONFIG_A, ring);
    ring.keys = ringB.keys;
    ring.certificates = ringB.certificates;
    const second = store.save(CONFIG_B, ring);
    await Promise.all([first, second]);
    expect(await store.readStartupConfig()).toBe(CONFIG_B);
    expectSameRing(await store.loadKeyRing(), ringB);
  });
});

describe('DataDirectory with the files of plain `ssl3 serve`', () => {
  it('loads the general pair identity-store.ts made, and identity-store reads ours', async () => {
    const dir = tempDir('store');
    const made = await loadOrCreateIdentity({ dataDir: dir, hostname: 'plain.example.com', bits: 512 });
    const ring = await new DataDirectory(dir).loadKeyRing();
    expect(ring.keys).toHaveLength(1);
    expect(ring.keys[0]).toMatchObject({ usage: 'general', name: 'plain.example.com' });
    expect(privateKeyToPem(ring.keys[0].key)).toBe(made.keyPem);
    expect(serverIdentity(ring)?.chain[0].raw).toEqual(parseCertificates(made.certPem)[0].raw);

    const ours = tempDir('store');
    await new DataDirectory(ours).save(CONFIG_A, ringA);
    const read = await loadOrCreateIdentity({ dataDir: ours, hostname: 'ignored' });
    expect(read.created).toBe(false);
    expect(read.keyPem).toBe(privateKeyToPem(ringA.keys[0].key));
  });
});

describe('DataDirectory with damaged or stray files', () => {
  it('a key file that does not parse is one clear error naming the file', async () => {
    const dir = tempDir('store');
    await new DataDirectory(dir).save(CONFIG_A, ringA);
    const keyFile = join(dir, 'server-key.pem');
    writeFileSync(keyFile, '-----BEGIN PRIVATE KEY-----\nAAAA\n');
    const err = await new DataDirectory(dir).loadKeyRing().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    const message = (err as Error).message;
    expect(message).toContain(keyFile);
    expect(message).toMatch(/^The key file .* does not hold a usable RSA private key \(.*\); restore it from a backup, or remove it and its certificate to have new keys generated\.$/);
    expect(message).not.toMatch(/\n/);
  });

  it('a certificate that does not certify its key is dropped, and ensureDeviceIdentity issues it again', async () => {
    const dir = tempDir('store');
    await new DataDirectory(dir).save(CONFIG_A, ringA);
    writeFileSync(join(dir, 'server-cert.pem'), certificateToPem(ringB.certificates[0].certificate));
    const ring = await new DataDirectory(dir).loadKeyRing();
    expect(ring.keys.map((k) => k.key)).toEqual([ringA.keys[0].key]);
    expect(ring.certificates).toEqual([]);
    expect(ensureDeviceIdentity(ring, 'a.example.com', 512)).toBe(true);
    expect(serverIdentity(ring)?.key).toEqual(ringA.keys[0].key);
  });

  it('an unreadable certificate file is dropped the same way', async () => {
    const dir = tempDir('store');
    await new DataDirectory(dir).save(CONFIG_A, ringA);
    writeFileSync(join(dir, 'server-cert.pem'), 'garbage');
    expect((await new DataDirectory(dir).loadKeyRing()).certificates).toEqual([]);
  });

  it('keys.json names the current set: leftover files of another set are not loaded', async () => {
    const dir = tempDir('store');
    await new DataDirectory(dir).save(CONFIG_A, ringA);
    // As after a crash before the new keys.json: the other set's files are there already.
    for (const [i, u] of (['signature', 'encryption'] as const).entries()) {
      writeFileSync(join(dir, PAIR_FILES[u].key), privateKeyToPem(ringB.keys[i].key));
      writeFileSync(join(dir, PAIR_FILES[u].cert), certificateToPem(ringB.certificates[i].certificate));
    }
    expectSameRing(await new DataDirectory(dir).loadKeyRing(), ringA);
  });

  it('without keys.json, or with a broken one, the key files tell: the general pair first', async () => {
    const dir = tempDir('store');
    await new DataDirectory(dir).save(CONFIG_B, ringB);
    writeFileSync(join(dir, 'keys.json'), '{ not json');
    const ring = await new DataDirectory(dir).loadKeyRing();
    expect(ring.keys.map((k) => [k.usage, k.name])).toEqual([
      ['signature', 'b.example.com'],
      ['encryption', 'b.example.com'],
    ]);
    expect(ring.certificates.map(certKey).sort()).toEqual(ringB.certificates.map(certKey).sort());
    writeFileSync(join(dir, 'server-key.pem'), privateKeyToPem(ringA.keys[0].key));
    expect((await new DataDirectory(dir).loadKeyRing()).keys.map((k) => k.usage)).toEqual(['general']);
  });

  it('ignores temporary files, and a save removes those of writers that are gone', async () => {
    const dir = tempDir('store');
    await new DataDirectory(dir).save(CONFIG_A, ringA);
    // PIDs above Linux's pid_max (4194304) belong to no process.
    const dead = ['.server-key.pem.99999999.0123456789ab.tmp', '.startup-config.99999998.abcdefabcdef.tmp'];
    const live = `.server-cert.pem.${process.pid}.0123456789ab.tmp`;
    for (const f of [...dead, live]) writeFileSync(join(dir, f), 'half a file');
    expectSameRing(await new DataDirectory(dir).loadKeyRing(), ringA);
    await new DataDirectory(dir).save(CONFIG_A, ringA);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([live]);
  });
});

// ---------------------------------------------------------------------------------------------
// Crash consistency

/** The key sets a crash may leave: one of the rings saved, identified by key ids, with its name. */
interface KnownSet {
  name: string;
  ids: string[];
}

/**
 * What must hold after any crash: startup-config is one of `configs`, every key file parses,
 * every certificate file certifies the key beside it, only data files and `.*.tmp` files
 * exist, and the loaded ring is one whole known set (or, with `mixed`, keys of known sets).
 */
async function expectConsistent(dir: string, configs: readonly string[], known: readonly KnownSet[], mixed = false): Promise<KeyRing> {
  expect(configs).toContain(readFileSync(join(dir, 'startup-config'), 'utf8'));
  const data = new Set(['startup-config', 'keys.json', 'trustpoints', ...USAGES.flatMap((u) => [PAIR_FILES[u].key, PAIR_FILES[u].cert])]);
  for (const f of readdirSync(dir)) if (!data.has(f)) expect(f).toMatch(/^\..*\.tmp$/);
  for (const u of USAGES) {
    const keyFile = join(dir, PAIR_FILES[u].key);
    const certFile = join(dir, PAIR_FILES[u].cert);
    const key = existsSync(keyFile) ? parsePrivateKey(readFileSync(keyFile, 'utf8')) : undefined;
    if (existsSync(certFile)) {
      expect(key, `${PAIR_FILES[u].cert} without its key`).toBeDefined();
      expect(certifies(parseCertificates(readFileSync(certFile, 'utf8'))[0], key!), `${PAIR_FILES[u].cert} does not certify its key`).toBe(true);
    }
  }
  const tps = join(dir, 'trustpoints');
  if (existsSync(tps)) for (const f of readdirSync(tps)) if (!f.endsWith('.tmp')) expect(parseCertificates(readFileSync(join(tps, f), 'utf8')).length).toBeGreaterThan(0);

  const ring = await new DataDirectory(dir).loadKeyRing();
  const usages = ring.keys.map((k) => k.usage).join();
  expect(['general', 'signature,encryption'], `${usages}: ${readdirSync(dir).join(' ')} ${readFileSync(join(dir, 'keys.json'), 'utf8')}`).toContain(usages);
  const ids = ring.keys.map((k) => keyId(k.key));
  if (mixed) {
    for (const [i, id] of ids.entries()) {
      const set = known.find((s) => s.ids.includes(id));
      expect(set, `key ${id} is from none of the saved rings`).toBeDefined();
      expect(ring.keys[i].name).toBe(set!.name);
    }
  } else {
    const set = known.find((s) => s.ids.join() === ids.join());
    expect(set, `keys ${ids.join()} are not one saved ring`).toBeDefined();
    for (const k of ring.keys) expect(k.name).toBe(set!.name);
  }
  for (const c of ring.certificates) if (c.usage !== 'ca') expect(ring.keys.some((k) => certifies(c.certificate, k.key))).toBe(true);
  ensureDeviceIdentity(ring, 'crash.example.com', 512);
  expect(serverIdentity(ring)).toBeDefined();
  return ring;
}

class Crash extends Error {}

const setOf = (r: KeyRing): KnownSet => ({ name: r.keys[0].name, ids: r.keys.map((k) => keyId(k.key)) });

describe('a save crashed at every step in turn', () => {
  const ringA2 = ringOf('a2.example.com', false);
  const ringB2 = ringOf('b2.example.com', true);
  it.each([
    ['general -> usage keys', ringA, ringBWithCa, false],
    ['usage keys -> general', ringBWithCa, ringA, false],
    ['general -> new general key', ringA, ringA2, false],
    // Both usage files are replaced under the same names: a crash between them leaves one new
    // and one old pair, which ensureDeviceIdentity certifies together again.
    ['usage keys -> new usage keys', ringBWithCa, ringB2, true],
  ])('%s', async (_, from, to, mixed) => {
    const known = [setOf(from), setOf(to)];
    const counter = tempDir('store');
    await new DataDirectory(counter).save(CONFIG_A, from);
    let steps = 0;
    await new DataDirectory(counter, { beforeChange: () => void steps++ }).save(CONFIG_B, to);
    expect(steps).toBeGreaterThan(3);
    for (let k = 0; k <= steps; k++) {
      const dir = tempDir('store');
      await new DataDirectory(dir).save(CONFIG_A, from);
      let n = 0;
      const crashing = new DataDirectory(dir, {
        beforeChange: () => {
          if (n++ === k) throw new Crash(`crash before change ${k}`);
        },
      });
      await crashing.save(CONFIG_B, to).catch((e: unknown) => {
        if (!(e instanceof Crash)) throw e;
      });
      await expectConsistent(dir, [CONFIG_A, CONFIG_B], known, mixed);
      // Until the startup-config is written the old one stays; after it, the new key set is the one loaded.
      const text = readFileSync(join(dir, 'startup-config'), 'utf8');
      if (text === CONFIG_B) expectSameRing(await new DataDirectory(dir).loadKeyRing(), to);
    }
  });
});

/** Waits until no process of the group is left (the kernel reaps the grandchild a moment later). */
async function waitForGroupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await sleep(10);
  }
  throw new Error(`process group ${pgid} is still alive after SIGKILL`);
}

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const childScript = fileURLToPath(new URL('./store-torn-child.ts', import.meta.url));

/**
 * Starts the saving child, lets it save for 20-200 ms, and kills it with SIGKILL. tsx runs the
 * script in a node process of its own; the two share a new process group, so one signal to
 * the group stops both at once, as a crash would. Returns the key sets the child announced.
 */
async function saveAndKill(dir: string): Promise<KnownSet[]> {
  const proc = spawn(tsx, [childScript, dir, JSON.stringify({ a: CONFIG_A, b: CONFIG_B })], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pgid = proc.pid!;
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(proc, 'exit') as Promise<[number | null, string | null]>;
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      });
      void exited.then(() => reject(new Error(`the child exited before it started saving: ${stderr}`)));
    });
    await sleep(20 + Math.random() * 180);
    process.kill(-pgid, 'SIGKILL');
    const [code, signal] = await exited;
    expect(signal, `the child ended by itself (${code}): ${stderr}`).toBe('SIGKILL');
    await waitForGroupGone(pgid);
    const ids = JSON.parse(line) as { a: string[]; b: string[] };
    return [
      { name: 'a.example.com', ids: ids.a },
      { name: 'b.example.com', ids: ids.b },
    ];
  } finally {
    // A failed step must not leave a writer running in the directory (or on the machine).
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

describe('torn writes: a saving process killed with SIGKILL at random moments', () => {
  it('leaves startup-config A or B, parsable keys and certificates that certify them', { timeout: 180_000 }, async () => {
    const dir = tempDir('torn');
    // Saved once first, so that there is always a startup-config to find.
    await new DataDirectory(dir).save(CONFIG_A, ringA);
    const known: KnownSet[] = [setOf(ringA)];
    const seen = new Map<string, number>();
    for (let i = 0; i < 15; i++) {
      known.push(...(await saveAndKill(dir)));
      const ring = await expectConsistent(dir, [CONFIG_A, CONFIG_B], known);
      const tmp = readdirSync(dir).some((f) => f.endsWith('.tmp'));
      const state = `${readFileSync(join(dir, 'startup-config'), 'utf8') === CONFIG_A ? 'A' : 'B'}/${ring.keys.length === 1 ? 'general' : 'usage'}${tmp ? '/tmp' : ''}`;
      seen.set(state, (seen.get(state) ?? 0) + 1);
    }
    console.log(`torn-write states after the kills: ${[...seen].map(([s, n]) => `${s} x${n}`).join(', ')}`);

    // The next save finishes the job: dead writers' temporary files go, the rest is one set.
    const ring = await new DataDirectory(dir).loadKeyRing();
    ensureDeviceIdentity(ring, 'final.example.com', 512);
    await new DataDirectory(dir).save(CONFIG_B, ring);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expectSameRing(await new DataDirectory(dir).loadKeyRing(), ring);
    expect(selfSignedTrustpointName(ring.keys)).toMatch(/^TP-self-signed-\d+$/);
  });
});
