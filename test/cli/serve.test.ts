import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { once } from 'node:events';
import { connect as connectTcp, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ssl3-serve-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const cli = join(process.cwd(), 'src', 'cli', 'main.ts');
/**
 * `node --import tsx`, not the tsx binary: the binary relays SIGTERM to the node it starts and
 * waits 30 ms for that child to report a handler; on a loaded machine the report comes later,
 * and tsx then SIGKILLs the child and exits 143, as if serve had not stopped cleanly.
 */
const node = [process.execPath, '--import', 'tsx'] as const;

/** Starts `ssl3 serve` and resolves with its one listening line. */
async function freePort(): Promise<number> {
  const s = createNetServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  s.close();
  return port;
}

/** Starts `ssl3 serve` on a free port (the command, like IOS, refuses port 0) and resolves with its one listening line. */
async function startServe(args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const port = await freePort();
  const child = spawn(node[0], [...node.slice(1), cli, 'serve', '--bind', '127.0.0.1', '--port', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, line: out.trim() });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('ssl3 serve and ssl3 get', () => {
  it('refuses a port IOS would refuse, with IOS\'s message', async () => {
    const io = capture();
    expect(await main(['serve', '--port', '80'], io)).toBe(2);
    expect(io.err.split('\n')[0]).toBe('ssl3 serve: Invalid secure port value.');
  });

  it('generates a self-signed identity once, keeps it across restarts, serves files, and stops on SIGTERM', async () => {
    const dataDir = join(dir, 'data');
    const root = join(dir, 'www');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<h1>legacy</h1>');
    writeFileSync(join(root, 'sub', 'a.txt'), 'file a');

    const first = await startServe(['--data-dir', dataDir, '--hostname', 'router.test', '--root', root]);
    expect(first.line).toMatch(/^ssl3: serving HTTPS over SSL 3\.0 on https:\/\/127\.0\.0\.1:\d+\/ certificate SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2} \(new self-signed/);
    const port = /:(\d+)\//.exec(first.line)![1];
    const fp = /SHA-256 (\S+)/.exec(first.line)![1];
    const certPem = readFileSync(join(dataDir, 'server-cert.pem'), 'utf8');

    let io = capture();
    expect(await main(['get', '--pin', fp, `https://127.0.0.1:${port}/`], io)).toBe(0);
    expect(io.out).toBe('<h1>legacy</h1>');
    io = capture();
    expect(await main(['get', '--pin', fp, `https://127.0.0.1:${port}/sub/a.txt`], io)).toBe(0);
    expect(io.out).toBe('file a');
    io = capture();
    expect(await main(['get', '--pin', fp, `https://127.0.0.1:${port}/missing`], io)).toBe(22);
    expect(io.err).toMatch(/HTTP 404/);
    io = capture();
    expect(await main(['get', `https://127.0.0.1:${port}/`], io)).toBe(1);
    expect(io.err).toMatch(/certificate rejected: .*router\.test/);
    // The line names the cause and the alert sent for it.
    expect(io.err).toMatch(/\(CERTIFICATE_UNTRUSTED, sent bad_certificate\); use --ca FILE/);

    const code = exited(first.child);
    first.child.kill('SIGTERM');
    expect(await code).toBe(0);

    const second = await startServe(['--data-dir', dataDir, '--hostname', 'router.test']);
    expect(second.line).toContain(fp);
    expect(second.line).toContain('from');
    expect(readFileSync(join(dataDir, 'server-cert.pem'), 'utf8')).toBe(certPem);
    const port2 = /:(\d+)\//.exec(second.line)![1];
    // Trusted as a CA, the certificate still names router.test, not 127.0.0.1.
    io = capture();
    expect(await main(['get', '--ca', join(dataDir, 'server-cert.pem'), `https://127.0.0.1:${port2}/`], io)).toBe(1);
    expect(io.err).toMatch(/127\.0\.0\.1.*router\.test/);
    io = capture();
    expect(await main(['get', '--pin', fp, '--ciphers', 'rc4-128-md5', `https://127.0.0.1:${port2}/status`], io)).toBe(0);
    expect(io.out).toContain('SSL_RSA_WITH_RC4_128_MD5');
    second.child.kill('SIGTERM');
    await exited(second.child);
  });

  it('rejects bad policy flags with one line naming the bad value', async () => {
    const cases: [string[], RegExp][] = [
      [['--access-list', 'permit 10.0.0.0 0.0.0.256'], /^ssl3 serve: --access-list: '0\.0\.0\.256' is not a wildcard mask/],
      [['--access-list', 'permit any; alow host 1.2.3.4'], /^ssl3 serve: --access-list: 'alow' is not 'permit' or 'deny'/],
      [['--timeout-policy', 'idle=30,life=90000'], /^ssl3 serve: --timeout-policy: life must be a whole number from 1 to 86400, got 90000/],
      [['--timeout-policy', 'requests=0'], /^ssl3 serve: --timeout-policy: requests must be/],
      [['--max-connections', '0'], /^ssl3 serve: --max-connections must be between 1 and/],
      [['--auth-password', 'a', '--auth-users', 'x'], /exclude each other/],
      [['--http-port', '4433'], /also the secure port/],
      [['--auth-users', join(dir, 'missing-users')], /--auth-users .*missing-users: no such file/],
      [['--root', dir, '--upstream', 'http://127.0.0.1:8080/'], /^ssl3 serve: --root and --upstream: choose one$/],
      [['--upstream', 'service:8080'], /^ssl3 serve: --upstream: only http:\/\/ or https:\/\/ services, got service:\/\/$/],
      [['--upstream', 'not a url'], /^ssl3 serve: --upstream: not a URL: 'not a url'$/],
    ];
    for (const [args, message] of cases) {
      const io = capture();
      const code = await main(['serve', '--port', '4433', ...args], io);
      expect(code, args.join(' ')).toBeGreaterThan(0);
      expect(io.err.split('\n')[0], args.join(' ')).toMatch(message);
    }
  });

  it('serves HTTPS and plain HTTP through the policy flags: ACL, authentication, requests limit, access log', async () => {
    const root = join(dir, 'www2');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'index.html'), 'policy');
    const users = join(dir, 'users');
    writeFileSync(users, 'admin:pa55\n');
    const log = join(dir, 'access.log');
    const httpPort = await freePort();
    const { child, line } = await startServe([
      '--data-dir', join(dir, 'data2'), '--hostname', 'router.test', '--root', root,
      '--http-port', String(httpPort), '--access-list', 'permit host 127.0.0.1; deny any',
      '--max-connections', '3', '--timeout-policy', 'idle=5,life=10,requests=2',
      '--auth-users', users, '--access-log', log,
    ]);
    const port = /:(\d+)\//.exec(line)![1];
    const fp = /SHA-256 (\S+)/.exec(line)![1];
    const auth = `Authorization: Basic ${Buffer.from('admin:pa55').toString('base64')}`;
    let io = capture();
    expect(await main(['get', '--pin', fp, `https://127.0.0.1:${port}/`], io)).toBe(22);
    expect(io.err).toMatch(/HTTP 401/);
    io = capture();
    expect(await main(['get', '--pin', fp, '--ciphers', 'rc4-128-md5', '-H', auth, `https://127.0.0.1:${port}/`], io)).toBe(0);
    expect(io.out).toBe('policy');
    const plain = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: httpPort, path: '/', headers: { authorization: auth.slice(15) } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(`${res.statusCode} ${res.headers.connection} ${body}`));
      });
      req.on('error', reject);
      req.setTimeout(5000, () => req.destroy(new Error('plain GET timed out')));
    });
    expect(plain).toBe('200 keep-alive policy');
    const code = exited(child);
    child.kill('SIGTERM');
    expect(await code).toBe(0);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\S+Z 127\.0\.0\.1 \S+ GET \/ 401 13 \d+ms$/);
    expect(lines[1]).toMatch(/^\S+Z 127\.0\.0\.1 rc4-128-md5 GET \/ 200 6 \d+ms user=admin$/);
    expect(lines[2]).toMatch(/^\S+Z 127\.0\.0\.1 plain GET \/ 200 6 \d+ms user=admin$/);
  });

  it('closes connections from clients the access list denies', async () => {
    const { child, line } = await startServe(['--data-dir', join(dir, 'data3'), '--hostname', 'router.test', '--access-list', 'deny host 127.0.0.1, permit any']);
    const port = /:(\d+)\//.exec(line)![1];
    const io = capture();
    expect(await main(['get', '--insecure', `https://127.0.0.1:${port}/`], io)).toBe(1);
    expect(io.err).toMatch(new RegExp(`^ssl3 get: 127\\.0\\.0\\.1:${port} closed the connection without answering: it refused it \\(too many connections, or not allowed\\) or does not speak SSL 3\\.0$`, 'm'));
    child.kill('SIGTERM');
    await exited(child);
  });

  it('with the IOS defaults (5 connections, idle 180 s), five silent sockets do not lock ssl3 get out', async () => {
    const { child, line } = await startServe(['--data-dir', join(dir, 'data4'), '--hostname', 'router.test']);
    const port = Number(/:(\d+)\//.exec(line)![1]);
    const fp = /SHA-256 (\S+)/.exec(line)![1];
    const silent = await Promise.all([0, 1, 2, 3, 4].map(() => connectRaw(port)));
    const oneGone = Promise.race(silent.map((s) => once(s, 'close')));
    const t0 = Date.now();
    const io = capture();
    expect(await main(['get', '--pin', fp, `https://127.0.0.1:${port}/`], io)).toBe(0);
    expect(io.out).toContain('SSL 3.0');
    // Long before the handshake deadline (10 s): the oldest silent socket gave up its slot.
    expect(Date.now() - t0).toBeLessThan(5000);
    await Promise.race([oneGone, new Promise((_, reject) => setTimeout(() => reject(new Error('no silent socket was closed')), 2000).unref())]);
    for (const s of silent) s.destroy();
    child.kill('SIGTERM');
    await exited(child);
  });
});

/** A TCP connection that sends nothing. */
async function connectRaw(port: number): Promise<Socket> {
  const s = connectTcp({ host: '127.0.0.1', port });
  s.on('error', () => {});
  await once(s, 'connect');
  return s;
}
