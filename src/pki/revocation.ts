/**
 * Revocation checking with CRLs (RFC 5280 section 6.3, simplified to complete CRLs from the
 * certificate's issuer) under the three policies of Cisco IOS trustpoints:
 *
 * | mode        | IOS                          | a CRL is fetched     | no valid CRL to be had |
 * | ----------- | ---------------------------- | -------------------- | ---------------------- |
 * | required    | (no `crl` line: the default) | yes, if none cached  | refused                |
 * | optional    | `crl optional`               | never in a handshake | accepted               |
 * | best-effort | `crl best-effort`            | yes, if none cached  | accepted               |
 *
 * In every mode a certificate listed on a valid CRL is refused. A CRL is valid when it is
 * issued and signed by the certificate's issuer (crlProblem) and current (thisUpdate <= now
 * <= nextUpdate); a stale, badly signed or unreadable CRL counts as no CRL. Where a CRL comes
 * from, in order: the cache, the CRLs configured up front (a file), then, where the mode
 * fetches, `queryUrl` (IOS `crl query URL`, used instead of the certificate's distribution
 * points) or else the certificate's CRLDistributionPoints URIs. Every certificate of the
 * validated path below the trust anchor is checked against its issuer.
 *
 * Pure: fetching is the CrlFetcher the caller supplies (src/http/crl-fetch.ts implements
 * http:// and ldap://), and the clock is passed in.
 */
import type { Certificate, DistinguishedName } from './certificate.js';
import { crlFreshness, crlProblem, describeCrl, findRevoked, parseCrls, type Crl, type CrlProblem, type RevokedCertificate } from './crl.js';
import type { CrlCache } from './crl-cache.js';
import { describeName } from './verify.js';
import { toHex } from '../util/bytes.js';

/** The three policies, by the names the CLI and the API use (IOS keywords: none, `optional`, `best-effort`). */
export const REVOCATION_MODES = ['required', 'optional', 'best-effort'] as const;
export type RevocationMode = (typeof REVOCATION_MODES)[number];

/** What a fetcher knows about the CRL wanted: an ldap:// URL without a DN looks up the issuer's entry. */
export interface CrlFetchContext {
  readonly issuer: DistinguishedName;
}

/** Fetches the bytes (DER or PEM) at `url`; rejects with a message saying why it could not. */
export type CrlFetcher = (url: string, context: CrlFetchContext) => Promise<Uint8Array>;

export interface RevocationOptions {
  readonly mode: RevocationMode;
  /** Needed by 'required' and 'best-effort' unless every CRL is configured or cached. */
  readonly fetch?: CrlFetcher;
  /** IOS `crl query URL`: where CRLs are fetched, instead of the certificates' distribution points. */
  readonly queryUrl?: string;
  /** CRLs given up front (a file); used while current, like cached ones. */
  readonly crls?: readonly Crl[];
  /** Where verified CRLs are kept until their nextUpdate; without one every check fetches. */
  readonly cache?: CrlCache;
}

export type RevocationDecision =
  /** Not revoked; `notes` say where a mode accepted a certificate without a CRL. */
  | { readonly status: 'good'; readonly notes: readonly string[] }
  | { readonly status: 'revoked'; readonly reason: string; readonly certificate: Certificate; readonly entry: RevokedCertificate }
  /** Required mode only: no valid CRL could be had. */
  | { readonly status: 'unavailable'; readonly reason: string };

/** The source name of configured CRLs, in messages and in the cache's listing. */
export const CONFIGURED_SOURCE = 'configured';

/**
 * Decides about a validated path (leaf first, ending with the trust anchor, as verifyChain
 * returns it). Never rejects for a CRL problem: those become the decision.
 */
export async function checkRevocation(path: readonly Certificate[], options: RevocationOptions, now: number): Promise<RevocationDecision> {
  const notes: string[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    const cert = path[i];
    const issuer = path[i + 1];
    const { crl, source, problems } = await findCrl(cert, issuer, options, now);
    if (!crl) {
      const why = `no valid CRL from '${describeName(issuer.subject)}' for certificate '${describeName(cert.subject)}'${problems.length ? ` (${problems.join('; ')})` : ''}`;
      if (options.mode === 'required') return { status: 'unavailable', reason: why };
      notes.push(`${why}; accepted (crl ${options.mode})`);
      continue;
    }
    const entry = findRevoked(crl, cert.serialNumber);
    if (entry) {
      const reason = entry.reason ? `, reason ${entry.reason}` : '';
      return {
        status: 'revoked',
        certificate: cert,
        entry,
        reason: `certificate '${describeName(cert.subject)}' (serial ${serialHex(cert.serialNumber)}) was revoked on ${entry.revocationDate.toISOString()}${reason}, according to ${describeCrl(crl)} from ${source}`,
      };
    }
  }
  return { status: 'good', notes };
}

/** Serial numbers as OpenSSL prints them in CRL listings: upper-case hex. */
function serialHex(serial: bigint): string {
  return serial < 0n ? `-${(-serial).toString(16).toUpperCase()}` : serial.toString(16).toUpperCase();
}

interface Found {
  crl?: Crl;
  source?: string;
  /** Why each candidate was not usable, for the message when none was. */
  problems: string[];
}

async function findCrl(cert: Certificate, issuer: Certificate, options: RevocationOptions, now: number): Promise<Found> {
  const problems: string[] = [];
  const cached = options.cache?.lookup(issuer, now);
  if (cached) return { crl: cached, source: 'the cache', problems };

  for (const crl of options.crls ?? []) {
    const problem = usable(crl, issuer, now);
    if (problem?.code === 'OTHER_ISSUER') continue;
    if (problem) {
      problems.push(`configured: ${problem.reason}`);
      continue;
    }
    options.cache?.store(crl, CONFIGURED_SOURCE, issuer);
    return { crl, source: CONFIGURED_SOURCE, problems };
  }
  if (options.mode === 'optional') {
    problems.push('none cached, and crl optional fetches none');
    return { problems };
  }
  const sources = options.queryUrl ? [options.queryUrl] : (cert.crlDistributionPoints ?? []);
  const { fetch, cache } = options;
  if (!sources.length) problems.push('the certificate names no CRL distribution point and no query URL is configured');
  else if (!fetch) problems.push('no CRL fetcher is configured');
  for (const url of fetch ? sources : []) {
    let bytes: Uint8Array;
    try {
      const get = () => fetch!(url, { issuer: issuer.subject });
      bytes = await (cache ? cache.fetchShared(`${url} ${toHex(issuer.subject.raw)}`, get) : get());
    } catch (e) {
      problems.push(`${url}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    let crls: Crl[];
    try {
      crls = parseCrls(bytes);
    } catch (e) {
      problems.push(`${url}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    for (const crl of crls) {
      const problem = usable(crl, issuer, now);
      if (problem) {
        problems.push(`${url}: ${problem.reason}`);
        continue;
      }
      options.cache?.store(crl, url, issuer);
      return { crl, source: url, problems };
    }
  }
  return { problems };
}

/** Why `crl` cannot decide about `issuer`'s certificates at `now`: crlProblem, or its freshness. */
function usable(crl: Crl, issuer: Certificate, now: number): CrlProblem | undefined {
  const problem = crlProblem(crl, issuer);
  if (problem) return problem;
  const fresh = crlFreshness(crl, now);
  if (fresh === 'stale') return { code: 'STALE', reason: `${describeCrl(crl)} is stale: its nextUpdate ${crl.nextUpdate!.toISOString()} has passed` };
  if (fresh === 'not-yet-valid') return { code: 'NOT_YET_VALID', reason: `${describeCrl(crl)} is not valid before ${crl.thisUpdate.toISOString()}` };
  return undefined;
}
