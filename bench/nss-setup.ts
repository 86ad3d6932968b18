/**
 * What the NSS rows (nss.ts, nss-memory.ts) share: the bench identity as files and in NSS
 * databases, the files both servers serve, and starting `ssl3 serve` and NSS selfserv with
 * the same key on a free port of 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchIdentity, HOST } from './identity.js';
import { Daemon, findTools, makeNssDb, nssAddCert, nssImportP12, runSync, startOnFreePort, startSelfserv, tempDir } from '../test/interop/nss-helpers.js';

export const MB = 1024 * 1024;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'src/cli/main.ts');

/** The four suites of the IOS guide: NSS's cipher letter, MiB per transfer (about a second of work each). */
export const BULK: { suite: string; nss: string; mb: number }[] = [
  { suite: 'rc4-128-md5', nss: 'c', mb: 64 },
  { suite: 'rc4-128-sha', nss: 'n', mb: 64 },
  { suite: '3des-ede-cbc-sha', nss: 'd', mb: 16 },
  { suite: 'des-cbc-sha', nss: 'e', mb: 32 },
];

export interface Tools {
  strsclnt: string;
  selfserv: string;
  tstclnt: string;
  certutil: string;
  pk12util: string;
  openssl: string;
}

/** The NSS side's files: databases with the bench identity (server) and trusting it (client). */
export interface Setup {
  tools: Tools;
  dir: string;
  keyFile: string;
  certFile: string;
  serverDb: string;
  clientDb: string;
  /** A directory both servers serve the bulk files from. */
  www: string;
}

/** `files: false` for rows that serve no files (burst.ts): `www` is then empty. */
export function setUp({ files = true } = {}): Setup | undefined {
  const tools = findTools({ strsclnt: 'libnss3-tools', selfserv: 'libnss3-tools', tstclnt: 'libnss3-tools', certutil: 'libnss3-tools', pk12util: 'libnss3-tools', openssl: 'openssl' });
  if (!tools) return undefined;
  const { keyPem, certPem } = benchIdentity();
  const dir = tempDir('bench-nss');
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const p12 = join(dir, 'server.p12');
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  writeFileSync(certFile, certPem);
  runSync(tools.openssl, ['pkcs12', '-export', '-inkey', keyFile, '-in', certFile, '-name', 'server', '-out', p12, '-passout', 'pass:bench']);
  const serverDb = makeNssDb(tools.certutil, 'bench-server');
  nssImportP12(tools.pk12util, serverDb, p12, 'bench');
  const clientDb = makeNssDb(tools.certutil, 'bench-client');
  nssAddCert(tools.certutil, clientDb, 'server', certFile, 'P,,');
  const www = tempDir('bench-www');
  for (const { mb } of files ? BULK : []) {
    writeFileSync(join(www, `${mb}.bin`), randomBytes(mb * MB));
  }
  return { tools, dir, keyFile, certFile, serverDb, clientDb, www };
}

/** A server under test: its port, and the processes whose CPU counts as its own. */
export interface Server {
  daemon: Daemon;
  port: number;
}

/** `ssl3 serve` from source, listening on 127.0.0.1. */
export function startOurs(s: Setup, extra: string[]): Promise<Server> {
  return startOnFreePort(
    'ssl3 serve',
    (port) => new Daemon(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', String(port), '--bind', HOST, '--key', s.keyFile, '--cert', s.certFile, ...extra]),
    (daemon) => daemon.waitFor(/serving HTTPS/, 60_000),
  );
}

export function startNss(s: Setup, extra: string[]): Promise<Server> {
  return startSelfserv(s.tools.selfserv, ['-d', s.serverDb, '-n', 'server', '-V', 'ssl3:ssl3', '-c', 'cnde', ...extra]);
}
