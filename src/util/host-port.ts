/**
 * HOST:PORT as people and URLs write it (RFC 3986 3.2.2): an IPv6 literal goes in brackets,
 * since its own colons would run into the port's.
 */
export function formatHostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
