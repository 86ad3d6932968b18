/**
 * The one mapping from kinds of failure to SSL 3.0 alerts (record/alerts.ts, RFC 6101 5.4.2):
 * only alerts SSL 3.0 defines reach the wire, the TLS-only ones replaced as OpenSSL's SSL 3.0
 * code does, and each error carries its kind, its alert and a node-style code.
 */
import { describe, expect, it } from 'vitest';
import { ALERTS, FAILURE_ALERTS, PeerAlertError, SslAlertError, SslError, alertFor, type FailureKind } from '../../src/record/alerts.js';

describe('failure kinds and their alerts', () => {
  it('maps every kind to an alert SSL 3.0 defines, never close_notify or no_certificate', () => {
    for (const [kind, alert] of Object.entries(FAILURE_ALERTS)) {
      expect(Object.keys(ALERTS), kind).toContain(alert);
      expect(['close_notify', 'no_certificate'], kind).not.toContain(alert);
    }
  });

  it('sends what OpenSSL 1.0.2 sends under SSL 3.0 for the causes TLS has its own alerts for', () => {
    const expected: [FailureKind, string][] = [
      ['DECODE_ERROR', 'handshake_failure'], // TLS decode_error
      ['BAD_FINISHED', 'handshake_failure'], // TLS decrypt_error
      ['PROTOCOL_VERSION', 'handshake_failure'], // TLS protocol_version
      ['RENEGOTIATION_REFUSED', 'handshake_failure'], // TLS no_renegotiation
      ['INTERNAL_ERROR', 'handshake_failure'], // TLS internal_error
      ['RECORD_OVERFLOW', 'bad_record_mac'], // TLS record_overflow
      ['CERTIFICATE_UNTRUSTED', 'bad_certificate'], // TLS unknown_ca
      ['REVOCATION_UNKNOWN', 'bad_certificate'], // OpenSSL: UNABLE_TO_GET_CRL -> unknown_ca
      ['CERTIFICATE_REVOKED', 'certificate_revoked'],
      ['UNEXPECTED_MESSAGE', 'unexpected_message'],
    ];
    for (const [kind, alert] of expected) expect(alertFor(kind), kind).toBe(alert);
  });

  it('gives each error its kind, its alert and an ERR_SSL_ code; a peer alert is an SslError without one', () => {
    const e = new SslAlertError('NO_SHARED_CIPHER', 'no cipher suite in common');
    expect(e).toBeInstanceOf(SslError);
    expect(e).toMatchObject({ kind: 'NO_SHARED_CIPHER', alert: 'handshake_failure', code: 'ERR_SSL_NO_SHARED_CIPHER', name: 'SslAlertError' });
    const peer = new PeerAlertError(2, ALERTS.bad_certificate);
    expect(peer).toBeInstanceOf(SslError);
    expect(peer).toMatchObject({ kind: 'PEER_ALERT', code: 'ERR_SSL_PEER_ALERT', message: 'peer sent fatal alert bad_certificate' });
    expect('alert' in peer).toBe(false);
  });
});
