/**
 * The IOS server policies on a live HTTPS server (and the plain HTTP server sharing them):
 * access class, max connections, Basic authentication, the access log, and static files that
 * must not leak anything outside their base path. Each test fails if its policy is removed.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { formatAccessLogLine, type AccessLogEntry } from '../../src/http/access-log.js';
import { BasicAuth, parseBasicAuthorization, parseUsersFile } from '../../src/http/basic-auth.js';
import { HttpServer } from '../../src/http/http-server.js';
import type { HttpsServer } from '../../src/http/https-server.js';
import { ServerPolicy } from '../../src/http/server-policy.js';
import { serveStatic } from '../../src/http/static-files.js';
import { connect } from '../../src/socket/index.js';
import { certPem, closed, fetchHttps, hello, rawConnect, rawHttps, sleep, sslConnect, startHttps, until, within } from './policy-helpers.js';

const servers: { close(graceMs?: number): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => within(s.close(200), 3000, 'the server to close')));
});

async function https(policy: ConstructorParameters<typeof ServerPolicy>[0] | ServerPolicy | undefined, handler = hello): Promise<{ server: HttpsServer; port: number }> {
  const started = await startHttps(policy, handler);
  servers.push(started.server);
  return started;
}

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

describe('ip http access-class', () => {
  it('closes a denied client\'s TCP connection at once, before any SSL byte, and counts it', async () => {
    const { server, port } = await https({ accessList: 'deny host 127.0.0.1, permit any' });
    // A raw client that says nothing: closed without waiting for it.
    const raw = await rawConnect(port);
    const seen = await closed(raw, 1000);
    expect(seen.bytes).toBe(0);
    // Our SSL client sends its ClientHello over a socket we watch: no ServerHello comes back.
    const tcp = await rawConnect(port);
    let received = 0;
    tcp.on('data', (d: Buffer) => (received += d.length));
    const ssl = connect({ socket: tcp, ca: certPem, servername: '' });
    const err = await within(new Promise<Error>((resolve) => ssl.once('error', resolve)), 2000, 'the handshake to fail');
    expect(err).toBeInstanceOf(Error);
    expect(received).toBe(0);
    expect(server.counters.denied).toBe(2);
    expect(server.counters.accepted).toBe(0);
  });

  it('serves a permitted client (first match wins), and an ACL with the client in its /24', async () => {
    let { server, port } = await https({ accessList: 'permit host 127.0.0.1, deny any' });
    expect((await fetchHttps(port, '/ok')).body).toBe('hello /ok');
    expect(server.counters).toMatchObject({ denied: 0, accepted: 1 });
    ({ server, port } = await https({ accessList: ['deny 10.0.0.0 0.255.255.255', 'permit 127.0.0.0 0.0.0.255'] }));
    expect((await fetchHttps(port, '/net')).status).toBe(200);
  });

  it('denies by the implicit deny at the end of the list', async () => {
    const { server, port } = await https({ accessList: 'permit 10.0.0.0 0.0.0.255' });
    await expect(fetchHttps(port, '/')).rejects.toThrow();
    expect(server.counters.denied).toBe(1);
  });
});

describe('ip http max-connections', () => {
  it('refuses the N+1th connection at once while N are open, counts it, and admits again when one closes', async () => {
    const { server, port } = await https({ maxConnections: 2, timeout: { idle: 30, life: 30 } });
    const a = await sslConnect(port);
    const b = await sslConnect(port);
    await until(() => server.counters.current === 2, 2000, 'two open connections');
    const c = await rawConnect(port);
    const seen = await closed(c, 1000);
    expect(seen.bytes).toBe(0);
    await expect(fetchHttps(port, '/refused')).rejects.toMatchObject({ code: 'ERR_SSL_CLOSED_BEFORE_ANSWER' });
    expect(server.counters).toMatchObject({ accepted: 2, refused: 2, yielded: 0, current: 2, peak: 2 });
    b.destroy();
    await until(() => server.counters.current === 1, 2000, 'a slot to free up');
    expect((await fetchHttps(port, '/again')).status).toBe(200);
    expect(server.counters.peak).toBe(2);
    a.destroy();
  });

  it('defaults to 5 (IOS)', () => {
    expect(new ServerPolicy().limit.max).toBe(5);
    expect(() => new ServerPolicy({ maxConnections: 0 })).toThrow(RangeError);
  });
});

describe('ip http authentication', () => {
  it('enable: any user name with the password; 401 with realm level_15_access otherwise, the handler never runs', async () => {
    let calls = 0;
    const { server, port } = await https({ auth: { password: 's3cret' }, timeout: { requests: 10 } }, (req, res) => {
      calls++;
      hello(req, res);
    });
    const none = await fetchHttps(port, '/');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Basic realm="level_15_access"');
    const wrong = await fetchHttps(port, '/', { headers: basic('admin', 's3cre') });
    expect(wrong.status).toBe(401);
    expect((await fetchHttps(port, '/', { headers: basic('admin', 's3cret!') })).status).toBe(401);
    expect((await fetchHttps(port, '/', { headers: { authorization: 'Bearer s3cret' } })).status).toBe(401);
    expect(calls).toBe(0);
    expect((await fetchHttps(port, '/in', { headers: basic('admin', 's3cret') })).body).toBe('hello /in');
    expect((await fetchHttps(port, '/in', { headers: basic('anyone', 's3cret') })).status).toBe(200);
    expect(calls).toBe(2);
    expect(server.counters.requests).toBe(6);
  });

  it('local: each user with their own password', async () => {
    const { port } = await https({ auth: { users: parseUsersFile('# users\nalice:pw-a\nbob:pw:b\n\n') } });
    expect((await fetchHttps(port, '/', { headers: basic('alice', 'pw-a') })).status).toBe(200);
    expect((await fetchHttps(port, '/', { headers: basic('bob', 'pw:b') })).status).toBe(200);
    expect((await fetchHttps(port, '/', { headers: basic('alice', 'pw:b') })).status).toBe(401);
    expect((await fetchHttps(port, '/', { headers: basic('carol', 'pw-a') })).status).toBe(401);
    expect((await fetchHttps(port, '/', { headers: basic('', 'pw-a') })).status).toBe(401);
  });

  it('parses credentials and user files strictly', () => {
    expect(parseBasicAuthorization('basic ' + Buffer.from('u:p:q').toString('base64'))).toEqual({ user: 'u', password: 'p:q' });
    expect(parseBasicAuthorization('Basic ' + Buffer.from('nocolon').toString('base64'))).toBeUndefined();
    expect(parseBasicAuthorization(undefined)).toBeUndefined();
    expect(() => parseUsersFile('alice:1\nbroken\n')).toThrow(/line 2/);
    expect(() => new BasicAuth({ password: '' })).toThrow(RangeError);
    expect(new BasicAuth({ users: { a: 'b' } }).check(basic('a', 'b').authorization)).toBe('a');
  });
});

describe('access log', () => {
  it('logs client, IOS cipher keyword, method, path, status, body bytes, duration and user; plain HTTP as plain', async () => {
    const entries: AccessLogEntry[] = [];
    const policy = new ServerPolicy({ accessLog: (e) => entries.push(e), auth: { users: { op: 'pw' } }, timeout: { requests: 5 } });
    const { port } = await https(policy, (req, res) => setTimeout(() => hello(req, res), 30));
    await fetchHttps(port, '/a?b=1', { ciphers: 'rc4-128-sha', headers: basic('op', 'pw') });
    await fetchHttps(port, '/denied', { ciphers: '3des-ede-cbc-sha' });
    const plain = new HttpServer({ policy }, hello);
    servers.push(plain);
    await plain.listen(0, '127.0.0.1');
    const res = await within(
      new Promise<http.IncomingMessage>((resolve, reject) =>
        http.get({ host: '127.0.0.1', port: (plain.address() as AddressInfo).port, path: '/p', headers: basic('op', 'pw') }, resolve).on('error', reject),
      ),
      3000,
      'plain GET',
    );
    res.resume();
    await until(() => entries.length === 3, 2000, 'three log entries');
    expect(entries[0]).toMatchObject({ client: '127.0.0.1', cipher: 'rc4-128-sha', method: 'GET', path: '/a?b=1', status: 200, bytes: 'hello /a?b=1'.length, user: 'op', aborted: false });
    expect(entries[0].durationMs).toBeGreaterThanOrEqual(25);
    expect(entries[1]).toMatchObject({ cipher: '3des-ede-cbc-sha', path: '/denied', status: 401, bytes: 'Unauthorized\n'.length, user: undefined });
    expect(entries[2]).toMatchObject({ cipher: 'plain', path: '/p', status: 200, bytes: 'hello /p'.length, user: 'op' });
    expect(formatAccessLogLine({ ...entries[0], time: new Date(0), durationMs: 7, path: '/a b\n' })).toBe(
      `1970-01-01T00:00:00.000Z 127.0.0.1 rc4-128-sha GET /a%20b%0A 200 ${'hello /a?b=1'.length} 7ms user=op\n`,
    );
  });
  it('a client that read the whole declared body and left before end() got a complete response; one that left mid-body did not', async () => {
    const entries: AccessLogEntry[] = [];
    const policy = new ServerPolicy({ accessLog: (e) => entries.push(e) });
    const plain = new HttpServer({ policy }, (req, res) => {
      // As a streamed file does: the body goes out in a chunk, and end() comes a read later.
      const whole = req.url === '/whole';
      res.writeHead(200, { 'content-length': 10 });
      res.write(whole ? '0123456789' : '01234');
      setTimeout(() => res.end(), 2000);
    });
    servers.push(plain);
    await plain.listen(0, '127.0.0.1');
    const port = (plain.address() as AddressInfo).port;
    for (const path of ['/whole', '/half']) {
      await within(
        new Promise<void>((resolve, reject) => {
          const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          });
          req.on('error', () => undefined);
          req.on('close', resolve);
          setTimeout(() => reject(new Error('no body')), 2000);
        }),
        3000,
        `GET ${path}`,
      );
      await until(() => entries.some((e) => e.path === path), 2000, `the log entry for ${path}`);
    }
    expect(entries.find((e) => e.path === '/whole')).toMatchObject({ status: 200, bytes: 10, aborted: false });
    expect(entries.find((e) => e.path === '/half')).toMatchObject({ status: 200, bytes: 5, aborted: true });
  });
});

describe('ip http server (plain HTTP) shares the policy', () => {
  it('one connection limit and one access list over both listeners', async () => {
    const policy = new ServerPolicy({ maxConnections: 1, accessList: 'permit host 127.0.0.1', timeout: { idle: 30, life: 30 } });
    const { port } = await https(policy);
    const plain = new HttpServer({ policy }, hello);
    servers.push(plain);
    await plain.listen(0, '127.0.0.1');
    const plainPort = (plain.address() as AddressInfo).port;
    const held = await sslConnect(port); // open (a connection still opening would yield its slot)
    await until(() => policy.counters.current === 1, 2000, 'the HTTPS connection');
    const refused = await rawConnect(plainPort);
    expect((await closed(refused, 1000)).bytes).toBe(0);
    expect(policy.counters.refused).toBe(1);
    held.destroy();
    await until(() => policy.counters.current === 0, 2000, 'the slot');
    const body = await within(
      new Promise<string>((resolve, reject) =>
        http
          .get({ host: '127.0.0.1', port: plainPort, path: '/plain' }, (res) => {
            let s = '';
            res.on('data', (d: Buffer) => (s += d.toString()));
            res.on('end', () => resolve(`${res.headers.connection} ${s}`));
          })
          .on('error', reject),
      ),
      3000,
      'plain GET',
    );
    // requests 1 (the IOS default): the one response closes the connection.
    expect(body).toBe('close hello /plain');
  });
});

describe('static files through the HTTPS server: no way out of the base path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssl3-policy-'));
  const root = join(dir, 'www');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET-FILE');
  writeFileSync(join(dir, 'outside', 'secret.txt'), 'TOP-SECRET-DIR');
  writeFileSync(join(root, 'inside.txt'), 'public');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'link.txt'));
  symlinkSync(join(dir, 'outside'), join(root, 'linkdir'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/sub/..%2f..%2fsecret.txt',
    '/sub/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/%2e%2e%5csecret.txt',
    '/sub%5c..%5c..%5csecret.txt',
    '/..%252fsecret.txt',
    '/link.txt',
    '/linkdir/secret.txt',
    '/linkdir/../../secret.txt',
    '/%00/../secret.txt',
    '//../secret.txt',
  ])('GET %s -> 403 or 404, never the outside file', async (path) => {
    const { port } = await https(undefined, (req, res) => void serveStatic(root, req, res));
    const out = await rawHttps(port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    expect(out).not.toContain('TOP-SECRET');
    const status = /^HTTP\/1\.1 (\d{3})/.exec(out)?.[1];
    // 400 is the parser refusing the target outright, also safe.
    expect(['400', '403', '404']).toContain(status);
  });

  it('serves what is inside', async () => {
    const { port } = await https(undefined, (req, res) => void serveStatic(root, req, res));
    const out = await rawHttps(port, 'GET /sub/../inside.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 200/);
    expect(out.endsWith('public')).toBe(true);
    await sleep(0);
  });
});
