/**
 * The messages between a cluster's primary process and its workers (`ssl3 serve --workers N`):
 * what must be one thing for the whole server lives in the primary (cluster-hub.ts), and each
 * worker reaches it through these (cluster-worker.ts):
 *
 * - the connection limit (IOS `ip http max-connections`): a worker asks for a slot for each
 *   connection it accepts and reads nothing from it until the answer; it says when the
 *   connection has opened (it then keeps its slot under pressure) and when it has closed; the
 *   primary tells a worker to close a connection that yields its slot to a newer one;
 * - the session cache (RFC 6101 5.6.1.2): a worker hands over each new session, which the
 *   primary keeps and passes on to the other workers; a worker finds a session a client
 *   offers in its copy, or else asks the primary (it may not have the copy yet), so a session
 *   resumes whichever worker the client reaches next;
 * - the access log: one line per request, written by the primary alone, in one place;
 * - output, readiness, and the primary's word to stop (gracefully) or to reload the config.
 *
 * Every message carries `ssl3` (its kind), so it is never taken for anything else on the
 * channel. Sessions travel as they are (Uint8Array fields): the channel uses the 'advanced'
 * (structured clone) serialization.
 */
import type { Session } from '../handshake/session.js';

/** From a worker to the primary. */
export type ToPrimary =
  /** A slot for the worker's connection `id`, under a limit of `max` (the worker's policy's). */
  | { ssl3: 'acquire'; id: number; max: number }
  /** Connection `id` has opened (handshake done, or first plain request). */
  | { ssl3: 'settle'; id: number }
  /** Connection `id` has closed: its slot is free. */
  | { ssl3: 'release'; id: number }
  /**
   * Connection `id`, told to yield, was answered (or settled) before the word came: it stays,
   * and counts again. The connection limit may then be over by it until a connection closes.
   */
  | { ssl3: 'kept'; id: number }
  | { ssl3: 'session-get'; req: number; scope: string; sessionId: Uint8Array }
  | { ssl3: 'session-set'; scope: string; session: Session }
  | { ssl3: 'log'; line: string }
  /** Text for the primary's standard output or error. */
  | { ssl3: 'print'; stream: 'stdout' | 'stderr'; text: string }
  /** The worker's servers are listening. */
  | { ssl3: 'ready' };

/** From the primary to a worker. */
export type ToWorker =
  | { ssl3: 'grant'; id: number; granted: boolean }
  /** Close connection `id`: it yields its slot (its slot is already given back). */
  | { ssl3: 'yield'; id: number }
  | { ssl3: 'session'; req: number; session?: Session }
  /** A session another worker made: kept in this worker's copy of the cache. */
  | { ssl3: 'session-add'; scope: string; session: Session }
  /** Stop gracefully: requests in flight finish, SSL connections get close_notify. */
  | { ssl3: 'stop' }
  /** Reload the configuration file (SIGHUP). */
  | { ssl3: 'reload' };

/** Session scopes kept at once, in the primary and in each worker's copy (a settings change starts a new one; old ones age out). */
export const MAX_SCOPES = 4;

/** One end of the channel: a cluster Worker in the primary, `process` in a worker, or a test's in-memory pair. */
export interface Channel<In, Out> {
  send(message: Out): void;
  onMessage(listener: (message: In) => void): void;
}

/** Whether a message on the channel is one of ours. */
export function isClusterMessage(m: unknown): m is { ssl3: string } {
  return typeof m === 'object' && m !== null && typeof (m as { ssl3?: unknown }).ssl3 === 'string';
}
