import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createServer, type HttpsServer } from '../../src/http/https-server.js';
import { generateRsaKey } from '../../src/pki/rsa.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem, fingerprint } from '../../src/pki/x509.js';
import { capture } from '../helpers/cli.js';

const key = generateRsaKey(1024);
const cert = selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'], days: 10 });
const dir = mkdtempSync(join(tmpdir(), 'ssl3-get-'));
const caFile = join(dir, 'ca.pem');
let server: HttpsServer;
let base: string;

beforeAll(async () => {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(caFile, certificateToPem(cert));
  server = createServer({ key: privateKeyToPem(key), cert: certificateToPem(cert) }, (req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/final' });
      return res.end();
    }
    if (req.url === '/binary') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(Buffer.from([0, 0xff, 0x80, 0x7f, 10]));
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'x-seen-header': String(req.headers['x-test'] ?? '') });
      res.end(`${req.method} ${req.url} ${body}`);
    });
  });
  await server.listen(0, '127.0.0.1');
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ssl3 get', () => {
  it('prints the body; -i adds the status line and headers', async () => {
    let io = capture();
    expect(await main(['get', '--ca', caFile, `${base}/a`], io)).toBe(0);
    expect(io.out).toBe('GET /a ');
    io = capture();
    expect(await main(['get', '-i', '--ca', caFile, `${base}/a`], io)).toBe(0);
    expect(io.out).toMatch(/^HTTP\/1\.1 200 OK\nx-seen-header: \n/);
  });

  it('--trace prints the handshake as text and --trace-json as JSON lines; both at once is refused', async () => {
    let io = capture();
    expect(await main(['get', '--trace', '--ca', caFile, `${base}/t`], io)).toBe(0);
    expect(io.err).toMatch(/^>> {3}client_hello, \d+ bytes\n {5}version 3\.0 \(SSL 3\.0\)/m);
    io = capture();
    expect(await main(['get', '--trace-json', '--ciphers', 'rc4-128-sha', '--ca', caFile, `${base}/t`], io)).toBe(0);
    expect(io.out).toBe('GET /t ');
    const events = io.err.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.every((e) => e.role === 'client')).toBe(true);
    const hello = events.find((e) => e.message === 'server_hello');
    expect((hello?.fields as Record<string, string>).cipher_suite).toBe('SSL_RSA_WITH_RC4_128_SHA');
    expect(events.filter((e) => e.event === 'record' && e.content_type === 'application_data' && e.direction === 'out').length).toBeGreaterThan(0);
    expect(events.some((e) => e.event === 'keys')).toBe(false);
    io = capture();
    expect(await main(['get', '--trace', '--trace-keys', '--ca', caFile, `${base}/t`], io)).toBe(0);
    expect(io.err).toMatch(/\* keys derived for (SSL|TLS)_RSA_WITH_[A-Z0-9_]+ \(secrets: .*\)\n {5}master_secret [0-9a-f]{96}\n {5}client_write_MAC_secret [0-9a-f]+\n/);
    io = capture();
    expect(await main(['get', '--trace-keys', `${base}/t`], io)).toBe(2);
    expect(io.err.split('\n')[0]).toBe('ssl3 get: --trace-keys adds to a trace: give --trace or --trace-json too');
    io = capture();
    expect(await main(['get', '--trace', '--trace-json', `${base}/t`], io)).toBe(2);
    expect(io.err.split('\n')[0]).toBe('ssl3 get: --trace and --trace-json: choose one');
  });

  it('--trace shows a CBC request going 1/n-1 (BEAST countermeasure); --no-record-split sends it whole', async () => {
    const request = (err: string) => [...err.matchAll(/^>> record application_data, (\d+) bytes \(encrypted\)$/gm)].map((m) => Number(m[1]));
    let io = capture();
    expect(await main(['get', '--trace', '--ciphers', '3des-ede-cbc-sha', '--ca', caFile, `${base}/split`], io)).toBe(0);
    expect(io.err).toContain('   * CBC suite: each write goes 1/n-1, its first byte in a record of its own (BEAST countermeasure, CVE-2011-3389)\n');
    const split = request(io.err);
    expect(split[0]).toBe(1);
    io = capture();
    expect(await main(['get', '--trace', '--no-record-split', '--ciphers', '3des-ede-cbc-sha', '--ca', caFile, `${base}/split`], io)).toBe(0);
    expect(io.err).not.toContain('1/n-1');
    expect(request(io.err)).toEqual([split[0] + split[1]]);
  });

  it('sends -X, -H and -d', async () => {
    const io = capture();
    expect(await main(['get', '-i', '--ca', caFile, '-X', 'PUT', '-H', 'X-Test: yes', '-d', 'payload', `${base}/p`], io)).toBe(0);
    expect(io.out).toContain('x-seen-header: yes');
    expect(io.out.endsWith('PUT /p payload')).toBe(true);
  });

  it('follows redirects only with -L', async () => {
    let io = capture();
    expect(await main(['get', '--ca', caFile, `${base}/redirect`], io)).toBe(0);
    expect(io.out).toBe('');
    io = capture();
    expect(await main(['get', '-L', '--ca', caFile, `${base}/redirect`], io)).toBe(0);
    expect(io.out).toBe('GET /final ');
  });

  it('writes binary bodies unchanged with -o', async () => {
    const out = join(dir, 'body.bin');
    expect(await main(['get', '--ca', caFile, '-o', out, `${base}/binary`], capture())).toBe(0);
    expect([...readFileSync(out)]).toEqual([0, 0xff, 0x80, 0x7f, 10]);
  });

  it('exits 22 on an HTTP error, naming the status', async () => {
    const io = capture();
    expect(await main(['get', '--ca', caFile, `${base}/missing`], io)).toBe(22);
    expect(io.err).toMatch(/HTTP 404/);
  });

  it('accepts a pinned certificate, and --insecure with a warning', async () => {
    let io = capture();
    expect(await main(['get', '--pin', fingerprint(cert, 'sha256'), `${base}/pin`], io)).toBe(0);
    io = capture();
    expect(await main(['get', '--pin', 'AA'.repeat(32), `${base}/pin`], io)).toBe(1);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(io.err).toMatch(/matches no configured pin/);
    io = capture();
    expect(await main(['get', '--insecure', `${base}/i`], io)).toBe(0);
    expect(io.err).toMatch(/warning: --insecure/);
  });

  it('gives one clear line for usage mistakes', async () => {
    let io = capture();
    expect(await main(['get', 'http://127.0.0.1/'], io)).toBe(2);
    expect(io.err.split('\n')[0]).toMatch(/only https:\/\/ URLs/);
    io = capture();
    expect(await main(['get', '--pin', 'xyz', `${base}/`], io)).toBe(1);
    expect(io.err.split('\n')[0]).toMatch(/pin/i);
  });
});
