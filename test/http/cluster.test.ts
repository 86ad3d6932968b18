/**
 * The cluster's shared state (src/http/cluster-hub.ts in the primary, cluster-worker.ts in each
 * worker) over in-memory channels that deliver later and copy what they carry, as the IPC
 * channel does: one connection limit across workers (yielding, refusing, keeping a connection
 * answered before the word to yield arrived, giving back the slots of a worker that went away), one session cache (a session made in one worker resumes in
 * another, found in the worker's copy or asked of the primary), one access log.
 */
import { describe, expect, it } from 'vitest';
import { ClusterHub } from '../../src/http/cluster-hub.js';
import { WorkerLink } from '../../src/http/cluster-worker.js';
import type { Channel, ToPrimary, ToWorker } from '../../src/http/cluster-protocol.js';
import type { Session } from '../../src/handshake/session.js';
import type { Slot } from '../../src/http/connection-limit.js';

const settle = () => new Promise<void>((r) => setImmediate(r));

/** A channel pair delivering each message in a later macrotask, structured-cloned. */
function channelPair<A, B>(): [Channel<A, B>, Channel<B, A>] {
  const listeners: [((m: A) => void)[], ((m: B) => void)[]] = [[], []];
  const deliver = <T>(to: ((m: T) => void)[], m: T) => setImmediate(() => to.forEach((l) => l(structuredClone(m))));
  return [
    { send: (m: B) => deliver(listeners[1], m), onMessage: (l) => listeners[0].push(l) },
    { send: (m: A) => deliver(listeners[0], m), onMessage: (l) => listeners[1].push(l) },
  ];
}

function cluster(workers: number, accessLog?: (line: string) => void) {
  const hub = new ClusterHub({ accessLog });
  const links: WorkerLink[] = [];
  const detach: (() => void)[] = [];
  for (let n = 1; n <= workers; n++) {
    const [primarySide, workerSide] = channelPair<ToPrimary, ToWorker>();
    detach.push(hub.attach(n, primarySide));
    links.push(new WorkerLink(workerSide));
  }
  return { hub, links, detach };
}

function session(id: number): Session {
  return { id: new Uint8Array(32).fill(id), masterSecret: new Uint8Array(48).fill(7), cipherSuite: 5, peerCertificates: [], createdAt: Date.now() };
}

describe('the connection limit across workers', () => {
  it('is one limit: the oldest opening connection in any worker yields, settled ones never do', async () => {
    const { hub, links } = cluster(2);
    const [a, b] = links.map((l) => l.limit());
    a.max = 2;
    b.max = 2;
    const yielded: string[] = [];
    const a1 = (await a.acquire(() => yielded.push('a1'))) as Slot;
    const a2 = (await a.acquire(() => yielded.push('a2'))) as Slot;
    expect(a1 && a2).toBeTruthy();
    a2.settle();
    await settle();
    // Full: worker B's newcomer takes the slot of A's oldest connection still opening.
    const b1 = await b.acquire(() => yielded.push('b1'));
    await settle();
    expect(b1).toBeDefined();
    expect(yielded).toEqual(['a1']);
    b1!.settle();
    await settle();
    // Full of settled connections: refused.
    expect(await b.acquire(() => yielded.push('b2'))).toBeUndefined();
    expect(hub.limit.counters).toMatchObject({ accepted: 3, yielded: 1, refused: 1, current: 2, peak: 2 });
    // A closing connection gives its slot back (once).
    a2.release();
    a2.release();
    await settle();
    expect(await a.acquire()).toBeDefined();
    expect(hub.limit.counters.current).toBe(2);
  });

  it('keeps a connection answered before the word to yield reached it, and counts it again', async () => {
    const { hub, links } = cluster(2);
    const [a, b] = links.map((l) => l.limit());
    a.max = 1;
    b.max = 1;
    const yielded: string[] = [];
    // Not settled as far as the primary knows, but its server has answered it (canYield: no).
    expect(await a.acquire(() => yielded.push('a1'), () => false)).toBeDefined();
    expect(await b.acquire(() => yielded.push('b1'))).toBeDefined();
    await settle();
    await settle();
    expect(yielded).toEqual([]);
    // Over the limit by that one connection until one closes; nothing was closed for it.
    expect(hub.limit.counters).toMatchObject({ accepted: 2, yielded: 0, current: 2 });
  });

  it('gives back every slot of a worker that went away', async () => {
    const { hub, links, detach } = cluster(2);
    const a = links[0].limit();
    a.max = 3;
    await a.acquire();
    await a.acquire();
    expect(hub.limit.counters.current).toBe(2);
    detach[0]();
    expect(hub.limit.counters.current).toBe(0);
  });

  it('refuses every slot once the primary is gone', async () => {
    const { links } = cluster(1);
    links[0].disconnected();
    expect(await links[0].limit().acquire()).toBeUndefined();
  });
});

describe('the session cache across workers', () => {
  it('resumes in one worker a session made in another, from its copy or from the primary', async () => {
    const { links } = cluster(3);
    const [a, b, c] = links.map((l) => l.sessions().store('scope-1'));
    const s = session(1);
    a.set(s);
    // Before the copy reaches worker C, C asks the primary, which has it by then.
    const asked = c.get(s.id);
    expect(asked).toBeInstanceOf(Promise);
    expect(await asked).toEqual(s);
    await settle();
    // B got its copy: found at once, no question.
    expect(b.get(s.id)).toEqual(s);
    // Another scope (other identity or client authentication) does not see it.
    expect(await links[1].sessions().store('scope-2').get(s.id)).toBeUndefined();
    expect(await b.get(session(2).id)).toBeUndefined();
  });

  it('finds nothing once the primary is gone', async () => {
    const { links } = cluster(1);
    links[0].disconnected();
    expect(await links[0].sessions().store('x').get(session(3).id)).toBeUndefined();
  });
});

describe('the access log across workers', () => {
  it('sends every worker\'s lines to the primary, which writes them', async () => {
    const lines: string[] = [];
    const { links } = cluster(2, (line) => lines.push(line));
    const entry = { time: new Date(0), client: '10.0.0.1', cipher: 'rc4-128-sha', method: 'GET', path: '/', status: 200, bytes: 5, durationMs: 1, aborted: false };
    links[0].accessLog(entry);
    links[1].accessLog({ ...entry, path: '/b' });
    await settle();
    expect(lines).toEqual(['1970-01-01T00:00:00.000Z 10.0.0.1 rc4-128-sha GET / 200 5 1ms\n', '1970-01-01T00:00:00.000Z 10.0.0.1 rc4-128-sha GET /b 200 5 1ms\n']);
  });
});
