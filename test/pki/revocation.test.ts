/**
 * The revocation policy (src/pki/revocation.ts) and the CRL cache (crl-cache.ts), with CRLs
 * made by `openssl ca -gencrl` and a fetcher that serves bytes from memory: the three IOS
 * modes against a CRL that is unreachable, stale, badly signed, good without the certificate
 * and good with it; where CRLs come from (cache, configured, query URL, distribution
 * points); caching until nextUpdate; one shared fetch for concurrent checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPeer } from '../helpers/peers.js';
import { OpensslCa, type IssuedCert } from '../helpers/openssl-ca.js';
import { removeTempDirs } from '../helpers/temp-dirs.js';
import { parseCrl, type Crl } from '../../src/pki/crl.js';
import { CrlCache } from '../../src/pki/crl-cache.js';
import { checkRevocation, REVOCATION_MODES, type CrlFetcher, type RevocationMode } from '../../src/pki/revocation.js';
import type { DistinguishedName } from '../../src/pki/certificate.js';

const openssl = findPeer('openssl', 'openssl');
const CDP = 'http://crl.test/ca.crl';

type Condition = 'unreachable' | 'stale' | 'badly signed' | 'good, not revoked' | 'good, revoked';

describe.skipIf(!openssl)('revocation policy', () => {
  let ca: OpensslCa;
  let good: IssuedCert;
  let revoked: IssuedCert;
  /** CRL bytes by condition; the stale one is current for an hour, checked two hours on. */
  const crls = {} as Record<'fresh' | 'shortLived' | 'tampered', Uint8Array>;
  const later = () => Date.now() + 2 * 3600_000;

  beforeAll(() => {
    ca = new OpensslCa(openssl!);
    good = ca.issue('good-client', { cdp: [CDP] });
    revoked = ca.issue('revoked-client', { cdp: [CDP] });
    ca.revoke(revoked, 'keyCompromise');
    crls.fresh = ca.gencrl().der;
    crls.shortLived = ca.gencrl({ hours: 1 }).der;
    crls.tampered = Uint8Array.from(crls.fresh);
    crls.tampered[crls.tampered.length - 1] ^= 0xff;
  });
  afterAll(() => removeTempDirs());

  /** A fetcher serving `bytes` at CDP (or failing like an unreachable server), counting calls. */
  function fetcher(bytes: Uint8Array | undefined): CrlFetcher & { calls: { url: string; issuer: DistinguishedName }[] } {
    const calls: { url: string; issuer: DistinguishedName }[] = [];
    const f = async (url: string, ctx: { issuer: DistinguishedName }) => {
      calls.push({ url, issuer: ctx.issuer });
      if (!bytes) throw new Error('connect ECONNREFUSED 127.0.0.1:9');
      return bytes;
    };
    return Object.assign(f, { calls });
  }

  /** The CRL bytes and the clock for each condition. */
  function setup(condition: Condition): { bytes?: Uint8Array; now: number } {
    switch (condition) {
      case 'unreachable':
        return { now: Date.now() };
      case 'stale':
        return { bytes: crls.shortLived, now: later() };
      case 'badly signed':
        return { bytes: crls.tampered, now: Date.now() };
      default:
        return { bytes: crls.fresh, now: Date.now() };
    }
  }

  const path = (leaf: IssuedCert) => [leaf.cert, ca.cert];

  /** What each mode decides in each condition (IOS semantics). */
  const EXPECTED: Record<RevocationMode, Record<Condition, 'good' | 'revoked' | 'unavailable'>> = {
    required: { unreachable: 'unavailable', stale: 'unavailable', 'badly signed': 'unavailable', 'good, not revoked': 'good', 'good, revoked': 'revoked' },
    optional: { unreachable: 'good', stale: 'good', 'badly signed': 'good', 'good, not revoked': 'good', 'good, revoked': 'revoked' },
    'best-effort': { unreachable: 'good', stale: 'good', 'badly signed': 'good', 'good, not revoked': 'good', 'good, revoked': 'revoked' },
  };

  for (const mode of REVOCATION_MODES) {
    for (const condition of Object.keys(EXPECTED[mode]) as Condition[]) {
      it(`${mode}: CRL ${condition} -> ${EXPECTED[mode][condition]}`, async () => {
        const { bytes, now } = setup(condition);
        const leaf = condition === 'good, revoked' ? revoked : good;
        const fetch = fetcher(bytes);
        // crl optional never fetches: the CRL reaches it only as a configured file (or a cache).
        const options = mode === 'optional' ? { mode, fetch, crls: bytes ? [parseCrl(bytes)] : [] } : { mode, fetch };
        const decision = await checkRevocation(path(leaf), options, now);
        expect(decision.status).toBe(EXPECTED[mode][condition]);
        expect(fetch.calls.length).toBe(mode === 'optional' ? 0 : 1);
        if (decision.status === 'revoked') {
          expect(decision.reason).toMatch(/certificate 'revoked-client' \(serial 1001\) was revoked on .*, reason keyCompromise, according to the CRL of 'Test CRL CA'/);
          expect(decision.entry.reason).toBe('keyCompromise');
        }
        if (decision.status === 'unavailable') {
          const why = { unreachable: /ECONNREFUSED/, stale: /is stale: its nextUpdate .* has passed/, 'badly signed': /does not verify/ }[condition as 'stale'];
          expect(decision.reason).toMatch(/^no valid CRL from 'Test CRL CA' for certificate 'good-client'/);
          expect(decision.reason).toMatch(why);
        }
        if (decision.status === 'good' && !condition.startsWith('good')) expect(decision.notes.join()).toMatch(new RegExp(`accepted \\(crl ${mode}\\)`));
      });
    }
  }

  it('caches a verified CRL until its nextUpdate, then fetches again; lists it for show commands', async () => {
    const cache = new CrlCache();
    const fetch = fetcher(crls.shortLived);
    const now = Date.now();
    expect((await checkRevocation(path(good), { mode: 'required', fetch, cache }, now)).status).toBe('good');
    expect((await checkRevocation(path(revoked), { mode: 'required', fetch, cache }, now + 60_000)).status).toBe('revoked');
    expect(fetch.calls).toHaveLength(1);
    const [entry] = cache.list(now);
    const crl = parseCrl(crls.shortLived);
    expect(entry).toEqual({
      issuer: 'O=ssl3 tests, CN=Test CRL CA',
      issuerName: crl.issuer,
      source: CDP,
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
      revoked: 1,
      crlNumber: crl.crlNumber,
      derLength: crls.shortLived.length,
    });
    // Past nextUpdate the cached CRL is gone and the (still short-lived) one fetched is stale.
    expect((await checkRevocation(path(good), { mode: 'required', fetch, cache }, later())).status).toBe('unavailable');
    expect(fetch.calls).toHaveLength(2);
    expect(cache.list(later())).toEqual([]);
  });

  it('crl optional uses a CRL already cached, and fetches none', async () => {
    const cache = new CrlCache();
    await checkRevocation(path(good), { mode: 'best-effort', fetch: fetcher(crls.fresh), cache }, Date.now());
    const fetch = fetcher(crls.fresh);
    expect((await checkRevocation(path(revoked), { mode: 'optional', fetch, cache }, Date.now())).status).toBe('revoked');
    expect(fetch.calls).toHaveLength(0);
  });

  it('concurrent checks share one fetch', async () => {
    const cache = new CrlCache();
    const fetch = fetcher(crls.fresh);
    const results = await Promise.all([good, revoked, good, good].map((c) => checkRevocation(path(c), { mode: 'required', fetch, cache }, Date.now())));
    expect(results.map((r) => r.status)).toEqual(['good', 'revoked', 'good', 'good']);
    expect(fetch.calls).toHaveLength(1);
  });

  it('a query URL replaces the distribution points, and the fetcher learns the issuer (for a bare ldap://host)', async () => {
    const fetch = fetcher(crls.fresh);
    await checkRevocation(path(good), { mode: 'required', fetch, queryUrl: 'ldap://127.0.0.1:389' }, Date.now());
    expect(fetch.calls.map((c) => c.url)).toEqual(['ldap://127.0.0.1:389']);
    expect(fetch.calls[0].issuer.raw).toEqual(ca.cert.subject.raw);
  });

  it('a certificate without distribution points and no query URL: unavailable in required mode, with the reason', async () => {
    const plain = ca.issue('no-cdp');
    const decision = await checkRevocation([plain.cert, ca.cert], { mode: 'required', fetch: fetcher(crls.fresh) }, Date.now());
    expect(decision).toMatchObject({ status: 'unavailable' });
    expect((decision as { reason: string }).reason).toMatch(/names no CRL distribution point and no query URL is configured/);
    expect((await checkRevocation([plain.cert, ca.cert], { mode: 'best-effort', fetch: fetcher(crls.fresh) }, Date.now())).status).toBe('good');
  });

  it("a configured CRL of another CA is ignored; a stale configured one falls back to fetching", async () => {
    const other: Crl = parseCrl(new OpensslCa(openssl!, { cn: 'Other CA' }).gencrl().der);
    const fetch = fetcher(crls.fresh);
    const decision = await checkRevocation(path(revoked), { mode: 'required', fetch, crls: [other, parseCrl(crls.shortLived)] }, later());
    expect(decision.status).toBe('revoked');
    expect(fetch.calls).toHaveLength(1);
  });

  it('a trust anchor alone (a path of one) has nothing to check', async () => {
    const fetch = fetcher(undefined);
    expect((await checkRevocation([ca.cert], { mode: 'required', fetch }, Date.now())).status).toBe('good');
    expect(fetch.calls).toHaveLength(0);
  });
});
