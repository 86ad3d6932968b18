/**
 * A session cache that answers later (HandshakeOptions.sessionCache is a SessionStore whose
 * get() may return a promise: the cache of a cluster's primary process, asked over IPC). The
 * server handshake waits for the answer (HandshakeHost.waitFor), then resumes or runs the
 * full handshake exactly as with an in-process cache, byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { pair } from './pair.js';
import { seededRandom } from '../helpers/keys.js';
import { SessionCache, type Session, type SessionStore } from '../../src/handshake/session.js';

const NOW = Date.UTC(2026, 0, 1);
const settle = () => new Promise<void>((r) => setImmediate(r));
const concat = (chunks: Uint8Array[]) => Buffer.concat(chunks.map((c) => Buffer.from(c)));

/** A store in front of a SessionCache whose lookups wait until release() is called. */
class LaterStore implements SessionStore {
  readonly asked: Uint8Array[] = [];
  private waiting: (() => void)[] = [];
  constructor(readonly cache: SessionCache) {}
  get(id: Uint8Array): Promise<Session | undefined> {
    this.asked.push(id);
    return new Promise((resolve) => this.waiting.push(() => resolve(this.cache.get(id))));
  }
  set(session: Session): void {
    this.cache.set(session);
  }
  release(): void {
    for (const w of this.waiting.splice(0)) w();
  }
}

/** A first connection that makes a session, then a second offering it, with fixed randomness and clock. */
function resumeWith(store: SessionStore, cache: SessionCache) {
  const first = pair({ server: { sessionCache: cache, random: seededRandom('s1'), now: () => NOW }, client: { random: seededRandom('c1'), now: () => NOW } });
  const session = first.client.secure[0].session;
  return pair({ server: { sessionCache: store, random: seededRandom('s2'), now: () => NOW }, client: { session, random: seededRandom('c2'), now: () => NOW } });
}

describe('a session cache that answers later', () => {
  it('waits for the lookup, then resumes with the bytes an in-process cache gives', async () => {
    const syncCache = new SessionCache({ now: () => NOW });
    const sync = resumeWith(syncCache, syncCache);
    expect(sync.server.secure[0].resumed).toBe(true);

    const cache = new SessionCache({ now: () => NOW });
    const store = new LaterStore(cache);
    const run = resumeWith(store, cache);
    expect(store.asked).toHaveLength(1);
    await settle();
    // Asked, not answered: the server has sent nothing and is still open.
    expect(run.server.sent).toHaveLength(0);
    expect(run.server.closed).toBeUndefined();

    store.release();
    await settle();
    expect(run.server.secure[0].resumed).toBe(true);
    expect(run.client.secure[0].resumed).toBe(true);
    expect(concat(run.server.sent)).toEqual(concat(sync.server.sent));
    expect(concat(run.client.sent)).toEqual(concat(sync.client.sent));
  });

  it('runs the full handshake when the answer is no session', async () => {
    const store = new LaterStore(new SessionCache({ now: () => NOW }));
    const run = resumeWith(store, new SessionCache({ now: () => NOW }));
    store.release();
    await settle();
    expect(run.server.secure[0].resumed).toBe(false);
    expect(run.client.secure[0].resumed).toBe(false);
    // The new session went into the store.
    expect(store.cache.size).toBe(1);
  });

  it('does not ask at all when the client offers no session', () => {
    const store = new LaterStore(new SessionCache({ now: () => NOW }));
    const run = pair({ server: { sessionCache: store } });
    expect(store.asked).toHaveLength(0);
    expect(run.server.secure[0].resumed).toBe(false);
  });

  it('continues nothing when the connection closed while the lookup was pending', async () => {
    const cache = new SessionCache({ now: () => NOW });
    const store = new LaterStore(cache);
    const run = resumeWith(store, cache);
    run.server.conn.transportClosed();
    expect(run.server.closed?.error?.code).toBe('ERR_SSL_CLOSED_IN_HANDSHAKE');
    const sent = run.server.sent.length;
    store.release();
    await settle();
    expect(run.server.sent).toHaveLength(sent);
    expect(run.server.secure).toHaveLength(0);
  });
});
