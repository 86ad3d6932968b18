/**
 * Pieces both handshake state machines share: the error for a message the current state does
 * not accept (each state names the one message it expects, as rustls does), the exhaustiveness
 * check for the state switch, the hello Random (RFC 6101 section 5.6.1.2) and the Finished
 * exchange that ends a handshake (5.6.9).
 */
import { SslAlertError } from '../record/alerts.js';
import { ctBytesEqual } from '../util/ct.js';
import { HandshakeType, decodeFinished, type HandshakeMessage } from './messages.js';
import type { Transcript } from './ssl3-prf.js';
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

/**
 * RFC 6101 5.6.9: the peer's Finished checked, in constant time, against the hashes of the
 * handshake so far, then hashed in; then ours, unless it went first (the side that sends its
 * ChangeCipherSpec second, the client of a full handshake or the server of a resumption, has
 * sent it already and passes it as `ours`). `send` is the machine's own (it hashes what it sends).
 */
export function exchangeFinished(
  host: HandshakeHost,
  transcript: Transcript,
  send: (type: number, body: Uint8Array) => void,
  master: Uint8Array,
  peer: 'client' | 'server',
  msg: HandshakeMessage,
  ours: Uint8Array | undefined,
): { peerVerifyData: Uint8Array; ourVerifyData: Uint8Array } {
  const peerVerifyData = decodeFinished(msg.body);
  if (!ctBytesEqual(transcript.finished(master, peer), peerVerifyData)) {
    throw new SslAlertError('BAD_FINISHED', `${peer} Finished does not verify (wrong keys or altered handshake)`);
  }
  transcript.update(msg.raw);
  if (!ours) {
    host.sendChangeCipherSpec();
    ours = transcript.finished(master, peer === 'client' ? 'server' : 'client');
    send(HandshakeType.finished, ours);
  }
  return { peerVerifyData, ourVerifyData: ours };
}
