/**
 * Deciding whether to trust the peer's certificate chain: by pinned fingerprint (the usual
 * way to trust a self-signed device), or by chain validation against CA certificates plus,
 * on the client, a host-name check (RFC 6125). The verdict carries the SSL 3.0 alert to send
 * when the chain is refused.
 */
import type { PeerVerdict } from '../handshake/context.js';
import type { AlertName } from '../record/alerts.js';
import type { Certificate } from '../pki/certificate.js';
import { parseCertificate } from '../pki/x509.js';
import { verifyChain, type ChainErrorCode, type ChainPurpose } from '../pki/verify.js';
import { checkHost } from '../pki/hostname.js';
import { pinMatches, pinsOf, type Pin } from '../pki/pin.js';
import { Ssl3Error } from '../util/errors.js';

export interface PeerCheckOptions {
  /** Trust anchors. */
  ca: readonly Certificate[];
  /** Pinned fingerprints: when given, a matching leaf is trusted instead of validating a chain. */
  pins: readonly (string | Pin)[];
  /** Client side: the host name or IP address the certificate must name. */
  servername?: string;
  /** Refuse the handshake when verification fails (otherwise record the failure and continue). */
  rejectUnauthorized: boolean;
  purpose: ChainPurpose;
  now?: () => number;
}

/** How each validation failure is told to the peer, in the SSL 3.0 alert set. */
const CHAIN_ALERTS: Record<ChainErrorCode, AlertName> = {
  EMPTY_CHAIN: 'bad_certificate',
  UNTRUSTED_ROOT: 'bad_certificate', // TLS's unknown_ca
  BAD_SIGNATURE: 'bad_certificate',
  UNSUPPORTED_SIGNATURE_ALGORITHM: 'unsupported_certificate',
  EXPIRED: 'certificate_expired',
  NOT_YET_VALID: 'certificate_expired',
  ISSUER_NOT_CA: 'bad_certificate',
  ISSUER_NO_KEYCERTSIGN: 'bad_certificate',
  PATH_LENGTH_EXCEEDED: 'bad_certificate',
  NAME_MISMATCH: 'bad_certificate',
  WRONG_PURPOSE: 'unsupported_certificate',
  UNKNOWN_CRITICAL_EXTENSION: 'unsupported_certificate',
};

export interface PeerCheckOutcome {
  authorized: boolean;
  error?: string;
}

/** Returns the handshake's verifyPeer callback; `record` learns the outcome for socket.authorized. */
export function makePeerVerifier(opts: PeerCheckOptions, record: (o: PeerCheckOutcome) => void): (chain: readonly Uint8Array[]) => PeerVerdict {
  return (chainDer) => {
    let outcome: { ok: true } | { ok: false; alert: AlertName; reason: string };
    try {
      outcome = check(chainDer.map((d) => parseCertificate(d)), opts);
    } catch (e) {
      if (!(e instanceof Ssl3Error)) throw e;
      outcome = { ok: false, alert: 'bad_certificate', reason: `certificate could not be parsed: ${e.message}` };
    }
    record(outcome.ok ? { authorized: true } : { authorized: false, error: outcome.reason });
    if (outcome.ok || !opts.rejectUnauthorized) return { ok: true };
    return outcome;
  };
}

function check(chain: Certificate[], opts: PeerCheckOptions): PeerVerdict {
  const leaf = chain[0];
  if (!leaf) return { ok: false, alert: 'bad_certificate', reason: 'the peer sent no certificate' };
  if (opts.pins.length) {
    if (opts.pins.some((p) => pinMatches(leaf, p))) return { ok: true };
    const { sha256 } = pinsOf(leaf);
    return { ok: false, alert: 'bad_certificate', reason: `certificate SHA-256 fingerprint ${sha256} matches no configured pin` };
  }
  const result = verifyChain(chain, {
    trustAnchors: opts.ca,
    purpose: opts.purpose,
    now: opts.now ? new Date(opts.now()) : undefined,
  });
  if (!result.ok) return { ok: false, alert: CHAIN_ALERTS[result.code], reason: result.reason };
  if (opts.servername) {
    const host = checkHost(leaf, opts.servername);
    if (!host.ok) return { ok: false, alert: 'bad_certificate', reason: host.reason };
  }
  return { ok: true };
}
