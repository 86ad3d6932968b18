/**
 * Opening a connection under the IOS connection limit (connection-limit.ts, server-policy.ts):
 * the handshake has its own short deadline, so a silent or trickling peer cannot hold a slot
 * for the idle time, and slots still opening yield to newcomers under pressure; slots of open
 * connections never do. (The end-to-end case, `ssl3 serve` with five silent sockets and
 * `ssl3 get`: test/cli/serve.test.ts.)
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionLimit } from '../../src/http/connection-limit.js';
import { HttpServer } from '../../src/http/http-server.js';
import { ServerPolicy } from '../../src/http/server-policy.js';
import { closed, fetchHttps, hello, rawConnect, sslConnect, startHttps, until, within } from './policy-helpers.js';

const servers: { close(graceMs?: number): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => within(s.close(200), 3000, 'the server to close')));
});

describe('ConnectionLimit', () => {
  it('a slot whose connection got further (canYield false) is settled instead, and the next one yields', () => {
    const limit = new ConnectionLimit(2);
    const yielded: string[] = [];
    let answered = false;
    limit.acquire(() => yielded.push('a'), () => !answered)!;
    limit.acquire(() => yielded.push('b'), () => true)!;
    answered = true;
    expect(limit.acquire(() => yielded.push('c'))).toBeDefined();
    expect(yielded).toEqual(['b']);
    // a is settled now: it is c that yields next; d, answered at once, then keeps its slot.
    expect(limit.acquire(() => yielded.push('d'), () => false)).toBeDefined();
    expect(yielded).toEqual(['b', 'c']);
    expect(limit.acquire(() => yielded.push('e'))).toBeUndefined();
    expect(limit.counters).toMatchObject({ yielded: 2, refused: 1, current: 2 });
  });

  it('at the limit, the oldest slot still opening yields to a newcomer; settled slots never do', () => {
    const limit = new ConnectionLimit(2);
    const yielded: string[] = [];
    const a = limit.acquire(() => yielded.push('a'))!;
    const b = limit.acquire(() => yielded.push('b'))!;
    const c = limit.acquire(() => yielded.push('c'));
    expect(c).toBeDefined();
    expect(yielded).toEqual(['a']);
    expect(limit.counters).toMatchObject({ accepted: 3, yielded: 1, refused: 0, current: 2, peak: 2 });
    a.release(); // the yielded connection closes later: its slot was given back already
    expect(limit.counters.current).toBe(2);
    b.settle();
    c!.settle();
    expect(limit.acquire(() => yielded.push('d'))).toBeUndefined();
    expect(limit.counters).toMatchObject({ refused: 1, current: 2 });
    b.release();
    b.release();
    expect(limit.counters.current).toBe(1);
  });

  it('closes nothing for a newcomer over a limit that was lowered', () => {
    const limit = new ConnectionLimit(3);
    const yielded: number[] = [];
    for (let i = 0; i < 3; i++) limit.acquire(() => yielded.push(i));
    limit.max = 1;
    expect(limit.acquire()).toBeUndefined();
    expect(yielded).toEqual([]);
  });
});

describe('the handshake deadline', () => {
  it('closes a silent connection and a trickled ClientHello at handshakeTimeout, long before idle', async () => {
    const { server, port } = await startHttps({ handshakeTimeout: 1, timeout: { idle: 30, life: 30 } });
    servers.push(server);
    const silent = await rawConnect(port);
    const trickling = await rawConnect(port);
    // An SSL 3.0 handshake record header, then one byte of its body every 200 ms.
    trickling.write(Buffer.from([0x16, 0x03, 0x00, 0x00, 0x40]));
    const drip = setInterval(() => trickling.writable && trickling.write(Buffer.from([0x01])), 200);
    try {
      const [a, b] = await Promise.all([closed(silent, 4000), closed(trickling, 4000)]);
      for (const seen of [a, b]) {
        expect(seen.bytes).toBe(0);
        expect(seen.afterMs).toBeGreaterThanOrEqual(900);
        expect(seen.afterMs).toBeLessThan(2500);
      }
    } finally {
      clearInterval(drip);
    }
    await until(() => server.counters.current === 0, 1000, 'the slots to be free');
  });

  it('does not touch a connection whose handshake finished', async () => {
    const { server, port } = await startHttps({ handshakeTimeout: 1, timeout: { idle: 30, life: 30, requests: 5 } });
    servers.push(server);
    const open = await sslConnect(port);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(open.destroyed).toBe(false);
    expect(server.counters.current).toBe(1);
    open.destroy();
  });

  it('is a whole number of seconds from 1 to 600', () => {
    expect(new ServerPolicy().handshakeTimeout).toBe(10);
    expect(() => new ServerPolicy({ handshakeTimeout: 0 })).toThrow('handshakeTimeout must be a whole number of seconds from 1 to 600, got 0');
    expect(() => new ServerPolicy({ handshakeTimeout: 1.5 })).toThrow(RangeError);
  });
});

describe('slots under pressure', () => {
  it('an unfinished handshake gives its slot to a real client; open connections keep theirs', async () => {
    const { server, port } = await startHttps({ maxConnections: 2, timeout: { idle: 30, life: 30 } });
    servers.push(server);
    const open = await sslConnect(port);
    const silent = await rawConnect(port);
    await until(() => server.counters.current === 2, 2000, 'two connections');
    const gone = closed(silent, 2000);
    expect((await fetchHttps(port, '/real')).body).toBe('hello /real');
    expect((await gone).bytes).toBe(0);
    expect(open.destroyed).toBe(false);
    expect(server.counters).toMatchObject({ yielded: 1, refused: 0 });
    open.destroy();
  });

  it('on the plain port, a connection opens with its first request: a silent one yields, one that asked keeps its slot', async () => {
    const policy = new ServerPolicy({ maxConnections: 1, timeout: { idle: 30, life: 30, requests: 5 } });
    const plain = new HttpServer({ policy }, hello);
    servers.push(plain);
    await plain.listen(0, '127.0.0.1');
    const port = (plain.address() as AddressInfo).port;
    const get = (agent: http.Agent) =>
      within(
        new Promise<number>((resolve, reject) => http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => resolve(res.resume().statusCode ?? 0)).on('error', reject)),
        3000,
        'plain GET',
      );
    const silent = await rawConnect(port);
    await until(() => policy.counters.current === 1, 2000, 'the silent connection');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect(await get(agent)).toBe(200); // took the silent connection's slot
    expect((await closed(silent, 2000)).bytes).toBe(0);
    // The kept-alive connection has had its request: a newcomer is refused, not served in its place.
    const refused = await rawConnect(port);
    await closed(refused, 2000);
    expect(policy.counters).toMatchObject({ yielded: 1, refused: 1, current: 1 });
    agent.destroy();
  });
});
