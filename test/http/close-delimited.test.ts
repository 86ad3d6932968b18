/**
 * One rule for when a response is complete (src/http/response-end.ts), seen from the HTTP
 * client, `ssl3 get`, the bridge and the reverse proxy alike, against a device that answers
 * HTTP/1.0 and closes without close_notify (test/helpers/old-device.ts): a close-delimited
 * body is complete at the end of the connection; a body cut before its Content-Length or
 * its last chunk is an error (502 from the gateways).
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../../src/http/https-client.js';
import { followResponseEnd, type ResponseEnd } from '../../src/http/response-end.js';
import { createBridge } from '../../src/http/bridge.js';
import { serviceForwarder } from '../../src/http/forwarder.js';
import { main } from '../../src/cli/main.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import type { SSLSocket } from '../../src/socket/ssl-socket.js';
import { capture } from '../helpers/cli.js';
import { nodeRsaKey } from '../helpers/keys.js';
import { startOldDevice, type DeviceResponse, type OldDevice } from '../helpers/old-device.js';

const key = nodeRsaKey(1024);
const identity = { keyPem: privateKeyToPem(key), certPem: certificateToPem(selfSignedCertificate({ key, hostname: 'device', ips: ['127.0.0.1'], days: 10 })) };
const caFile = join(mkdtempSync(join(tmpdir(), 'ssl3-close-')), 'device.pem');
writeFileSync(caFile, identity.certPem);

const PAGE = '<html><body>status: all good</body></html>\n';
const ROUTES: Record<string, DeviceResponse> = {
  '/page': { headers: [['Content-Type', 'text/html']], body: PAGE },
  '/cut-length': { body: PAGE, framing: 'length', cutAt: 10 },
  '/cut-chunked': { body: PAGE, framing: 'chunked', cutAt: 10 },
  '/whole-chunked': { body: PAGE, framing: 'chunked' },
};
let device: OldDevice;
let base: string;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  device = await startOldDevice(identity, (req) => ROUTES[req.path] ?? { status: 404, body: 'no such page\n' });
  base = `https://127.0.0.1:${device.port}`;
});
afterAll(async () => {
  for (const c of closers) await c();
  await device.close();
});

/** A GET with our client: the body as read, the verdict, and the socket it came over. */
function fetchDevice(path: string): Promise<{ body: string; end: ResponseEnd; socket: SSLSocket }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { ca: identity.certPem }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('error', () => {});
      followResponseEnd(res, (end) => resolve({ body, end, socket: req.socket as unknown as SSLSocket }));
    });
    req.on('error', reject);
    req.end();
  });
}

function fetchPlain(port: number, path: string): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', (e) => resolve({ status: res.statusCode ?? 0, body, error: e.message }));
      })
      .on('error', reject);
  });
}

describe('a close-delimited body without close_notify', () => {
  it('is complete for the HTTP client, which notes the missing close_notify; a framed body cut short is an error', async () => {
    const page = await fetchDevice('/page');
    expect(page.body).toBe(PAGE);
    expect(page.end).toEqual({ complete: true, closeDelimited: true, closeNotify: false });
    expect(page.socket.truncated).toBe(true);
    expect((await fetchDevice('/whole-chunked')).end).toEqual({ complete: true, closeDelimited: false, closeNotify: undefined });
    for (const [path, framing] of [
      ['/cut-length', new RegExp(`before the ${PAGE.length} bytes of its Content-Length`)],
      ['/cut-chunked', /before its last chunk/],
    ] as const) {
      const cut = await fetchDevice(path);
      expect(cut.body, path).toBe(PAGE.slice(0, 10));
      expect(cut.end.complete, path).toBe(false);
      if (!cut.end.complete) {
        expect(cut.end.error.code).toBe('ERR_HTTP_TRUNCATED');
        expect(cut.end.error.message).toMatch(framing);
      }
    }
  });

  it('ssl3 get prints the page and exits 0; a cut body is one line and exit 1', async () => {
    let io = capture();
    expect(await main(['get', '--ca', caFile, `${base}/page`], io)).toBe(0);
    expect(io.out).toBe(PAGE);
    expect(io.err).toBe('');
    io = capture();
    expect(await main(['get', '--ca', caFile, `${base}/cut-length`], io)).toBe(1);
    expect(io.err).toBe(`ssl3 get: 127.0.0.1:${device.port}: the response was cut short: the connection ended before the ${PAGE.length} bytes of its Content-Length\n`);
  });

  it('the bridge answers 200 with the page; a cut Content-Length body is 502, a cut chunked one cuts the browser’s response', async () => {
    const errors: string[] = [];
    const bridge = createBridge({ target: `${base}/`, ca: identity.certPem, onUpstreamError: (e, req) => errors.push(`${req.url}: ${e.message}`) });
    closers.push(() => bridge.close());
    await bridge.listen(0, '127.0.0.1');
    const port = (bridge.address() as AddressInfo).port;
    expect(await fetchPlain(port, '/page')).toEqual({ status: 200, body: PAGE });
    const cut = await fetchPlain(port, '/cut-length');
    expect(cut.status).toBe(502);
    expect(cut.body).toMatch(/^ssl3: 127\.0\.0\.1:\d+: the response was cut short/);
    const chunked = await fetchPlain(port, '/cut-chunked');
    expect(chunked.status).toBe(200);
    expect(chunked.error).toBeDefined(); // the browser sees a broken response, never a whole one
    expect(errors).toEqual([
      `/cut-length: the response was cut short: the connection ended before the ${PAGE.length} bytes of its Content-Length`,
      '/cut-chunked: the response was cut short: the connection ended before its last chunk',
    ]);
  });

  it('the reverse proxy follows the same rule for its upstream', async () => {
    // A plain HTTP/1.0 upstream that ends its answers by closing, or cuts one short.
    const upstream = net.createServer((s) => {
      s.once('data', (d) => {
        const cut = d.toString().startsWith('GET /cut');
        s.end(cut ? 'HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nonly this' : `HTTP/1.0 200 OK\r\n\r\n${PAGE}`);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
    const { forwarder, close } = serviceForwarder(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`);
    const front = http.createServer(forwarder.handle);
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', () => resolve()));
    closers.push(() => {
      close();
      front.close();
      upstream.close();
    });
    const port = (front.address() as AddressInfo).port;
    expect(await fetchPlain(port, '/page')).toEqual({ status: 200, body: PAGE });
    const cut = await fetchPlain(port, '/cut');
    expect(cut.status).toBe(502);
    expect(cut.body).toMatch(/the connection ended before the 100 bytes of its Content-Length/);
  });
});
