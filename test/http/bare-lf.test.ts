/**
 * The bare-LF filter in front of node:http's parser (src/http/bare-lf.ts, RFC 9112 2.2): a
 * lone LF in a request head becomes CRLF, however the bytes are cut into chunks; after a head
 * that announces anything but another head (a body, an upgrade, a tunnel), every later byte
 * passes untouched.
 */
import { describe, expect, it } from 'vitest';
import { bareLfRequestFilter } from '../../src/http/bare-lf.js';
import { prng } from '../connection/forge.js';

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array) => String.fromCharCode(...b);

/** The filter's output for `input` cut at the given offsets. */
function filtered(input: string, cuts: number[] = []): string {
  const f = bareLfRequestFilter();
  const bytes = latin1(input);
  const edges = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  let out = '';
  for (let i = 1; i < edges.length; i++) out += text(f(bytes.subarray(edges[i - 1], edges[i])));
  return out;
}

const CASES: [string, string, string][] = [
  ['a bare-LF request', 'GET / HTTP/1.0\n\n', 'GET / HTTP/1.0\r\n\r\n'],
  ['CRLF stays CRLF', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['mixed', 'GET / HTTP/1.0\r\nA: 1\n\n', 'GET / HTTP/1.0\r\nA: 1\r\n\r\n'],
  ['a bare CR is left for the parser to refuse', 'GET / HTTP/1.0\nX: a\rb\n\n', 'GET / HTTP/1.0\r\nX: a\rb\r\n\r\n'],
  ['empty lines before the request line, then pipelined heads', '\nGET /1 HTTP/1.1\n\nGET /2 HTTP/1.1\n\n', '\r\nGET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n'],
  ['a body (Content-Length) and everything after it untouched', 'POST / HTTP/1.1\ncontent-length: 4\n\na\nb\nGET / HTTP/1.1\n\n', 'POST / HTTP/1.1\r\ncontent-length: 4\r\n\r\na\nb\nGET / HTTP/1.1\n\n'],
  ['Transfer-Encoding, with spaces before the colon', 'POST / HTTP/1.1\nTransfer-Encoding : chunked\n\n3\nabc\n', 'POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n3\nabc\n'],
  ['Upgrade', 'GET / HTTP/1.1\nUpgrade: x\nConnection: upgrade\n\n\nraw\n', 'GET / HTTP/1.1\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n\nraw\n'],
  ['CONNECT', 'CONNECT a:443 HTTP/1.1\n\n\ntunnel\n', 'CONNECT a:443 HTTP/1.1\r\n\r\n\ntunnel\n'],
  ['a field merely containing a framing name does not stop it', 'GET / HTTP/1.1\nX-Content-Length: 4\n\nGET / HTTP/1.1\n\n', 'GET / HTTP/1.1\r\nX-Content-Length: 4\r\n\r\nGET / HTTP/1.1\r\n\r\n'],
];

describe('bareLfRequestFilter', () => {
  for (const [what, input, output] of CASES) {
    it(`${what}: in one chunk and cut anywhere`, () => {
      expect(filtered(input)).toBe(output);
      // Every single cut, and one byte at a time (a CR and its LF in different chunks, a field name split).
      for (let cut = 1; cut < input.length; cut++) expect(filtered(input, [cut]), `cut at ${cut}`).toBe(output);
      expect(filtered(input, Array.from(input, (_, i) => i))).toBe(output);
    });
  }

  it('random cuts of random heads match the one-chunk result', () => {
    const r = prng(18);
    const pieces = ['GET / HTTP/1.1', 'Host: a', 'X: y', '', 'Content-Length: 0', 'Upgrade: z', '\r'];
    for (let n = 0; n < 200; n++) {
      const input = Array.from({ length: 1 + r.int(8) }, () => pieces[r.int(pieces.length)] + (r.int(2) ? '\r\n' : '\n')).join('');
      const cuts = Array.from({ length: r.int(6) }, () => r.int(input.length));
      expect(filtered(input, cuts), JSON.stringify({ input, cuts })).toBe(filtered(input));
    }
  });

  it('hands back the very chunk when nothing changes, and every chunk once passing through', () => {
    const f = bareLfRequestFilter();
    const crlf = latin1('POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n');
    expect(f(crlf)).toBe(crlf);
    const body = latin1('x\ny\n'.repeat(25));
    expect(f(body)).toBe(body);
  });
});
