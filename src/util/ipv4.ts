/**
 * Dotted-quad IPv4 addresses (RFC 791 section 3.2's 32-bit address, written a.b.c.d), as
 * numbers: shared by the access lists (src/http) and the configuration grammar (src/config),
 * neither of which should take it from the other.
 */

/** 'a.b.c.d' -> unsigned 32-bit number, or undefined if it is not a dotted-quad IPv4 address. */
export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

/** The dotted-quad form of an unsigned 32-bit address. */
export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}
