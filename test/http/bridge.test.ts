/**
 * The bridge (src/http/bridge.ts) between plain HTTP and an SSL 3.0 device, with our own HTTPS
 * server as the device: requests and bodies go through, hop-by-hop fields stay on their hop,
 * redirects to the device come back as bridge paths, device connections are kept and reused,
 * and a device that cannot be reached or trusted gives 502 with the reason.
 * test/interop/nss-server.test.ts drives `ssl3 bridge` against NSS selfserv.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type HttpsServer } from '../../src/http/https-server.js';
import { createBridge, type Bridge } from '../../src/http/bridge.js';
import { endToEndHeaders } from '../../src/http/forwarder.js';
import { generateRsaKey } from '../../src/pki/rsa.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { freePort } from '../interop/nss-helpers.js';
import { createServer as createSslServer } from '../../src/socket/index.js';

const key = generateRsaKey(1024);
const certPem = certificateToPem(selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'], days: 10 }));
let device: HttpsServer;
let devicePort: number;
let deviceConnections = 0;
const bridges: Bridge[] = [];

beforeAll(async () => {
  device = createServer({ key: privateKeyToPem(key), cert: certPem }, (req, res) => {
    if (req.url === '/login') {
      res.writeHead(200, { 'set-cookie': ['sid=abc; Path=/; Secure; HttpOnly; Domain=device.example', 'lang=en'] });
      return res.end(JSON.stringify({ origin: req.headers.origin, referer: req.headers.referer }));
    }
    if (req.url === '/admin/by-name' || req.url === '/admin/away') {
      // A device names itself as its certificate does (any port), or sends the browser elsewhere.
      res.writeHead(302, { location: req.url === '/admin/away' ? 'https://elsewhere.example/x' : 'https://LOCALHOST/admin/named?y=2' });
      return res.end();
    }
    if (req.url === '/admin/redirect') {
      res.writeHead(302, { location: `https://127.0.0.1:${devicePort}/admin/final?x=1`, 'proxy-authenticate': 'Basic realm="device"' });
      return res.end();
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-device': 'yes' });
      res.end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, headers: req.headers, body }));
    });
  });
  device.ssl.on('secureConnection', () => deviceConnections++);
  await device.listen(0, '127.0.0.1');
  devicePort = (device.address() as AddressInfo).port;
});

afterAll(async () => {
  await Promise.all(bridges.map((b) => b.close()));
  await device.close();
});

async function startBridge(options: Omit<Parameters<typeof createBridge>[0], 'target'> & { target?: string }): Promise<number> {
  const bridge = createBridge({ target: `https://127.0.0.1:${devicePort}/`, ...options });
  bridges.push(bridge);
  await bridge.listen(0, '127.0.0.1');
  return (bridge.address() as AddressInfo).port;
}

function fetchPlain(port: number, path: string, options: http.RequestOptions = {}, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, ...options }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the bridge', () => {
  it('forwards method, path, query, headers and body, and answers with the device’s response', async () => {
    const port = await startBridge({ ca: certPem });
    const r = await fetchPlain(port, '/cgi/form?a=1', { method: 'POST', headers: { 'x-test': 'kept', 'content-type': 'text/plain', 'proxy-authorization': 'Basic eDp5', connection: 'keep-alive, x-drop', 'x-drop': 'gone' } }, 'field=value');
    expect(r.status).toBe(200);
    expect(r.headers['x-device']).toBe('yes');
    const seen = JSON.parse(r.body) as { method: string; url: string; host: string; headers: Record<string, string>; body: string };
    expect(seen).toMatchObject({ method: 'POST', url: '/cgi/form?a=1', host: `127.0.0.1:${devicePort}`, body: 'field=value' });
    expect(seen.headers['x-test']).toBe('kept');
    // Hop-by-hop: Proxy-Authorization is for the bridge, and x-drop was named by Connection.
    expect(seen.headers['proxy-authorization']).toBeUndefined();
    expect(seen.headers['x-drop']).toBeUndefined();
  });

  it('prefixes the target’s path and rewrites the device’s own redirects (to its origin or a name in its certificate) to bridge paths', async () => {
    const port = await startBridge({ ca: certPem, target: `https://127.0.0.1:${devicePort}/admin/` });
    const seen = JSON.parse((await fetchPlain(port, '/status')).body) as { url: string };
    expect(seen.url).toBe('/admin/status');
    const r = await fetchPlain(port, '/redirect');
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/final?x=1');
    expect(r.headers['proxy-authenticate']).toBeUndefined(); // the device's hop-by-hop field stays on its hop
    expect((await fetchPlain(port, '/by-name')).headers.location).toBe('/named?y=2');
    expect((await fetchPlain(port, '/away')).headers.location).toBe('https://elsewhere.example/x');
  });

  it('lets a browser log in: Origin and Referer name the device, cookies lose Secure and Domain', async () => {
    const port = await startBridge({ ca: certPem });
    const self = `http://127.0.0.1:${port}`;
    const r = await fetchPlain(port, '/login', { method: 'POST', headers: { origin: self, referer: `${self}/index.html?x=1` } });
    expect(JSON.parse(r.body)).toEqual({ origin: `https://127.0.0.1:${devicePort}`, referer: `https://127.0.0.1:${devicePort}/index.html?x=1` });
    expect(r.headers['set-cookie']).toEqual(['sid=abc; Path=/; HttpOnly', 'lang=en']);
    // Another site's Origin is passed on as it is: the device decides.
    const other = await fetchPlain(port, '/login', { headers: { origin: 'http://evil.example' } });
    expect((JSON.parse(other.body) as { origin: string }).origin).toBe('http://evil.example');
  });

  it('reaches only its device, whatever the request path says', async () => {
    const port = await startBridge({ ca: certPem });
    for (const path of ['//example.invalid/x', '/..//example.invalid/y']) {
      const r = await fetchPlain(port, path);
      expect(r.status, path).toBe(200);
      expect((JSON.parse(r.body) as { host: string }).host).toBe(`127.0.0.1:${devicePort}`);
    }
    const bridge = bridges[bridges.length - 1];
    expect(bridge.upstreamUrl('//example.invalid/x?a=1').href).toBe(`https://127.0.0.1:${devicePort}//example.invalid/x?a=1`);
  });

  it('keeps the device connection for the next requests', async () => {
    const port = await startBridge({ ca: certPem });
    const before = deviceConnections;
    for (let i = 0; i < 4; i++) expect((await fetchPlain(port, `/n${i}`)).status).toBe(200);
    expect(deviceConnections - before).toBe(1);
  });

  it('answers 502 with the reason when the device’s certificate is not trusted or the device is down', async () => {
    const errors: string[] = [];
    let port = await startBridge({ onUpstreamError: (e) => errors.push(e.message) });
    let r = await fetchPlain(port, '/');
    expect(r.status).toBe(502);
    expect(r.body).toMatch(/^ssl3: 127\.0\.0\.1:\d+: .*certificate/);
    expect(errors).toHaveLength(1);
    const down = await freePort();
    port = await startBridge({ ca: certPem, target: `https://127.0.0.1:${down}/` });
    r = await fetchPlain(port, '/');
    expect(r.status).toBe(502);
    expect(r.body).toMatch(/ECONNREFUSED/);
  });

  it('answers 502 when the device sends something that is not HTTP, and keeps serving', async () => {
    const garbage = createSslServer({ key: privateKeyToPem(key), cert: certPem }, (s) => {
      s.on('error', () => {});
      s.once('data', () => s.end('\x00\x01 not http at all\r\n\r\n'));
    });
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = await startBridge({ ca: certPem, target: `https://127.0.0.1:${(garbage.address() as AddressInfo).port}/` });
      const r = await fetchPlain(port, '/');
      expect(r.status).toBe(502);
      expect(r.body).toMatch(/^ssl3: 127\.0\.0\.1:\d+: Parse Error/);
      expect((await fetchPlain(port, '/again')).status).toBe(502); // the bridge is still up
    } finally {
      garbage.close();
    }
  });

  it('refuses a target that is not https://, and drops every hop-by-hop field', () => {
    expect(() => createBridge({ target: 'http://device/' })).toThrow(/https:\/\//);
    expect(endToEndHeaders({ connection: 'close, x-a', 'x-a': '1', 'x-b': '2', te: 'trailers', 'transfer-encoding': 'chunked', upgrade: 'h2c', 'keep-alive': 't=1', trailer: 'x', 'proxy-authenticate': 'Basic' })).toEqual({ 'x-b': '2' });
  });
});
