/**
 * IOS `ip http max-connections N` (default 5): at most N connections handshaking or open at
 * once, over all of the server's listeners (HTTPS and plain HTTP share one limit, as they are
 * one server in IOS). A connection over the limit is closed as soon as it is accepted, before
 * anything is read from or sent to it, and counted.
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

export class ConnectionLimit {
  readonly counters: ConnectionCounters = { accepted: 0, refused: 0, denied: 0, current: 0, peak: 0, requests: 0 };
  private limit: number;

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

  /** Takes a slot, or counts a refusal and returns false. Call release() once per true. */
  tryAcquire(): boolean {
    const c = this.counters;
    if (c.current >= this.max) {
      c.refused++;
      return false;
    }
    c.accepted++;
    c.current++;
    if (c.current > c.peak) c.peak = c.current;
    return true;
  }

  release(): void {
    this.counters.current--;
  }
}
