/**
 * `ssl3 serve --workers 2` and `ssl3 serve --config FILE --workers 2`, as processes: one
 * listening line for all, a session made in one worker resumed in the other (the status page
 * names the process that served it), a dead worker replaced, one access log, one connection
 * limit across workers, SIGHUP reloading every worker, SIGTERM stopping them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/socket/index.js';
import type { Session } from '../../src/handshake/session.js';
import { makeIdentity } from '../helpers/identity.js';
import { capture } from '../helpers/cli.js';
import { main } from '../../src/cli/main.js';
import { freePort, sleep } from '../interop/nss-helpers.js';

const cli = join(process.cwd(), 'src', 'cli', 'main.ts');
const id = makeIdentity('localhost', 1024);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(id.dir, { recursive: true, force: true });
});

interface Served {
  child: ChildProcess;
  port: number;
  line: string;
  pids: number[];
  err: () => string;
}

/** Starts `ssl3 serve ... --workers 2` and waits for its listening line and its workers' pids. */
async function serve(args: string[], port?: number): Promise<Served> {
  port ??= await freePort();
  const portArgs = args.includes('--config') ? [] : ['--port', String(port)];
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', '--bind', '127.0.0.1', ...portArgs, '--workers', '2', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!(out.includes('\n') && /worker processes \(pids/.test(err))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`serve --workers did not start (exit ${child.exitCode}): ${err}`);
    await sleep(50);
  }
  const pids = /pids ([\d, ]+)\)/.exec(err)![1].split(', ').map(Number);
  return { child, port, line: out.trim(), pids, err: () => err };
}

interface Fetched {
  pid: number;
  suite?: string;
  reused: boolean;
  session?: Session;
}

/** GET / over a new connection; the status page says which process served it. */
function fetchStatus(port: number, session?: Session): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: id.certPem, rejectUnauthorized: false, session });
    let body = '';
    socket.once('secureConnect', () => socket.write('GET / HTTP/1.0\r\n\r\n'));
    socket.on('data', (d: Buffer) => (body += d.toString()));
    socket.once('error', reject);
    socket.once('end', () => {
      const pid = /Server process<\/th><td>(\d+)/.exec(body);
      if (!pid) return reject(new Error(`no status page: ${body.slice(0, 200)}`));
      resolve({ pid: Number(pid[1]), suite: socket.getCipher()?.iosKeyword, reused: socket.isSessionReused(), session: socket.getSession() });
      socket.destroy();
    });
  });
}

async function stop(s: Served): Promise<number | null> {
  const exited = once(s.child, 'exit');
  s.child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ssl3 serve --workers 2', () => {
  it('refuses what one process alone can do: one capture file, one replayed randomness, one lesson page', async () => {
    for (const [flag, value] of [['--pcap', join(id.dir, 'x.pcap')], ['--seed', 'abc'], ['--viewer', join(id.dir, 'x.html')]]) {
      const io = capture();
      expect(await main(['serve', '--workers', '2', flag, value], io)).toBe(2);
      expect(io.err.split('\n')[0]).toMatch(new RegExp(`^ssl3 serve: ${flag} .* cannot be combined with --workers$`));
    }
  });

  it('resumes in one worker the sessions made in the other, replaces a dead worker, keeps one access log, and stops every worker on SIGTERM', async () => {
    const log = join(id.dir, 'access.log');
    const s = await serve(['--key', id.keyFile, '--cert', id.certFile, '--ciphers', 'rc4-128-sha', '--max-connections', '50', '--access-log', log]);
    expect(s.line).toMatch(/^ssl3: serving HTTPS over SSL 3\.0 on https:\/\/127\.0\.0\.1:\d+\/ certificate SHA-256 [0-9A-F:]+$/);
    expect(s.pids).toHaveLength(2);
    const first = await fetchStatus(s.port);
    expect(first.reused).toBe(false);
    const later: Fetched[] = [];
    for (let i = 0; i < 8; i++) later.push(await fetchStatus(s.port, first.session));
    expect(later.every((f) => f.reused)).toBe(true);
    // Both workers served, so the session made in one was resumed in the other.
    expect(new Set([first.pid, ...later.map((f) => f.pid)])).toEqual(new Set(s.pids));
    // Each request's line reaches the primary a moment after its response: all nine are in
    // before the kill, which would lose one still on its way.
    const deadline = Date.now() + 60_000;
    const logged = () => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
    while (logged().length < 9) {
      if (Date.now() > deadline) throw new Error(`${logged().length} access log lines, not 9`);
      await sleep(20);
    }
    // A worker that dies is replaced, and the sessions outlive it (the primary keeps them).
    process.kill(s.pids[1], 'SIGKILL');
    while (!/worker 2 \(pid \d+\) was killed by SIGKILL; starting another/.test(s.err())) {
      if (Date.now() > deadline) throw new Error(`no replacement: ${s.err()}`);
      await sleep(50);
    }
    // Until the replacement listens, the other worker takes every connection.
    const again: Fetched[] = [];
    while (!again.some((f) => !s.pids.includes(f.pid))) {
      if (Date.now() > deadline) throw new Error(`the replacement served nothing: ${s.err()}`);
      again.push(await fetchStatus(s.port, first.session));
    }
    expect(again.every((f) => f.reused)).toBe(true);
    const all = new Set([...s.pids, ...again.map((f) => f.pid)]);
    expect(await stop(s)).toBe(0);
    expect([...all].filter(alive)).toEqual([]);
    const lines = logged();
    expect(lines).toHaveLength(9 + again.length);
    expect(lines.every((l) => / 127\.0\.0\.1 rc4-128-sha GET \/ 200 \d+ \d+ms$/.test(l))).toBe(true);
  }, 120_000);

  it('keeps one connection limit across the workers', async () => {
    const s = await serve(['--key', id.keyFile, '--cert', id.certFile, '--max-connections', '2', '--timeout-policy', 'idle=60,life=60,requests=5']);
    const open = [];
    for (let i = 0; i < 2; i++) {
      const socket = connect({ host: '127.0.0.1', port: s.port, ca: id.certPem });
      await once(socket, 'secureConnect');
      open.push(socket);
    }
    // Both slots are held by open connections (in both workers, taken in turn): every newcomer
    // is refused, whichever worker takes it; with a limit per worker they would be let in.
    for (let i = 0; i < 2; i++) {
      const socket = connect({ host: '127.0.0.1', port: s.port, ca: id.certPem });
      const outcome = await new Promise<string>((resolve) => {
        socket.once('secureConnect', () => resolve('let in'));
        socket.once('error', (err: Error & { code?: string }) => resolve(err.code ?? err.message));
      });
      socket.destroy();
      expect(outcome).toBe('ERR_SSL_CLOSED_BEFORE_ANSWER');
    }
    for (const socket of open) socket.destroy();
    // Their slots come back.
    await sleep(200);
    expect((await fetchStatus(s.port)).suite).toBeDefined();
    expect(await stop(s)).toBe(0);
  }, 120_000);
});

describe('ssl3 serve --config FILE --workers 2', () => {
  it('reloads every worker on SIGHUP', async () => {
    const port = await freePort();
    const config = join(id.dir, 'router.cfg');
    const write = (suite: string) => writeFileSync(config, ['hostname dev1', 'ip http secure-server', `ip http secure-port ${port}`, `ip http secure-ciphersuite ${suite}`, 'end', ''].join('\n'));
    write('rc4-128-sha');
    // The device's key pair up front (a small one), so no worker spends seconds making one.
    const data = join(id.dir, 'data');
    mkdirSync(data);
    copyFileSync(id.keyFile, join(data, 'server-key.pem'));
    copyFileSync(id.certFile, join(data, 'server-cert.pem'));
    const s = await serve(['--config', config, '--data-dir', data], port);
    const before = [await fetchStatus(port), await fetchStatus(port)];
    expect(before.map((f) => f.suite)).toEqual(['rc4-128-sha', 'rc4-128-sha']);
    expect(new Set(before.map((f) => f.pid))).toEqual(new Set(s.pids));

    write('3des-ede-cbc-sha');
    s.child.kill('SIGHUP');
    const deadline = Date.now() + 30_000;
    while (!s.err().includes('reloaded')) {
      if (Date.now() > deadline) throw new Error(`no reload: ${s.err()}`);
      await sleep(50);
    }
    // The other worker reloads at the same time: both soon answer with the new suite.
    const reloaded = new Set<number>();
    while (reloaded.size < 2) {
      if (Date.now() > deadline) throw new Error(`only ${[...reloaded]} reloaded: ${s.err()}`);
      const f = await fetchStatus(port);
      if (f.suite === '3des-ede-cbc-sha') reloaded.add(f.pid);
    }
    expect(reloaded).toEqual(new Set(s.pids));
    expect(await stop(s)).toBe(0);
  }, 120_000);
});
