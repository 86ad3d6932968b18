/**
 * The HTTP front of `ssl3 serve` through a real server: our HttpsServer (SSL 3.0 socket,
 * bare-LF filter, node:http, the IOS policies) on loopback, reached with our own client over
 * the public socket API (a resumed session, so each case costs no RSA operation). Each input
 * is a mutated request stream (pipelining, chunked and Content-Length bodies, bare LF, odd
 * methods and headers) written in fast-check-chosen pieces, each piece its own records.
 * Properties: the server answers with a well-formed HTTP status line or says nothing, and the
 * connection ends within a few seconds (close_notify, or the close after our end()); no
 * exception escapes (an uncaught one stops `npm run fuzz` and is saved as a finding); and the
 * server still serves a plain GET afterwards.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { connect } from '../../src/socket/index.js';
import type { Session } from '../../src/handshake/session.js';
import { createServer, type HttpsServer } from '../../src/http/https-server.js';
import { asciiBytes, concatBytes } from '../../src/util/bytes.js';
import { identity } from '../../test/connection/pair.js';
import { bytesInput, cut } from '../mutate.js';
import type { FuzzInput, FuzzTarget } from '../target.js';

const SEEDS = [
  'GET / HTTP/1.1\r\nHost: device\r\nUser-Agent: fuzz\r\nAccept: */*\r\n\r\n',
  'POST /form?x=1 HTTP/1.1\r\nHost: device\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nname=value&',
  'PUT /upload HTTP/1.1\r\nHost: device\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nTrailer: x\r\n\r\n',
  'GET /a HTTP/1.0\n\nGET /b HTTP/1.0\n\n',
  'GET /level/15/exec/-/show/version HTTP/1.1\r\nHost: device\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\nConnection: keep-alive\r\n\r\nGET /next HTTP/1.1\r\nHost: device\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: device\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc',
  'GET http://device:443/abs HTTP/1.1\r\nHost: other\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nCookie: a=b; c=d\r\n\r\n',
].map(asciiBytes);

const DICTIONARY = ['\r\n', '\n', '\r', ': ', ' ', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'Content-Length: ', 'Transfer-Encoding: chunked\r\n', 'Host: ', '0\r\n\r\n', 'ffffffff\r\n', '-1', '99999999999999999999', 'CONNECT ', 'TRACE ', '%00', '/../', '\t', '\u00ff'].map((w) => Uint8Array.from(Buffer.from(w, 'latin1')));

/** How long a case may take from connecting to the connection's end (a loaded machine included). */
const CASE_MS = 5000;
/** Silence after the last piece before we end our side (a request the server still waits on). */
const QUIET_MS = 100;

let server: HttpsServer | undefined;
let port = 0;
let session: Session | undefined;

interface Outcome {
  data: Buffer;
  closed: boolean;
  error?: string;
}

/**
 * One connection: `pieces` written in order, our end() once the server has been quiet for
 * `quietMs`, everything it said until the close. (Our close_notify ends the request stream:
 * node's HTTP server then drops a request it has not answered yet, so a request that must be
 * answered waits for the server to close instead.)
 */
async function exchange(pieces: readonly Uint8Array[], quietMs = QUIET_MS): Promise<Outcome> {
  const ssl = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: '', session });
  const out: Outcome = { data: Buffer.alloc(0), closed: false };
  let lastActivity = Date.now();
  ssl.on('data', (d: Buffer) => {
    out.data = Buffer.concat([out.data, d]);
    lastActivity = Date.now();
  });
  ssl.on('error', (e: Error) => (out.error = e.message));
  const closed = once(ssl, 'close').then(() => (out.closed = true));
  await Promise.race([once(ssl, 'secureConnect'), closed]);
  if (out.closed) return out;
  session = ssl.getSession() ?? session;
  for (const p of pieces) ssl.write(p);
  lastActivity = Date.now();
  const deadline = Date.now() + CASE_MS;
  while (!out.closed && Date.now() - lastActivity < quietMs && Date.now() < deadline) await Promise.race([closed, new Promise((r) => setTimeout(r, 20))]);
  if (!out.closed) ssl.end();
  await Promise.race([closed, new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
  if (!out.closed) ssl.destroy();
  return out;
}

export const HTTP_TARGET: FuzzTarget = {
  name: 'http-front',
  what: 'mutated HTTP requests over SSL 3.0 to a real HttpsServer: a well-formed status line or silence, an end within 5 s, and the server still serves',
  slowMs: 2 * CASE_MS + 2000,
  async start() {
    const id = identity();
    // One request per connection, as IOS's default: the server closes after its answer, so a
    // case whose request is complete ends without waiting for QUIET_MS.
    server = createServer({ key: id.key, cert: id.cert, policy: { maxConnections: Infinity, timeout: { idle: 5, life: 10, requests: 1 } } }, (req, res) => {
      let n = 0;
      req.on('data', (d: Buffer) => (n += d.length));
      req.on('end', () => res.end(`${req.method} ${req.url} ${n}\n`));
    });
    await server.listen(0, '127.0.0.1');
    port = (server.address() as AddressInfo).port;
  },
  async stop() {
    await server?.close(0);
    server = undefined;
    session = undefined;
  },
  input: () => bytesInput({ seeds: SEEDS, dictionary: DICTIONARY }, 300).map((i) => ({ ...i, flags: i.chunks[0].length })),
  async check(input: FuzzInput) {
    const stream = concatBytes(...input.chunks);
    // flags picks the cut points, so the stored input replays the same pieces.
    const pieces = cut(stream, [input.flags * 7, input.flags * 13, input.flags * 31].map((x) => x % (stream.length + 1)));
    const o = await exchange(pieces);
    expect(o.closed, 'the connection did not end within the case time').toBe(true);
    if (o.data.length) expect(o.data.toString('latin1')).toMatch(/^HTTP\/1\.[01] [1-5]\d\d /);
    const health = await exchange([asciiBytes('GET /health HTTP/1.1\r\nHost: device\r\nConnection: close\r\n\r\n')], CASE_MS);
    expect(health.data.toString('latin1'), `the server no longer serves (${health.error ?? 'no error'})`).toMatch(/^HTTP\/1\.1 200 [\s\S]*GET \/health 0\n$/);
  },
};
