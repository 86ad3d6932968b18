/**
 * The data directory: IOS's NVRAM. `copy running-config startup-config` (also `write memory`)
 * writes the configuration text and, beside it, the RSA keys and certificates; the feature
 * guide (its trustpoint step 14; docs/ios-configuration.md) warns that
 * without it "the certificates would be lost at router reload". This file is that save and
 * the load at start.
 *
 * Files (PEM, so `openssl` and plain `ssl3 serve` read them as they are):
 *   startup-config                     the configuration text, 0600 (it can hold passwords)
 *   server-key.pem, server-cert.pem    the general-purpose pair: the names plain `ssl3 serve`
 *                                      (src/http/identity-store.ts) uses, so either can start
 *                                      from the other's directory
 *   server-signature-key.pem, server-signature-cert.pem,
 *   server-encryption-key.pem, server-encryption-cert.pem     usage keys
 *   keys.json                          which pairs and trustpoint files are current, the keys'
 *                                      names and generation times
 *   trustpoints/NAME-ca.pem, trustpoints/NAME-USAGE.pem       CA certificates of a trustpoint
 *                                      and the device certificates enrolled with it
 * Keys are 0600, certificates 0644, the directory 0700 when we create it.
 *
 * Crash safety (each file is replaced atomically by writeFileAtomic: temp file, fsync, rename):
 * - Keys and certificates are written first, keys.json next, the startup-config last, and the
 *   files of pairs that no longer exist are removed only after that. A crash leaves the old or
 *   the new startup-config, never a mix.
 * - Before a key file changes, a certificate beside it that certifies the old key is removed:
 *   at no moment does a certificate sit beside a key it does not certify. A key without its
 *   certificate is harmless: ensureDeviceIdentity (keyring.ts) issues it again.
 * - keys.json names the current set, so a crash between writing new usage keys and removing
 *   the old general pair (or the reverse), or a trustpoint's file that outlived its removal,
 *   still loads one consistent set. When a key changes, an interim keys.json lists the old
 *   and the new key's metadata, so whichever is on disk after a crash keeps its name and date.
 * - One case cannot be atomic with fixed file names: new usage keys replacing old usage keys.
 *   A crash between the two key files leaves one new and one old pair; ensureDeviceIdentity
 *   certifies them together again, and the next save makes them the saved set.
 * - Temporary files are `.NAME.PID.RANDOM.tmp`; the loader never reads them, and a save
 *   removes those of writers that are no longer running.
 */
import { promises as fsp, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Certificate } from '../pki/certificate.js';
import { parsePrivateKey, privateKeyToPem } from '../pki/keys.js';
import type { RsaPrivateKey } from '../pki/rsa-key.js';
import { keyIdentifier } from '../pki/x509-build.js';
import { certificateToPem, commonName, parseCertificates } from '../pki/x509.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { Ssl3Error } from '../util/errors.js';
import { certifies, selfSignedTrustpointName } from './keyring.js';
import { DEFAULT_HOSTNAME, type CertificateRecord, type KeyPairRecord, type KeyRing, type KeyUsage } from './model.js';

/** A data directory that cannot be loaded: one sentence naming the file. */
export class StoreError extends Ssl3Error {}

const STARTUP_CONFIG = 'startup-config';
const METADATA = 'keys.json';
const TRUSTPOINTS = 'trustpoints';

const KEY_USAGES: readonly KeyUsage[] = ['general', 'signature', 'encryption'];

/** The files of each pair. */
export const PAIR_FILES: Readonly<Record<KeyUsage, { readonly key: string; readonly cert: string }>> = {
  general: { key: 'server-key.pem', cert: 'server-cert.pem' },
  signature: { key: 'server-signature-key.pem', cert: 'server-signature-cert.pem' },
  encryption: { key: 'server-encryption-key.pem', cert: 'server-encryption-cert.pem' },
};

const KEY_MODE = 0o600;
const CERT_MODE = 0o644;
const CONFIG_MODE = 0o600;
const DIR_MODE = 0o700;

/** trustpoints/NAME-USAGE.pem; NAME is URI-encoded, so no trustpoint name can reach outside the folder. */
const TRUSTPOINT_FILE_RE = /^([^.].*)-(ca|general|signature|encryption)\.pem$/;
/** NAME of trustpoints/NAME-USAGE.pem: URI-encoded, and a leading dot too, so it is neither hidden nor a temporary name. */
function trustpointFileName(trustpoint: string): string {
  return encodeURIComponent(trustpoint).replace(/^\./, '%2E');
}

/** writeFileAtomic's temporary names: `.NAME.PID.RANDOM.tmp`. */
const TEMP_FILE_RE = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/;

interface KeyMetadata {
  readonly usage: KeyUsage;
  readonly name: string;
  readonly generatedAt: string;
  /** Hex SHA-1 key identifier (RFC 5280 4.2.1.2 method 1): which key file the entry describes. */
  readonly keyId: string;
}

/** keys.json. */
interface Metadata {
  readonly version: 1;
  /** The pairs that are current: the set the loader reads. */
  readonly usages: readonly KeyUsage[];
  readonly keys: readonly KeyMetadata[];
  /** The files of trustpoints/ that are current; others are a crashed save's leftovers. */
  readonly trustpoints: readonly string[];
}

/** One file of the saved state. */
interface Planned {
  readonly path: string;
  readonly text: string;
  readonly mode: number;
}

interface PlannedPair {
  readonly usage: KeyUsage;
  readonly key: Planned;
  readonly rsa: RsaPrivateKey;
  readonly cert?: Planned;
}

function keyIdHex(key: RsaPrivateKey): string {
  return Buffer.from(keyIdentifier(key)).toString('hex');
}

function metadataOf(k: KeyPairRecord): KeyMetadata {
  return { usage: k.usage, name: k.name, generatedAt: k.generatedAt.toISOString(), keyId: keyIdHex(k.key) };
}

function metadataText(m: Metadata): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The first certificate of a PEM text, or undefined when there is none that parses. */
function firstCertificate(text: string | undefined): Certificate | undefined {
  if (text === undefined) return undefined;
  try {
    return parseCertificates(text)[0];
  } catch {
    return undefined;
  }
}

function parseMetadata(text: string): Metadata | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const m = data as Partial<Metadata> | null;
  const isUsage = (u: unknown): u is KeyUsage => typeof u === 'string' && (KEY_USAGES as readonly string[]).includes(u);
  if (!m || m.version !== 1 || !Array.isArray(m.usages) || !m.usages.every(isUsage) || !Array.isArray(m.keys)) return undefined;
  const keys = m.keys.filter(
    (k: Partial<KeyMetadata> | null): k is KeyMetadata =>
      !!k && isUsage(k.usage) && typeof k.name === 'string' && typeof k.keyId === 'string' && typeof k.generatedAt === 'string' && !Number.isNaN(Date.parse(k.generatedAt)),
  );
  const trustpoints = Array.isArray(m.trustpoints) ? m.trustpoints.filter((f): f is string => typeof f === 'string' && TRUSTPOINT_FILE_RE.test(f)) : undefined;
  if (!trustpoints) return undefined;
  return { version: 1, usages: m.usages, keys, trustpoints };
}

/** Makes a removal durable, as writeFileAtomic does for a rename; some platforms cannot fsync a directory. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Nothing more can be done where directories cannot be synced; the removal itself is done.
  } finally {
    await handle?.close();
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

export interface DataDirectoryOptions {
  /**
   * Called before each file a save writes or removes, with its path; an exception stops the
   * save there, as a crash would. For tests that crash a save at every step in turn.
   */
  beforeChange?: (path: string) => void;
}

export class DataDirectory {
  readonly startupConfigPath: string;
  /** Saves run one at a time: two at once would interleave their files. */
  private queue: Promise<void> = Promise.resolve();
  private readonly beforeChange: (path: string) => void;

  constructor(
    readonly dir: string,
    options: DataDirectoryOptions = {},
  ) {
    this.startupConfigPath = join(dir, STARTUP_CONFIG);
    this.beforeChange = options.beforeChange ?? (() => {});
  }

  /** `copy URL flash:NAME`: a file in the data directory's flash/ folder, written atomically; returns its path. */
  async writeFlashFile(name: string, data: Uint8Array): Promise<string> {
    if (!/^[^/\\]+$/.test(name) || name === '.' || name === '..') throw new StoreError('BAD_NAME', `flash:${name} is not a file name`);
    const dir = join(this.dir, 'flash');
    await fsp.mkdir(dir, { recursive: true, mode: DIR_MODE });
    const path = join(dir, name);
    await writeFileAtomic(path, data, CERT_MODE);
    return path;
  }

  /** `show startup-config`: the saved text, or undefined when nothing was saved. */
  readStartupConfig(): Promise<string | undefined> {
    return readIfExists(this.startupConfigPath);
  }

  /**
   * The saved keys and certificates. Missing files are no error (a new device has none); a
   * key file that does not parse is a StoreError naming it, since generating a new key in
   * its place would silently change the device's identity; a certificate that does not
   * certify its key is left out, for ensureDeviceIdentity to issue again.
   */
  async loadKeyRing(): Promise<KeyRing> {
    const metaText = await readIfExists(join(this.dir, METADATA));
    // keys.json is written atomically, so a bad one was edited by hand: what it tells (names,
    // dates, which set is current) is also told by the key files, less precisely.
    const meta = metaText === undefined ? undefined : parseMetadata(metaText);
    const usages = meta?.usages ?? (await this.presentUsages());

    const keys: KeyPairRecord[] = [];
    const certs: { usage: KeyUsage; certificate: Certificate }[] = [];
    for (const usage of usages) {
      const keyPath = join(this.dir, PAIR_FILES[usage].key);
      const keyText = await readIfExists(keyPath);
      if (keyText === undefined) continue;
      let key: RsaPrivateKey;
      try {
        key = parsePrivateKey(keyText);
      } catch (e) {
        const why = (e as Error).message.replace(/\.$/, '');
        throw new StoreError(
          'BAD_KEY_FILE',
          `The key file ${keyPath} does not hold a usable RSA private key (${why}); restore it from a backup, or remove it and its certificate to have new keys generated.`,
        );
      }
      const cert = firstCertificate(await readIfExists(join(this.dir, PAIR_FILES[usage].cert)));
      const certified = cert && certifies(cert, key) ? cert : undefined;
      if (certified) certs.push({ usage, certificate: certified });
      const id = keyIdHex(key);
      const entry = meta?.keys.find((k) => k.usage === usage && k.keyId === id);
      // Without its own entry (keys.json from before the key, or none at all): the name the
      // certificate or the set's other pair carries, and the file's time as the best date known.
      const name = entry?.name ?? (certified && commonName(certified.subject)) ?? meta?.keys.find((k) => k.usage === usage)?.name ?? DEFAULT_HOSTNAME;
      const generatedAt = entry ? new Date(entry.generatedAt) : (await fsp.stat(keyPath)).mtime;
      keys.push({ name, usage, key, generatedAt });
    }

    const certificates: CertificateRecord[] = [];
    if (keys.length) {
      const trustpoint = selfSignedTrustpointName(keys);
      for (const c of certs) certificates.push({ trustpoint, usage: c.usage, certificate: c.certificate });
    }
    certificates.push(...(await this.loadTrustpoints(keys, meta?.trustpoints)));
    return { keys, certificates };
  }

  /** Without keys.json (a directory of plain `ssl3 serve`, or one put together by hand): the pairs whose key files exist, the general one first. */
  private async presentUsages(): Promise<KeyUsage[]> {
    const names = new Set(await listDir(this.dir));
    if (names.has(PAIR_FILES.general.key)) return ['general'];
    return (['signature', 'encryption'] as const).filter((u) => names.has(PAIR_FILES[u].key));
  }

  /**
   * trustpoints/: CA certificates, and enrolled device certificates whose key the ring holds.
   * Only the files keys.json lists: a removed trustpoint's file may outlive a crashed save,
   * and its CA must not come back as a trusted one.
   */
  private async loadTrustpoints(keys: readonly KeyPairRecord[], listed: readonly string[] | undefined): Promise<CertificateRecord[]> {
    const out: CertificateRecord[] = [];
    const folder = join(this.dir, TRUSTPOINTS);
    for (const file of (await listDir(folder)).sort()) {
      const m = TRUSTPOINT_FILE_RE.exec(file);
      if (!m || (listed && !listed.includes(file))) continue;
      let trustpoint: string;
      try {
        trustpoint = decodeURIComponent(m[1]);
      } catch {
        continue;
      }
      const usage = m[2] as KeyUsage | 'ca';
      const text = await readIfExists(join(folder, file));
      let certs: Certificate[];
      try {
        certs = text === undefined ? [] : parseCertificates(text);
      } catch {
        continue; // written atomically, so damaged by hand; enrollment can fetch it again
      }
      for (const certificate of certs) {
        if (usage !== 'ca' && !keys.some((k) => certifies(certificate, k.key))) continue;
        out.push({ trustpoint, usage, certificate });
      }
    }
    return out;
  }

  /**
   * `copy running-config startup-config`: the configuration text, keys and certificates.
   * The ring is read when the call is made; later changes to it are the next save's.
   * Without a text (undefined) the keys and certificates are saved and the startup-config is
   * left as it is: `ssl3 serve --config` keeps an identity it generated, but never rewrites
   * the configuration, which is the user's file.
   */
  save(configText: string | undefined, ring: KeyRing): Promise<void> {
    let plan: ReturnType<DataDirectory['plan']>;
    try {
      plan = this.plan(ring);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const run = this.queue.then(() => this.write(configText, plan));
    this.queue = run.catch(() => {});
    return run;
  }

  private plan(ring: KeyRing): { pairs: PlannedPair[]; trustpointFiles: Planned[]; meta: Metadata } {
    // One pair per usage: that is what the files can hold.
    const keys = KEY_USAGES.map((u) => ring.keys.find((k) => k.usage === u)).filter((k): k is KeyPairRecord => k !== undefined);
    const selfName = keys.length ? selfSignedTrustpointName(keys) : undefined;
    const pairs = keys.map((k): PlannedPair => {
      const cert = ring.certificates.find((c) => c.trustpoint === selfName && c.usage === k.usage && certifies(c.certificate, k.key));
      const files = PAIR_FILES[k.usage];
      return {
        usage: k.usage,
        rsa: k.key,
        key: { path: join(this.dir, files.key), text: privateKeyToPem(k.key), mode: KEY_MODE },
        cert: cert && { path: join(this.dir, files.cert), text: certificateToPem(cert.certificate), mode: CERT_MODE },
      };
    });

    // Other trustpoints' certificates; a device certificate whose key is gone could never be used again.
    const groups = new Map<string, Certificate[]>();
    for (const c of ring.certificates) {
      if (c.trustpoint === selfName) continue;
      if (c.usage !== 'ca' && !keys.some((k) => certifies(c.certificate, k.key))) continue;
      const file = `${trustpointFileName(c.trustpoint)}-${c.usage}.pem`;
      groups.set(file, [...(groups.get(file) ?? []), c.certificate]);
    }
    const trustpointFiles = [...groups].map(([file, certs]) => ({
      path: join(this.dir, TRUSTPOINTS, file),
      text: certs.map(certificateToPem).join(''),
      mode: CERT_MODE,
    }));
    const meta: Metadata = { version: 1, usages: keys.map((k) => k.usage), keys: keys.map(metadataOf), trustpoints: [...groups.keys()] };
    return { pairs, trustpointFiles, meta };
  }

  private async write(configText: string | undefined, plan: { pairs: PlannedPair[]; trustpointFiles: Planned[]; meta: Metadata }): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true, mode: DIR_MODE });
    const metaPath = join(this.dir, METADATA);

    // Which keys change: their old metadata stays listed until the new set is complete.
    const changing: PlannedPair[] = [];
    for (const p of plan.pairs) if ((await readIfExists(p.key.path)) !== p.key.text) changing.push(p);
    if (changing.length) {
      const old = parseMetadata((await readIfExists(metaPath)) ?? '');
      const usages = old?.usages ?? (await this.presentUsages());
      const trustpoints = old?.trustpoints ?? (await listDir(join(this.dir, TRUSTPOINTS))).filter((f) => TRUSTPOINT_FILE_RE.test(f));
      const interim: Metadata = { version: 1, usages, keys: [...(old?.keys ?? []), ...plan.meta.keys], trustpoints };
      await this.put({ path: metaPath, text: metadataText(interim), mode: CERT_MODE });
    }

    for (const p of plan.pairs) {
      if (changing.includes(p)) {
        const certPath = join(this.dir, PAIR_FILES[p.usage].cert);
        const onDisk = firstCertificate(await readIfExists(certPath));
        if (onDisk === undefined || !certifies(onDisk, p.rsa)) await this.remove(certPath);
        await this.put(p.key);
      }
      if (p.cert) await this.writeIfChanged(p.cert);
    }
    if (plan.trustpointFiles.length) await fsp.mkdir(join(this.dir, TRUSTPOINTS), { recursive: true, mode: DIR_MODE });
    for (const f of plan.trustpointFiles) await this.writeIfChanged(f);
    await this.writeIfChanged({ path: metaPath, text: metadataText(plan.meta), mode: CERT_MODE });

    if (configText !== undefined) await this.put({ path: this.startupConfigPath, text: configText, mode: CONFIG_MODE });

    // The new state is complete: what it does not name goes. Certificates before their keys.
    const keep = new Set([...plan.pairs.flatMap((p) => [p.key.path, ...(p.cert ? [p.cert.path] : [])]), ...plan.trustpointFiles.map((f) => f.path)]);
    for (const u of KEY_USAGES) {
      for (const file of [PAIR_FILES[u].cert, PAIR_FILES[u].key]) {
        const path = join(this.dir, file);
        if (!keep.has(path)) await this.remove(path);
      }
    }
    const folder = join(this.dir, TRUSTPOINTS);
    for (const file of await listDir(folder)) {
      if (TRUSTPOINT_FILE_RE.test(file) && !keep.has(join(folder, file))) await this.remove(join(folder, file));
    }
    await this.removeDeadTemporaries(this.dir);
    await this.removeDeadTemporaries(folder);
  }

  private async writeIfChanged(f: Planned): Promise<void> {
    if ((await readIfExists(f.path)) === f.text) {
      // Same contents: keep the file, but hold it to the mode this save promises.
      await fsp.chmod(f.path, f.mode);
      return;
    }
    await this.put(f);
  }

  private async put(f: Planned): Promise<void> {
    this.beforeChange(f.path);
    await writeFileAtomic(f.path, f.text, f.mode);
  }

  /** Removes a file if it exists, durably: the next write must not reach the disk before the removal does. */
  private async remove(path: string): Promise<void> {
    const exists = await fsp.lstat(path).then(
      () => true,
      () => false,
    );
    if (!exists) return;
    this.beforeChange(path);
    try {
      await fsp.unlink(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    await syncDirectory(dirname(path));
  }

  /** Temporary files left by a writer that was killed mid-write; those of a running one are its own business. */
  private async removeDeadTemporaries(dir: string): Promise<void> {
    for (const file of await listDir(dir)) {
      const m = TEMP_FILE_RE.exec(file);
      if (m && !processAlive(Number(m[1]))) await fsp.rm(join(dir, file), { force: true });
    }
  }
}
