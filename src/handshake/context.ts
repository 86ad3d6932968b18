/**
 * What a handshake state machine needs from the connection it runs in, what it is configured
 * with, and its one entry point: the connection feeds every input (a handshake message, an
 * SSLv2 ClientHello, ChangeCipherSpec, a warning alert) to HandshakeMachine.handle(), and
 * each state takes the one input legal in it (rustls' State::handle). The state machines
 * (client.ts, server.ts) only call HandshakeHost; the sans-I/O connection implements it over
 * the record layer.
 */
import type { CipherSuite } from '../ciphers/suites.js';
import type { RsaPrivateKey } from '../pki/rsa-key.js';
import type { RandomSource } from '../util/random.js';
import type { AlertName, FailureKind } from '../record/alerts.js';
import type { Session, SessionStore } from './session.js';
import type { HandshakeMessage } from './messages.js';
import type { PrivateKeyOperations } from './private-key.js';

/**
 * The verdict on the peer's chain. A refusal names its kind of failure, which decides the
 * alert (alertFor); with `accepted` the handshake goes on all the same (node:tls's
 * rejectUnauthorized: false) and the result reports the failed verdict.
 */
export type PeerVerdict = { readonly ok: true } | { readonly ok: false; readonly kind: FailureKind; readonly reason: string; readonly accepted?: boolean };

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
  /**
   * Where the private-key operations run (private-key.ts): elsewhere, answering later (a pool
   * of worker threads), instead of here on `privateKey` itself. `privateKey` is still given:
   * its public half sizes the blocks.
   */
  privateKeyOperations?: PrivateKeyOperations;

  // Server only.
  /** Send a CertificateRequest. */
  requestCert?: boolean;
  /** Fail the handshake when the client sends no certificate (implies requestCert). */
  requireCert?: boolean;
  /** DER names listed in CertificateRequest.certificate_authorities. */
  certificateAuthorities?: readonly Uint8Array[];
  /** Sessions to resume and to keep (session.ts); its lookup may be asynchronous. */
  sessionCache?: SessionStore;
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
  /**
   * What verifyPeer said of the peer's chain in this handshake; undefined when no chain was
   * checked (the peer sent none, no verifier was given, or the session was resumed).
   */
  readonly peerVerdict?: PeerVerdict;
  /** This handshake's Finished hashes (36 bytes each in SSL 3.0), RFC 5746's verify_data. */
  readonly clientVerifyData: Uint8Array;
  readonly serverVerifyData: Uint8Array;
}

/** What a renegotiation needs to know about the connection's previous handshake (RFC 5746). */
export type PreviousHandshake = Pick<HandshakeResult, 'secureRenegotiation' | 'clientVerifyData' | 'serverVerifyData'>;

/** Everything that reaches a handshake, tagged: the single input type of HandshakeMachine.handle(). */
export type HandshakeInput =
  | { readonly kind: 'message'; readonly message: HandshakeMessage }
  /** An SSLv2-format CLIENT-HELLO (RFC 6101 Appendix E), as the record layer read it. */
  | { readonly kind: 'v2_client_hello'; readonly raw: Uint8Array }
  | { readonly kind: 'change_cipher_spec' }
  | { readonly kind: 'warning_alert'; readonly description: number };

/** A client or server handshake: one run of RFC 6101 5.6, owning its states and its transcript. */
export interface HandshakeMachine {
  /** The name of the current state (for traces and tests). */
  readonly expecting: string;
  readonly done: boolean;
  /** Sends what this side sends first (a client's ClientHello; nothing for a server). */
  start(): void;
  /**
   * Takes one input. Throws an SslAlertError for an input the state does not accept (or that
   * fails its checks); returns false only for a warning alert the handshake has no use for,
   * which the connection then counts as ignored.
   */
  handle(input: HandshakeInput): boolean;
}

export interface HandshakeHost {
  readonly options: HandshakeOptions;
  /** The connection's last completed handshake when this one is a renegotiation; else undefined. */
  readonly previous?: PreviousHandshake;
  random(length: number): Uint8Array;
  now(): number;
  /** Sends an encoded handshake message (the handshake has added it to its transcript). */
  sendHandshake(raw: Uint8Array): void;
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
