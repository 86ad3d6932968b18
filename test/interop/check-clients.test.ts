/**
 * `ssl3 check --listen` against three independent SSL 3.0 clients: ours (connect()), NSS
 * tstclnt and OpenJDK's JSSE client (test/interop/java/Ssl3Peer.java), each trusting the test
 * CA, offering SSL 3.0 only and connecting once per check. Ours passes every check; where
 * another fails one, that is a property of the client and is pinned here with what it did
 * instead (README.md, "Protocol testers", says why).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { connect } from '../../src/socket/index.js';
import { CLIENT_CHECKS } from '../../src/harness/check/client-suite.js';
import { testCa } from '../../src/harness/check/client-pki.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { capture } from '../helpers/cli.js';
import { nodeRsaKey } from '../helpers/keys.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';
import { SUITES, findTools, freePort, makeNssDb, nssAddCert, run, sleep } from './nss-helpers.js';
import { JSSE_SUITES, compilePeer, findJavaTools, runJavaClient } from './jsse-helpers.js';

type ClientName = 'ours' | 'tstclnt' | 'jsse';

/** Each client's findings: the checks it fails, and what the report says it did instead. */
const FINDINGS: Record<ClientName, Record<string, RegExp>> = {
  ours: {},
  tstclnt: {
    // NSS refuses a ServerHello with a version it did not offer with TLS's protocol_version (70).
    'server-hello-version-above-offered': /got fatal alert unknown\(70\) \(not an SSL 3\.0 alert\)/,
    // RFC 5746 3.4 names handshake_failure for a first ServerHello with a non-empty renegotiation_info; NSS sends illegal_parameter.
    'renegotiation-info-not-empty': /got fatal alert illegal_parameter \(not handshake_failure\)/,
  },
  jsse: {
    // JSSE refuses a version it did not offer, and SSL 2.0, with TLS's protocol_version (70).
    'server-hello-version-above-offered': /got fatal alert unknown\(70\) \(not an SSL 3\.0 alert\)/,
    'server-hello-version-2': /got fatal alert unknown\(70\) \(not an SSL 3\.0 alert\)/,
    // JSSE answers a wrong server Finished with TLS's decrypt_error (51), a bad MAC on it with handshake_failure.
    'wrong-finished': /got fatal alert unknown\(51\) \(not an SSL 3\.0 alert\)/,
    'bad-mac-finished': /got fatal alert handshake_failure \(not bad_record_mac\)/,
  },
};

const nss = findTools({ tstclnt: 'libnss3-tools', certutil: 'libnss3-tools' });
const java = findJavaTools();
const N = CLIENT_CHECKS.length;
const REQUEST = 'GET / HTTP/1.0\r\n\r\n';

let dir: string;
let files: { caKey: string; caCert: string; key: string };

beforeAll(() => {
  dir = tempDir('check-clients');
  const caKey = nodeRsaKey(2048);
  files = { caKey: join(dir, 'ca.key'), caCert: join(dir, 'ca.pem'), key: join(dir, 'server.key') };
  writeFileSync(files.caKey, privateKeyToPem(caKey));
  writeFileSync(files.caCert, certificateToPem(testCa(caKey)));
  writeFileSync(files.key, privateKeyToPem(nodeRsaKey(2048)));
});

afterAll(() => removeTempDirs());

/** One connection of our client: what it read, until the server closed or the connection failed. */
function ours(port: number, ca: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: '127.0.0.1' });
    socket.on('secureConnect', () => socket.write(REQUEST));
    socket.on('data', () => {});
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

/** The clients, each making its N connections one after another. */
const CLIENTS: { name: ClientName; ok: boolean; connect: (port: number) => Promise<string> }[] = [
  {
    name: 'ours',
    ok: true,
    async connect(port) {
      const { readFileSync } = await import('node:fs');
      const ca = readFileSync(files.caCert, 'utf8');
      for (let i = 0; i < N; i++) await ours(port, ca);
      return '';
    },
  },
  {
    name: 'tstclnt',
    ok: !!nss,
    async connect(port) {
      const db = makeNssDb(nss!.certutil, 'check-clients');
      nssAddCert(nss!.certutil, db, 'testca', files.caCert, 'CT,,');
      let log = '';
      for (let i = 0; i < N; i++) {
        const r = await run(nss!.tstclnt, ['-h', '127.0.0.1', '-p', String(port), '-d', db, '-V', 'ssl3:ssl3', '-c', SUITES.map((s) => s.nss).join('')], { input: REQUEST, timeoutMs: 20_000 });
        log += `--- connection ${i + 1}: exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n${r.stderr.slice(-400)}\n`;
      }
      return log;
    },
  },
  {
    name: 'jsse',
    ok: !!java,
    async connect(port) {
      const classpath = compilePeer(java!);
      const args = ['--port', String(port), '--trust-pem', files.caCert, '--suites', JSSE_SUITES.map((s) => s.jsse).join(','), '--connections', String(N), '--timeout-ms', '8000'];
      const peer = await runJavaClient(java!, classpath, args, [], 240_000);
      return peer.describe();
    },
  },
];

interface Report {
  summary: { checks: number; passed: number; failed: number; skipped: number };
  checks: { name: string; status: string; detail: string }[];
}

describe.each(CLIENTS.filter((c) => c.ok).map((c) => ({ name: c.name })))('ssl3 check --listen with $name', ({ name }) => {
  let report: Report;
  let code: number;
  let clientLog = '';

  beforeAll(async () => {
    const port = await freePort();
    const io = capture();
    const junit = join(dir, `${name}.xml`);
    const args = ['check', '--listen', `127.0.0.1:${port}`, '--ca-key', files.caKey, '--ca-cert', files.caCert, '--key', files.key, '--json', '--junit', junit, '--timeout', '4', '--wait', '30'];
    const done = main(args, io);
    while (!io.err.includes('checks of an SSL 3.0 client')) await sleep(20);
    clientLog = await CLIENTS.find((c) => c.name === name)!.connect(port);
    code = await done;
    report = JSON.parse(io.out) as Report;
  }, 400_000);

  it('runs every check, one per connection', () => {
    expect(report.checks.map((c) => c.name)).toEqual(CLIENT_CHECKS.map((c) => c.name));
    expect(report.checks.filter((c) => c.status === 'skip'), clientLog).toEqual([]);
  });

  it(`fails exactly the checks pinned as its findings (${Object.keys(FINDINGS[name]).length}), each for the pinned reason`, () => {
    const failed = Object.fromEntries(report.checks.filter((c) => c.status === 'fail').map((c) => [c.name, c.detail]));
    const explain = `${JSON.stringify(report.checks, null, 1)}\n${clientLog}`;
    expect(Object.keys(failed).sort(), explain).toEqual(Object.keys(FINDINGS[name]).sort());
    for (const [check, reason] of Object.entries(FINDINGS[name])) expect(failed[check], check).toMatch(reason);
    expect(code).toBe(Object.keys(FINDINGS[name]).length ? 1 : 0);
  });
});
