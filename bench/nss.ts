/**
 * The NSS rows: ours beside NSS selfserv, the best SSL 3.0 server a user could run instead,
 * both driven by the same independent NSS clients in the same run (issue 14). Same RSA-2048
 * key and certificate (bench/identity.ts), same suite, same counts on both sides.
 *
 *   nss-hs-full        strsclnt -N -c 1000 -t 8 -C n -V ssl3:ssl3 (RC4-SHA, 8 threads, no
 *                      reuse) against `ssl3 serve` and against selfserv: handshakes per second
 *   nss-hs-resumed     the same without -N: the first connection makes a session, every other
 *                      one resumes it (checked from strsclnt's "cache hits")
 *   nss-send-<suite>   one connection, server to client: tstclnt fetches a file from
 *                      `ssl3 serve --root` and from selfserv (GET of its path: PR_TransmitFile);
 *                      our encryption and MAC against NSS's, NSS's tstclnt decrypting both
 *   nss-recv-<suite>   one connection, client from server: selfserv -g sends 16 KiB blocks to
 *                      our client (src/socket connect()) and to tstclnt; our decryption and MAC
 *                      against NSS's, NSS's selfserv encrypting both
 *
 * strsclnt is timed as a process; its start-up (NSS database, one full handshake with
 * selfserv, measured before the rows) is subtracted from every run, ours and NSS's. The bulk
 * rows time from the first byte the receiving end gets to the end of the connection. The
 * `workers` rows run `ssl3 serve --workers 2` (one process per core) against the same selfserv.
 * Each row also gets `cpuRatio`: NSS's CPU seconds over ours for the same work, taken from
 * /proc for the side under test (every process and thread of the server; the receiving
 * client in the recv rows), a figure that other load on the machine does not inflate as it
 * does wall time. SSL3_BENCH_UTIL=1 prints every run's rate and CPU on stderr.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../src/socket/index.js';
import { benchIdentity, HOST } from './identity.js';
import { parseProcStat, type Row } from './measure.js';
import { Daemon, findTools, freePort, makeNssDb, nssAddCert, nssImportP12, removeTempDirs, run, runSync, startSelfserv, tempDir, waitForPort } from '../test/interop/nss-helpers.js';

const MB = 1024 * 1024;
const BLOCK = 16 * 1024;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'src/cli/main.ts');
const SHOW_USAGE = !!process.env.SSL3_BENCH_UTIL;

/** strsclnt's settings (the issue's): 8 threads, RC4-SHA (`n`, the IOS rc4-128-sha). */
const HS = { threads: 8, nss: 'n', ios: 'rc4-128-sha', full: 1000, resumed: 2000 };

/** The four suites of the IOS guide: NSS's cipher letter, MiB per transfer (about a second of work each). */
const BULK: { suite: string; nss: string; mb: number }[] = [
  { suite: 'rc4-128-md5', nss: 'c', mb: 64 },
  { suite: 'rc4-128-sha', nss: 'n', mb: 64 },
  { suite: '3des-ede-cbc-sha', nss: 'd', mb: 16 },
  { suite: 'des-cbc-sha', nss: 'e', mb: 32 },
];

/** `ssl3 serve` with one process, then with `--workers N` for each N here. */
const WORKERS = [1, 2];
const HS_NAMES = WORKERS.flatMap((w) => ['nss-hs-full', 'nss-hs-resumed'].map((n) => (w === 1 ? n : `${n}-workers${w}`)));
const SEND_NAMES = BULK.map((b) => `nss-send-${b.suite}`);
const RECV_NAMES = BULK.map((b) => `nss-recv-${b.suite}`);
export const NSS_NAMES = [...HS_NAMES, ...SEND_NAMES, ...RECV_NAMES];

interface Tools {
  strsclnt: string;
  selfserv: string;
  tstclnt: string;
  certutil: string;
  pk12util: string;
  openssl: string;
}

/** The NSS side's files: databases with the bench identity (server) and trusting it (client). */
interface Setup {
  tools: Tools;
  dir: string;
  keyFile: string;
  certFile: string;
  serverDb: string;
  clientDb: string;
  /** A directory both servers serve the bulk files from. */
  www: string;
}

function setUp(): Setup | undefined {
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
  for (const { mb } of BULK) {
    writeFileSync(join(www, `${mb}.bin`), randomBytes(mb * MB));
  }
  return { tools, dir, keyFile, certFile, serverDb, clientDb, www };
}

/** A server under test: its port, and the processes whose CPU counts as its own. */
interface Server {
  daemon: Daemon;
  port: number;
}

/** `ssl3 serve` from source, listening on 127.0.0.1; retries when the port was taken meanwhile. */
async function startOurs(s: Setup, extra: string[]): Promise<Server> {
  let last = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const args = ['--import', 'tsx', CLI, 'serve', '--port', String(port), '--bind', HOST, '--key', s.keyFile, '--cert', s.certFile, ...extra];
    const daemon = new Daemon(process.execPath, args);
    try {
      await daemon.waitFor(/serving HTTPS/, 60_000);
      if (await waitForPort(port, 10_000, () => !daemon.exited)) return { daemon, port };
    } catch {
      // fall through: try another port
    }
    last = daemon.output;
    await daemon.stop('SIGKILL');
  }
  throw new Error(`ssl3 serve did not start:\n${last}`);
}

function startNss(s: Setup, extra: string[]): Promise<Server> {
  return startSelfserv(s.tools.selfserv, ['-d', s.serverDb, '-n', 'server', '-V', 'ssl3:ssl3', '-c', 'cnde', ...extra]);
}

/** CPU seconds (user + system) of process `pid` and all its descendants, from /proc; NaN where there is none. */
function treeCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      parent.set(Number(entry), stat.ppid);
      cpu.set(Number(entry), stat.cpu);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  for (const [p, seconds] of cpu) {
    for (let q: number | undefined = p; q !== undefined && q > 1; q = parent.get(q)) {
      if (q === pid) {
        total += seconds;
        break;
      }
    }
  }
  return total;
}

/**
 * One measurement: the rate (higher is better) and the CPU seconds the side under test spent
 * on it (the server for the handshake and send rows, the receiving client for the recv rows).
 */
interface Sample {
  rate: number;
  cpu: number;
}

/** The CPU seconds `server`'s processes spend while `work` runs. */
async function serverCpu(server: Server, work: () => Promise<number>): Promise<Sample> {
  const before = treeCpuSeconds(server.daemon.child.pid);
  const rate = await work();
  return { rate, cpu: treeCpuSeconds(server.daemon.child.pid) - before };
}

/**
 * Measures ours and NSS alternately, `rounds` times each, and builds the row from the best
 * round of each side (highest rate, least CPU). `cpuRatio` is NSS's CPU over ours for the same
 * work: what the ratio would be if each side had the cores to itself.
 */
async function compareRounds(name: string, unit: string, rounds: number, ours: () => Promise<Sample>, nss: () => Promise<Sample>): Promise<Row> {
  const best = { ours: { rate: 0, cpu: Infinity }, nss: { rate: 0, cpu: Infinity } };
  const keep = (side: 'ours' | 'nss', sample: Sample) => {
    if (SHOW_USAGE) process.stderr.write(`  ${`${name} ${side === 'ours' ? 'ours' : 'NSS'}`.padEnd(34)} ${sample.rate.toFixed(1).padStart(8)} ${unit}  CPU ${sample.cpu.toFixed(2)} s\n`);
    best[side] = { rate: Math.max(best[side].rate, sample.rate), cpu: Math.min(best[side].cpu, sample.cpu) };
  };
  for (let round = 0; round < rounds; round++) {
    keep('ours', await ours());
    keep('nss', await nss());
  }
  return { name, unit, ours: best.ours.rate, native: best.nss.rate, ratio: best.ours.rate / best.nss.rate, cpuRatio: best.nss.cpu / best.ours.cpu };
}

/** strsclnt against a server: wall seconds; fails loudly on any error or on resumption not as asked. */
async function strsclnt(s: Setup, port: number, count: number, full: boolean): Promise<number> {
  const args = ['-p', String(port), '-d', s.clientDb, '-c', String(count), '-t', String(HS.threads), '-C', HS.nss, '-V', 'ssl3:ssl3', '-q', ...(full ? ['-N'] : []), HOST];
  const start = performance.now();
  const r = await run(s.tools.strsclnt, args, { timeoutMs: 300_000 });
  const seconds = (performance.now() - start) / 1000;
  const out = r.stdout + r.stderr;
  // It prints the first connection's line, then the total's (on stdout and stderr: order unknown).
  const counts = [...out.matchAll(/(\d+) cache hits; (\d+) cache misses/g)].sort((a, b) => Number(b[1]) + Number(b[2]) - Number(a[1]) - Number(a[2]))[0];
  if (r.code !== 0 || r.timedOut || !counts) throw new Error(`strsclnt ${args.join(' ')} failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${out.slice(-2000)}`);
  const hits = Number(counts[1]);
  const misses = Number(counts[2]);
  if (hits + misses !== count) throw new Error(`strsclnt: ${hits} hits + ${misses} misses for ${count} connections:\n${out.slice(-2000)}`);
  if (full ? hits !== 0 : misses > 1) throw new Error(`strsclnt ${full ? '-N' : ''}: ${hits} cache hits, ${misses} misses of ${count}`);
  return seconds;
}

/** strsclnt's own start-up and first handshake, taken against selfserv: the least of a few runs. */
async function strsclntOverhead(s: Setup, nss: Server): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < 3; i++) least = Math.min(least, await strsclnt(s, nss.port, 1, true));
  return least;
}

async function handshakeRows(s: Setup, want: (name: string) => boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const nss = await startNss(s, []);
  try {
    const overhead = await strsclntOverhead(s, nss);
    for (const workers of WORKERS) {
      const suffix = workers === 1 ? '' : `-workers${workers}`;
      const kinds = [
        { name: `nss-hs-full${suffix}`, full: true, count: HS.full, rounds: 1 },
        { name: `nss-hs-resumed${suffix}`, full: false, count: HS.resumed, rounds: 2 },
      ].filter((k) => want(k.name));
      if (!kinds.length) continue;
      const ours = await startOurs(s, ['--ciphers', HS.ios, '--max-connections', '100', ...(workers > 1 ? ['--workers', String(workers)] : [])]);
      try {
        await strsclnt(s, ours.port, 50, false); // warm-up: JIT, both paths
        await strsclnt(s, ours.port, 20, true);
        for (const k of kinds) {
          const rate = (server: Server) => serverCpu(server, async () => k.count / Math.max((await strsclnt(s, server.port, k.count, k.full)) - overhead, 1e-3));
          rows.push(await compareRounds(k.name, 'hs/s', k.rounds, () => rate(ours), () => rate(nss)));
        }
      } finally {
        await ours.daemon.stop();
      }
    }
  } finally {
    await nss.daemon.stop();
  }
  return rows;
}

/** MB/s of what `source` delivers, from its first byte to its end; `bytes` must arrive. */
function receiveRate(source: NodeJS.EventEmitter, bytes: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let got = 0;
    let first = 0;
    source.on('data', (d: Buffer) => {
      if (!got) first = performance.now();
      got += d.length;
    });
    source.once('error', reject);
    source.once('close', () => {
      if (got < bytes) return reject(new Error(`${what}: ${got} bytes of ${bytes}`));
      resolve(got / MB / ((performance.now() - first) / 1000));
    });
  });
}

/**
 * tstclnt sending `request` and counting what comes back; its CPU comes from the shell that
 * runs it (`times`: the children's user and system seconds, on stderr's last line).
 */
async function tstclnt(s: Setup, port: number, letter: string, request: string, bytes: number): Promise<Sample> {
  const args = ['-h', HOST, '-p', String(port), '-d', s.clientDb, '-V', 'ssl3:ssl3', '-c', letter];
  const child = spawn('sh', ['-c', '"$0" "$@" 2>/dev/null; times >&2', s.tools.tstclnt, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
  child.stdin.end(request);
  try {
    // stdout's 'close' comes once tstclnt has written everything and exited.
    const rate = await receiveRate(child.stdout, bytes, `tstclnt -c ${letter} from port ${port}`);
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    const times = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(stderr);
    const cpu = times ? Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]) : NaN;
    return { rate, cpu };
  } finally {
    clearTimeout(timer);
  }
}

/** Our client reading what the server sends after `request`; its CPU is this process's. */
async function oursReceiving(s: Setup, port: number, suite: string, request: string, bytes: number): Promise<Sample> {
  const before = process.cpuUsage();
  const socket = connect({ host: HOST, port, ca: readFileSync(s.certFile, 'utf8'), ciphers: suite });
  socket.once('secureConnect', () => socket.write(request));
  socket.on('end', () => socket.destroy());
  const rate = await receiveRate(socket, bytes, `our client (${suite}) from port ${port}`);
  const used = process.cpuUsage(before);
  return { rate, cpu: (used.user + used.system) / 1e6 };
}

async function sendRows(s: Setup, want: (name: string) => boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const picked = BULK.filter((b) => want(`nss-send-${b.suite}`));
  if (!picked.length) return rows;
  const ours = await startOurs(s, ['--root', s.www, '--max-connections', '100']);
  const nss = await startNss(s, []);
  try {
    for (const b of picked) {
      const file = `${b.mb}.bin`;
      const bytes = b.mb * MB;
      const fetch = (server: Server, path: string) => serverCpu(server, async () => (await tstclnt(s, server.port, b.nss, `GET ${path} HTTP/1.0\r\n\r\n`, bytes)).rate);
      await fetch(ours, `/${file}`); // warm-up
      rows.push(await compareRounds(`nss-send-${b.suite}`, 'MB/s', 2, () => fetch(ours, `/${file}`), () => fetch(nss, join(s.www, file))));
    }
  } finally {
    await Promise.all([ours.daemon.stop(), nss.daemon.stop()]);
  }
  return rows;
}

/** selfserv -g: each run needs its own, since the block count is for the server's whole life. */
async function fromBulkSelfserv(s: Setup, blocks: number, work: (server: Server) => Promise<Sample>): Promise<Sample> {
  const server = await startNss(s, ['-g', String(blocks)]);
  try {
    return await work(server);
  } finally {
    await server.daemon.stop();
  }
}

async function recvRows(s: Setup, want: (name: string) => boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const request = 'GET / HTTP/1.0\r\n\r\n';
  for (const b of BULK) {
    const name = `nss-recv-${b.suite}`;
    if (!want(name)) continue;
    const blocks = (b.mb * MB) / BLOCK;
    const bytes = blocks * BLOCK;
    const ours = () => fromBulkSelfserv(s, blocks, (server) => oursReceiving(s, server.port, b.suite, request, bytes));
    await ours(); // warm-up
    rows.push(await compareRounds(name, 'MB/s', 2, ours, () => fromBulkSelfserv(s, blocks, (server) => tstclnt(s, server.port, b.nss, request, bytes))));
  }
  return rows;
}

export async function nssRows(want: (name: string) => boolean): Promise<Row[]> {
  const s = setUp();
  if (!s) {
    console.log('nss-*: skipped (NSS tools or openssl missing; see above)');
    return [];
  }
  try {
    return [...(await handshakeRows(s, want)), ...(await sendRows(s, want)), ...(await recvRows(s, want))];
  } finally {
    removeTempDirs();
  }
}
