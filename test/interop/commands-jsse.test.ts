/**
 * The commands end to end against OpenJDK's JSSE: the JSSE client fetches files from
 * `ssl3 serve` for each suite, and `ssl3 get` fetches from a JSSE server for each suite
 * (issue "HTTPS over SSL 3.0").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers/cli.js';
import { makeIdentity, P12_PASSWORD, type IdentityFiles } from '../helpers/identity.js';
import { JSSE_SUITES, compilePeer, findJavaTools, removeTempDirs, runJavaClient, startJavaServer, tempDir, type JavaPeer } from './jsse-helpers.js';
import { Daemon, HOST, freePort } from './nss-helpers.js';

const tools = findJavaTools();
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const cli = join(process.cwd(), 'src', 'cli', 'main.ts');

describe.skipIf(!tools)('ssl3 serve and ssl3 get against JSSE', () => {
  const t = tools!;
  let classpath: string;
  let id: IdentityFiles;
  let serve: Daemon;
  let servePort: number;
  let javaServer: { peer: JavaPeer; port: number };
  const root = tempDir('ssl3-www-');

  beforeAll(async () => {
    classpath = compilePeer(t);
    id = makeIdentity('localhost', 2048, t.openssl);
    // The JSSE peer requests /1, /2, ... (one path per connection).
    mkdirSync(root, { recursive: true });
    JSSE_SUITES.forEach((s, i) => writeFileSync(join(root, String(i + 1)), `file ${i + 1} for ${s.keyword}\n`));
    servePort = await freePort();
    serve = new Daemon(tsx, [cli, 'serve', '--bind', HOST, '--port', String(servePort), '--key', id.keyFile, '--cert', id.certFile, '--root', root, '--max-connections', '16']);
    await serve.waitFor(/serving HTTPS over SSL 3\.0/, 30_000);
    javaServer = await startJavaServer(t, classpath, ['--keystore', id.p12File!, '--storepass', P12_PASSWORD, '--suites', JSSE_SUITES.map((s) => s.jsse).join(',')]);
  }, 90_000);

  afterAll(async () => {
    await serve?.stop('SIGTERM');
    await javaServer?.peer.stop();
    removeTempDirs([root, id?.dir]);
  });

  it('the JSSE client fetches a file from ssl3 serve with each suite', async () => {
    const peer = await runJavaClient(t, classpath, ['--port', String(servePort), '--trust-pem', id.certFile, '--suites', JSSE_SUITES.map((s) => s.jsse).join(','), '--per-suite']);
    JSSE_SUITES.forEach((s, i) => {
      const c = peer.connection(i + 1);
      expect(c.ok, `${c.error}\n${peer.describe()}\n${serve.output.slice(-2000)}`).toBe(true);
      expect(c.protocol).toBe('SSLv3');
      expect(c.suite).toBe(s.jsse);
      expect(c.body).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(c.body).toContain(`file ${i + 1} for ${s.keyword}\n`);
    });
  }, 60_000);

  for (const s of JSSE_SUITES) {
    it(`ssl3 get fetches from the JSSE server with ${s.keyword}`, async () => {
      const io = capture();
      const code = await main(['get', '--ca', id.certFile, '--ciphers', s.keyword, `https://localhost:${javaServer.port}/x`], io);
      expect(io.err).toBe('');
      expect(code).toBe(0);
      expect(io.out).toBe(`hello from SunJSSE over ${s.jsse}\n`);
    });
  }
});
