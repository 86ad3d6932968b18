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
 * - the reverse proxy (serve --upstream) forwards a bare-LF request as node parsed it, with
 *   CRLF, and an ambiguous one never reaches the service.
 * The live capture with tshark is in test/interop/wire-replies.test.ts.
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type HttpsServer } from '../../src/http/https-server.js';
import type { TraceEvent } from '../../src/connection/connection.js';
import type { FlowRecorder, PcapDirection } from '../../src/trace/pcap.js';
import { ContentType } from '../../src/record/content-types.js';
import { serviceForwarder } from '../../src/http/forwarder.js';
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
async function exchange(request: string | Uint8Array, to = port) {
  const traceFrom = trace.length;
  const c = await handshakeOverTcp(to);
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

describe('the reverse proxy (ssl3 serve --upstream) with bare-LF and ambiguous requests', () => {
  /** The raw bytes of each connection the service got (it answers every head with a 200), and its end. */
  const seen: Buffer[][] = [];
  const ended: Promise<void>[] = [];
  let service: net.Server;
  let proxy: HttpsServer;
  let proxyPort: number;
  let closeForwarder: () => void;

  beforeAll(async () => {
    service = net.createServer((socket) => {
      const chunks: Buffer[] = [];
      seen.push(chunks);
      ended.push(new Promise((resolve) => socket.on('close', () => resolve())));
      socket.on('error', () => {});
      socket.on('data', (d: Buffer) => {
        chunks.push(d);
        if (Buffer.concat(chunks).includes('\r\n\r\n')) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
      });
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const upstream = serviceForwarder(`http://127.0.0.1:${(service.address() as AddressInfo).port}/app/`);
    closeForwarder = upstream.close;
    const id = identity();
    proxy = createServer({ key: id.key, cert: id.cert, policy: {} }, upstream.forwarder.handle);
    await proxy.listen(0, '127.0.0.1');
    proxyPort = (proxy.address() as AddressInfo).port;
  });

  afterAll(async () => {
    closeForwarder();
    await proxy.close(0);
    await new Promise((resolve) => service.close(resolve));
  });

  it('forwards a bare-LF request re-serialized with CRLF, its body byte for byte', async () => {
    const before = seen.length;
    const x = await exchange('POST /x HTTP/1.0\nHost: legacy\nContent-Length: 4\n\na\nb\n', proxyPort);
    expect(x.response).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok$/);
    expect(seen.length).toBe(before + 1);
    const forwarded = Buffer.concat(seen[before]).toString('latin1');
    const [head, body] = [forwarded.slice(0, forwarded.indexOf('\r\n\r\n') + 4), forwarded.slice(forwarded.indexOf('\r\n\r\n') + 4)];
    expect(head).toMatch(/^POST \/app\/x HTTP\/1\.1\r\n/);
    expect(head.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(head).toMatch(/^content-length: 4\r$/im);
    expect(body).toBe('a\nb\n');
  });

  const ambiguous: [string, string][] = [
    ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\nHost: a\nContent-Length: 6\nTransfer-Encoding: chunked\n\n0\n\nGET /admin HTTP/1.1\nHost: a\n\n'],
    ['a bare CR hiding a field', 'GET / HTTP/1.1\nHost: a\nX: 1\rContent-Length: 5\n\nhello'],
    ['a chunked body with bare-LF chunk lines', 'POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n5\nhello\n0\n\n'],
  ];
  for (const [what, request] of ambiguous) {
    it(`an ambiguous request never reaches the service: ${what}`, async () => {
      const before = seen.length;
      const x = await exchange(request, proxyPort);
      expect(x.response).toBe(BAD_REQUEST);
      await Promise.all(ended.slice(before));
      // Not a byte of it (node's client may have opened a connection for it, and sends the head only with the body).
      expect(seen.slice(before).map((c) => Buffer.concat(c).toString('latin1'))).toEqual(seen.slice(before).map(() => ''));
    });
  }

  it('a chunked body that breaks midway reaches the service cut off, never as a complete request', async () => {
    const before = seen.length;
    const x = await exchange('POST /up HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n5\r\nhello\r\n5\nworld\r\n0\r\n\r\n', proxyPort);
    expect(x.response).toBe(BAD_REQUEST);
    await Promise.all(ended.slice(before));
    const got = seen.slice(before).map((c) => Buffer.concat(c).toString('latin1')).join('');
    expect(got).toMatch(/^POST \/app\/up HTTP\/1\.1\r\n/);
    expect(got).not.toContain('world');
    expect(got).not.toMatch(/\r\n0\r\n\r\n$/);
  });
});
