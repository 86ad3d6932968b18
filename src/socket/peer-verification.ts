/**
 * Deciding whether to trust the peer's certificate chain: by pinned fingerprint (the usual
 * way to trust a self-signed device), or by chain validation against CA certificates plus,
 * on the client, a host-name check (RFC 6125), and then, when configured, a revocation check
 * with CRLs (src/pki/revocation.ts) of every certificate of the validated path. The verdict
 * names the kind of failure when the chain is refused (record/alerts.ts maps it to the alert); a revocation check that has to
 * fetch a CRL answers later, and the handshake waits for it (HandshakeHost.waitFor).
 */
import type { MaybeAsync, PeerVerdict } from '../handshake/context.js';
import { checkRevocation, type RevocationOptions } from '../pki/revocation.js';
import type { FailureKind } from '../record/alerts.js';
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
  /** Check the validated path against CRLs (not done for pinned certificates: no path). */
  revocation?: RevocationOptions;
}

/** The kind of failure each validation failure is (record/alerts.ts decides the alert sent for it). */
const CHAIN_FAILURES: Record<ChainErrorCode, FailureKind> = {
  EMPTY_CHAIN: 'BAD_CERTIFICATE',
  UNTRUSTED_ROOT: 'CERTIFICATE_UNTRUSTED',
  BAD_SIGNATURE: 'CERTIFICATE_UNTRUSTED',
  UNSUPPORTED_SIGNATURE_ALGORITHM: 'UNSUPPORTED_CERTIFICATE',
  EXPIRED: 'CERTIFICATE_EXPIRED',
  NOT_YET_VALID: 'CERTIFICATE_EXPIRED',
  ISSUER_NOT_CA: 'CERTIFICATE_UNTRUSTED',
  ISSUER_NO_KEYCERTSIGN: 'CERTIFICATE_UNTRUSTED',
  PATH_LENGTH_EXCEEDED: 'CERTIFICATE_UNTRUSTED',
  NAME_MISMATCH: 'CERTIFICATE_UNTRUSTED',
  WRONG_PURPOSE: 'UNSUPPORTED_CERTIFICATE',
  UNKNOWN_CRITICAL_EXTENSION: 'UNSUPPORTED_CERTIFICATE',
};

/**
 * Returns the handshake's verifyPeer callback. Its verdict reaches the socket in the handshake
 * result (socket.authorized); a failed one is `accepted` unless rejectUnauthorized.
 */
export function makePeerVerifier(opts: PeerCheckOptions): (chain: readonly Uint8Array[]) => MaybeAsync<PeerVerdict> {
  const finish = (verdict: PeerVerdict): PeerVerdict => (verdict.ok || opts.rejectUnauthorized ? verdict : { ...verdict, accepted: true });
  return (chainDer) => {
    let verdict: MaybeAsync<PeerVerdict>;
    try {
      verdict = check(chainDer.map((d) => parseCertificate(d)), opts);
    } catch (e) {
      if (!(e instanceof Ssl3Error)) throw e;
      verdict = { ok: false, kind: 'BAD_CERTIFICATE', reason: `certificate could not be parsed: ${e.message}` };
    }
    return verdict instanceof Promise ? verdict.then(finish) : finish(verdict as PeerVerdict);
  };
}

function check(chain: Certificate[], opts: PeerCheckOptions): MaybeAsync<PeerVerdict> {
  const leaf = chain[0];
  if (!leaf) return { ok: false, kind: 'BAD_CERTIFICATE', reason: 'the peer sent no certificate' };
  if (opts.pins.length) {
    if (opts.pins.some((p) => pinMatches(leaf, p))) return { ok: true };
    const { sha256 } = pinsOf(leaf);
    return { ok: false, kind: 'CERTIFICATE_UNTRUSTED', reason: `certificate SHA-256 fingerprint ${sha256} matches no configured pin` };
  }
  const now = opts.now?.() ?? Date.now();
  const result = verifyChain(chain, {
    trustAnchors: opts.ca,
    purpose: opts.purpose,
    now: opts.now ? new Date(now) : undefined,
  });
  if (!result.ok) return { ok: false, kind: CHAIN_FAILURES[result.code], reason: result.reason };
  if (opts.servername) {
    const host = checkHost(leaf, opts.servername);
    if (!host.ok) return { ok: false, kind: 'HOSTNAME_MISMATCH', reason: host.reason };
  }
  if (!opts.revocation || result.path.length < 2) return { ok: true };
  return revocationVerdict(result.path, opts.revocation, now);
}

/**
 * The revocation check's verdict: CERTIFICATE_REVOKED (certificate_revoked, RFC 6101 5.4.2),
 * or, for "no valid CRL to be had" in required mode, REVOCATION_UNKNOWN (bad_certificate, as
 * OpenSSL's SSL 3.0 code sends for X509_V_ERR_UNABLE_TO_GET_CRL; see record/alerts.ts).
 */
async function revocationVerdict(path: readonly Certificate[], revocation: RevocationOptions, now: number): Promise<PeerVerdict> {
  const decision = await checkRevocation(path, revocation, now);
  switch (decision.status) {
    case 'good':
      return { ok: true };
    case 'revoked':
      return { ok: false, kind: 'CERTIFICATE_REVOKED', reason: decision.reason };
    case 'unavailable':
      return { ok: false, kind: 'REVOCATION_UNKNOWN', reason: `revocation status unknown: ${decision.reason}` };
  }
}
