/**
 * The `ssl3 probe` command in process, against our own server: the table, the fleet's JSON
 * lines with a progress line when standard error is a terminal, and one clear line for each
 * user error (a bad line in the targets file, flags that do not go together, nothing
 * listening). test/interop/probe-servers.test.ts compares it with nmap and testssl.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { certificateToPem, parseCertificate } from '../../src/pki/x509.js';
import { identity } from '../connection/pair.js';
import { capture } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';
import { freePort, startHttpServer, type HttpTestServer } from '../interop/nss-helpers.js';

let server: HttpTestServer;

beforeAll(async () => {
  const id = identity();
  server = await startHttpServer({ key: id.key, cert: certificateToPem(parseCertificate(id.cert)), ciphers: ['rc4-128-md5', 'aes-128-cbc-sha'] });
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

describe('ssl3 probe', () => {
  it('prints the inventory as a table', async () => {
    const io = capture();
    expect(await main(['probe', `127.0.0.1:${server.port}`], io)).toBe(0);
    expect(io.err).toBe('');
    const lines = io.out.split('\n');
    expect(lines.slice(0, 7)).toEqual([
      `ssl3 probe 127.0.0.1:${server.port}`,
      '  SSL 3.0               yes',
      '  TLS hellos            1.0 answered 3.0, 1.1 answered 3.0, 1.2 answered 3.0',
      '  SSLv2-format hello    yes',
      '  suites (server order) rc4-128-md5, aes-128-cbc-sha',
      '  refused               aes-256-cbc-sha, 3des-ede-cbc-sha, rc4-128-sha, des-cbc-sha, null-sha, null-md5',
      '  preference            server',
    ]);
    expect(lines[7]).toMatch(/^ {2}certificate {11}CN=server\.test; issuer \(self-signed\); RSA 1024, sha256WithRSAEncryption; valid \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d$/);
    expect(lines[8]).toMatch(/^ {24}SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(io.out).toContain('\n  resumption            yes\n  secure renegotiation  yes\n  compression           null\n');
    expect(io.out).toMatch(/ {2}weaknesses {12}POODLE: CBC suites under SSL 3\.0 \(CVE-2014-3566\)\n {24}RC4: biased keystream \(RFC 7465\)\n$/);
  });

  it('on a terminal, a fleet shows its progress on standard error', async () => {
    const file = join(tempDir('probe-targets'), 'targets.txt');
    writeFileSync(file, `127.0.0.1:${server.port}\n`);
    const io = Object.assign(capture(), { stderrIsTTY: true });
    expect(await main(['probe', '--targets', file], io)).toBe(0);
    expect(io.err).toBe('\rssl3 probe: 0/1 targets probed\rssl3 probe: 1/1 targets probed\n');
    expect(JSON.parse(io.out)).toMatchObject({ target: `127.0.0.1:${server.port}`, suites: ['rc4-128-md5', 'aes-128-cbc-sha'] });
  });

  it.each([
    [['--targets', '/nonexistent/targets.txt'], 1, 'ssl3 probe: --targets /nonexistent/targets.txt: no such file'],
    [['--concurrency', '2', '127.0.0.1:443'], 2, 'ssl3 probe: --concurrency goes with --targets'],
    [[], 2, 'ssl3 probe: give exactly one HOST[:PORT], or --targets FILE'],
  ])('%j: exit %i, %s', async (args, code, line) => {
    const io = capture();
    expect(await main(['probe', ...args], io)).toBe(code);
    expect(io.err.split('\n')[0]).toBe(line);
  });

  it('a bad line in the targets file is named before anything is probed', async () => {
    const file = join(tempDir('probe-targets'), 'bad.txt');
    writeFileSync(file, '# fleet\n127.0.0.1:443\ndevice:99999\n');
    const io = capture();
    expect(await main(['probe', '--targets', file, '--concurrency', '3'], io)).toBe(1);
    expect(io.err).toBe(`ssl3 probe: --targets ${file} line 3: 'device:99999': expected HOST[:PORT] with PORT 1..65535\n`);
    expect(io.out).toBe('');
  });

  it('nothing listening is one line and exit 1', async () => {
    const port = await freePort();
    const io = capture();
    expect(await main(['probe', `127.0.0.1:${port}`], io)).toBe(1);
    expect(io.err).toBe(`ssl3 probe: cannot connect to 127.0.0.1:${port}: ECONNREFUSED\n`);
  });
});
