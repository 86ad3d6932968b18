/**
 * Pieces both handshake state machines share: the error for a message the current state does
 * not accept (each state names the one message it expects, as rustls does), the exhaustiveness
 * check for the state switch, and the hello Random (RFC 6101 section 5.6.1.2).
 */
import { SslAlertError } from '../record/alerts.js';
import type { HandshakeHost, MaybeAsync } from './context.js';

export function unexpected(expected: string, got: string): SslAlertError {
  return new SslAlertError('UNEXPECTED_MESSAGE', `expected ${expected}, received ${got}`);
}

export function assertNever(x: never): never {
  throw new Error(`unhandled state ${JSON.stringify(x)}`);
}

/** Random: gmt_unix_time (4 bytes, big-endian) then 28 random bytes (all 32 random with randomHelloTime). */
export function helloRandom(host: HandshakeHost): Uint8Array {
  const r = host.random(32);
  if (host.options.randomHelloTime) return r;
  const t = Math.floor(host.now() / 1000);
  r[0] = (t >>> 24) & 0xff;
  r[1] = (t >>> 16) & 0xff;
  r[2] = (t >>> 8) & 0xff;
  r[3] = t & 0xff;
  return r;
}

/**
 * Runs `then` with `value`: at once when it is a plain value (so a synchronous step behaves
 * exactly as before), or through host.waitFor when it is a promise.
 */
export function afterStep<T>(host: HandshakeHost, value: MaybeAsync<T>, then: (value: T) => void): void {
  if (isThenable(value)) host.waitFor(value, then);
  else then(value);
}

function isThenable<T>(value: MaybeAsync<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}
