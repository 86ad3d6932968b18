/**
 * CRLs kept between handshakes: each verified CRL stays until its nextUpdate (RFC 5280
 * 5.1.2.5: the date by which the next CRL will be issued), then the next check fetches a new
 * one, as IOS caches CRLs. Entries are keyed by issuer and source URL; a CRL without
 * nextUpdate is used once and not kept, since nothing says how long it holds. The listing is
 * what `show crypto ca crls` prints. Concurrent handshakes that need the same CRL share one
 * fetch. Pure: the clock is passed in.
 */
import type { Certificate, DistinguishedName } from './certificate.js';
import type { Crl } from './crl.js';
import { formatName } from './x509.js';
import { namesEqual } from './verify.js';
import { bytesEqual, toHex } from '../util/bytes.js';

/** One cached CRL, as show commands list it. */
export interface CrlListing {
  /** The CRL issuer's name, 'C=US, O=..., CN=...'. */
  readonly issuer: string;
  /** The same name as parsed, for layouts of its own (IOS lists attributes most specific first). */
  readonly issuerName: DistinguishedName;
  /** Where it came from: the URL it was fetched from, or 'configured' for one given as a file. */
  readonly source: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  /** Number of revoked certificates it lists. */
  readonly revoked: number;
  readonly crlNumber?: bigint;
  /** Size of the CRL's DER encoding (IOS: `CRL DER is N bytes`). */
  readonly derLength: number;
}

interface Entry {
  readonly crl: Crl & { readonly nextUpdate: Date };
  readonly source: string;
  /** The key that verified it (SubjectPublicKeyInfo DER): two CAs may share a name. */
  readonly issuerKey: Uint8Array;
}

export interface CrlCacheOptions {
  /** Most CRLs kept; the one closest to its nextUpdate goes first. Default 64. */
  maxEntries?: number;
}

export class CrlCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Uint8Array>>();
  private readonly maxEntries: number;

  constructor(options: CrlCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 64;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The newest current CRL `issuer` signed, if one is cached; entries past nextUpdate are dropped. */
  lookup(issuer: Certificate, now: number): Crl | undefined {
    this.dropStale(now);
    let best: Crl | undefined;
    for (const e of this.entries.values()) {
      if (!namesEqual(e.crl.issuer, issuer.subject) || !bytesEqual(e.issuerKey, issuer.publicKey.raw)) continue;
      if (now < e.crl.thisUpdate.getTime()) continue;
      if (!best || e.crl.thisUpdate > best.thisUpdate) best = e.crl;
    }
    return best;
  }

  /** Keeps a CRL that was verified against `issuer` (crlProblem found nothing), until its nextUpdate. */
  store(crl: Crl, source: string, issuer: Certificate): void {
    const { nextUpdate } = crl;
    if (!nextUpdate) return;
    const key = `${toHex(crl.issuer.raw)} ${source}`;
    this.entries.delete(key);
    this.entries.set(key, { crl: { ...crl, nextUpdate }, source, issuerKey: issuer.publicKey.raw });
    while (this.entries.size > this.maxEntries) {
      let first: [string, Entry] | undefined;
      for (const kv of this.entries) if (!first || kv[1].crl.nextUpdate < first[1].crl.nextUpdate) first = kv;
      this.entries.delete(first![0]);
    }
  }

  /** The cached CRLs (current at `now` when given), for show commands. */
  list(now?: number): CrlListing[] {
    if (now !== undefined) this.dropStale(now);
    return [...this.entries.values()].map(({ crl, source }) => ({
      issuer: formatName(crl.issuer),
      issuerName: crl.issuer,
      source,
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
      revoked: crl.revoked.length,
      crlNumber: crl.crlNumber,
      derLength: crl.raw.length,
    }));
  }

  clear(): void {
    this.entries.clear();
  }

  /**
   * Runs `fetch` for `key` unless a fetch for it is already under way, whose result is then
   * shared: twenty clients arriving together cause one download, not twenty.
   */
  fetchShared(key: string, fetch: () => Promise<Uint8Array>): Promise<Uint8Array> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const p = fetch().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  private dropStale(now: number): void {
    for (const [k, e] of this.entries) if (now > e.crl.nextUpdate.getTime()) this.entries.delete(k);
  }
}
