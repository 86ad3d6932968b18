/**
 * `ssl3 explain` (src/trace/explain.ts) on captures of our own client and server, made in
 * memory (capture-helpers.ts): every suite decrypted with the server's RSA key and with the
 * key log, the derivation equal to what the engine derived, every link type and file format
 * read alike, TCP reassembly of retransmitted, reordered and overlapping segments, several
 * connections and a reused port pair, resumption, client authentication, and the clear
 * lines for TLS, missing or wrong keys, tampering and truncation. Where tshark is installed
 * it confirms that the crafted files are what the tests claim (it reads the same records, it
 * sees the retransmissions).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explainCapture } from '../../src/trace/explain.js';
import { emptyKeyLog, readKeyLog, type ExplainKeys } from '../../src/trace/explain-keys.js';
import type { ConnectionExplanation } from '../../src/trace/explain-model.js';
import { formatExplanation } from '../../src/trace/explain-text.js';
import { CIPHER_SUITES, DEFAULT_SUITES, parseSuiteList } from '../../src/ciphers/suites.js';
import { SessionCache } from '../../src/handshake/session.js';
import { encodeClientHello, encodeHandshake, encodeServerHello, HandshakeType } from '../../src/handshake/messages.js';
import { encodeRecord } from '../../src/record/record-framer.js';
import { ContentType } from '../../src/record/content-types.js';
import type { TraceEvent } from '../../src/connection/connection.js';
import { concatBytes, toHex } from '../../src/util/bytes.js';
import { identity } from '../connection/pair.js';
import { endpoint, ScriptedClient } from '../connection/forge.js';
import { applicationData, converse, encapsulate, ENDPOINTS, framesAside, ipFrames, messUp, pcapBytes, pcapngBytes, recorder, retcp, segments, type RawFrame } from './capture-helpers.js';
import { findPeer } from '../helpers/peers.js';
import { removeTempDirs, run, tempDir } from '../interop/nss-helpers.js';
import { explainedRecords, tsharkRecords } from '../interop/tshark-helpers.js';

const tshark = findPeer('tshark', 'tshark');

afterAll(() => removeTempDirs());

const withServerKey = (): ExplainKeys => ({ keyLog: emptyKeyLog(), serverKeys: [{ name: 'server.pem', key: identity().key }] });
function withKeyLog(lines: readonly string[]): ExplainKeys {
  const keyLog = emptyKeyLog();
  readKeyLog(lines.join(''), keyLog);
  return { keyLog, serverKeys: [] };
}
const noKeys = (): ExplainKeys => ({ keyLog: emptyKeyLog(), serverKeys: [] });

/** Every encrypted record decrypted with a good MAC, and every Finished checked and right. */
function expectAllVerified(c: ConnectionExplanation): void {
  const encrypted = c.records.filter((r) => r.encrypted);
  expect(encrypted.length).toBeGreaterThan(0);
  for (const r of encrypted) expect(r.decryption, `record ${r.number}`).toMatchObject({ ok: true, verdict: 'MAC ok' });
  for (const hs of c.handshakes) {
    expect(hs.finished.map((f) => [f.sender, f.ok])).toEqual([
      [hs.kind === 'resumed' ? 'server' : 'client', true],
      [hs.kind === 'resumed' ? 'client' : 'server', true],
    ]);
  }
}

const REQUEST = 'GET / HTTP/1.0\r\n\r\n';
const RESPONSE = 'HTTP/1.0 200 OK\r\n\r\nhello';

describe('ssl3 explain: every suite, with the server key and with the key log', () => {
  describe.each(CIPHER_SUITES.map((s) => s.iosKeyword))('%s', (keyword) => {
    const keysEvents: Extract<TraceEvent, { kind: 'keys' }>[] = [];
    const rec = recorder(300);
    const suites = parseSuiteList(keyword);
    const { client } = converse(rec, ENDPOINTS, { client: { suites, traceSecrets: true }, server: { suites }, clientTrace: (e) => e.kind === 'keys' && keysEvents.push(e) });
    const bytes = rec.bytes();

    it('decrypts with the server key: pre_master_secret, master_secret and key_block as the engine derived them, every MAC and Finished right', () => {
      const e = explainCapture(bytes, withServerKey());
      expect(e.connections).toHaveLength(1);
      const c = e.connections[0];
      expect(c).toMatchObject({ tcp_stream: 0, client: '127.0.0.1:40000', server: '127.0.0.1:4433', protocol: 'SSL 3.0', notes: [] });
      expectAllVerified(c);
      expect(applicationData(c)).toEqual({ toServer: REQUEST, toClient: RESPONSE });
      const keys = c.handshakes[0].keys!;
      expect(keys.source).toMatch(/server's RSA key server\.pem decrypts the ClientKeyExchange/);
      expect(keys.pre_master_secret?.client_version).toBe('3.0 (SSL 3.0)');
      expect(keys.master_secret.rounds?.map((r) => r.label)).toEqual(['A', 'BB', 'CCC']);
      expect(keys.master_secret.rounds?.map((r) => r.md5).join('')).toBe(keys.master_secret.hex);
      const derived = keysEvents[0];
      expect(keys.master_secret.hex).toBe(toHex(derived.masterSecret));
      const kb = derived.keyBlock;
      expect(Object.fromEntries(keys.key_block.parts.map((p) => [p.name, p.hex]))).toEqual({
        client_write_MAC_secret: toHex(kb.clientMacSecret),
        server_write_MAC_secret: toHex(kb.serverMacSecret),
        client_write_key: toHex(kb.clientKey),
        server_write_key: toHex(kb.serverKey),
        client_write_IV: kb.clientIv.length ? toHex(kb.clientIv) : '(none: stream cipher)',
        server_write_IV: kb.serverIv.length ? toHex(kb.serverIv) : '(none: stream cipher)',
      });
      // The rounds cover the key block: its bytes are the rounds' MD5 outputs, cut in the RFC's order.
      expect(keys.key_block.rounds.map((r) => r.md5).join('')).toMatch(new RegExp(`^${keys.key_block.parts.map((p) => (p.length ? p.hex : '')).join('')}`));
      // The MAC input of the first encrypted record: seq_num 0, type handshake, the Finished's 40 bytes.
      const finished = c.records.find((r) => r.encrypted && r.direction === 'client-to-server')!;
      expect(finished.decryption?.mac_input).toBe(`0000000000000000${toHex(Uint8Array.of(ContentType.handshake, 0, 40))}`);
    });

    it('decrypts with the key log alone: the same records and plaintext, the master_secret from the log', () => {
      const byKey = explainCapture(bytes, withServerKey());
      const byLog = explainCapture(bytes, withKeyLog(client.keylog));
      const c = byLog.connections[0];
      expectAllVerified(c);
      expect(c.handshakes[0].keys?.source).toMatch(/key log/);
      expect(c.handshakes[0].keys?.pre_master_secret).toBeUndefined();
      expect(c.records).toEqual(byKey.connections[0].records);
    });

    it('without keys lists the records and says why they are not decrypted', () => {
      const c = explainCapture(bytes, noKeys()).connections[0];
      expect(c.notes).toEqual([expect.stringMatching(/^no keys given \(--keylog FILE or --key SERVER-KEY\.pem\): from record \d+ on/)]);
      expect(c.records.filter((r) => r.encrypted).every((r) => r.decryption === undefined && r.fragment === undefined)).toBe(true);
      expect(c.records.length).toBe(explainCapture(bytes, withServerKey()).connections[0].records.length);
    });
  });
});

// --- one conversation, many files -------------------------------------------------------------

const V6: typeof ENDPOINTS = { clientAddress: '::1', clientPort: 40001, serverAddress: '::1', serverPort: 8443 };

/** Two connections (IPv4 and IPv6) recorded with a small MSS, as raw IP frames. */
const twoFlows = (() => {
  const rec = recorder(700);
  const a = converse(rec, ENDPOINTS, { client: { suites: parseSuiteList('3des-ede-cbc-sha') } });
  const b = converse(rec, V6, { client: { suites: parseSuiteList('rc4-128-sha') } });
  return { pcap: rec.bytes(), keylog: [...a.client.keylog, ...b.client.keylog] };
})();

describe('ssl3 explain reads pcap and pcapng with every link type, IPv4 and IPv6', () => {
  const frames = ipFrames(twoFlows.pcap);
  const baseline = explainCapture(twoFlows.pcap, withServerKey());
  const dir = tempDir('explain-formats');

  it('the baseline: both connections decrypted', () => {
    expect(baseline.connections.map((c) => [c.client, c.server, c.protocol])).toEqual([
      ['127.0.0.1:40000', '127.0.0.1:4433', 'SSL 3.0'],
      ['[::1]:40001', '[::1]:8443', 'SSL 3.0'],
    ]);
    for (const c of baseline.connections) {
      expectAllVerified(c);
      expect(applicationData(c)).toEqual({ toServer: REQUEST, toClient: RESPONSE });
    }
  });

  const wrap = (linkType: number, options: Parameters<typeof encapsulate>[2] = {}): RawFrame[] => frames.map((f) => ({ time: f.time, data: encapsulate(f.data, linkType, options) }));
  const variants: [string, () => Uint8Array][] = [
    ['pcap, big-endian, nanoseconds, raw IP', () => pcapBytes(frames, 101, { little: false, nano: true })],
    ['pcap, Ethernet with a VLAN tag', () => pcapBytes(wrap(1, { vlan: true }), 1)],
    ['pcap, BSD loopback (NULL), little-endian family', () => pcapBytes(wrap(0), 0)],
    ['pcap, BSD loopback (NULL), big-endian family', () => pcapBytes(wrap(0, { littleEndianNull: false }), 0)],
    ['pcap, OpenBSD loopback (LOOP)', () => pcapBytes(wrap(108), 108)],
    ['pcapng, Linux cooked (SLL)', () => pcapngBytes(wrap(113), 113)],
    ['pcapng big-endian, Linux cooked (SLL2), nanosecond if_tsresol', () => pcapngBytes(wrap(276), 276, { little: false, tsresol: 9 })],
    ['pcapng, Ethernet', () => pcapngBytes(wrap(1), 1)],
    ['pcapng, raw IP, Simple Packet Blocks', () => pcapngBytes(frames, 101, { simple: true })],
  ];

  it.each(variants)('%s: the same explanation', async (name, make) => {
    const bytes = make();
    const e = explainCapture(bytes, withServerKey());
    expect(e.notes).toEqual([]);
    expect(framesAside(e)).toEqual(framesAside(baseline));
    expect(e.connections.flatMap((c) => c.records.map((r) => r.frame))).toEqual(baseline.connections.flatMap((c) => c.records.map((r) => r.frame)));
    if (tshark) {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.cap`);
      writeFileSync(file, bytes);
      expect(await tsharkRecords(tshark, file, [4433, 8443])).toEqual(explainedRecords(e));
    }
  });

  it('IPv4-only and IPv6-only link types (228, 229)', () => {
    const v4 = frames.filter((f) => f.data[0] >> 4 === 4);
    const v6 = frames.filter((f) => f.data[0] >> 4 === 6);
    expect(framesAside(explainCapture(pcapBytes(v4, 228), withServerKey()))).toEqual((framesAside(baseline) as unknown[]).slice(0, 1));
    expect(explainCapture(pcapBytes(v6, 229), withServerKey()).connections.map((c) => c.server)).toEqual(['[::1]:8443']);
  });

  it('a pcapng Decryption Secrets Block carries the key log: no --keylog needed', () => {
    const e = explainCapture(pcapngBytes(frames, 101, { keyLog: twoFlows.keylog.join('') }), noKeys());
    expect(e.notes).toEqual(['the capture file carries a TLS key log (pcapng Decryption Secrets Block): 2 usable lines']);
    for (const c of e.connections) expectAllVerified(c);
  });
});

// --- TCP reassembly ---------------------------------------------------------------------------

describe('ssl3 explain: TCP reassembly', () => {
  const rec = recorder(200);
  converse(rec, ENDPOINTS, { client: { suites: parseSuiteList('aes-128-cbc-sha') } });
  const clean = rec.bytes();
  const frames = ipFrames(clean);
  const baseline = explainCapture(clean, withServerKey());

  it('retransmitted, reordered and overlapping segments explain the same as the clean capture', async () => {
    const out = messUp(frames);
    // Written by our pcap writer, packet by packet.
    const messy = recorder();
    for (const f of out) messy.file.packet(f.data, f.time * 1000);
    const bytes = messy.bytes();
    const e = explainCapture(bytes, withServerKey());
    expect(framesAside(e)).toEqual(framesAside(baseline));
    expect(e.connections[0].notes).toEqual([]);
    if (tshark) {
      const dir = tempDir('explain-messy');
      writeFileSync(join(dir, 'messy.pcap'), bytes);
      const r = await run(tshark, ['-r', join(dir, 'messy.pcap'), '-Y', 'tcp.analysis.retransmission || tcp.analysis.out_of_order', '-T', 'fields', '-e', 'frame.number'], { timeoutMs: 30_000 });
      expect(r.stdout.trim().split('\n').length, 'tshark sees the retransmissions and reordering').toBeGreaterThan(3);
    }
  });

  it('a record whose segment arrives before the one completing the record before it is still taken in stream order', () => {
    // ServerHelloDone (a 9-byte record in a segment of its own) arrives before the Certificate's last segment.
    const segs = segments(frames);
    const done = segs.findIndex((s) => s.payload.length === 9 && s.payload[5] === HandshakeType.server_hello_done);
    let tail = done - 1;
    while (!segs[tail].payload.length) tail--;
    expect(segs[tail].from).toBe(segs[done].from);
    const swapped = frames.map((f, i) => (i === done ? frames[tail] : i === tail ? frames[done] : f));
    const e = explainCapture(pcapBytes(swapped, 101), withServerKey());
    expect(framesAside(e)).toEqual(framesAside(baseline));
    const records = e.connections[0].records;
    expect(records.map((r) => r.frame)).toEqual([...records.map((r) => r.frame)].sort((a, b) => a - b));
  });

  it('a retransmission with different bytes is reported, the first copy used', () => {
    const segs = segments(frames);
    const data = segs.filter((s) => s.payload.length && s.from === segs[0].from);
    const last = data[data.length - 1];
    const altered = last.payload.slice();
    altered[0] ^= 0xff;
    const bytes = pcapBytes([...frames, { time: last.f.time + 1, data: retcp(last.f.data, last.seq, altered) }], 101);
    const c = explainCapture(bytes, withServerKey()).connections[0];
    expect(c.notes).toEqual([expect.stringMatching(/^client: frame \d+ retransmits stream bytes \d+\.\.\d+ with different contents; the first copy is used$/)]);
    expect(framesAside({ ...baseline, connections: [{ ...c, notes: [] }] })).toEqual(framesAside(baseline));
  });

  it('a lost segment ends that direction with a clear line; the records before it are explained', () => {
    const segs = segments(frames);
    const serverData = segs.filter((s) => s.payload.length && s.from !== segs[0].from);
    const lost = serverData[3];
    const c = explainCapture(pcapBytes(frames.filter((f) => f !== lost.f), 101), withServerKey()).connections[0];
    expect(c.notes).toContainEqual(expect.stringMatching(/^the server's stream stops early: \d+ bytes at stream offset \d+ are not in the capture/));
    expect(c.records.filter((r) => r.direction === 'server-to-client').length).toBeLessThan(baseline.connections[0].records.filter((r) => r.direction === 'server-to-client').length);
    expect(c.records[0].messages?.[0].name).toBe('client_hello');
  });

  it('a snapshot length that cuts frames, and a file cut short', () => {
    const cut = explainCapture(pcapBytes(frames, 101, { snaplen: 150 }), withServerKey());
    expect(cut.connections[0].notes.join('\n')).toMatch(/stops early: frame \d+ was cut by the capture's snapshot length: \d+ bytes of it are not in the file/);
    const short = clean.subarray(0, clean.length - 30);
    const e = explainCapture(short, withServerKey());
    expect(e.notes).toEqual([expect.stringMatching(/^the file ends inside packet \d+: the capture was cut short$/)]);
    expect(e.connections[0].handshakes[0].finished.every((f) => f.ok)).toBe(true);
  });

  it('sequence numbers that wrap around 2^32, and a connection whose start is not in the capture', () => {
    const r = recorder(100, 3);
    converse(r, ENDPOINTS, {});
    const segs = segments(ipFrames(r.bytes()));
    // The client's ISN moved to just below 2^32: its stream crosses the wrap in its first segments.
    const shift = (0xffffff00 - segs[0].seq) >>> 0;
    const wrapped = recorder();
    for (const s of segs) wrapped.file.packet(s.from === segs[0].from ? retcp(s.f.data, s.seq + shift, s.payload) : s.f.data, s.f.time * 1000);
    const e = explainCapture(wrapped.bytes(), withServerKey());
    expectAllVerified(e.connections[0]);
    expect(applicationData(e.connections[0])).toEqual({ toServer: REQUEST, toClient: RESPONSE });
    // Without the three-way handshake: each stream starts at the lowest sequence number seen.
    const e2 = explainCapture(pcapBytes(ipFrames(r.bytes()).slice(3), 101), withServerKey());
    expectAllVerified(e2.connections[0]);
    expect(applicationData(e2.connections[0])).toEqual({ toServer: REQUEST, toClient: RESPONSE });
  });
});

// --- several connections, resumption, client authentication -----------------------------------

describe('ssl3 explain: several connections in one file', () => {
  it('a reused port pair is a new connection; a resumed session is decrypted from the full handshake in the same capture', () => {
    const rec = recorder();
    const cache = new SessionCache();
    const full = converse(rec, ENDPOINTS, { server: { sessionCache: cache } });
    const session = full.client.secure[0].session;
    // The same addresses and ports again (a new SYN, another ISN), resuming.
    const resumed = converse(rec, ENDPOINTS, { server: { sessionCache: cache }, client: { session } });
    expect(resumed.client.secure[0].resumed).toBe(true);
    const e = explainCapture(rec.bytes(), withServerKey());
    expect(e.connections.map((c) => [c.tcp_stream, c.handshakes[0].kind])).toEqual([
      [0, 'full'],
      [1, 'resumed'],
    ]);
    for (const c of e.connections) {
      expectAllVerified(c);
      expect(applicationData(c)).toEqual({ toServer: REQUEST, toClient: RESPONSE });
    }
    expect(e.connections[1].handshakes[0].keys?.source).toBe('resumed session: the master_secret made by the full handshake in TCP stream 0 of this capture');
    expect(formatExplanation(e)).toContain('resumed handshake from record 1');

    // The resumed connection alone: its keys are nowhere, and it says so.
    // From the second connection's SYN on (IPv4 + TCP: the flags byte is at 33; a bare SYN is 0x02).
    const all = ipFrames(rec.bytes());
    const alone = pcapBytes(all.slice(all.findIndex((f, i) => i > 0 && f.data[33] === 0x02)), 101);
    const c = explainCapture(alone, withServerKey()).connections[0];
    expect(c.handshakes[0].kind).toBe('resumed');
    expect(c.notes).toContainEqual(expect.stringMatching(/^missing key: this handshake resumes session [0-9a-f]{64}, whose full handshake is not in this capture/));
    // With Wireshark's session-ID key log line it decrypts.
    const line = `RSA Session-ID:${toHex(session.id)} Master-Key:${toHex(session.masterSecret)}\n`;
    expectAllVerified(explainCapture(alone, withKeyLog([line])).connections[0]);
  });

  it('client authentication: the CertificateVerify signature checked over the transcript', () => {
    const rec = recorder();
    const clientId = identity('client');
    converse(rec, ENDPOINTS, { server: { requestCert: true }, client: { certificateChain: [clientId.cert], privateKey: clientId.key } });
    const c = explainCapture(rec.bytes(), withServerKey()).connections[0];
    expectAllVerified(c);
    expect(c.handshakes[0].certificate_verify).toMatchObject({ ok: true, text: expect.stringMatching(/\[RFC 6101 5\.6\.8\]: signature ok$/) });
    expect(c.records.flatMap((r) => r.messages?.map((m) => m.name) ?? [])).toEqual([
      'client_hello',
      'server_hello',
      'certificate',
      'certificate_request',
      'server_hello_done',
      'certificate',
      'client_key_exchange',
      'certificate_verify',
      'finished',
      'finished',
    ]);
  });

  it('SSL on any port, plain TCP listed apart, an SSLv2-format ClientHello, and a TLS connection with its clear line', () => {
    const rec = recorder();
    // Plain HTTP on port 80.
    const plainFlow = rec.file.flow({ ...ENDPOINTS, clientPort: 40100, serverPort: 80 });
    plainFlow.data('client-to-server', new TextEncoder().encode(REQUEST));
    plainFlow.data('server-to-client', new TextEncoder().encode(RESPONSE));
    plainFlow.close();
    // An SSLv2-format CLIENT-HELLO to our server on port 25.
    const v2Flow = rec.file.flow({ ...ENDPOINTS, clientPort: 40200, serverPort: 25 });
    const ep = endpoint('server');
    let seen = 0;
    const link = {
      out: ep.out,
      conn: {
        receive(bytes: Uint8Array) {
          v2Flow.data('client-to-server', bytes);
          ep.conn.receive(bytes);
          for (; seen < ep.out.length; seen++) v2Flow.data('server-to-client', ep.out[seen]);
        },
      },
    };
    const scripted = new ScriptedClient(link);
    scripted.sendV2Hello(
      DEFAULT_SUITES.map((s) => s.id),
      new Uint8Array(16).fill(7),
    );
    scripted.sendKeyExchange();
    scripted.sendChangeCipherSpec();
    scripted.sendFinished();
    v2Flow.close();
    // A TLS 1.0 hello exchange, then encrypted records ssl3 explain cannot open.
    const tlsFlow = rec.file.flow({ ...ENDPOINTS, clientPort: 40300, serverPort: 443 });
    const hello = { random: new Uint8Array(32).fill(1), sessionId: new Uint8Array(0), extensions: [] };
    tlsFlow.data('client-to-server', encodeRecord(ContentType.handshake, 0x0301, encodeHandshake(HandshakeType.client_hello, encodeClientHello({ ...hello, version: 0x0301, cipherSuites: [0x2f], compressionMethods: Uint8Array.of(0) }))));
    tlsFlow.data('server-to-client', encodeRecord(ContentType.handshake, 0x0301, encodeHandshake(HandshakeType.server_hello, encodeServerHello({ ...hello, version: 0x0301, cipherSuite: 0x2f, compressionMethod: 0 }))));
    tlsFlow.data('client-to-server', concatBytes(encodeRecord(ContentType.change_cipher_spec, 0x0301, Uint8Array.of(1)), encodeRecord(ContentType.handshake, 0x0301, new Uint8Array(48))));
    tlsFlow.close();

    const e = explainCapture(rec.bytes(), withServerKey());
    expect(e.other_tcp_streams).toEqual([0]);
    const [v2, tls] = e.connections;
    expect(v2).toMatchObject({ tcp_stream: 1, server: '127.0.0.1:25', protocol: 'SSL 3.0' });
    expect(v2.records[0]).toMatchObject({ content_type: 'sslv2_client_hello', version: '0.2', messages: [{ name: 'client_hello (SSLv2 format)' }] });
    expect(v2.handshakes[0].client_random).toBe(`${'00'.repeat(16)}${'07'.repeat(16)}`);
    // The v2 hello is in the transcript: the server's Finished checks out.
    expect(v2.handshakes[0].finished.map((f) => [f.sender, f.ok])).toEqual([
      ['client', true],
      ['server', true],
    ]);
    expect(tls).toMatchObject({ tcp_stream: 2, protocol: 'TLS 1.0' });
    expect(tls.notes[0]).toMatch(/^this is a TLS 1\.0 connection \(the ServerHello chose version 3\.1 \(TLS 1\.0\)\): ssl3 explain derives keys the SSL 3\.0 way only/);
    expect(tls.records.map((r) => [r.content_type, r.encrypted])).toEqual([
      ['handshake', false],
      ['handshake', false],
      ['change_cipher_spec', false],
      ['handshake', true],
    ]);
  });
});

describe('ssl3 explain: the key log forms Wireshark reads', () => {
  const rec = recorder();
  converse(rec, ENDPOINTS, { client: { suites: parseSuiteList('aes-128-cbc-sha') } });
  const bytes = rec.bytes();
  const byKey = explainCapture(bytes, withServerKey()).connections[0];
  const { pre_master_secret: pms } = byKey.handshakes[0].keys!;

  it.each([
    ['RSA <first 8 bytes of the encrypted pre_master_secret> <pre_master_secret>', () => `RSA ${pms!.encrypted!.slice(0, 16)} ${pms!.hex}\n`],
    ['PMS_CLIENT_RANDOM <client random> <pre_master_secret>', () => `PMS_CLIENT_RANDOM ${byKey.handshakes[0].client_random} ${pms!.hex}\n`],
  ])('%s: the derivation from pre_master_secret on, as with the server key', (_name, line) => {
    const c = explainCapture(bytes, withKeyLog([line()])).connections[0];
    expect(c.handshakes[0].keys?.source).toBe('the key log (a PMS_CLIENT_RANDOM or RSA line gives pre_master_secret)');
    expect(c.handshakes[0].keys?.master_secret).toEqual(byKey.handshakes[0].keys?.master_secret);
    expect(c.records).toEqual(byKey.records);
  });
});

describe('ssl3 explain: wrong keys and tampering', () => {
  const rec = recorder();
  const { client } = converse(rec, ENDPOINTS, { client: { suites: parseSuiteList('rc4-128-md5') } });
  const bytes = rec.bytes();

  it("a --key that is not this server's says so", () => {
    const other = identity('client').key;
    const c = explainCapture(bytes, { keyLog: emptyKeyLog(), serverKeys: [{ name: 'other.pem', key: other }] }).connections[0];
    expect(c.handshakes[0].notes).toEqual([expect.stringMatching(/^no --key is this server's key \(its certificate, CN=server\.test, holds another RSA modulus\)$/)]);
    expect(c.notes).toEqual([expect.stringMatching(/^missing key: the key log has no line for client random [0-9a-f]{64} and no --key decrypts its ClientKeyExchange/)]);
  });

  it('a key log line with the wrong master_secret: every MAC differs, so nothing is shown as decrypted', () => {
    // The master_secret's last hex digit changed (the match is the digit and the line end after it).
    const wrong = client.keylog[0].replace(/([0-9a-f])(\s*)$/, (_m, d: string, s: string) => `${d === '0' ? '1' : '0'}${s}`);
    expect(wrong).not.toBe(client.keylog[0]);
    const c = explainCapture(bytes, withKeyLog([wrong])).connections[0];
    expect(c.records.filter((r) => r.encrypted).map((r) => r.decryption?.verdict)).toEqual(Array(6).fill('MAC differs: wrong keys, or the record was changed on the way'));
    expect(c.records.filter((r) => r.encrypted).every((r) => r.fragment === undefined)).toBe(true);
  });

  it('a record changed on the way: its MAC differs, the others are fine', () => {
    const frames = ipFrames(bytes);
    // The client's application data record: flip the last byte of its frame (inside the MAC).
    const e = explainCapture(bytes, withServerKey());
    const appData = e.connections[0].records.find((r) => r.content_type === 'application_data' && r.direction === 'client-to-server')!;
    const tampered = frames.map((f, i) => (i + 1 === appData.frame ? { ...f, data: Uint8Array.from(f.data, (b, j) => (j === f.data.length - 1 ? b ^ 1 : b)) } : f));
    const c = explainCapture(pcapBytes(tampered, 101), withServerKey()).connections[0];
    const verdicts = c.records.filter((r) => r.encrypted).map((r) => [r.number === appData.number, r.decryption?.ok]);
    expect(verdicts).toContainEqual([true, false]);
    expect(verdicts.filter(([mine]) => !mine).every(([, ok]) => ok)).toBe(true);
  });
});

describe('ssl3 explain: damaged input never throws anything but a CaptureError', () => {
  it('random damage to pcap and pcapng files: an explanation or one clear error, never a crash', () => {
    const rec = recorder(150);
    const clientId = identity('client');
    converse(rec, ENDPOINTS, { server: { requestCert: true }, client: { certificateChain: [clientId.cert], privateKey: clientId.key, suites: parseSuiteList('aes-256-cbc-sha') } });
    const frames = ipFrames(rec.bytes());
    const files = [pcapBytes(frames, 101), pcapngBytes(frames.map((f) => ({ ...f, data: encapsulate(f.data, 1) })), 1)];
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let i = 0; i < 300; i++) {
      const damaged = files[i % 2].slice();
      for (let k = 1 + rand(8); k > 0; k--) damaged[rand(damaged.length)] = rand(256);
      const cut = i % 3 === 0 ? damaged.subarray(0, rand(damaged.length)) : damaged;
      try {
        const e = explainCapture(cut, withServerKey());
        formatExplanation(e);
        JSON.stringify(e);
      } catch (err) {
        expect((err as Error).name, `iteration ${i}: ${(err as Error).stack}`).toBe('CaptureError');
      }
    }
  });
});
