/**
 * ServerPolicy.update(): the IOS `ip http ...` policies changed on running servers. What is
 * decided per connection (access class, max connections, timeout policy) reaches connections
 * accepted afterwards while open ones keep what they started with; authentication acts per
 * request. Also BasicAuth's verifier form, which checks stored (IOS type 5) secrets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BasicAuth } from '../../src/http/basic-auth.js';
import { ServerPolicy } from '../../src/http/server-policy.js';
import { closed, fetchHttps, keepAliveAgent, rawConnect, sslConnect, startHttps, until, within } from './policy-helpers.js';
import type { HttpsServer } from '../../src/http/https-server.js';

const servers: HttpsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => within(s.close(200), 3000, 'the server to close')));
});

async function https(policy: ServerPolicy): Promise<number> {
  const { server, port } = await startHttps(policy);
  servers.push(server);
  return port;
}

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

describe('ServerPolicy.update', () => {
  it('an access list change denies new connections while a kept-alive one goes on', async () => {
    const policy = new ServerPolicy({ timeout: { requests: 10 } });
    const port = await https(policy);
    const agent = keepAliveAgent();
    try {
      const first = await fetchHttps(port, '/one', { agent });
      expect(first.status).toBe(200);
      policy.update({ accessList: 'deny host 127.0.0.1, permit any', timeout: { requests: 10 } });
      const again = await fetchHttps(port, '/two', { agent });
      expect(again.body).toBe('hello /two');
      expect(again.socket).toBe(first.socket);
      const raw = await rawConnect(port);
      expect((await closed(raw, 1000)).bytes).toBe(0);
      expect(policy.counters.denied).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('max-connections: lowering keeps the open connections and their count; raising admits again', async () => {
    const policy = new ServerPolicy({ maxConnections: 3 });
    const port = await https(policy);
    const open = [await sslConnect(port), await sslConnect(port)];
    await until(() => policy.counters.current === 2, 1000, 'two connections');
    policy.update({ maxConnections: 1 });
    expect(policy.limit.max).toBe(1);
    expect(policy.counters.current).toBe(2);
    const refused = await rawConnect(port);
    await closed(refused, 1000);
    expect(policy.counters.refused).toBe(1);
    for (const s of open) s.destroy();
    await until(() => policy.counters.current === 0, 1000, 'the connections to close');
    expect((await fetchHttps(port, '/one')).status).toBe(200);
    policy.update({ maxConnections: 2 });
    const held = await sslConnect(port);
    expect((await fetchHttps(port, '/two')).status).toBe(200);
    held.destroy();
  });

  it('timeout-policy: an open connection keeps the request limit it was accepted with', async () => {
    const policy = new ServerPolicy({ timeout: { requests: 3 } });
    const port = await https(policy);
    const agent = keepAliveAgent();
    try {
      const first = await fetchHttps(port, '/1', { agent });
      policy.update({ timeout: { requests: 1 } });
      const second = await fetchHttps(port, '/2', { agent });
      expect(second.socket).toBe(first.socket);
      expect(second.headers.connection).toBe('keep-alive');
      const third = await fetchHttps(port, '/3', { agent });
      expect(third.headers.connection).toBe('close');
      // A new connection has the new limit: one request.
      const fresh = await fetchHttps(port, '/4', { agent });
      expect(fresh.socket).not.toBe(first.socket);
      expect(fresh.headers.connection).toBe('close');
    } finally {
      agent.destroy();
    }
  });

  it('authentication applies to the next request, even on an open connection', async () => {
    const policy = new ServerPolicy({ timeout: { requests: 10 }, auth: { password: 'old' } });
    const port = await https(policy);
    const agent = keepAliveAgent();
    try {
      expect((await fetchHttps(port, '/', { agent, headers: basic('any', 'old') })).status).toBe(200);
      policy.update({ timeout: { requests: 10 }, auth: { password: 'new' } });
      expect((await fetchHttps(port, '/', { agent, headers: basic('any', 'old') })).status).toBe(401);
      expect((await fetchHttps(port, '/', { agent, headers: basic('any', 'new') })).status).toBe(200);
      policy.update({ timeout: { requests: 10 } });
      expect((await fetchHttps(port, '/', { agent })).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('a bad option throws and changes nothing', () => {
    const policy = new ServerPolicy({ maxConnections: 7, accessList: 'permit any' });
    expect(() => policy.update({ maxConnections: 2, accessList: 'permit nowhere' })).toThrow();
    expect(() => policy.update({ maxConnections: 0 })).toThrow(RangeError);
    expect(() => policy.update({ timeout: { idle: 0 } })).toThrow(RangeError);
    expect(policy.limit.max).toBe(7);
    expect(policy.accessList).toHaveLength(1);
  });
});

describe('BasicAuth with a verifier', () => {
  it('lets the verifier decide, for any user name it accepts', async () => {
    const seen: [string, string][] = [];
    const auth = new BasicAuth({
      verify: (user, password) => {
        seen.push([user, password]);
        return user === 'admin' && password === 'pa:ss';
      },
    });
    const header = (u: string, p: string) => basic(u, p).authorization;
    expect(auth.check(header('admin', 'pa:ss'))).toBe('admin');
    expect(auth.check(header('admin', 'wrong'))).toBeUndefined();
    expect(auth.check(header('nobody', 'pa:ss'))).toBeUndefined();
    expect(auth.check('Bearer x')).toBeUndefined();
    // A header that is not Basic credentials never reaches the verifier.
    expect(seen).toEqual([
      ['admin', 'pa:ss'],
      ['admin', 'wrong'],
      ['nobody', 'pa:ss'],
    ]);
  });

  it('answers 401 with the IOS realm through a policy', async () => {
    const port = await https(new ServerPolicy({ auth: { verify: (_u, p) => p === 'secret' } }));
    const denied = await fetchHttps(port, '/');
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Basic realm="level_15_access"');
    expect((await fetchHttps(port, '/', { headers: basic('x', 'secret') })).status).toBe(200);
  });
});
