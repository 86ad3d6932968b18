/**
 * The SSL 3.0 alert protocol, RFC 6101 section 5.4: levels, the complete set of alert
 * descriptions SSL 3.0 defines (0, 10, 20, 30, 40-47), and the mapping from TLS-only alerts
 * to what OpenSSL's SSL 3.0 code sends instead (DESIGN.md, "Principles"), so no alert outside
 * the SSL 3.0 set ever reaches the wire.
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

/** TLS alert names a caller may think in, and the SSL 3.0 alert actually sent for each. */
export const TLS_ALERT_FALLBACK = {
  decode_error: 'handshake_failure',
  decrypt_error: 'handshake_failure',
  protocol_version: 'handshake_failure',
  internal_error: 'handshake_failure',
  access_denied: 'handshake_failure',
  unsupported_extension: 'handshake_failure',
  no_renegotiation: 'handshake_failure',
  decryption_failed: 'bad_record_mac',
  record_overflow: 'bad_record_mac',
  unknown_ca: 'bad_certificate',
} as const satisfies Record<string, AlertName>;

const NAME_BY_CODE = new Map<number, AlertName>(Object.entries(ALERTS).map(([k, v]) => [v, k as AlertName]));

/** The name of an alert code, or `unknown(N)` for codes outside SSL 3.0 (a TLS peer may send them). */
export function alertName(code: number): string {
  return NAME_BY_CODE.get(code) ?? `unknown(${code})`;
}

export function isAlertName(name: string): name is AlertName {
  return Object.hasOwn(ALERTS, name);
}

/**
 * A protocol failure that ends the connection with a fatal alert. `alert` is always an SSL 3.0
 * alert; the message explains the cause for logs and for the application.
 */
export class SslAlertError extends Ssl3Error {
  readonly alert: AlertName;

  constructor(alert: AlertName | keyof typeof TLS_ALERT_FALLBACK, message: string) {
    const sent: AlertName = isAlertName(alert) ? alert : TLS_ALERT_FALLBACK[alert];
    super(sent, message);
    this.alert = sent;
  }
}

/** The peer sent us a fatal alert (or an unexpected warning that ended the connection). */
export class PeerAlertError extends Ssl3Error {
  constructor(
    readonly level: number,
    readonly description: number,
  ) {
    super('PEER_ALERT', `peer sent ${level === AlertLevel.fatal ? 'fatal' : 'warning'} alert ${alertName(description)}`);
  }
}
