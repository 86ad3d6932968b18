/**
 * The primary process's half of a cluster (`ssl3 serve --workers N`; the messages are in
 * cluster-protocol.ts): the one connection limit, the one session cache and the one access
 * log that all workers share.
 *
 * - The limit is the same ConnectionLimit a single process has, so it behaves the same: at
 *   the maximum, the oldest connection still opening, in whichever worker, yields its slot
 *   (the primary tells that worker to close it). The maximum is the workers' (each asks with
 *   its policy's, which follows the configuration they all load).
 * - Sessions are kept per scope (src/socket/index.ts sessionScope: the identity and client
 *   authentication they were made under), each scope a SessionCache bounded as a server's
 *   own is; only the most recent scopes are kept, as a server drops its cache when those
 *   settings change. Each new session is passed on to the other workers, which keep copies
 *   and ask here only for a session they do not have (yet).
 * - A worker that goes away gives back every slot it held.
 */
import { SessionCache, type SessionCacheOptions } from '../handshake/session.js';
import { ConnectionLimit, type Slot } from './connection-limit.js';
import { MAX_SCOPES, type Channel, type ToPrimary, type ToWorker } from './cluster-protocol.js';

export interface ClusterHubOptions {
  /** Where the access log's lines go (one per request, already formatted); none: not kept. */
  accessLog?: (line: string) => void;
  /** Text a worker prints, for the primary's stdout or stderr. */
  print?: (stream: 'stdout' | 'stderr', text: string, worker: number) => void;
  sessionCache?: SessionCacheOptions;
}

export class ClusterHub {
  readonly limit = new ConnectionLimit();
  private readonly scopes = new Map<string, SessionCache>();
  /** How to reach each attached worker, for the sessions passed on to all. */
  private readonly workers = new Map<number, (m: ToWorker) => void>();

  constructor(private readonly options: ClusterHubOptions = {}) {}

  /**
   * Serves one worker's messages; `onReady` when its servers listen. The returned function is
   * called when the worker has gone: its slots are given back.
   */
  attach(worker: number, channel: Channel<ToPrimary, ToWorker>, onReady?: () => void): () => void {
    const slots = new Map<number, Slot>();
    let gone = false;
    const send = (m: ToWorker) => {
      if (!gone) channel.send(m);
    };
    this.workers.set(worker, send);
    channel.onMessage((m) => {
      switch (m.ssl3) {
        case 'acquire': {
          this.limit.max = m.max;
          const slot = this.limit.acquire(() => send({ ssl3: 'yield', id: m.id }));
          if (slot) slots.set(m.id, slot);
          return send({ ssl3: 'grant', id: m.id, granted: !!slot });
        }
        case 'settle':
          return slots.get(m.id)?.settle();
        case 'release':
          slots.get(m.id)?.release();
          slots.delete(m.id);
          return;
        case 'kept':
          if (slots.has(m.id)) slots.set(m.id, this.limit.restore());
          return;
        case 'session-get':
          return send({ ssl3: 'session', req: m.req, session: this.scopes.get(m.scope)?.get(m.sessionId) });
        case 'session-set':
          this.scope(m.scope).set(m.session);
          for (const [other, to] of this.workers) if (other !== worker) to({ ssl3: 'session-add', scope: m.scope, session: m.session });
          return;
        case 'log':
          return this.options.accessLog?.(m.line);
        case 'print':
          return this.options.print?.(m.stream, m.text, worker);
        case 'ready':
          return onReady?.();
      }
    });
    return () => {
      gone = true;
      if (this.workers.get(worker) === send) this.workers.delete(worker);
      for (const slot of slots.values()) slot.release();
      slots.clear();
    };
  }

  private scope(name: string): SessionCache {
    let cache = this.scopes.get(name);
    if (!cache) {
      cache = new SessionCache(this.options.sessionCache);
      this.scopes.set(name, cache);
      for (const old of this.scopes.keys()) {
        if (this.scopes.size <= MAX_SCOPES) break;
        this.scopes.delete(old);
      }
    } else {
      // The most recently used scope is the last to go.
      this.scopes.delete(name);
      this.scopes.set(name, cache);
    }
    return cache;
  }
}
