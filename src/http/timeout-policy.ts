/**
 * IOS `ip http timeout-policy idle S life S requests N` (defaults 180 / 180 / 1):
 * - idle: a connection on which nothing is received and nothing can be sent for `idle`
 *   seconds is closed: a client that connects and says nothing, a handshake that stalls, a
 *   keep-alive connection left open between requests, a request body that stops arriving,
 *   a response the client stops reading. A request the server itself is still working on
 *   (fully received, response not finished, nothing stuck in the send buffer) is not idle.
 * - life: `life` seconds after it was accepted the connection is closed; a request in
 *   progress finishes first (its response says `Connection: close`), as IOS does.
 * - requests: the connection closes after this many requests (`Connection: close` on the last).
 *
 * The ranges follow the IOS command: idle 1..600, life 1..86400, requests 1..86400.
 * node:http's own timers (headersTimeout, requestTimeout) are not running for connections
 * emitted into an http.Server that never listened, so these timers are the server's only ones.
 */
import type { Socket } from 'node:net';

export interface TimeoutPolicy {
  /** Seconds without traffic before a connection is closed. */
  idle: number;
  /** Seconds from accept until the connection is closed (after the request in progress). */
  life: number;
  /** Requests served on one connection before it is closed. */
  requests: number;
}

export const DEFAULT_TIMEOUT_POLICY: Readonly<TimeoutPolicy> = Object.freeze({ idle: 180, life: 180, requests: 1 });

/** The ranges IOS accepts for each field. */
export const TIMEOUT_POLICY_RANGES: Readonly<Record<keyof TimeoutPolicy, readonly [number, number]>> = Object.freeze({
  idle: [1, 600],
  life: [1, 86400],
  requests: [1, 86400],
});

/** Fills in IOS defaults and checks the ranges; a bad value is a RangeError naming the field. */
export function resolveTimeoutPolicy(partial: Partial<TimeoutPolicy> = {}): TimeoutPolicy {
  const out = { ...DEFAULT_TIMEOUT_POLICY };
  for (const field of Object.keys(TIMEOUT_POLICY_RANGES) as (keyof TimeoutPolicy)[]) {
    const v = partial[field];
    if (v === undefined) continue;
    const [min, max] = TIMEOUT_POLICY_RANGES[field];
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`timeout-policy ${field} must be a whole number from ${min} to ${max}, got ${v}`);
    out[field] = v;
  }
  return out;
}

/**
 * Parses the CLI form `idle=S,life=S,requests=N` (also `idle S life S requests N`, the IOS
 * order of words); missing fields keep their defaults.
 */
export function parseTimeoutPolicy(text: string): TimeoutPolicy {
  const words = text.split(/[\s,=]+/).filter(Boolean);
  const partial: Partial<TimeoutPolicy> = {};
  for (let i = 0; i < words.length; i += 2) {
    const field = words[i].toLowerCase();
    if (!(field in TIMEOUT_POLICY_RANGES)) throw new RangeError(`timeout-policy: '${words[i]}' is not idle, life or requests`);
    const value = words[i + 1];
    if (value === undefined || !/^\d+$/.test(value)) throw new RangeError(`timeout-policy ${field}: a whole number expected${value === undefined ? '' : `, got '${value}'`}`);
    partial[field as keyof TimeoutPolicy] = Number(value);
  }
  return resolveTimeoutPolicy(partial);
}

export type ExpiryReason = 'idle' | 'life';

export interface ConnectionTimerHooks {
  /** Whether a fully received request is being processed (then the connection is not idle). */
  processing(): boolean;
  /** The idle or life limit was reached. */
  expire(reason: ExpiryReason): void;
}

/**
 * The idle and life timers of one accepted TCP connection. Activity is what crosses the raw
 * socket: bytes received (the 'data' event), a response finished (touch()), and progress of
 * bytes that were waiting in the send buffer (seen when the timer fires, so that kind of
 * activity counts up to one idle period late).
 */
export class ConnectionTimers {
  private lastActivity = Date.now();
  private lastSent: number;
  private pendingAtCheck = 0;
  private idleTimer?: NodeJS.Timeout;
  private lifeTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly raw: Socket,
    private readonly policy: TimeoutPolicy,
    private readonly hooks: ConnectionTimerHooks,
  ) {
    this.lastSent = this.sent();
    raw.on('data', () => this.touch());
    this.armIdle(policy.idle * 1000);
    this.lifeTimer = setTimeout(() => {
      this.lifeTimer = undefined;
      if (!this.stopped) hooks.expire('life');
    }, policy.life * 1000);
    this.lifeTimer.unref();
  }

  /** Marks activity now (data received, a response finished). */
  touch(): void {
    this.lastActivity = Date.now();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.lifeTimer);
  }

  /** Bytes that actually left: written minus what still waits in the socket's buffer. */
  private sent(): number {
    return this.raw.bytesWritten - this.raw.writableLength;
  }

  private armIdle(ms: number): void {
    this.idleTimer = setTimeout(() => this.checkIdle(), Math.max(ms, 10));
    this.idleTimer.unref();
  }

  private checkIdle(): void {
    if (this.stopped) return;
    const idleMs = this.policy.idle * 1000;
    // Bytes that were stuck in the send buffer and have since left: the client is reading.
    // (Other writes answer received data or finish a response, which touched already.)
    const sent = this.sent();
    if (sent !== this.lastSent && this.pendingAtCheck > 0) this.touch();
    this.lastSent = sent;
    this.pendingAtCheck = this.raw.writableLength;
    const quiet = Date.now() - this.lastActivity;
    if (quiet < idleMs) return this.armIdle(idleMs - quiet);
    // The server is still working on a request and nothing waits to be sent: not the client's idleness.
    if (this.hooks.processing() && this.raw.writableLength === 0) return this.armIdle(idleMs);
    this.hooks.expire('idle');
  }
}
