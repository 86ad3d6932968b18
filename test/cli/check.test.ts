/**
 * The `ssl3 check` command itself, in process: the table as checks end, --list, --only
 * (names and NAME*), exit status 0 only without a failure, a failure's expectation and
 * (--verbose) trace, and one clear line for each user error (an unknown check, a bad
 * timeout, an unreachable target, an unwritable --junit file). The target that fails is the
 * harness itself, listening as a server that leaves renegotiation_info out.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { listenConversations } from '../../src/harness/index.js';
import { SERVER_CHECKS } from '../../src/harness/check/server-suite.js';
import { certificateToPem, parseCertificate } from '../../src/pki/x509.js';
import { identity } from '../connection/pair.js';
import { capture } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';
import { freePort, startHttpServer, type HttpTestServer } from '../interop/nss-helpers.js';
import { nodeRsaKey } from '../helpers/keys.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { testCa } from '../../src/harness/check/client-pki.js';

let server: HttpTestServer;

beforeAll(async () => {
  const id = identity();
  server = await startHttpServer({ key: id.key, cert: certificateToPem(parseCertificate(id.cert)) });
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

async function check(...args: string[]) {
  const io = capture();
  const code = await main(['check', ...args], io);
  return { code, ...io };
}

describe('ssl3 check', () => {
  it('prints a line per check as it ends, then the count; exit 0 when none failed', async () => {
    const r = await check(`127.0.0.1:${server.port}`, '--only', 'handshake-rc4*,ccs-injection');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`ssl3 check 127.0.0.1:${server.port}: 3 checks of an SSL 3.0 server`);
    expect(lines[1]).toMatch(/^PASS {2}handshake-rc4-128-sha {2}RFC 6101 5\.6, A\.6 {2}accepted$/);
    expect(lines[2]).toMatch(/^PASS {2}handshake-rc4-128-md5 /);
    // Columns as wide as the longest name and citation among the checks run.
    expect(lines[3]).toBe(`PASS  ${'ccs-injection'.padEnd(21)}  ${'CVE-2014-0224'.padEnd(17)}  fatal alert unexpected_message, then the connection closed; the next connection is served`);
    expect(lines.slice(4)).toEqual(['3 checks: 3 passed, 0 failed, 0 skipped', '']);
  });

  it('--list names every check with its citation and expectation, and runs nothing', async () => {
    const r = await check('--list');
    expect(r.code).toBe(0);
    for (const c of SERVER_CHECKS) expect(r.out).toContain(`${c.name.padEnd(30)} ${c.cites}\n  ${c.level}: ${c.expectation}\n`);
  });

  it('a failed check exits 1 and says what a correct server does; --verbose adds the trace', async () => {
    const id = identity();
    const broken = await listenConversations(
      [
        // ssl3 check first makes sure something listens: a bare TCP connection.
        { name: 'reachable?', role: 'server', steps: [{ expect: 'close' }] },
        { name: 'no renegotiation_info', role: 'server', steps: [{ expect: 'client_hello' }, { send: 'server_hello', renegotiationInfo: 'none' }, { send: 'certificate' }, { send: 'server_hello_done' }] },
      ],
      { host: '127.0.0.1' },
      { identity: { key: id.key, chain: [id.cert] } },
    );
    const r = await check(`127.0.0.1:${broken.port}`, '--only', 'renegotiation-info-signalled', '--verbose');
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAIL  renegotiation-info-signalled  RFC 5746 3.6, 4.5  renegotiation-info-signalled: step 2 expected server_hello (renegotiation_info correct); got server_hello (');
    expect(r.out).toContain('(it carries no renegotiation_info)\n      should: a ClientHello with the renegotiation SCSV is answered with an empty renegotiation_info');
    expect(r.out).toMatch(/ {6}trace of renegotiation-info-signalled:\n {8}\s*\* step 1: send client_hello\n/);
    expect(r.out).toMatch(/1 checks: 0 passed, 1 failed, 0 skipped\n$/);
    await broken.close();
  });

  it.each([
    [['--only', 'nope'], 2, "ssl3 check: --only: no check named 'nope' (ssl3 check --list shows them)"],
    [['127.0.0.1:1', '--timeout', 'soon'], 2, "ssl3 check: --timeout must be a number of seconds from 0 to 300, got 'soon'"],
    [['127.0.0.1:99999'], 2, "ssl3 check: '127.0.0.1:99999': expected HOST[:PORT] with PORT 1..65535"],
    [[], 2, 'ssl3 check: give exactly one HOST[:PORT]'],
  ])('%j: exit %i, %s', async (args, code, line) => {
    const r = await check(...args);
    expect(r.code).toBe(code);
    expect(r.err.split('\n')[0]).toBe(line);
  });

  it('an unreachable target is one line and exit 1', async () => {
    const port = await freePort();
    const r = await check(`127.0.0.1:${port}`);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`ssl3 check: cannot connect to 127.0.0.1:${port}: ECONNREFUSED\n`);
    expect(r.out).toBe('');
  });

  it('a --junit file that cannot be written is one line and exit 1', async () => {
    const r = await check(`127.0.0.1:${server.port}`, '--only', 'handshake-rc4-128-sha', '--json', '--junit', join(tempDir('junit'), 'no', 'such', 'dir.xml'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^ssl3 check: --junit .*dir\.xml: ENOENT\n$/);
  });
});

describe('ssl3 check --listen', () => {
  /** A test CA and server key made quickly (node's RSA), as --ca-key, --ca-cert and --key take them. */
  function caFiles() {
    const dir = tempDir('listen-ca');
    const caKey = nodeRsaKey(1024);
    const files = { caKey: join(dir, 'ca.key'), caCert: join(dir, 'ca.pem'), key: join(dir, 'server.key') };
    writeFileSync(files.caKey, privateKeyToPem(caKey));
    writeFileSync(files.caCert, certificateToPem(testCa(caKey)));
    writeFileSync(files.key, privateKeyToPem(nodeRsaKey(1024)));
    return files;
  }

  it('skips the checks no client came for, and says so', async () => {
    const f = caFiles();
    const port = await freePort();
    const r = await check('--listen', `127.0.0.1:${port}`, '--ca-key', f.caKey, '--ca-cert', f.caCert, '--key', f.key, '--only', 'baseline,close-notify', '--wait', '0.2');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        `ssl3 check --listen 127.0.0.1:${port}: 2 checks of an SSL 3.0 client, one per connection`,
        `SKIP  baseline      RFC 6101 5.5    no client connected within 0.2 s`,
        `SKIP  close-notify  RFC 6101 5.4.1  no client connected within 0.2 s`,
        '2 checks: 0 passed, 0 failed, 2 skipped',
        '',
      ].join('\n'),
    );
  });

  it('--list shows the client checks after the server checks', async () => {
    const r = await check('--list', '--only', 'baseline,ccs-*');
    expect(r.out).toMatch(/^server checks \(ssl3 check HOST:PORT\):\nccs-injection .*\n\nclient checks \(ssl3 check --listen PORT\):\nbaseline .*\n.*\nccs-early /s);
  });

  it.each([
    [['--listen', '127.0.0.1:4433'], 2, 'ssl3 check: give --ca-out FILE (a new test CA the clients must trust) or --ca-key and --ca-cert'],
    [['--listen', '127.0.0.1:4433', '--ca-key', 'k.pem'], 2, 'ssl3 check: --ca-key and --ca-cert go together'],
    [['--listen', '127.0.0.1:4433', '--ca-key', '/nonexistent/k.pem', '--ca-cert', '/nonexistent/c.pem'], 1, 'ssl3 check: --ca-key /nonexistent/k.pem: no such file'],
    [['--listen', '127.0.0.1:4433', '127.0.0.1:443'], 2, 'ssl3 check: give either HOST[:PORT] or --listen, not both'],
    [['--listen', 'port'], 2, "ssl3 check: --listen 'port': expected [ADDR:]PORT with PORT 1..65535"],
    [['127.0.0.1:443', '--ca-out', 'ca.pem'], 2, 'ssl3 check: --ca-out goes with --listen'],
    [['--listen', '127.0.0.1:4433', '--ca-out', 'ca.pem', '--wait', '0'], 2, "ssl3 check: --wait must be a number of seconds from 0 to 86400, got '0'"],
  ])('%j: exit %i, %s', async (args, code, line) => {
    const r = await check(...args);
    expect(r.err.split('\n')[0]).toBe(line);
    expect(r.code).toBe(code);
  });
});
