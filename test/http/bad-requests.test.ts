/**
 * Requests node:http cannot take, and bare-LF request heads, sent by a raw SSL 3.0 peer built
 * on the test forge over TCP (test/connection/tcp-link.ts), so what is checked is what the
 * server really put on the wire:
 * - a rejected request gets its 400 (431 for a head too large) followed by close_notify, and
 *   the server's own trace and capture show exactly the records that reached the peer (node's
 *   default handler destroyed the socket before the SSL layer flushed: the peer saw a bare FIN
 *   while our trace and pcap showed a 400 leaving);
 * - a bare-LF head (RFC 9112 2.2) is answered, pipelined ones too; bodies are never touched,
 *   and what would be ambiguous (Content-Length with Transfer-Encoding, bare CR, obs-fold, a
 *   bare-LF chunked body) still gets a 400 and never reaches the handler.
 * The live capture with tshark is in test/interop/wire-replies.test.ts.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type HttpsServer } from '../../src/http/https-server.js';
import type { TraceEvent } from '../../src/connection/connection.js';
import type { FlowRecorder, PcapDirection } from '../../src/trace/pcap.js';
import { ContentType } from '../../src/record/content-types.js';
import { identity } from '../connection/pair.js';
import { handshakeOverTcp, requestOverTcp } from '../connection/tcp-link.js';

interface Flow {
  bytes: Record<PcapDirection, Buffer[]>;
}
const flows: Flow[] = [];
const recorder: FlowRecorder = {
  flow() {
    const f: Flow = { bytes: { 'client-to-server': [], 'server-to-client': [] } };
    flows.push(f);
    return { data: (direction, bytes) => f.bytes[direction].push(Buffer.from(bytes)), close: () => {} };
  },
};
const trace: TraceEvent[] = [];
const handled: string[] = [];
let server: HttpsServer;
let port: number;

beforeAll(async () => {
  const id = identity();
  // The IOS policy of `ssl3 serve`, with three requests per connection for the pipelining cases.
  server = createServer({ key: id.key, cert: id.cert, trace: (e) => trace.push(e), pcap: recorder, policy: { timeout: { requests: 3 } } }, (req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      handled.push(`${req.method} ${req.url} ${JSON.stringify(body)}`);
      res.end(`${req.method} ${req.url} ${JSON.stringify(body)}\n`);
    });
  });
  await server.listen(0, '127.0.0.1');
  port = (server.address() as AddressInfo).port;
});

afterAll(() => server.close(0));

/** One connection: handshake, the request, the response read until close_notify, and the server's FIN. */
async function exchange(request: string | Uint8Array) {
  const traceFrom = trace.length;
  const c = await handshakeOverTcp(port);
  const flow = flows.at(-1)!;
  const { response, closeNotify } = await requestOverTcp(c, request);
  await c.server.until(() => c.server.ended, "the server's FIN");
  c.server.close();
  const outRecords = trace.slice(traceFrom).filter((e) => e.kind === 'record' && e.direction === 'out').length;
  const received = Buffer.concat(c.server.out);
  const captured = Buffer.concat(flow.bytes['server-to-client']);
  return { response, closeNotify, records: c.serverRecords(), outRecords, receivedRecords: c.server.out.length, received, captured };
}

const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

describe('a request node:http rejects: the reply reaches the wire, then close_notify', () => {
  const cases: [string, string, string][] = [
    ['not HTTP at all', 'GARBAGE\r\n\r\n', BAD_REQUEST],
    ['a bare CR inside a field', 'GET / HTTP/1.0\r\nX: a\rb\r\n\r\n', BAD_REQUEST],
    ['an obs-fold line', 'GET / HTTP/1.1\r\nHost: a\r\n X: b\r\n\r\n', BAD_REQUEST],
    ['a head larger than node allows', `GET / HTTP/1.0\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n'],
  ];
  for (const [what, request, reply] of cases) {
    it(`${what}: ${JSON.stringify(reply.split('\r\n')[0])}, close_notify, FIN; our trace and capture show just what arrived`, async () => {
      const handledBefore = handled.length;
      const x = await exchange(request);
      expect(x.response).toBe(reply);
      expect(x.closeNotify).toBe(true);
      // After the Finished: the reply (a CBC suite: 1/n-1, its first byte in a record of its own), then close_notify and nothing else.
      expect(x.records.map((r) => r.type)).toEqual([ContentType.handshake, ContentType.application_data, ContentType.application_data, ContentType.alert]);
      expect(x.outRecords).toBe(x.receivedRecords);
      expect(x.captured.toString('hex')).toBe(x.received.toString('hex'));
      expect(handled.length).toBe(handledBefore);
    });
  }
});

describe('bare-LF request heads (RFC 9112 2.2)', () => {
  it('GET / HTTP/1.0 with bare LFs is answered', async () => {
    const x = await exchange('GET /plain HTTP/1.0\n\n');
    expect(x.response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(x.response).toMatch(/\r\n\r\nGET \/plain ""\n$/);
    expect(x.closeNotify).toBe(true);
  });

  it('mixed line ends (echo -e "GET / HTTP/1.0\\r\\n") and empty lines before the request line', async () => {
    const x = await exchange('\n\r\nGET /mixed HTTP/1.0\r\nX-A: 1\n\n');
    expect(x.response).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*GET \/mixed ""\n$/);
  });

  it('three pipelined bare-LF requests on one connection get three answers', async () => {
    const x = await exchange('GET /1 HTTP/1.1\nHost: a\n\nGET /2 HTTP/1.1\nHost: a\n\nGET /3 HTTP/1.1\nHost: a\n\n');
    expect(x.response.match(/^HTTP\/1\.1 200 OK\r$/gm)).toHaveLength(3);
    expect([...x.response.matchAll(/^GET (\/\d) ""$/gm)].map((m) => m[1])).toEqual(['/1', '/2', '/3']);
  });

  it('a body after a bare-LF head passes untouched, its LFs included', async () => {
    const body = 'line1\nline2\r\nline3\n';
    const x = await exchange(`POST /upload HTTP/1.0\nContent-Length: ${body.length}\n\n${body}`);
    expect(x.response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(x.response).toContain(`POST /upload ${JSON.stringify(body)}`);
  });

  it('after a head with a body, later heads of the connection are not rewritten: a bare-LF one gets 400', async () => {
    const handledBefore = handled.length;
    const x = await exchange('POST /a HTTP/1.1\nHost: a\nContent-Length: 2\n\nokGET /b HTTP/1.1\nHost: a\n\n');
    expect(x.response).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*POST \/a "ok"\n/);
    expect(handled.slice(handledBefore)).toEqual(['POST /a "ok"']);
  });

  const ambiguous: [string, string][] = [
    ['Content-Length and Transfer-Encoding together', 'POST / HTTP/1.1\nHost: a\nContent-Length: 5\nTransfer-Encoding: chunked\n\n0\n\nGET /smuggled HTTP/1.1\nHost: a\n\n'],
    ['a chunked body with bare-LF chunk lines (bodies are never rewritten)', 'POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n5\nhello\n0\n\n'],
    ['two different Content-Lengths', 'POST / HTTP/1.1\nHost: a\nContent-Length: 1\nContent-Length: 2\n\nab'],
    ['a bare CR after a bare-LF line', 'GET / HTTP/1.0\nX: a\rTransfer-Encoding: chunked\n\n'],
  ];
  for (const [what, request] of ambiguous) {
    it(`still refused with 400, and the handler never sees it: ${what}`, async () => {
      const handledBefore = handled.length;
      const x = await exchange(request);
      expect(x.response).toBe(BAD_REQUEST);
      expect(x.closeNotify).toBe(true);
      expect(handled.length).toBe(handledBefore);
    });
  }
});
