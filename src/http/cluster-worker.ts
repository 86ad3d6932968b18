/**
 * A cluster worker's half (`ssl3 serve --workers N`; the messages are in cluster-protocol.ts):
 * the shared connection limit, session cache and access log, which live in the primary
 * (cluster-hub.ts), as the interfaces the servers already take:
 *
 * - limit(): a ConnectionGate for ServerPolicy's `limit`. acquire() answers later (the server
 *   holds the connection unread meanwhile); the slot's settle() and release() tell the primary.
 * - sessions(): a SessionStoreProvider for the SSL server's `sessionCache`: a lookup finds
 *   the session in this worker's copy of the cache, or else is a question to the primary
 *   (the handshake waits for it: HandshakeHost.waitFor); a new session is handed over at once.
 * - accessLog: a sink for ServerPolicy's `accessLog` that sends each line to the primary.
 *
 * When the primary cannot answer (it went away), a slot is refused and a lookup finds no
 * session: the worker then serves nothing new, and stops (see src/cli/workers.ts).
 */
import { SessionCache, type Session, type SessionStore } from '../handshake/session.js';
import type { SessionStoreProvider } from '../socket/index.js';
import { formatAccessLogLine, type AccessLogEntry } from './access-log.js';
import type { ConnectionCounters, ConnectionGate, Slot } from './connection-limit.js';
import { DEFAULT_MAX_CONNECTIONS, checkMaxConnections } from './connection-limit.js';
import { MAX_SCOPES, type Channel, type ToPrimary, type ToWorker } from './cluster-protocol.js';

export class WorkerLink {
  private nextId = 1;
  private readonly grants = new Map<number, (granted: boolean) => void>();
  /** Connections holding a slot: how to close one that must yield, and whether it still may. */
  private readonly holders = new Map<number, { yieldSlot?: () => void; canYield?: () => boolean; settled: boolean }>();
  private readonly lookups = new Map<number, (session: Session | undefined) => void>();
  private readonly copies = new Map<string, SessionCache>();
  private readonly stopListeners: (() => void)[] = [];
  private readonly reloadListeners: (() => void)[] = [];
  private closed = false;

  constructor(private readonly channel: Channel<ToWorker, ToPrimary>) {
    channel.onMessage((m) => this.onMessage(m));
  }

  /** The primary went away: nothing will be answered any more. */
  disconnected(): void {
    this.closed = true;
    for (const grant of this.grants.values()) grant(false);
    for (const lookup of this.lookups.values()) lookup(undefined);
    this.grants.clear();
    this.lookups.clear();
  }

  send(message: ToPrimary): void {
    if (!this.closed) this.channel.send(message);
  }

  /** Runs `listener` when the primary says to stop. */
  onStop(listener: () => void): void {
    this.stopListeners.push(listener);
  }

  /** Runs `listener` when the primary says to reload. */
  onReload(listener: () => void): void {
    this.reloadListeners.push(listener);
  }

  private onMessage(m: ToWorker): void {
    switch (m.ssl3) {
      case 'grant': {
        const grant = this.grants.get(m.id);
        this.grants.delete(m.id);
        return grant?.(m.granted);
      }
      case 'yield': {
        const h = this.holders.get(m.id);
        if (!h) return; // closed meanwhile: its release is on its way
        // Answered or settled before the word came (canYield says so): it keeps its slot.
        if (h.settled || (h.canYield && !h.canYield())) return this.send({ ssl3: 'kept', id: m.id });
        this.holders.delete(m.id);
        return h.yieldSlot?.();
      }
      case 'session': {
        const lookup = this.lookups.get(m.req);
        this.lookups.delete(m.req);
        return lookup?.(m.session);
      }
      case 'session-add':
        return this.copy(m.scope).set(m.session);
      case 'stop':
        for (const l of this.stopListeners) l();
        return;
      case 'reload':
        for (const l of this.reloadListeners) l();
        return;
    }
  }

  /** The connection limit, kept by the primary. */
  limit(): ConnectionGate {
    return new RemoteLimit(this);
  }

  /** Asks the primary for a slot for a new connection: whether it got one. */
  requestSlot(max: number, yieldSlot?: () => void, canYield?: () => boolean): Promise<Slot | undefined> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      if (this.closed) return resolve(undefined);
      this.grants.set(id, (granted) => {
        if (!granted) return resolve(undefined);
        const holder = { yieldSlot, canYield, settled: false };
        this.holders.set(id, holder);
        let released = false;
        resolve({
          settle: () => {
            if (holder.settled || released) return;
            holder.settled = true;
            this.send({ ssl3: 'settle', id });
          },
          release: () => {
            if (released) return;
            released = true;
            this.holders.delete(id);
            this.send({ ssl3: 'release', id });
          },
        });
      });
      this.send({ ssl3: 'acquire', id, max });
    });
  }

  /**
   * The session cache, kept by the primary: a session is looked up in this worker's copy
   * first (synchronously), then asked for; a new one goes into the copy and to the primary.
   */
  sessions(): SessionStoreProvider {
    return {
      store: (scope: string): SessionStore => ({
        get: (sessionId: Uint8Array) => this.copy(scope).get(sessionId) ?? this.askSession(scope, sessionId),
        set: (session: Session) => {
          this.copy(scope).set(session);
          this.send({ ssl3: 'session-set', scope, session });
        },
      }),
    };
  }

  private askSession(scope: string, sessionId: Uint8Array): Promise<Session | undefined> {
    return new Promise((resolve) => {
      if (this.closed) return resolve(undefined);
      const req = this.nextId++;
      this.lookups.set(req, (session) => {
        if (session) this.copy(scope).set(session);
        resolve(session);
      });
      this.send({ ssl3: 'session-get', req, scope, sessionId });
    });
  }

  /** This worker's copy of a scope's sessions (the primary keeps the recent scopes; so does this). */
  private copy(scope: string): SessionCache {
    let cache = this.copies.get(scope);
    if (!cache) {
      cache = new SessionCache();
      this.copies.set(scope, cache);
      for (const old of this.copies.keys()) {
        if (this.copies.size <= MAX_SCOPES) break;
        this.copies.delete(old);
      }
    }
    return cache;
  }

  /** An access log sink whose lines the primary writes. */
  readonly accessLog = (entry: AccessLogEntry): void => this.send({ ssl3: 'log', line: formatAccessLogLine(entry) });
}

/**
 * The ConnectionGate of a worker: every slot comes from the primary. Only the counters decided
 * here (denied by the access list, requests) count here; the others are the primary's.
 */
class RemoteLimit implements ConnectionGate {
  readonly counters: ConnectionCounters = { accepted: 0, refused: 0, denied: 0, yielded: 0, current: 0, peak: 0, requests: 0 };
  private limit = DEFAULT_MAX_CONNECTIONS;

  constructor(private readonly link: WorkerLink) {}

  get max(): number {
    return this.limit;
  }

  set max(n: number) {
    this.limit = checkMaxConnections(n);
  }

  acquire(yieldSlot?: () => void, canYield?: () => boolean): Promise<Slot | undefined> {
    return this.link.requestSlot(this.limit, yieldSlot, canYield);
  }
}
