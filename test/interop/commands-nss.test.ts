/**
 * The commands end to end against NSS: NSS's tstclnt fetches a file from `ssl3 serve` for each
 * suite, and `ssl3 get` fetches selfserv's page for each suite (issue "HTTPS over SSL 3.0").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers/cli.js';
import { makeIdentity, P12_PASSWORD, type IdentityFiles } from '../helpers/identity.js';
import { Daemon, HOST, SUITES, findTools, freePort, makeNssDb, nssAddCert, nssImportP12, removeTempDirs, run, tempDir, waitForPort } from './nss-helpers.js';

const tools = findTools({ tstclnt: 'libnss3-tools', selfserv: 'libnss3-tools', certutil: 'libnss3-tools', pk12util: 'libnss3-tools', openssl: 'openssl' });
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const cli = join(process.cwd(), 'src', 'cli', 'main.ts');

describe.skipIf(!tools)('ssl3 serve and ssl3 get against NSS', () => {
  const t = tools!;
  let id: IdentityFiles;
  let serve: Daemon;
  let servePort: number;
  let selfserv: Daemon;
  let selfservPort: number;
  let clientDb: string;
  const root = tempDir('ssl3-www-');
  const body = 'served to an SSL 3.0 client\n'.repeat(200);

  beforeAll(async () => {
    id = makeIdentity('localhost', 2048, t.openssl);
    mkdirSync(join(root, 'docs'), { recursive: true });
    writeFileSync(join(root, 'docs', 'page.txt'), body);

    servePort = await freePort();
    serve = new Daemon(tsx, [cli, 'serve', '--bind', HOST, '--port', String(servePort), '--key', id.keyFile, '--cert', id.certFile, '--root', root, '--timeout-policy', 'idle=10,life=30,requests=1']);
    await serve.waitFor(/serving HTTPS over SSL 3\.0/, 30_000);
    clientDb = makeNssDb(t.certutil, 'tstclnt');
    nssAddCert(t.certutil, clientDb, 'ssl3serve', id.certFile, 'P,,');

    const serverDb = makeNssDb(t.certutil, 'selfserv');
    nssImportP12(t.pk12util, serverDb, id.p12File!, P12_PASSWORD);
    for (let attempt = 0; attempt < 5 && !selfserv; attempt++) {
      const port = await freePort();
      const d = new Daemon(t.selfserv, ['-p', String(port), '-d', serverDb, '-n', 'localhost', '-V', 'ssl3:ssl3', '-c', SUITES.map((s) => s.nss).join(''), '-v']);
      if (await waitForPort(port, 10_000, () => !d.exited)) {
        selfserv = d;
        selfservPort = port;
      } else await d.stop('SIGKILL');
    }
    if (!selfserv) throw new Error('selfserv did not start');
  }, 60_000);

  afterAll(async () => {
    await serve?.stop('SIGTERM');
    await selfserv?.stop('SIGKILL');
    removeTempDirs([root, id?.dir]);
  });

  for (const suite of SUITES) {
    it(`tstclnt fetches a file from ssl3 serve with ${suite.keyword}`, async () => {
      const r = await run(t.tstclnt, ['-h', HOST, '-p', String(servePort), '-d', clientDb, '-V', 'ssl3:ssl3', '-c', suite.nss], {
        input: 'GET /docs/page.txt HTTP/1.0\r\nHost: localhost\r\n\r\n',
        timeoutMs: 20_000,
      });
      expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK/m);
      expect(r.stdout).toContain(body);
    });

    it(`ssl3 get fetches selfserv's page with ${suite.keyword}`, async () => {
      const io = capture();
      const code = await main(['get', '--ca', id.certFile, '--ciphers', suite.keyword, `https://localhost:${selfservPort}/hello`], io);
      expect(io.err).toBe('');
      expect(code).toBe(0);
      // selfserv answers with a page that echoes the request.
      expect(io.out).toContain('GET /hello HTTP/1.1');
    });
  }

  it('tstclnt is refused a path outside the root', async () => {
    const r = await run(t.tstclnt, ['-h', HOST, '-p', String(servePort), '-d', clientDb, '-V', 'ssl3:ssl3', '-c', 'n'], {
      input: 'GET /../../../../etc/passwd HTTP/1.0\r\n\r\n',
      timeoutMs: 20_000,
    });
    expect(r.stdout).toMatch(/^HTTP\/1\.1 (403|404|400)/m);
    expect(r.stdout).not.toContain('root:');
  });

  it('ssl3 serve --upstream puts a modern HTTP service behind SSL 3.0: tstclnt reaches it through our server', async () => {
    const service = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sid=1; Domain=service.internal; Secure' });
      res.end(JSON.stringify({ url: req.url, host: req.headers.host, proto: req.headers['x-forwarded-proto'], forwardedFor: req.headers['x-forwarded-for'] }));
    });
    await new Promise<void>((resolve) => service.listen(0, HOST, resolve));
    const servicePort = (service.address() as AddressInfo).port;
    const port = await freePort();
    const proxy = new Daemon(tsx, [cli, 'serve', '--bind', HOST, '--port', String(port), '--key', id.keyFile, '--cert', id.certFile, '--upstream', `http://${HOST}:${servicePort}/app/`]);
    try {
      await proxy.waitFor(/serving HTTPS over SSL 3\.0/, 30_000);
      const r = await run(t.tstclnt, ['-h', HOST, '-p', String(port), '-d', clientDb, '-V', 'ssl3:ssl3', '-c', SUITES[0].nss], {
        input: 'GET /status?x=1 HTTP/1.0\r\nHost: legacy.example\r\n\r\n',
        timeoutMs: 20_000,
      });
      expect(r.stdout, proxy.output).toMatch(/^HTTP\/1\.1 200 OK/m);
      // Secure stays (the client side is HTTPS); Domain goes (the client sees our host).
      expect(r.stdout).toMatch(/^set-cookie: sid=1; Secure\r?$/im);
      const seen = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as Record<string, string>;
      expect(seen).toEqual({ url: '/app/status?x=1', host: `${HOST}:${servicePort}`, proto: 'https', forwardedFor: HOST });
    } finally {
      await proxy.stop('SIGTERM');
      await new Promise((resolve) => service.close(resolve));
    }
  });
});
