/**
 * `ssl3 view` on the command line, and `--viewer` of `ssl3 serve` and `ssl3 get`: the page is
 * one self-contained file (mode 0600, nothing loaded from elsewhere, a CSP that allows no
 * fetch) carrying the same explanation `ssl3 explain --json` gives; a trace is read as well as
 * a capture; each file it cannot use is one line. The live lessons of a real serve and get
 * over loopback TCP show their connections decrypted, and follow new ones. (What the page
 * does in a browser: test/interop/chromium-viewer.test.ts.)
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaptureExplanation } from '../../src/trace/explain-model.js';
import { runCli } from '../helpers/cli.js';
import { externalReferences, lessonIn, lessonInputs } from '../helpers/lesson.js';
import { Daemon, HOST, freePort, removeTempDirs, tempDir } from '../interop/nss-helpers.js';

afterAll(() => removeTempDirs());

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'golden');
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const cli = join(process.cwd(), 'src', 'cli', 'main.ts');

const dir = tempDir('cli-view');
const { cap, trace, key: keyFile } = lessonInputs(dir);

const run = runCli;

describe('ssl3 view', () => {
  it('writes one self-contained page, mode 0600, with what explain --json says', async () => {
    const out = join(dir, 'lesson.html');
    const r = await run('view', cap, '--key', keyFile, '-o', out);
    expect(r).toEqual({ code: 0, out: `ssl3 view: wrote ${out}: 1 SSL/TLS connection (open it in a browser; it holds keys and decrypted data)\n`, err: '' });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`);
    expect(externalReferences(html)).toEqual([]);
    expect(html.match(/<script>/g)).toHaveLength(1);
    const lesson = lessonIn(html);
    const json = JSON.parse((await run('explain', cap, '--key', keyFile, '--json')).out) as CaptureExplanation & { file?: string };
    delete json.file;
    expect(lesson).toEqual({ title: 'cap.pcap', source: 'capture', explanation: json });
    expect(lesson.explanation.connections[0].handshakes[0].keys?.pre_master_secret).toBeDefined();
  });

  it('reads a --trace-json file; -o - writes the page to standard output', async () => {
    const r = await run('view', trace, '-o', '-');
    expect([r.code, r.err]).toEqual([0, '']);
    const lesson = lessonIn(r.out);
    expect(lesson.source).toBe('trace');
    expect(lesson.explanation.format).toBe('json-trace');
    expect(lesson.explanation.connections[0].handshakes[0]).toMatchObject({ cipher_suite: 'SSL_RSA_WITH_3DES_EDE_CBC_SHA', keys: { master_secret: { hex: expect.stringMatching(/^[0-9a-f]{96}$/) } } });
  });

  it('one clear line for each thing it cannot use', async () => {
    const notCapture = join(dir, 'not.pcap');
    writeFileSync(notCapture, 'hello, world');
    expect(await run('view')).toMatchObject({ code: 2, err: expect.stringMatching(/^ssl3 view: give exactly one CAPTURE or TRACE\.jsonl file\n/) });
    expect(await run('view', join(dir, 'missing.pcap'), '-o', join(dir, 'x.html'))).toMatchObject({ code: 1, err: `ssl3 view: ${join(dir, 'missing.pcap')}: no such file\n` });
    expect(await run('view', notCapture, '-o', join(dir, 'x.html'))).toMatchObject({ code: 1, err: `ssl3 view: ${notCapture}: neither a pcap or pcapng capture nor --trace-json lines (it starts with 68 65 6c 6c)\n` });
    expect(await run('view', cap, '-o', join(dir, 'no', 'such', 'x.html'))).toMatchObject({ code: 1, err: `ssl3 view: -o ${join(dir, 'no', 'such', 'x.html')}: no such directory\n` });
    expect(await run('view', cap, '-o', cap)).toMatchObject({ code: 2, err: expect.stringMatching(`^ssl3 view: -o ${cap} would overwrite the input\n`) });
    expect(await run('view', cap, '--key', notCapture)).toMatchObject({ code: 1, err: expect.stringMatching(new RegExp(`^ssl3 view: --key ${notCapture}: not an RSA private key: .*\\n$`)) });
    expect(await run('view', cap, '--bogus')).toMatchObject({ code: 2, err: expect.stringMatching(/^ssl3 view: Unknown option '--bogus'/) });
  });
});

describe('--viewer: live lessons of ssl3 serve and ssl3 get', () => {
  /** The lesson in `file` once it shows `n` connections closed both ways (serve writes it again shortly after each change). */
  async function lessonWith(file: string, n: number) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const lesson = lessonIn(readFileSync(file, 'utf8'));
      const closed = (c: (typeof lesson.explanation.connections)[number]) => (['client-to-server', 'server-to-client'] as const).every((d) => c.records.some((r) => r.direction === d && r.alert?.description === 'close_notify'));
      if (lesson.explanation.connections.length >= n && lesson.explanation.connections.every(closed)) return lesson;
      if (Date.now() > deadline) throw new Error(`${file}: ${lesson.explanation.connections.length} connections`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('serve keeps its page following its connections, decrypted with its own key; get writes its own', async () => {
    const port = await freePort();
    const served = join(dir, 'served.html');
    const serve = new Daemon(tsx, [cli, 'serve', '--bind', HOST, '--port', String(port), '--key', join(FIXTURES, 'server-key.pem'), '--cert', join(FIXTURES, 'server-cert.pem'), '--viewer', served]);
    try {
      await serve.waitFor(/the lesson page of these connections is .*served\.html/, 30_000);
      expect(lessonIn(readFileSync(served, 'utf8'))).toEqual({ title: `ssl3 serve on port ${port}`, source: 'live', explanation: { format: 'pcap', frames: 0, notes: [], connections: [], other_tcp_streams: [] } });
      expect(statSync(served).mode & 0o777).toBe(0o600);
      const fetched = join(dir, 'fetched.html');
      const get = await run('get', `https://${HOST}:${port}/`, '--ca', join(FIXTURES, 'server-cert.pem'), '--ciphers', 'rc4-128-md5', '--viewer', fetched);
      expect([get.code, get.err]).toEqual([0, '']);
      expect(get.out).toContain('SSL 3.0 connection');

      const mine = lessonIn(readFileSync(fetched, 'utf8'));
      expect(mine.title).toBe(`ssl3 get https://${HOST}:${port}/`);
      const c = mine.explanation.connections[0];
      expect(c.handshakes[0]).toMatchObject({ cipher_suite: 'SSL_RSA_WITH_RC4_128_MD5', keys: { source: expect.stringMatching(/key log/) } });
      expect(c.records.filter((r) => r.encrypted).every((r) => r.decryption?.ok)).toBe(true);
      expect(c.records.find((r) => r.direction === 'client-to-server' && r.content_type === 'application_data')?.text).toMatch(/^GET \/ HTTP\/1\.1\\r\\n/);

      const theirs = await lessonWith(served, 1);
      const s = theirs.explanation.connections[0];
      expect(s.handshakes[0].keys?.source).toBe(`the server's RSA key ${join(FIXTURES, 'server-key.pem')} decrypts the ClientKeyExchange to pre_master_secret [RFC 6101 5.6.7.1]`);
      expect(s.handshakes[0].client_random).toBe(c.handshakes[0].client_random);
      expect(s.records.map((r) => r.text)).toEqual(c.records.map((r) => r.text));

      // A second connection joins the page.
      expect((await run('get', `https://${HOST}:${port}/`, '--ca', join(FIXTURES, 'server-cert.pem'), '--ciphers', '3des-ede-cbc-sha')).code).toBe(0);
      const both = await lessonWith(served, 2);
      expect(both.explanation.connections.map((x) => x.handshakes[0].cipher_suite)).toEqual(['SSL_RSA_WITH_RC4_128_MD5', 'SSL_RSA_WITH_3DES_EDE_CBC_SHA']);
    } finally {
      await serve.stop('SIGTERM');
    }
    expect(serve.output).not.toMatch(/--viewer .*:/);
  });

  it('a --viewer path that cannot be written fails before anything connects', async () => {
    const bad = join(dir, 'nowhere', 'x.html');
    expect(await run('get', 'https://127.0.0.1:1/', '--insecure', '--viewer', bad)).toMatchObject({ code: 1, err: expect.stringContaining(`ssl3 get: --viewer ${bad}: no such directory\n`) });
    expect(await run('serve', '--port', '4433', '--key', join(FIXTURES, 'server-key.pem'), '--cert', join(FIXTURES, 'server-cert.pem'), '--viewer', bad)).toMatchObject({ code: 1, err: `ssl3 serve: --viewer ${bad}: no such directory\n` });
  });
});
