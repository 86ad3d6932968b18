/**
 * IOS `ip http max-connections N` (default 5): at most N connections handshaking or open at
 * once, over all of the server's listeners (HTTPS and plain HTTP share one limit, as they are
 * one server in IOS). A connection over the limit is closed as soon as it is accepted, before
 * anything is read from or sent to it, and counted.
 *
 * Under pressure, a slot held by a connection that has not finished opening (its SSL
 * handshake; on the plain port, its first request) yields to the new one: the oldest such
 * connection is closed instead of the newcomer being refused. An SSL connection yields only
 * while the server has not answered it (no whole ClientHello yet): once the server has sent
 * its flight, the client may already be done (a resumed handshake ends with the server's
 * Finished on the client's side) and closing it then would leave a client that believed
 * itself connected without any reason. Otherwise five sockets that
 * connect and say nothing would lock every real client out until their idle time ran out;
 * this way they cannot hold slots against clients that do the work, and the limit on
 * resources stays what it was (never more than N at once).
 *
 * We count ourselves instead of using net.Server's maxConnections so that one limit can span
 * several listeners and the access list can be checked first (a denied client never takes a slot).
 */

export const DEFAULT_MAX_CONNECTIONS = 5;

/** Counters of a server's connections, for status pages and tests. */
export interface ConnectionCounters {
  /** Connections admitted (past the access list and the limit). */
  accepted: number;
  /** Connections closed at once because the limit was reached. */
  refused: number;
  /** Connections closed at once because the access list denied the client. */
  denied: number;
  /** Connections closed before they finished opening, to make room for a new one. */
  yielded: number;
  /** Connections open now (handshaking, idle or serving a request). */
  current: number;
  /** The most connections that were ever open at once. */
  peak: number;
  /** HTTP requests received. */
  requests: number;
}

export function checkMaxConnections(n: number): number {
  if (n === Infinity) return n;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`maxConnections must be a whole number of at least 1, got ${n}`);
  return n;
}

/** A connection's place under the limit. */
export interface Slot {
  /** The connection has finished opening: from now on it keeps its slot under pressure. */
  settle(): void;
  /** Gives the slot back; later calls do nothing (a yielded slot was given back already). */
  release(): void;
}

/**
 * What a server asks for a slot: a ConnectionLimit of its own, or one kept in another process
 * (the cluster primary's, src/http/cluster-worker.ts), whose answer comes later: the server
 * then holds the new connection, reading nothing from it, until the answer arrives.
 */
export interface ConnectionGate {
  readonly counters: ConnectionCounters;
  max: number;
  acquire(yieldSlot?: () => void, canYield?: () => boolean): Slot | undefined | Promise<Slot | undefined>;
}

interface Holder {
  released: boolean;
  readonly yieldSlot?: () => void;
  readonly canYield?: () => boolean;
}

export class ConnectionLimit implements ConnectionGate {
  readonly counters: ConnectionCounters = { accepted: 0, refused: 0, denied: 0, yielded: 0, current: 0, peak: 0, requests: 0 };
  private limit: number;
  /** Slots not yet settled that can yield, oldest first. */
  private readonly opening = new Set<Holder>();

  constructor(max: number = DEFAULT_MAX_CONNECTIONS) {
    this.limit = checkMaxConnections(max);
  }

  get max(): number {
    return this.limit;
  }

  /**
   * A new limit (IOS lets `ip http max-connections` change on a running server). The counts
   * stay: connections already open are not closed when the limit drops below them, new ones
   * are refused until enough have gone.
   */
  set max(n: number) {
    this.limit = checkMaxConnections(n);
  }

  /**
   * Takes a slot for a new connection. At the limit, the oldest connection still opening
   * gives its slot up (`yieldSlot` is how it is closed: the slot is already given back when
   * it is called); with none, this one is refused: counted, and undefined returned.
   * `canYield`, asked when the slot would yield, lets a connection that has got further keep
   * its slot from then on (it is settled instead).
   */
  acquire(yieldSlot?: () => void, canYield?: () => boolean): Slot | undefined {
    const c = this.counters;
    if (c.current >= this.max && !this.yieldOldest()) {
      c.refused++;
      return undefined;
    }
    c.accepted++;
    c.current++;
    if (c.current > c.peak) c.peak = c.current;
    const holder: Holder = { released: false, yieldSlot, canYield };
    if (yieldSlot) this.opening.add(holder);
    return {
      settle: () => this.opening.delete(holder),
      release: () => this.free(holder),
    };
  }

  /**
   * Counts back a connection that was told to yield but had been answered meanwhile, so kept
   * its slot (a limit asked over IPC learns of the answer a moment late; see
   * cluster-worker.ts): it holds a settled slot again, even over the limit, until it closes.
   */
  restore(): Slot {
    const c = this.counters;
    c.yielded--;
    c.current++;
    if (c.current > c.peak) c.peak = c.current;
    const holder: Holder = { released: false };
    return { settle: () => {}, release: () => this.free(holder) };
  }

  private free(holder: Holder): void {
    if (holder.released) return;
    holder.released = true;
    this.opening.delete(holder);
    this.counters.current--;
  }

  /**
   * Frees the oldest opening slot, if that makes room. Over a limit that was lowered, nothing
   * is closed for the newcomer: the connections it would take are open under the old limit.
   */
  private yieldOldest(): boolean {
    if (this.counters.current > this.max) return false;
    let oldest: Holder | undefined;
    for (const h of this.opening) {
      if (!h.canYield || h.canYield()) {
        oldest = h;
        break;
      }
      this.opening.delete(h);
    }
    if (!oldest) return false;
    this.free(oldest);
    this.counters.yielded++;
    oldest.yieldSlot?.();
    return true;
  }
}
