/** formatHostPort: an IPv6 literal is bracketed (RFC 3986 3.2.2), names and IPv4 are not. */
import { describe, expect, it } from 'vitest';
import { formatHostPort } from '../../src/util/host-port.js';
import { parseTarget } from '../../src/cli/address.js';

describe('formatHostPort', () => {
  it.each([
    ['127.0.0.1', 443, '127.0.0.1:443'],
    ['device.example', 4433, 'device.example:4433'],
    ['::1', 8443, '[::1]:8443'],
    ['fe80::1%lo', 1, '[fe80::1%lo]:1'],
  ])('%s %i -> %s, which HOST[:PORT] reads back', (host, port, text) => {
    expect(formatHostPort(host, port)).toBe(text);
    expect(parseTarget(text)).toEqual({ host, port });
  });
});
