/**
 * What a handshake state machine needs from the connection it runs in, and what it is
 * configured with. The state machines (client.ts, server.ts) only call this interface; the
 * sans-I/O connection implements it over the record layer.
 */
import type { CipherSuite } from '../ciphers/suites.js';
import type { RsaPrivateKey } from '../pki/rsa-key.js';
import type { RandomSource } from '../util/random.js';
import type { AlertName } from '../record/alerts.js';
import type { Transcript } from './ssl3-prf.js';
import type { Session, SessionCache } from './session.js';

export type PeerVerdict = { ok: true } | { ok: false; alert: AlertName; reason: string };

/** A value now, or one an asynchronous step delivers later (see HandshakeHost.waitFor). */
export type MaybeAsync<T> = T | PromiseLike<T>;

export interface HandshakeOptions {
  /** In preference order (the server's order decides). */
  suites: readonly CipherSuite[];
  random?: RandomSource;
  /** Milliseconds since the epoch; injected for deterministic runs. */
  now?: () => number;
  /**
   * Take the hello Random's gmt_unix_time (its first 4 bytes) from `random` too, not from the
   * clock, as NSS and later OpenSSL do: with a seeded `random` the whole Random, and so the
   * whole handshake, then replays byte for byte while certificates are still checked against
   * the real time (`ssl3 --seed`).
   */
  randomHelloTime?: boolean;
  /**
   * Checks the peer's chain (DER, leaf first). Called when the peer sends its Certificate;
   * without it any chain is accepted. It may answer later (a revocation check that fetches a
   * CRL): the handshake then waits for the verdict, holding the peer's further input; a
   * rejected promise ends the handshake like a thrown error.
   */
  verifyPeer?: (chain: readonly Uint8Array[]) => MaybeAsync<PeerVerdict>;

  // Our own identity: the server's always, the client's when a server asks.
  certificateChain?: readonly Uint8Array[];
  privateKey?: RsaPrivateKey;

  // Server only.
  /** Send a CertificateRequest. */
  requestCert?: boolean;
  /** Fail the handshake when the client sends no certificate (implies requestCert). */
  requireCert?: boolean;
  /** DER names listed in CertificateRequest.certificate_authorities. */
  certificateAuthorities?: readonly Uint8Array[];
  sessionCache?: SessionCache;
  /** Allow a client to renegotiate. Off by default (see connection.ts). */
  allowRenegotiation?: boolean;

  // Client only.
  /** A session to offer for resumption. */
  session?: Session;
  /** List the renegotiation SCSV (RFC 5746) in the ClientHello; default true. */
  offerScsv?: boolean;
}

/** What a finished handshake established. */
export interface HandshakeResult {
  readonly suite: CipherSuite;
  readonly session: Session;
  readonly resumed: boolean;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  /** The version the client offered in its hello (for the server's record). */
  readonly clientVersion: number;
  /**
   * RFC 5746: both sides signalled secure renegotiation in this handshake (the server's
   * ServerHello carried renegotiation_info, after the client's SCSV or extension).
   */
  readonly secureRenegotiation: boolean;
  /** This handshake's Finished hashes (36 bytes each in SSL 3.0), RFC 5746's verify_data. */
  readonly clientVerifyData: Uint8Array;
  readonly serverVerifyData: Uint8Array;
}

/** What a renegotiation needs to know about the connection's previous handshake (RFC 5746). */
export type PreviousHandshake = Pick<HandshakeResult, 'secureRenegotiation' | 'clientVerifyData' | 'serverVerifyData'>;

export interface HandshakeHost {
  readonly options: HandshakeOptions;
  readonly transcript: Transcript;
  /** The connection's last completed handshake when this one is a renegotiation; else undefined. */
  readonly previous?: PreviousHandshake;
  random(length: number): Uint8Array;
  now(): number;
  /** Encodes a handshake message, adds it to the transcript, and sends it. */
  sendHandshake(type: number, body: Uint8Array): void;
  /** Sends ChangeCipherSpec and switches our write side to the pending keys. */
  sendChangeCipherSpec(): void;
  sendWarningAlert(name: AlertName): void;
  /** Derives the key block and makes it the pending state of both directions. */
  setPendingKeys(suite: CipherSuite, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): void;
  /**
   * The handshake cannot go on until `step` settles (a peer verdict that fetches a CRL; an
   * RSA private-key operation done elsewhere). Until then the connection processes no input:
   * bytes from the peer are held, unread. When `step` fulfils, `then` runs with its value as
   * if the handshake had got it synchronously, and held input is processed after it; when it
   * rejects, the reason is handled like an error thrown by the handshake. Nothing runs if the
   * connection closed meanwhile. One step at a time.
   */
  waitFor<T>(step: PromiseLike<T>, then: (value: T) => void): void;
  /** A handshake message or decision worth showing in a trace. */
  trace(text: string): void;
  complete(result: HandshakeResult): void;
}
