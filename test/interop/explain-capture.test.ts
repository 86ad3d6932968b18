/**
 * `ssl3 explain` on captures of real peers talking SSL 3.0 to each other, taken by dumpcap
 * (through tshark) on the loopback interface: NSS tstclnt to NSS selfserv (every suite, and
 * once over IPv6), tstclnt to a JSSE server (every suite), a JSSE client to selfserv (every
 * suite, and twice more to resume a session). The capture is explained with the server's RSA
 * key and, separately, with a key log; the plaintext must be what the peers sent and got, and
 * the record list must be tshark's own dissection of the same file. The same traffic captured
 * on `any` (Linux cooked v2) explains the same; so does the capture rewritten with
 * retransmitted, reordered and overlapping segments by our pcap writer.
 *
 * The key log: Debian 12's NSS is built without SSLKEYLOGFILE support (libssl3 has no such
 * string) and JSSE has none, so the key log comes from tshark itself
 * (--export-tls-session-keys, after decrypting with the server key): an independent
 * derivation of each master_secret that explain must then accept as a key log.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CaptureExplanation } from '../../src/trace/explain-model.js';
import { readCapture } from '../../src/trace/capture-reader.js';
import { suiteByName } from '../../src/ciphers/suites.js';
import { capture } from '../helpers/cli.js';
import { makeIdentity, P12_PASSWORD, type IdentityFiles } from '../helpers/identity.js';
import { applicationData, framesAside, messUp, recorder } from '../trace/capture-helpers.js';
import { captureUnavailable, explainedRecords, startLiveCapture, tsharkRecords, type LiveCapture } from './tshark-helpers.js';
import { Daemon, SUITES, findTools, freePort, makeNssDb, nssAddCert, nssImportP12, removeTempDirs, run, tempDir, waitForPort } from './nss-helpers.js';
import { compilePeer, findJavaTools, JSSE_SUITES, runJavaClient, startJavaServer, unescape, type JavaPeer } from './jsse-helpers.js';

const nss = findTools({ tshark: 'tshark', tstclnt: 'libnss3-tools', selfserv: 'libnss3-tools', certutil: 'libnss3-tools', pk12util: 'libnss3-tools', openssl: 'openssl' });
const java = findJavaTools();
const tools = nss && java ? { ...nss, java } : undefined;

/** One connection we made, in capture order, and what it must explain as. */
interface Expected {
  who: string;
  suite: string;
  request: string;
  /** What the client received. */
  response: string;
  resumed?: boolean;
}

const NO_EMS = '-Djdk.tls.useExtendedMasterSecret=false';

describe.skipIf(!tools)('ssl3 explain on dumpcap captures of NSS and JSSE talking SSL 3.0', () => {
  const t = tools!;
  let dir: string;
  let id: IdentityFiles;
  let selfserv: Daemon;
  let selfservPort: number;
  let jsse: { peer: JavaPeer; port: number };
  let cannotCapture: string | undefined;
  const expected: Expected[] = [];
  const lo = () => join(dir, 'lo.pcapng');
  const any = () => join(dir, 'any.pcapng');
  const keylog = () => join(dir, 'tshark-keys.txt');
  let byKey: CaptureExplanation;
  let byLog: CaptureExplanation;

  async function explain(file: string, ...args: string[]): Promise<CaptureExplanation> {
    const io = capture();
    const code = await main(['explain', file, '--json', ...args], io);
    if (code !== 0) throw new Error(`ssl3 explain ${file} failed: ${io.err}`);
    return JSON.parse(io.out) as CaptureExplanation;
  }

  /** tstclnt sends the request from a file (-A) and exits when the server closes. */
  async function tstclnt(host: string, port: number, nssSuite: string, who: string, suite: string, db: string, more: string[] = []): Promise<void> {
    const request = `GET /${who.replace(/\W+/g, '-')} HTTP/1.0\r\n\r\n`;
    const file = join(dir, 'request.txt');
    writeFileSync(file, request);
    const r = await run(t.tstclnt, ['-h', host, '-p', String(port), '-d', db, '-V', 'ssl3:ssl3', '-c', nssSuite, '-A', file, ...more], { timeoutMs: 15_000 });
    if (r.code !== 0) throw new Error(`tstclnt ${who} failed (${r.code}): ${r.stderr}`);
    expected.push({ who, suite, request, response: r.stdout });
  }

  beforeAll(async () => {
    dir = tempDir('explain-live');
    id = makeIdentity('localhost', 1024, t.openssl);
    const serverDb = makeNssDb(t.certutil, 'explain-server');
    nssImportP12(t.pk12util, serverDb, id.p12File!, P12_PASSWORD);
    const clientDb = makeNssDb(t.certutil, 'explain-client');
    nssAddCert(t.certutil, clientDb, 'server', id.certFile, 'P,,');
    const classpath = compilePeer(t.java);
    for (let attempt = 0; attempt < 5 && !selfserv; attempt++) {
      const port = await freePort();
      const d = new Daemon(t.selfserv, ['-p', String(port), '-d', serverDb, '-n', 'localhost', '-V', 'ssl3:ssl3', '-c', SUITES.map((s) => s.nss).join(''), '-v']);
      if (await waitForPort(port, 10_000, () => !d.exited)) [selfserv, selfservPort] = [d, port];
      else await d.stop('SIGKILL');
    }
    if (!selfserv) throw new Error('selfserv did not start');
    jsse = await startJavaServer(t.java, classpath, ['--keystore', id.p12File!, '--storepass', P12_PASSWORD, '--suites', JSSE_SUITES.map((s) => s.jsse).join(',')]);
    const ports = [selfservPort, jsse.port];

    let captures: LiveCapture[];
    try {
      captures = await Promise.all([startLiveCapture(t.tshark, ports, lo()), startLiveCapture(t.tshark, ports, any(), { iface: 'any', linkType: 'LINUX_SLL2' })]);
    } catch (e) {
      cannotCapture = captureUnavailable(e);
      return;
    }
    try {
      for (const s of SUITES) await tstclnt('127.0.0.1', selfservPort, s.nss, `tstclnt to selfserv ${s.keyword}`, s.openssl, clientDb);
      // The certificate names localhost and 127.0.0.1, not ::1: -o accepts it anyway.
      await tstclnt('::1', selfservPort, 'n', 'tstclnt to selfserv over IPv6', 'RC4-SHA', clientDb, ['-o']);
      for (const s of SUITES) await tstclnt('127.0.0.1', jsse.port, s.nss, `tstclnt to JSSE ${s.keyword}`, s.openssl, clientDb);
      const perSuite = await runJavaClient(t.java, classpath, ['--port', String(selfservPort), '--trust-pem', id.certFile, '--suites', JSSE_SUITES.map((s) => s.jsse).join(','), '--per-suite']);
      JSSE_SUITES.forEach((s, i) => {
        const c = perSuite.connection(i + 1);
        if (!c.ok) throw new Error(`JSSE client ${s.jsse}: ${c.error}\n${perSuite.describe()}`);
        expected.push({ who: `JSSE to selfserv ${s.keyword}`, suite: suiteByName(s.keyword).opensslName, request: `GET /${i + 1} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`, response: c.body! });
      });
      const resuming = await runJavaClient(t.java, classpath, ['--port', String(selfservPort), '--trust-pem', id.certFile, '--suites', 'SSL_RSA_WITH_RC4_128_MD5', '--connections', '2'], [NO_EMS]);
      for (const n of [1, 2]) {
        const c = resuming.connection(n);
        if (!c.ok) throw new Error(`JSSE client, connection ${n}: ${c.error}\n${resuming.describe()}`);
        expected.push({ who: `JSSE to selfserv, connection ${n}`, suite: 'RC4-MD5', request: `GET /${n} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`, response: c.body!, resumed: c.resumed });
      }
    } finally {
      await Promise.all(captures.map((c) => c.stop()));
    }
    // tshark decrypts with the server key and exports what it derived as a key log.
    const r = await run(t.tshark, ['-r', lo(), '-2', ...ports.flatMap((p) => ['-d', `tcp.port==${p},tls`]), '-o', `uat:rsa_keys:"${id.keyFile}",""`, '--export-tls-session-keys', keylog()], { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`tshark --export-tls-session-keys failed: ${r.stderr}`);
    [byKey, byLog] = [await explain(lo(), '--key', id.keyFile), await explain(lo(), '--keylog', keylog())];
  }, 240_000);

  afterAll(async () => {
    await Promise.all([selfserv?.stop(), jsse?.peer.stop()]);
    removeTempDirs([id?.dir]);
  });

  function check(e: CaptureExplanation, source: RegExp): void {
    expect(e.connections.map((c) => c.protocol)).toEqual(expected.map(() => 'SSL 3.0'));
    e.connections.forEach((c, i) => {
      const want = expected[i];
      const why = `${want.who}: ${JSON.stringify(c.notes)}`;
      const hs = c.handshakes[0];
      expect(hs.cipher_suite, why).toBe(suiteByName(want.suite).rfcName);
      expect(hs.kind, why).toBe(want.resumed ? 'resumed' : 'full');
      expect(hs.keys?.source, why).toMatch(want.resumed ? /resumed session|key log/ : source);
      expect(hs.finished.map((f) => f.ok), why).toEqual([true, true]);
      const encrypted = c.records.filter((r) => r.encrypted);
      expect(encrypted.length, why).toBeGreaterThan(2);
      for (const r of encrypted) expect(r.decryption, `${why}, record ${r.number}`).toMatchObject({ ok: true, verdict: 'MAC ok' });
      const p = applicationData(c);
      expect(p.toServer, why).toBe(want.request);
      // What the client printed (tstclnt) or reported (Ssl3Peer) is what explain decrypted.
      expect(p.toClient.length, why).toBeGreaterThan(0);
      expect(p.toClient, why).toBe(want.who.startsWith('JSSE') ? unescape(want.response) : want.response);
    });
  }

  it('with the server key: every connection SSL 3.0, its suite, MAC ok on every record, both Finished ok, the plaintext the peers sent', ({ skip }) => {
    if (cannotCapture) return skip(cannotCapture);
    expect(byKey.connections.map((c) => c.client.startsWith('[::1]'))).toEqual(expected.map((x) => x.who.includes('IPv6')));
    check(byKey, /server's RSA key .* decrypts the ClientKeyExchange/);
    // NSS splits CBC application data 1/n-1 (docs/interop.md): a 1-byte record first.
    const des = byKey.connections[SUITES.findIndex((s) => s.keyword === 'des-cbc-sha')];
    expect(des.records.filter((r) => r.content_type === 'application_data' && r.direction === 'client-to-server').map((r) => r.fragment!.length / 2)[0]).toBe(1);
  });

  it('the resumed session is decrypted from the full handshake earlier in the same capture', ({ skip }) => {
    if (cannotCapture) return skip(cannotCapture);
    const last = expected.length - 1;
    expect(expected[last].resumed, 'JSSE resumed its session with selfserv').toBe(true);
    expect(byKey.connections[last].handshakes[0].keys?.source).toBe(`resumed session: the master_secret made by the full handshake in TCP stream ${byKey.connections[last - 1].tcp_stream} of this capture`);
  });

  it("with tshark's key log instead of the key: the same records, decrypted alike", ({ skip }) => {
    if (cannotCapture) return skip(cannotCapture);
    expect(readFileSync(keylog(), 'latin1')).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/m);
    check(byLog, /key log/);
    expect(byLog.connections.map((c) => c.records)).toEqual(byKey.connections.map((c) => c.records));
  });

  it("its record list is tshark's own dissection of the same file", async ({ skip }) => {
    if (cannotCapture) return skip(cannotCapture);
    expect(await tsharkRecords(t.tshark, lo(), [selfservPort, jsse.port])).toEqual(explainedRecords(byKey));
  });

  it('the capture on any (Linux cooked v2) explains the same', async ({ skip }) => {
    if (cannotCapture) return skip(cannotCapture);
    expect(readCapture(readFileSync(any())).packets[0].linkType).toBe(276);
    expect(framesAside(await explain(any(), '--key', id.keyFile))).toEqual(framesAside(byKey));
  });

  it('the capture rewritten with retransmitted, reordered and overlapping segments (our pcap writer) explains the same', async ({ skip }) => {
    if (cannotCapture) return skip(cannotCapture);
    // Ethernet on lo: the IP packet follows the 14-byte header. The TCP ones only (not the UDP probes).
    const frames = readCapture(readFileSync(lo()))
      .packets.map((p) => ({ time: p.time, data: p.data.subarray(14) }))
      .filter((f) => (f.data[0] >> 4 === 6 ? f.data[6] : f.data[9]) === 6);
    const messy = recorder();
    for (const f of messUp(frames)) messy.file.packet(f.data, f.time * 1000);
    const file = join(dir, 'messy.pcap');
    writeFileSync(file, messy.bytes());
    const e = await explain(file, '--key', id.keyFile);
    expect(framesAside(e)).toEqual(framesAside(byKey));
    const r = await run(t.tshark, ['-r', file, '-Y', 'tcp.analysis.retransmission || tcp.analysis.out_of_order', '-T', 'fields', '-e', 'frame.number'], { timeoutMs: 60_000 });
    expect(r.stdout.trim().split('\n').length, 'tshark sees the retransmissions and reordering').toBeGreaterThan(expected.length);
  });
});
