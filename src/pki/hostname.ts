/**
 * Server identity check: does the certificate name the host we meant to reach?
 * RFC 6125 section 6.4 (DNS names, wildcards), RFC 2818 section 3.1 (HTTP over TLS: IP
 * addresses must be in an iPAddress subjectAltName; the CN is a fallback only without SAN).
 *
 * Rules, in short:
 * - An IP literal (IPv4 dotted quad, or IPv6 in any RFC 4291 spelling, optionally in brackets
 *   or with a %zone) is compared as bytes against the SAN iPAddress entries, never against
 *   dNSName entries and never with wildcards.
 * - A DNS name is compared case-insensitively with a trailing dot ignored; a Unicode name is
 *   turned into its A-label (punycode) form first, and A-labels are compared as plain ASCII.
 * - A wildcard is honoured only as the complete left-most label ('*.example.com' matches
 *   'a.example.com', not 'example.com' nor 'a.b.example.com'); partial wildcards ('f*.com',
 *   'a.*.com') never match, nor does a wildcard over two labels or fewer ('*.com'). We carry
 *   no public-suffix list, so '*.co.uk' is not caught: the CA is trusted not to issue it.
 * - The subject CN is consulted only when the certificate has no SAN dNSName and no SAN
 *   iPAddress entries at all (RFC 6125 6.4.4). Legacy devices (printers, iLO, IOS self-signed
 *   certificates) often put their IP address in the CN and have no SAN, so in that case an IP
 *   literal may also match a CN spelling the same address.
 */
import { bytesEqual } from '../util/bytes.js';
import type { Certificate } from './certificate.js';
import { OID } from './oid.js';

export type HostCheckResult = { ok: true } | { ok: false; reason: string };

// ---------------------------------------------------------------------------------------
// IP literals

function parseIpv4(s: string): Uint8Array | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = m[i + 1];
    // A leading zero is octal to inet_aton but decimal to a reader: refuse to guess.
    if (part.length > 1 && part[0] === '0') return undefined;
    const v = Number(part);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

function parseIpv6(s: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const g = items[i];
      if (i === items.length - 1 && g.includes('.')) {
        // An embedded IPv4 tail (::ffff:10.0.0.1) fills the last two groups.
        const v4 = parseIpv4(g);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  let all: number[];
  if (halves.length === 2) {
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return undefined; // '::' stands for at least one zero group
    all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  } else {
    all = head;
  }
  if (all.length !== 8) return undefined;
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/**
 * The address bytes (4 or 16) of an IP literal, or undefined when `s` is not one. Accepts
 * IPv6 in brackets ('[::1]', as in URLs) and with a zone ('fe80::1%eth0'; the zone is local
 * to this machine and not part of the certificate's identity).
 */
export function parseIpAddress(s: string): Uint8Array | undefined {
  let t = s.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const zone = t.indexOf('%');
  if (zone >= 0 && t.includes(':')) t = t.slice(0, zone);
  return parseIpv4(t) ?? parseIpv6(t);
}

// ---------------------------------------------------------------------------------------
// DNS names

/** Lower case, no trailing dot, Unicode labels as A-labels (RFC 5890). */
function normalizeDnsName(name: string): string {
  let n = name.trim();
  if (n.endsWith('.')) n = n.slice(0, -1);
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(n)) {
    // WHATWG URL applies UTS #46 (IDNA) in Node and in browsers alike, without a dependency.
    try {
      n = new URL(`http://${n}/`).hostname;
    } catch {
      // Not a valid IDN: keep it; it cannot equal any ASCII certificate name anyway.
    }
  }
  return n.toLowerCase();
}

/**
 * Whether a certificate DNS name (dNSName, or CN in the fallback) matches a normalized host
 * name under the RFC 6125 6.4.3 wildcard rules described in the header.
 */
export function dnsNameMatches(pattern: string, host: string): boolean {
  const p = normalizeDnsName(pattern);
  const h = normalizeDnsName(host);
  if (p === '' || h === '') return false;
  if (!p.includes('*')) return p === h;
  if (!p.startsWith('*.')) return false; // partial or non-left-most wildcard
  const rest = p.slice(2);
  const restLabels = rest.split('.');
  if (rest.includes('*') || restLabels.length < 2 || restLabels.some((l) => l === '')) return false;
  const dot = h.indexOf('.');
  // The '*' stands for exactly one non-empty label.
  if (dot <= 0) return false;
  return h.slice(dot + 1) === rest;
}

// ---------------------------------------------------------------------------------------
// The check

function commonNames(cert: Certificate): string[] {
  return cert.subject.rdns.flat().filter((a) => a.type === OID.commonName).map((a) => a.value);
}

/**
 * Whether `cert` is valid for `host` (a DNS name or an IP literal). The reason on failure
 * names the host and every name the certificate has, for the operator to compare.
 */
export function checkHost(cert: Certificate, host: string): HostCheckResult {
  if (host.trim() === '' || host.trim() === '.') return { ok: false, reason: 'no host name to check the certificate against' };
  const san = cert.subjectAltName;
  const sanDns = san?.dns ?? [];
  const sanIp = san?.ip ?? [];
  const useCn = sanDns.length === 0 && sanIp.length === 0;
  const cns = useCn ? commonNames(cert) : [];
  const ip = parseIpAddress(host);

  if (ip) {
    for (const entry of sanIp) {
      const b = parseIpAddress(entry);
      if (b && bytesEqual(b, ip)) return { ok: true };
    }
    for (const cn of cns) {
      const b = parseIpAddress(cn);
      if (b && bytesEqual(b, ip)) return { ok: true };
    }
  } else {
    for (const entry of sanDns) if (dnsNameMatches(entry, host)) return { ok: true };
    for (const cn of cns) if (!parseIpAddress(cn) && dnsNameMatches(cn, host)) return { ok: true };
  }

  const names = [...sanDns.map((n) => `DNS:${n}`), ...sanIp.map((n) => `IP:${n}`), ...cns.map((n) => `CN:${n}`)];
  const what = ip ? 'IP address' : 'host';
  if (names.length === 0) {
    return { ok: false, reason: `${what} '${host}' does not match the certificate: it has no DNS names, IP addresses or common name` };
  }
  let reason = `${what} '${host}' does not match the certificate's names: ${names.join(', ')}`;
  if (!useCn && commonNames(cert).length > 0) {
    reason += ' (its common name is not used because it has subjectAltName names)';
  }
  return { ok: false, reason };
}
