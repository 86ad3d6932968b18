/**
 * Fetching CRLs for the revocation check (src/pki/revocation.ts asks through CrlFetcher):
 *
 * - http:// with node:http: one GET, status 200 only (no redirects, as IOS), the body PEM or
 *   DER, bounded in size and time.
 * - ldap:// with ldapts (an LDAP client from npm: TypeScript, maintained, no native code),
 *   anonymous: an RFC 4516 URL `ldap://host:port/DN?attributes?scope?filter` reads the
 *   attribute of that entry; a bare `ldap://host[:port]` (IOS `crl query ldap://host`) reads
 *   the entry whose DN is the CRL issuer's name. The attribute is
 *   `certificateRevocationList;binary` (RFC 4523), falling back to
 *   `certificateRevocationList` for directories that store it without the transfer option.
 *
 * Every failure rejects with one sentence naming the URL's problem (refused, timed out, HTTP
 * status, no such entry, no CRL attribute, too large); the policy puts it in its reason.
 */
import { fetchHttp, FetchError } from './http-fetch.js';
import { Client } from 'ldapts';
import type { CrlFetchContext, CrlFetcher } from '../pki/revocation.js';
import { formatNameRfc4514 } from '../pki/x509.js';

export interface CrlFetchOptions {
  /** Milliseconds for the whole fetch (connect, request, body). Default 10000. */
  timeoutMs?: number;
  /** Largest CRL accepted, in bytes. Default 16 MiB. */
  maxBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 16 << 20;

/** The LDAP attributes a CRL lives in, in the order they are tried (RFC 4523 section 2.18). */
export const CRL_LDAP_ATTRIBUTES = ['certificateRevocationList;binary', 'certificateRevocationList'] as const;

/** A CrlFetcher for http:// and ldap:// URLs. */
export function crlFetcher(options: CrlFetchOptions = {}): CrlFetcher {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return async (url, context) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new Error(`not a URL: '${url}'`);
    }
    if (u.protocol === 'http:') return httpGet(u, timeoutMs, maxBytes);
    if (u.protocol === 'ldap:') return ldapRead(u, context, timeoutMs, maxBytes);
    throw new Error(`CRLs are fetched over http:// or ldap://, not ${u.protocol}//`);
  };
}

/** The fetcher with the default limits. */
export const fetchCrl: CrlFetcher = crlFetcher();

/** One GET through the shared HTTP fetcher; only 200 carries a CRL (no redirects, as IOS). */
async function httpGet(url: URL, timeoutMs: number, maxBytes: number): Promise<Uint8Array> {
  let res;
  try {
    res = await fetchHttp(url, { timeoutMs, maxBytes });
  } catch (e) {
    throw new Error(e instanceof FetchError ? e.message : String(e));
  }
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return res.body;
}

/** What an RFC 4516 LDAP URL asks for: ldap://host:port/dn?attributes?scope?filter?extensions. */
export interface LdapTarget {
  /** ldap://host:port, for the client. */
  readonly server: string;
  /** The entry's DN; empty for a bare ldap://host. */
  readonly dn: string;
  readonly attributes: readonly string[];
  readonly scope: 'base' | 'one' | 'sub';
  readonly filter: string;
}

/** Splits an ldap:// URL (RFC 4516 section 2); throws naming what is wrong. */
export function parseLdapUrl(url: URL): LdapTarget {
  if (url.protocol !== 'ldap:') throw new Error(`not an ldap:// URL: '${url.href}'`);
  if (!url.hostname) throw new Error(`ldap URL without a host: '${url.href}'`);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new Error(`bad %-escape in '${url.href}'`);
    }
  };
  const [attrs = '', scope = '', filter = '', extensions = ''] = url.search.replace(/^\?/, '').split('?');
  // RFC 4516 2: a critical extension ('!') we do not implement must make the URL unusable.
  if (extensions.split(',').some((e) => e.startsWith('!'))) throw new Error(`ldap URL with a critical extension: '${url.href}'`);
  const s = decode(scope) || 'base';
  if (s !== 'base' && s !== 'one' && s !== 'sub') throw new Error(`ldap URL scope '${s}' (base, one or sub)`);
  return {
    server: `ldap://${url.host}`,
    dn: decode(url.pathname.replace(/^\//, '')),
    attributes: attrs ? attrs.split(',').map(decode) : [...CRL_LDAP_ATTRIBUTES],
    scope: s,
    filter: decode(filter) || '(objectClass=*)',
  };
}

async function ldapRead(url: URL, context: CrlFetchContext, timeoutMs: number, maxBytes: number): Promise<Uint8Array> {
  const target = parseLdapUrl(url);
  const dn = target.dn || formatNameRfc4514(context.issuer);
  // The binary form is asked for with or without the URL naming it, as a fallback.
  const wanted = target.attributes.some((a) => a.toLowerCase().startsWith('certificaterevocationlist')) ? [...new Set([...target.attributes, ...CRL_LDAP_ATTRIBUTES])] : [...target.attributes];
  const client = new Client({ url: target.server, timeout: timeoutMs, connectTimeout: timeoutMs });
  try {
    const { searchEntries } = await client.search(dn, {
      scope: target.scope,
      filter: target.filter,
      attributes: wanted,
      explicitBufferAttributes: wanted,
      sizeLimit: 1,
      timeLimit: Math.ceil(timeoutMs / 1000),
    });
    const entry = searchEntries[0];
    if (!entry) throw new Error(`no entry '${dn}'`);
    for (const name of wanted) {
      const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
      const value = key === undefined ? undefined : entry[key];
      const first = Array.isArray(value) ? value[0] : value;
      if (first === undefined || first.length === 0) continue;
      const bytes = typeof first === 'string' ? new TextEncoder().encode(first) : new Uint8Array(first);
      if (bytes.length > maxBytes) throw new Error(`the CRL is larger than ${maxBytes} bytes`);
      return bytes;
    }
    throw new Error(`entry '${dn}' has no ${CRL_LDAP_ATTRIBUTES.join(' or ')}`);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(`LDAP ${target.server}: ${message}`);
  } finally {
    await client.unbind().catch(() => {});
  }
}
