/**
 * The SSL 3.0 alert protocol, RFC 6101 section 5.4: levels, the complete set of alert
 * descriptions SSL 3.0 defines (0, 10, 20, 30, 40-47), the kinds of failure that end a
 * connection with the one function mapping each to its alert (where TLS has its own alert,
 * what OpenSSL's SSL 3.0 code sends instead: docs/architecture.md, "Principles"), and the typed errors
 * the engine and the socket report.
 */
import { Ssl3Error } from '../util/errors.js';

export const AlertLevel = { warning: 1, fatal: 2 } as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

/** RFC 6101 section 5.4.2, the one table of alert descriptions. */
export const ALERTS = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decompression_failure: 30,
  handshake_failure: 40,
  no_certificate: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
} as const;

export type AlertName = keyof typeof ALERTS;

/**
 * Why a connection fails, one kind per cause (after rustls' error kinds), and the one mapping
 * from each kind to the SSL 3.0 alert sent for it. Where TLS has a more precise alert, the
 * comment names it and the value is what OpenSSL's SSL 3.0 code sends instead (docs/architecture.md,
 * "Principles"), so no alert outside the SSL 3.0 set ever reaches the wire.
 */
export const FAILURE_ALERTS = {
  // The record layer (RFC 6101 5.2).
  /** A record whose content type SSL does not define (plain HTTP, for one). */
  NOT_SSL: 'unexpected_message',
  /** A record version that is not 3.x, or not 3.0 once it was negotiated. TLS: protocol_version. */
  RECORD_VERSION: 'handshake_failure',
  /** A record longer than 2^14 + 2048, or a plaintext longer than 2^14. TLS: record_overflow. */
  RECORD_OVERFLOW: 'bad_record_mac',
  /** A record whose MAC or padding does not check (5.2.3). TLS: bad_record_mac / decryption_failed. */
  BAD_RECORD_MAC: 'bad_record_mac',
  /** Our write sequence number would wrap (5.2.3.1). TLS: internal_error. */
  SEQUENCE_EXHAUSTED: 'handshake_failure',
  /** A ChangeCipherSpec that is not the single byte 1 (5.3). */
  MALFORMED_CHANGE_CIPHER_SPEC: 'illegal_parameter',
  /** An alert record that is not two bytes, or a level neither warning nor fatal (5.4). */
  MALFORMED_ALERT: 'illegal_parameter',

  // Message order (5.5, 5.6).
  /** A record or handshake message the current state does not accept. */
  UNEXPECTED_MESSAGE: 'unexpected_message',
  /** An empty record of a type that may not be empty, or too many empty records in a row. */
  EMPTY_RECORD: 'unexpected_message',
  /** Records that move nothing forward, past their bound (CVE-2016-8610), or input flooding a waiting handshake. */
  FLOOD: 'unexpected_message',
  /** A handshake message that does not parse (its name is in the message). TLS: decode_error. */
  DECODE_ERROR: 'handshake_failure',

  // Negotiation (5.6.1).
  /** The peer offers or chose a version other than SSL 3.0. TLS: protocol_version. */
  PROTOCOL_VERSION: 'handshake_failure',
  /** No cipher suite in common. */
  NO_SHARED_CIPHER: 'handshake_failure',
  /** A ClientHello without null compression. */
  NO_NULL_COMPRESSION: 'illegal_parameter',
  /** A ServerHello choosing what was not offered (suite, compression, a resumed session's suite). */
  BAD_SERVER_HELLO: 'illegal_parameter',
  /** RFC 5746 renegotiation_info or SCSV that is malformed or does not match. */
  BAD_RENEGOTIATION_INFO: 'handshake_failure',
  /** A renegotiation this end does not allow. TLS: no_renegotiation (a warning there). */
  RENEGOTIATION_REFUSED: 'handshake_failure',

  // Certificates and their keys (5.6.2, 5.6.4, 5.6.6).
  /** A certificate that does not parse, an empty chain, a malformed key. */
  BAD_CERTIFICATE: 'bad_certificate',
  /** A certificate that does not chain to a trusted CA, or matches no pin. TLS: unknown_ca. */
  CERTIFICATE_UNTRUSTED: 'bad_certificate',
  /** A server certificate that does not name the host connected to. */
  HOSTNAME_MISMATCH: 'bad_certificate',
  /** A certificate outside its validity period. */
  CERTIFICATE_EXPIRED: 'certificate_expired',
  /** A certificate on its issuer's CRL. */
  CERTIFICATE_REVOKED: 'certificate_revoked',
  /** No valid CRL to be had where one is required (OpenSSL: UNABLE_TO_GET_CRL, unknown_ca). */
  REVOCATION_UNKNOWN: 'bad_certificate',
  /** A key that is not RSA or too short, a purpose, signature algorithm or critical extension we do not take. */
  UNSUPPORTED_CERTIFICATE: 'unsupported_certificate',
  /** A server that requires a client certificate got none. */
  CERTIFICATE_REQUIRED: 'handshake_failure',

  // Proof of keys (5.6.8, 5.6.9).
  /** A CertificateVerify signature that does not verify. TLS: decrypt_error. */
  BAD_CERTIFICATE_VERIFY: 'handshake_failure',
  /** A Finished hash that does not verify: wrong keys or an altered handshake. TLS: decrypt_error. */
  BAD_FINISHED: 'handshake_failure',

  // Our own side.
  /** A server without a certificate or key. TLS: internal_error. */
  NO_SERVER_IDENTITY: 'handshake_failure',
  /** A failure of ours that no other kind describes. TLS: internal_error. */
  INTERNAL_ERROR: 'handshake_failure',
} as const satisfies Record<string, AlertName>;

export type FailureKind = keyof typeof FAILURE_ALERTS;

/** The SSL 3.0 alert sent for a kind of failure: the one place that decides it. */
export function alertFor(kind: FailureKind): AlertName {
  return FAILURE_ALERTS[kind];
}

const NAME_BY_CODE = new Map<number, AlertName>(Object.entries(ALERTS).map(([k, v]) => [v, k as AlertName]));

/** The name of an alert code, or `unknown(N)` for codes outside SSL 3.0 (a TLS peer may send them). */
export function alertName(code: number): string {
  return NAME_BY_CODE.get(code) ?? `unknown(${code})`;
}

/**
 * Why a connection ended other than cleanly: every failure the engine and the socket report
 * is one, with a `kind` to switch on and a node-style `code` (ERR_SSL_<kind>). SSLSocket emits
 * it as it is, so `instanceof` works on a socket's 'error' as on the engine's close event.
 */
export class SslError extends Ssl3Error {
  constructor(
    readonly kind: SslErrorKind,
    message: string,
  ) {
    super(`ERR_SSL_${kind}`, message);
  }
}

/** The failures that end a connection without an alert of ours. */
export type ClosureKind = 'PEER_ALERT' | 'CLOSED_BEFORE_ANSWER' | 'CLOSED_IN_HANDSHAKE' | 'HANDSHAKE_TIMEOUT';
export type SslErrorKind = FailureKind | ClosureKind;

/** A failure of the peer's or ours that we answer with a fatal alert: alertFor(kind). */
export class SslAlertError extends SslError {
  declare readonly kind: FailureKind;
  /** The SSL 3.0 alert sent. */
  readonly alert: AlertName;

  constructor(kind: FailureKind, message: string) {
    super(kind, message);
    this.alert = alertFor(kind);
  }
}

/** The peer sent us a fatal alert (or an unexpected warning that ended the connection). */
export class PeerAlertError extends SslError {
  constructor(
    readonly level: number,
    readonly description: number,
  ) {
    super('PEER_ALERT', `peer sent ${level === AlertLevel.fatal ? 'fatal' : 'warning'} alert ${alertName(description)}`);
  }
}
