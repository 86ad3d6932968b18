/**
 * The IOS timeout policy (idle, life, requests per connection), a slowloris attack against
 * the connection limit, and graceful shutdown, on live HTTPS servers. Small values (1-2 s)
 * keep the file fast; every wait is bounded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseTimeoutPolicy, resolveTimeoutPolicy } from '../../src/http/timeout-policy.js';
import type { RequestHandler } from '../../src/http/server-policy.js';
import type { HttpsServer } from '../../src/http/https-server.js';
import type { SSLSocket } from '../../src/socket/ssl-socket.js';
import { closed, fetchHttps, hello, keepAliveAgent, rawConnect, sleep, sslConnect, startHttps, until, within } from './policy-helpers.js';

const servers: HttpsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => within(s.close(200), 3000, 'the server to close')));
});

async function https(policy: Parameters<typeof startHttps>[0], handler: RequestHandler = hello): Promise<{ server: HttpsServer; port: number }> {
  const started = await startHttps(policy, handler);
  servers.push(started.server);
  return started;
}

/** Whether the SSL connection ended with the server's close_notify (a clean end) rather than a bare TCP close. */
function endedCleanly(s: SSLSocket): Promise<boolean> {
  // It may be over already: a response saying Connection: close is followed at once by the close.
  if (s.closed) return Promise.resolve(s.readableEnded);
  return new Promise((resolve) => {
    let clean = false;
    s.once('end', () => (clean = true));
    s.once('close', () => resolve(clean));
  });
}

describe('timeout-policy values', () => {
  it('defaults to IOS 180/180/1 and validates the IOS ranges', () => {
    expect(resolveTimeoutPolicy()).toEqual({ idle: 180, life: 180, requests: 1 });
    expect(parseTimeoutPolicy('idle=30,life=120,requests=100')).toEqual({ idle: 30, life: 120, requests: 100 });
    expect(parseTimeoutPolicy('idle 30 life 86400 requests 86400')).toEqual({ idle: 30, life: 86400, requests: 86400 });
    expect(parseTimeoutPolicy('life=5')).toEqual({ idle: 180, life: 5, requests: 1 });
    expect(() => parseTimeoutPolicy('life=86401')).toThrow(/life must be a whole number from 1 to 86400, got 86401/);
    expect(() => parseTimeoutPolicy('requests=0')).toThrow(/requests/);
    expect(() => parseTimeoutPolicy('idle=0')).toThrow(/idle/);
    expect(() => parseTimeoutPolicy('idel=5')).toThrow(/'idel'/);
    expect(() => parseTimeoutPolicy('idle=x')).toThrow(/'x'/);
    expect(() => resolveTimeoutPolicy({ idle: 1.5 })).toThrow(RangeError);
  });
});

describe('idle', () => {
  it('closes a connection that sends nothing after about idle seconds', async () => {
    const { server } = await https({ timeout: { idle: 1, life: 30 } });
    const port = (server.address() as { port: number }).port;
    const s = await rawConnect(port);
    const seen = await closed(s, 4000);
    expect(seen.bytes).toBe(0);
    expect(seen.afterMs).toBeGreaterThanOrEqual(900);
    expect(seen.afterMs).toBeLessThan(3000);
    await until(() => server.counters.current === 0, 1000, 'the server to let go of the connection');
  });

  it('closes a handshake that stalls half way', async () => {
    const { port } = await https({ timeout: { idle: 1, life: 30 } });
    const s = await rawConnect(port);
    // A handshake record header announcing 64 bytes that never come.
    s.write(Buffer.from([0x16, 0x03, 0x00, 0x00, 0x40, 0x01]));
    const seen = await closed(s, 4000);
    expect(seen.afterMs).toBeGreaterThanOrEqual(900);
    expect(seen.afterMs).toBeLessThan(3000);
  });

  it('closes an idle keep-alive connection after idle seconds, with close_notify', async () => {
    const { port } = await https({ timeout: { idle: 1, life: 30, requests: 10 } });
    const agent = keepAliveAgent();
    const res = await fetchHttps(port, '/first', { agent });
    expect(res.headers.connection).toBe('keep-alive');
    const start = Date.now();
    const clean = await within(endedCleanly(res.socket), 4000, 'the idle connection to close');
    expect(clean).toBe(true);
    expect(Date.now() - start).toBeGreaterThanOrEqual(800);
    expect(Date.now() - start).toBeLessThan(2500);
    agent.destroy();
  });

  it('does not count a request the handler is still working on as idle', async () => {
    const { port } = await https({ timeout: { idle: 1, life: 30 } }, (req, res) => setTimeout(() => hello(req, res), 1600));
    const res = await fetchHttps(port, '/slow');
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello /slow');
  });
});

describe('life', () => {
  it('closes a busy keep-alive connection at life seconds, finishing the request in progress first', async () => {
    const { port } = await https({ timeout: { idle: 10, life: 2, requests: 100 } }, (req, res) => {
      if (req.url === '/slow') setTimeout(() => hello(req, res), 1600);
      else hello(req, res);
    });
    const agent = keepAliveAgent();
    const first = await fetchHttps(port, '/1', { agent });
    const accepted = Date.now();
    const ended = endedCleanly(first.socket);
    // Keep the connection busy (never idle), then be in the middle of a request when life is reached.
    for (let i = 0; i < 3; i++) {
      await sleep(250);
      const r = await fetchHttps(port, `/k${i}`, { agent });
      expect(r.socket).toBe(first.socket);
      expect(r.headers.connection).toBe('keep-alive');
    }
    const slow = await fetchHttps(port, '/slow', { agent });
    expect(slow.socket).toBe(first.socket);
    expect(slow.status).toBe(200);
    expect(slow.body).toBe('hello /slow');
    expect(slow.headers.connection).toBe('close');
    expect(Date.now() - accepted).toBeGreaterThan(2000);
    expect(await within(ended, 3000, 'the connection to close')).toBe(true);
    agent.destroy();
  });
});

describe('requests per connection', () => {
  it('says Connection: close on the Nth response and closes; the next request needs a new connection', async () => {
    const { server, port } = await https({ timeout: { idle: 10, life: 30, requests: 2 } });
    const agent = keepAliveAgent();
    const a = await fetchHttps(port, '/1', { agent });
    const ended = endedCleanly(a.socket);
    expect(a.headers.connection).toBe('keep-alive');
    const b = await fetchHttps(port, '/2', { agent });
    expect(b.socket).toBe(a.socket);
    expect(b.headers.connection).toBe('close');
    expect(await within(ended, 3000, 'the connection to close')).toBe(true);
    const c = await fetchHttps(port, '/3', { agent });
    expect(c.socket).not.toBe(a.socket);
    expect(server.counters.accepted).toBe(2);
    agent.destroy();
  });

  it('defaults to one request per connection (IOS)', async () => {
    const { port } = await https({});
    const agent = keepAliveAgent();
    const a = await fetchHttps(port, '/1', { agent });
    expect(a.headers.connection).toBe('close');
    agent.destroy();
  });
});

describe('slowloris', () => {
  it('silent connections: the server never holds more than N; they yield to a real client and are gone at the handshake deadline', async () => {
    const { server, port } = await https({ maxConnections: 3, handshakeTimeout: 1, timeout: { idle: 30, life: 30 } });
    let maxSeen = 0;
    const sampler = setInterval(() => (maxSeen = Math.max(maxSeen, server.counters.current)), 5);
    try {
      const attackers = await Promise.all([0, 1, 2].map(() => rawConnect(port)));
      const gone = attackers.map((s) => closed(s, 5000));
      await until(() => server.counters.current === 3, 2000, 'the attackers to be admitted');
      // During the attack a real client is served: the oldest silent connection gives up its slot.
      const res = await fetchHttps(port, '/during');
      expect(res.body).toBe('hello /during');
      const done = await Promise.all(gone);
      // The others are closed at the handshake deadline (1 s), long before idle (30 s).
      for (const d of done) expect(d.afterMs).toBeLessThan(3000);
      await until(() => server.counters.current === 0, 1000, 'the server to let go of the attackers');
      expect((await fetchHttps(port, '/after')).body).toBe('hello /after');
    } finally {
      clearInterval(sampler);
    }
    expect(maxSeen).toBeLessThanOrEqual(3);
    expect(server.counters).toMatchObject({ peak: 3, yielded: 1, refused: 0 });
  });

  it('trickled request headers (one byte every 300 ms over SSL) are cut off at life seconds', async () => {
    const { server, port } = await https({ maxConnections: 2, timeout: { idle: 1, life: 2 } });
    const attackers = await Promise.all([0, 1].map(() => sslConnect(port)));
    const gone = attackers.map((s) => closed(s, 5000));
    const header = 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(100);
    let i = 0;
    const trickle = setInterval(() => {
      for (const s of attackers) if (!s.destroyed) s.write(header[i % header.length]);
      i++;
    }, 300);
    try {
      await sleep(1200); // past idle: the trickle keeps them from being idle
      expect(server.counters.current).toBe(2);
      await expect(fetchHttps(port, '/during')).rejects.toThrow();
      const done = await Promise.all(gone);
      for (const d of done) expect(d.afterMs).toBeLessThan(4000);
    } finally {
      clearInterval(trickle);
    }
    await until(() => server.counters.current === 0, 1000, 'the server to let go of the attackers');
    expect((await fetchHttps(port, '/after')).status).toBe(200);
    expect(server.counters.peak).toBe(2);
  });
});

describe('graceful shutdown', () => {
  it('stops accepting, lets a slow request in flight finish, then closes with close_notify', async () => {
    let started!: () => void;
    const inHandler = new Promise<void>((resolve) => (started = resolve));
    const { server, port } = await https({ timeout: { idle: 10, life: 30, requests: 10 } }, (req, res) => {
      started();
      setTimeout(() => hello(req, res), 700);
    });
    const agent = keepAliveAgent();
    const pending = fetchHttps(port, '/slow', { agent });
    await within(inHandler, 3000, 'the request to reach the handler');
    const closing = server.close(5000);
    const t0 = Date.now();
    await expect(rawConnect(port)).rejects.toThrow(/ECONNREFUSED/);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello /slow');
    expect(res.headers.connection).toBe('close');
    const clean = endedCleanly(res.socket);
    await within(closing, 3000, 'close() to resolve');
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(await within(clean, 1000, 'the client socket to close')).toBe(true);
    agent.destroy();
  });

  it('closes idle keep-alive connections at once and destroys a hung request after the bound', async () => {
    const { server, port } = await https({ timeout: { idle: 30, life: 30, requests: 10 } }, (req, res) => {
      if (req.url !== '/hang') hello(req, res);
    });
    const agent = keepAliveAgent();
    const idle = await fetchHttps(port, '/idle', { agent });
    const idleClosed = endedCleanly(idle.socket);
    const hung = fetchHttps(port, '/hang');
    await until(() => server.counters.requests === 2, 2000, 'the hung request');
    const t0 = Date.now();
    await within(server.close(500), 3000, 'close() with a bound');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    expect(await within(idleClosed, 1000, 'the idle connection')).toBe(true);
    await expect(hung).rejects.toThrow();
    agent.destroy();
  });
});
