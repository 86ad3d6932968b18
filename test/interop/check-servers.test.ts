/**
 * `ssl3 check HOST:PORT` against three independent SSL 3.0 servers: ours, NSS selfserv and
 * OpenJDK's JSSE. Ours passes every check. Where a peer fails one, that is a property of the
 * peer and is pinned here with what it did instead (README.md, "ssl3 check", says why each
 * fails): a check that starts or stops failing on a peer fails this test, so a change in our
 * checks that turns a finding into noise, or hides one, is noticed. Each run also writes the
 * JUnit XML a CI pipeline reads, checked against the JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SERVER_CHECKS } from '../../src/harness/check/server-suite.js';
import type { IdentityFiles } from '../helpers/identity.js';
import { capture } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';
import { availablePeers, serverIdentity, startJssePeer, startOurs, startSelfservPeer, type PeerName, type PeerServer } from './peer-servers.js';

/** Each peer's findings: the checks it fails, and what the report says it did instead. */
const FINDINGS: Record<PeerName, Record<string, RegExp>> = {
  ours: {},
  selfserv: {
    // NSS reads a plaintext of 2^14 + 1 bytes and answers it.
    'oversized-plaintext': /step 11 expected fatal SSL 3\.0 alert, or the connection closed; got application data/,
    // NSS answers an over-long record with TLS's record_overflow (22), which SSL 3.0 does not have.
    'oversized-record': /got fatal alert unknown\(22\) \(not an SSL 3\.0 alert\)/,
    // NSS takes a record whose header says 3.1 on a connection that negotiated 3.0.
    'record-version': /got application data/,
    // NSS takes a ClientHello whose session_id has 33 bytes, and answers it.
    'session-id-too-long': /step 2 expected fatal SSL 3\.0 alert, or the connection closed; got server_hello/,
    // NSS no longer reads the SSLv2-format hello: it takes its first bytes for a record header and waits for the rest.
    'sslv2-hello': /step 2 expected server_hello \(version 3\.0\); got nothing/,
  },
  jsse: {
    // JSSE answers a wrong Finished with TLS's decrypt_error (51) and a short one with decode_error (50).
    'finished-wrong': /got fatal alert unknown\(51\) \(not an SSL 3\.0 alert\)/,
    'finished-truncated': /got fatal alert unknown\(50\) \(not an SSL 3\.0 alert\)/,
    'oversized-plaintext': /got application data/,
    // JSSE answers an over-long record with TLS's internal_error (80).
    'oversized-record': /got fatal alert unknown\(80\) \(not an SSL 3\.0 alert\)/,
    'record-version': /got application data/,
    // JSSE's server sends each answer in one record under CBC suites in SSL 3.0: no 1/n-1 split.
    'cbc-record-split': /its first record holds \d+ bytes/,
    // JSSE reads the ClientKeyExchange by the ClientHello's version: after a TLS-range hello it wants TLS's
    // 2-byte length even though it chose SSL 3.0, and fails the SSL 3.0 form (RSAClientKeyExchange).
    'tls-range-hello': /hello 3\.1: step 8 expected change_cipher_spec; got (fatal alert handshake_failure|the connection reset|the connection closed)/,
    'future-version-hello': /hello 3\.4: step 8 expected change_cipher_spec; got (fatal alert handshake_failure|the connection reset|the connection closed)/,
    // JSSE's server reads the SSLv2 format only with the SSLv2Hello pseudo-protocol enabled (Ssl3Peer enables SSLv3 alone).
    'sslv2-hello': /step 2 expected server_hello \(version 3\.0\); got fatal alert handshake_failure/,
  },
};

const available = availablePeers();
const PEERS = [
  { name: 'ours' as const, start: startOurs, ok: true },
  { name: 'selfserv' as const, start: startSelfservPeer, ok: available.selfserv },
  { name: 'jsse' as const, start: startJssePeer, ok: available.jsse },
].filter((p) => p.ok);

let id: IdentityFiles;
const servers = new Map<PeerName, PeerServer>();

beforeAll(async () => {
  id = serverIdentity();
  for (const s of await Promise.all(PEERS.map((p) => p.start(id)))) servers.set(s.name, s);
}, 120_000);

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.stop()));
  removeTempDirs([id?.dir]);
});

interface Report {
  target: string;
  summary: { checks: number; passed: number; failed: number; skipped: number };
  checks: { name: string; cites: string; level: string; status: string; expectation: string; detail: string }[];
}

describe.each(PEERS.map((p) => ({ name: p.name })))('ssl3 check against $name', ({ name }) => {
  let report: Report;
  let code: number;
  let junit: string;

  beforeAll(async () => {
    const server = servers.get(name)!;
    const junitFile = join(tempDir(`check-${name}`), 'junit.xml');
    const io = capture();
    code = await main(['check', `127.0.0.1:${server.port}`, '--json', '--junit', junitFile, '--timeout', '3'], io);
    expect(io.err).toBe('');
    report = JSON.parse(io.out) as Report;
    junit = readFileSync(junitFile, 'utf8');
  }, 300_000);

  it('runs every check, and each names its citation and what a correct server does', () => {
    expect(report.checks.map((c) => c.name)).toEqual(SERVER_CHECKS.map((c) => c.name));
    for (const c of report.checks) {
      expect(c.cites, c.name).toMatch(/RFC|CVE|ROBOT/);
      expect(c.expectation.length, c.name).toBeGreaterThan(30);
    }
    expect(report.target).toBe(`127.0.0.1:${servers.get(name)!.port}`);
  });

  it(`fails exactly the checks pinned as its findings (${Object.keys(FINDINGS[name]).length}), each for the pinned reason`, () => {
    const failed = Object.fromEntries(report.checks.filter((c) => c.status === 'fail').map((c) => [c.name, c.detail]));
    const explain = JSON.stringify(failed, null, 1);
    expect(Object.keys(failed).sort(), explain).toEqual(Object.keys(FINDINGS[name]).sort());
    for (const [check, reason] of Object.entries(FINDINGS[name])) expect(failed[check], check).toMatch(reason);
    expect(report.checks.filter((c) => c.status === 'skip')).toEqual([]);
    expect(code).toBe(Object.keys(FINDINGS[name]).length ? 1 : 0);
  });

  it('writes JUnit XML with one testcase per check and the same failures', () => {
    expect(junit).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="ssl3 check" /);
    expect(junit.match(/<testcase /g)?.length).toBe(report.summary.checks);
    expect(junit.match(/<failure /g)?.length ?? 0).toBe(report.summary.failed);
    for (const c of report.checks.filter((x) => x.status === 'fail')) expect(junit).toContain(`name="${c.name}"`);
    expect(junit).toMatch(new RegExp(`<testsuite name="ssl3 check 127\\.0\\.0\\.1:\\d+" tests="${report.summary.checks}" failures="${report.summary.failed}"`));
  });
});
