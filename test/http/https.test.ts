import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type HttpsServer } from '../../src/http/https-server.js';
import { Agent, get, request } from '../../src/http/https-client.js';
import { generateRsaKey } from '../../src/pki/rsa.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import type { SSLSocket } from '../../src/socket/ssl-socket.js';

const key = generateRsaKey(1024);
const certPem = certificateToPem(selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'], days: 10 }));
let server: HttpsServer;
let base: string;

function body(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => (s += d));
    res.on('end', () => resolve(s));
    res.on('error', reject);
  });
}

beforeAll(async () => {
  server = createServer({ key: privateKeyToPem(key), cert: certPem }, (req, res) => {
    const socket = req.socket as unknown as SSLSocket;
    if (req.method === 'POST') {
      let n = 0;
      req.on('data', (d: Buffer) => (n += d.length));
      req.on('end', () => res.end(`got ${n}`));
      return;
    }
    res.setHeader('content-type', 'text/plain');
    res.end(`${socket.getProtocol()} ${socket.getCipher()?.iosKeyword} ${req.url}`);
  });
  await server.listen(0, '127.0.0.1');
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => server.close());

describe('HTTPS over SSL 3.0 on node:http', () => {
  it('serves a GET through node:http on both ends', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => get(`${base}/hello?x=1`, { ca: certPem, ciphers: 'rc4-128-md5' }, resolve).on('error', reject));
    expect(res.statusCode).toBe(200);
    expect(await body(res)).toBe('SSLv3 rc4-128-md5 /hello?x=1');
  });

  it('carries a chunked request body', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${base}/upload`, { method: 'POST', ca: certPem }, resolve);
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write(Buffer.alloc(10_000, i));
      req.end();
    });
    expect(await body(res)).toBe('got 100000');
  });

  it('reuses one connection with a keep-alive agent', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: certPem });
    const sockets = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(`${base}/k${i}`, { agent }, resolve);
        req.on('error', reject);
        req.on('socket', (s) => sockets.add(s));
        req.end();
      });
      expect(await body(res)).toMatch(new RegExp(`/k${i}$`));
    }
    expect(sockets.size).toBe(1);
    agent.destroy();
  });

  it('resumes the SSL session on a new connection through the same agent', async () => {
    const agent = new Agent({ keepAlive: false, ca: certPem });
    const reused: boolean[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(`${base}/s${i}`, { agent }, resolve);
        req.on('error', reject);
        req.end();
      });
      await body(res);
      reused.push((res.socket as unknown as SSLSocket).isSessionReused());
    }
    expect(reused).toEqual([false, true]);
    agent.destroy();
  });

  it('rejects an untrusted server with the reason', async () => {
    const err = await new Promise<Error>((resolve) => get(`${base}/`, {}, () => resolve(new Error('unexpected response'))).on('error', resolve));
    expect(err.message).toMatch(/certificate/);
  });
});
