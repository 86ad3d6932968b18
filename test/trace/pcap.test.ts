/**
 * The pcap writer (src/trace/pcap.ts): unit tests read its packets back with a small parser of
 * their own (and their own checksum code), then tshark, an independent reader, judges real
 * files: checksums and TCP analysis clean, and SSL 3.0 connections between our client and our
 * server, recorded from either end, decrypted with our key log to exactly the bytes sent, every
 * record's MAC checked. Last the command line: `ssl3 get --pcap`, `ssl3 serve --pcap`, and the
 * configured device behind `ssl3 serve --config --pcap`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PcapFile, type PcapFileOptions } from '../../src/trace/pcap.js';
import { main } from '../../src/cli/main.js';
import { Router } from '../../src/config/runtime.js';
import type { TraceEvent } from '../../src/connection/connection.js';
import { capture } from '../helpers/cli.js';
import { makeIdentity, type IdentityFiles } from '../helpers/identity.js';
import { decryptCapture, parseFollow, type Decryption } from '../interop/tshark-helpers.js';
import { fetchOver, findTools, freePort, removeTempDirs, run, startHttpServer, tempDir, greeting, type FetchResult, type HttpTestServer } from '../interop/nss-helpers.js';

// --- reading packets back, independently of the writer ---------------------------------------

/** The one's complement sum of 16-bit words, folded (RFC 1071); a correct checksum makes it 0xffff. */
function onesSum(...parts: Uint8Array[]): number {
  const all = Buffer.concat(parts);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) sum += (all[i] << 8) | (all[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

interface Packet {
  sec: number;
  usec: number;
  version: number;
  ipHeader: Uint8Array;
  src: Uint8Array;
  dst: Uint8Array;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** Whether the TCP checksum verifies over the pseudo-header and segment. */
  tcpChecksumOk: boolean;
  payload: Uint8Array;
}

const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

function parsePcap(file: Uint8Array): { header: Uint8Array; packets: Packet[] } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const packets: Packet[] = [];
  for (let off = 24; off < file.length; ) {
    const length = view.getUint32(off + 8, true);
    expect(view.getUint32(off + 12, true)).toBe(length);
    const p = file.subarray(off + 16, off + 16 + length);
    const pv = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const version = p[0] >> 4;
    const ipLength = version === 4 ? (p[0] & 15) * 4 : 40;
    const src = version === 4 ? p.subarray(12, 16) : p.subarray(8, 24);
    const dst = version === 4 ? p.subarray(16, 20) : p.subarray(24, 40);
    const tcp = p.subarray(ipLength);
    const pseudo = Buffer.alloc(version === 4 ? 12 : 40);
    pseudo.set(src, 0);
    pseudo.set(dst, src.length);
    if (version === 4) {
      pseudo[9] = 6;
      pseudo.writeUInt16BE(tcp.length, 10);
    } else {
      pseudo.writeUInt32BE(tcp.length, 32);
      pseudo[39] = 6;
    }
    packets.push({
      sec: view.getUint32(off, true),
      usec: view.getUint32(off + 4, true),
      version,
      ipHeader: p.subarray(0, ipLength),
      src,
      dst,
      srcPort: pv.getUint16(ipLength),
      dstPort: pv.getUint16(ipLength + 2),
      seq: pv.getUint32(ipLength + 4),
      ack: pv.getUint32(ipLength + 8),
      flags: tcp[13],
      tcpChecksumOk: onesSum(pseudo, tcp) === 0xffff,
      payload: tcp.subarray((tcp[12] >> 4) * 4),
    });
    off += 16 + length;
  }
  return { header: file.subarray(0, 24), packets };
}

/** Resolves once the capture holds `flows` finished connections (two FINs each), or fails after 5 s. */
async function flowsClosed(bytes: () => Uint8Array, flows: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (parsePcap(bytes()).packets.filter((p) => p.flags & FIN).length < 2 * flows) {
    if (Date.now() > deadline) throw new Error(`the capture does not show ${flows} closed connections`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** How many encrypted records a side's trace shows (sent and received). */
const encryptedRecords = (trace: readonly TraceEvent[]) => trace.filter((e) => e.kind === 'record' && e.encrypted).length;

/** A PcapFile collecting its output in memory. */
function memoryPcap(options: PcapFileOptions = {}): { file: PcapFile; bytes: () => Uint8Array } {
  const chunks: Uint8Array[] = [];
  return { file: new PcapFile((c) => chunks.push(c), options), bytes: () => Buffer.concat(chunks) };
}

const endpoints = { clientAddress: '10.0.0.1', clientPort: 40000, serverAddress: '10.0.0.2', serverPort: 443 };

describe('pcap writer', () => {
  it('writes the classic libpcap file header once: magic, version 2.4, snaplen 262144, LINKTYPE_RAW', () => {
    const { file, bytes } = memoryPcap();
    expect(Buffer.from(bytes()).toString('hex')).toBe('d4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '65000000');
    file.flow(endpoints);
    file.flow(endpoints);
    const { header, packets } = parsePcap(bytes());
    expect(header.length).toBe(24);
    expect(packets).toHaveLength(6); // two handshakes, no second file header
  });

  it('makes IPv4 packets whose header and TCP checksums verify, stamped by the clock', () => {
    const { file, bytes } = memoryPcap({ now: () => 1_700_000_000_123.456 });
    const flow = file.flow(endpoints);
    flow.data('client-to-server', Buffer.from('odd length!'));
    flow.close();
    const { packets } = parsePcap(bytes());
    for (const p of packets) {
      expect(p.version).toBe(4);
      expect(onesSum(p.ipHeader)).toBe(0xffff);
      expect(p.tcpChecksumOk).toBe(true);
      expect([p.sec, p.usec]).toEqual([1_700_000_000, 123_456]);
      expect(p.ipHeader[9]).toBe(6);
    }
    expect(Buffer.from(packets[0].src).toString('hex')).toBe('0a000001');
    expect(Buffer.from(packets[0].dst).toString('hex')).toBe('0a000002');
    expect(packets.map((p) => p.payload.length)).toContain(11);
  });

  it('numbers segments: SYN and FIN take one each, data its length, acks follow (across the 2^32 wrap)', () => {
    const isn = Uint8Array.from([0, 0, 0, 100, 0xff, 0xff, 0xff, 0xf0]);
    const { file, bytes } = memoryPcap({ random: () => isn });
    const flow = file.flow(endpoints);
    flow.data('client-to-server', new Uint8Array(5));
    flow.data('server-to-client', new Uint8Array(20));
    flow.close('server-to-client');
    flow.close();
    flow.data('client-to-server', new Uint8Array(5)); // after close: ignored
    const rows = parsePcap(bytes()).packets.map((p) => [p.srcPort === 40000 ? 'c' : 's', p.flags, p.seq, p.ack, p.payload.length]);
    expect(rows).toEqual([
      ['c', SYN, 100, 0, 0],
      ['s', SYN | ACK, 0xfffffff0, 101, 0],
      ['c', ACK, 101, 0xfffffff1, 0],
      ['c', PSH | ACK, 101, 0xfffffff1, 5],
      ['s', ACK, 0xfffffff1, 106, 0],
      ['s', PSH | ACK, 0xfffffff1, 106, 20],
      ['c', ACK, 106, 5, 0],
      ['s', FIN | ACK, 5, 106, 0],
      ['c', FIN | ACK, 106, 6, 0],
      ['s', ACK, 6, 107, 0],
    ]);
  });

  it('splits writes at the MSS, acknowledging before the window fills, and keeps every IP packet within 65535 bytes', () => {
    const small = memoryPcap({ mss: 1000 });
    small.file.flow(endpoints).data('server-to-client', new Uint8Array(2500));
    expect(parsePcap(small.bytes()).packets.slice(3).map((p) => [p.payload.length, p.flags])).toEqual([
      [1000, ACK],
      [1000, ACK],
      [500, PSH | ACK],
      [0, ACK],
    ]);
    const big = memoryPcap({ mss: 65475 });
    const flow = big.file.flow({ ...endpoints, clientAddress: '::1', serverAddress: '::1' });
    flow.data('client-to-server', new Uint8Array(300_000));
    const packets = parsePcap(big.bytes()).packets;
    let outstanding = 0;
    for (const p of packets) {
      expect(p.version).toBe(6);
      expect(40 + p.payload.length + 20).toBeLessThanOrEqual(65535);
      expect(p.tcpChecksumOk).toBe(true);
      outstanding = p.srcPort === 40000 ? outstanding + p.payload.length : 0;
      expect(outstanding).toBeLessThanOrEqual(65535);
    }
    expect(() => new PcapFile(() => {}, { mss: 65476 })).toThrow(RangeError);
  });

  it('writes an IPv4 client of a dual-stack listener (::ffff:a.b.c.d) as IPv4, and refuses what is not an address', () => {
    const { file, bytes } = memoryPcap();
    file.flow({ ...endpoints, clientAddress: '::ffff:127.0.0.1', serverAddress: '::ffff:127.0.0.2' });
    expect(parsePcap(bytes()).packets.every((p) => p.version === 4 && p.src.length === 4)).toBe(true);
    expect(() => file.flow({ ...endpoints, serverAddress: 'localhost' })).toThrow(/not an IP address/);
  });
});

// --- tshark as the judge -------------------------------------------------------------------

const tools = findTools({ tshark: 'tshark' });

/**
 * What tshark finds wrong with a capture: checksums verified (both are off by default) must
 * all be good, and its expert analysis (TCP sequence analysis, malformed packets, dissector
 * trouble) must have no warnings or errors.
 */
async function wireProblems(tshark: string, file: string, extra: readonly string[] = []): Promise<string[]> {
  const checks = ['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', ...extra];
  const fields = await run(tshark, ['-r', file, ...checks, '-T', 'fields', '-e', 'frame.number', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status'], { timeoutMs: 30_000 });
  expect(fields.code, fields.stderr).toBe(0);
  const problems = fields.stdout
    .trim()
    .split('\n')
    .filter((line) => !/^\d+\t(1)?\t1$/.test(line))
    .map((line) => `checksum status: ${line}`);
  const expert = await run(tshark, ['-r', file, ...checks, '-q', '-z', 'expert,warn'], { timeoutMs: 30_000 });
  expect(expert.code, expert.stderr).toBe(0);
  if (/^(Errors|Warnings) \(/m.test(expert.stdout)) problems.push(expert.stdout);
  return problems;
}

/** The HTTP requests and responses tshark decrypts from a capture, as 'GET /path' and 'HTTP 200' lines. */
async function httpSeen(tshark: string, file: string, keylog: string, port: number): Promise<string[]> {
  // The port is SSL carrying HTTP, as tshark assumes only for 443: without the second -d, an
  // HTTP request split 1/n-1 (a CBC suite) is not recognised from its 1-byte first record.
  const r = await run(tshark, ['-r', file, '-o', `tls.keylog_file:${keylog}`, '-d', `tcp.port==${port},tls`, '-d', `tls.port==${port},http`, '-Y', 'http', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri', '-e', 'http.response.code'], { timeoutMs: 30_000 });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => l.split('\t').filter(Boolean))
    .map(([a, b]) => (b ? `${a} ${b}` : `HTTP ${a}`));
}

/** Every encrypted record's MAC checked by tshark, and the plaintext each way exactly what went. */
function expectDecrypted(d: Decryption, stream: number, label: string, sent: string, received: string, encryptedRecords: number): void {
  const macs = d.macs.get(stream);
  expect(macs, `${label}: no records decrypted\n${d.debug.slice(0, 3000)}`).toBeDefined();
  expect(macs!.failed, label).toBe(0);
  expect(macs!.decryptFailures, label).toBe(0);
  expect(macs!.ok, label).toBeGreaterThanOrEqual(encryptedRecords);
  const s = d.streams.get(stream);
  expect(s, `${label}: tshark followed no TLS stream ${stream}`).toBeDefined();
  // Compared as booleans: the bodies are tens of kilobytes.
  expect(s!.toServer.toString('latin1') === sent, `${label}: request as tshark decrypted it (${s!.toServer.length} bytes) differs from what was sent (${sent.length})`).toBe(true);
  expect(s!.toClient.toString('latin1') === received, `${label}: response as tshark decrypted it (${s!.toClient.length} bytes) differs from what was received (${received.length})`).toBe(true);
}

describe.skipIf(!tools)('tshark reads our pcap files', () => {
  const t = tools!;
  const dir = tempDir('pcap');
  let identity: IdentityFiles;
  beforeAll(() => {
    identity = makeIdentity('localhost', 1024);
  });
  afterAll(() => removeTempDirs([identity?.dir]));

  it('synthetic IPv4 and IPv6 flows: checksums good, TCP analysis clean, the bytes as written', async () => {
    const file = join(dir, 'synthetic.pcap');
    const { file: pcap, bytes } = memoryPcap();
    const sent: string[] = [];
    for (const [client, server] of [['192.0.2.1', '198.51.100.7'], ['2001:db8::1', '2001:db8::2']]) {
      const flow = pcap.flow({ clientAddress: client, clientPort: 50000, serverAddress: server, serverPort: 8080 });
      const request = `hello from ${client}`;
      const response = 'x'.repeat(100_001);
      flow.data('client-to-server', Buffer.from(request));
      flow.data('server-to-client', Buffer.from(response));
      flow.close('server-to-client');
      sent.push(request, response);
    }
    writeFileSync(file, bytes());
    expect(await wireProblems(t.tshark, file)).toEqual([]);
    const follow = await run(t.tshark, ['-r', file, '-q', '-z', 'follow,tcp,raw,0', '-z', 'follow,tcp,raw,1'], { timeoutMs: 30_000 });
    const streams = parseFollow(follow.stdout, 8080);
    for (const i of [0, 1]) {
      expect(streams.get(i)?.toServer.toString() === sent[2 * i], `stream ${i}: the client's bytes`).toBe(true);
      expect(streams.get(i)?.toClient.toString() === sent[2 * i + 1], `stream ${i}: the server's bytes`).toBe(true);
    }
  });

  describe('our client and server on 127.0.0.1, recorded from each end', () => {
    const SUITES = ['rc4-128-sha', '3des-ede-cbc-sha', 'aes-128-cbc-sha', 'aes-256-cbc-sha'];
    const files = { client: join(dir, 'client.pcap'), server: join(dir, 'server.pcap') };
    const keylog = join(dir, 'keys.txt');
    /** Per exchange: the encrypted records each end's trace shows; each end's capture holds those. */
    const exchanges: { label: string; request: string; result: FetchResult; records: Record<keyof typeof files, number> }[] = [];
    const decrypted: Partial<Record<keyof typeof files, Decryption>> = {};
    let server: HttpTestServer;

    beforeAll(async () => {
      const clientSide = memoryPcap();
      const serverSide = memoryPcap();
      server = await startHttpServer({ key: identity.keyPem, cert: identity.certPem, pcap: serverSide.file });
      for (const suite of SUITES) {
        // Long enough for several records each way, and segments of more than one MSS.
        const body = `${suite}:${'0123456789abcdef'.repeat(2_000)}`;
        const request = `POST /${suite} HTTP/1.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
        const from = server.trace.length;
        const result = await fetchOver({ port: server.port, ca: identity.certPem, servername: 'localhost', ciphers: suite, pcap: clientSide.file }, request);
        expect(result.error, suite).toBeUndefined();
        await flowsClosed(clientSide.bytes, exchanges.length + 1);
        await flowsClosed(serverSide.bytes, exchanges.length + 1);
        const records = { client: encryptedRecords(result.trace), server: encryptedRecords(server.trace.slice(from)) };
        exchanges.push({ label: suite, request, result, records });
      }
      await server.close();
      writeFileSync(files.client, clientSide.bytes());
      writeFileSync(files.server, serverSide.bytes());
      writeFileSync(keylog, exchanges.flatMap((x) => x.result.keylog).join(''));
      for (const side of ['client', 'server'] as const) {
        decrypted[side] = await decryptCapture(t.tshark, {
          capture: files[side],
          serverPort: server.port,
          streamCount: exchanges.length,
          keyOption: ['-o', `tls.keylog_file:${keylog}`],
          debugFile: join(dir, `${side}.debug.txt`),
        });
      }
    });

    it.for(['client', 'server'] as const)('recorded by the %s: tshark decrypts every exchange, every MAC ok', (side) => {
      expect(exchanges.map((x) => x.label)).toEqual(SUITES);
      exchanges.forEach((x, i) => expectDecrypted(decrypted[side]!, i, `${side} ${x.label}`, x.request, x.result.response, x.records[side]));
    });

    it.for(['client', 'server'] as const)('recorded by the %s: no bad checksums, malformed packets or TCP analysis warnings', async (side) => {
      expect(await wireProblems(t.tshark, files[side], ['-o', `tls.keylog_file:${keylog}`, '-d', `tcp.port==${server.port},tls`])).toEqual([]);
    });

    it('both ends name the same connections: client port to server port, client first', () => {
      const flows = (side: keyof typeof files) =>
        parsePcap(readFileSync(files[side]))
          .packets.filter((p) => p.flags === SYN)
          .map((p) => `${p.srcPort}>${p.dstPort}`);
      expect(flows('client')).toEqual(flows('server'));
      expect(flows('client').every((f) => f.endsWith(`>${server.port}`))).toBe(true);
      expect(flows('client')).toHaveLength(SUITES.length);
    });
  });

  it('ssl3 get --pcap writes a capture tshark decrypts with the --keylog file', async () => {
    const server = await startHttpServer({ key: identity.keyPem, cert: identity.certPem, ciphers: 'rc4-128-sha' });
    const file = join(dir, 'get.pcap');
    const keys = join(dir, 'get-keys.txt');
    const io = capture();
    try {
      expect(await main(['get', '--ca', identity.certFile, '--pcap', file, '--keylog', keys, `https://127.0.0.1:${server.port}/pcap-get`], io), io.err).toBe(0);
    } finally {
      await server.close();
    }
    expect(io.out).toBe(greeting('RC4-SHA'));
    expect(await httpSeen(t.tshark, file, keys, server.port)).toEqual(['GET /pcap-get', 'HTTP 200']);
    expect(await wireProblems(t.tshark, file, ['-o', `tls.keylog_file:${keys}`, '-d', `tcp.port==${server.port},tls`])).toEqual([]);
  });

  it('ssl3 serve --pcap records the connections it serves', async () => {
    const port = await freePort();
    const file = join(dir, 'serve.pcap');
    const keys = join(dir, 'serve-keys.txt');
    const cli = join(process.cwd(), 'src', 'cli', 'main.ts');
    const args = ['--import', 'tsx', cli, 'serve', '--bind', '127.0.0.1', '--port', String(port), '--key', identity.keyFile, '--cert', identity.certFile, '--pcap', file, '--keylog', keys];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.resume();
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => out.includes('\n') && resolve());
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const io = capture();
      expect(await main(['get', '--ca', identity.certFile, `https://127.0.0.1:${port}/served`], io), io.err).toBe(0);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    expect(await httpSeen(t.tshark, file, keys, port)).toEqual(['GET /served', 'HTTP 200']);
  });

  it('the configured device (serve --config) records its HTTPS connections', async () => {
    const port = await freePort();
    const { file: pcap, bytes } = memoryPcap();
    const lines: string[] = [];
    const trace: TraceEvent[] = [];
    const router = await Router.open({ dataDir: tempDir('pcap-router'), bind: '127.0.0.1', selfSignedModulus: 512, pcap, keylog: (l) => lines.push(l.toString()), trace: (e) => trace.push(e) });
    try {
      router.config.http.secureServer = true;
      router.config.http.securePort = port;
      await router.apply();
      const request = 'GET /status HTTP/1.0\r\n\r\n';
      const result = await fetchOver({ port, servername: '', rejectUnauthorized: false }, request);
      expect(result.error).toBeUndefined();
      await flowsClosed(bytes, 1);
      const file = join(dir, 'router.pcap');
      const keys = join(dir, 'router-keys.txt');
      writeFileSync(file, bytes());
      writeFileSync(keys, lines.join(''));
      const d = await decryptCapture(t.tshark, { capture: file, serverPort: port, streamCount: 1, keyOption: ['-o', `tls.keylog_file:${keys}`], debugFile: join(dir, 'router.debug.txt') });
      expectDecrypted(d, 0, 'router', request, result.response, encryptedRecords(trace));
    } finally {
      await router.close();
    }
  });
});

describe('--pcap FILE that cannot be written', () => {
  it.for([
    ['get', 'https://127.0.0.1:9/'],
    ['serve', '--port', '4433'],
    ['serve', '--config', 'x.cfg'],
  ])('ssl3 %s fails with one line before doing anything', async (args) => {
    const io = capture();
    expect(await main([...args, '--pcap', '/nonexistent-dir/cap.pcap'], io)).toBe(1);
    expect(io.err).toMatch(/^ssl3 (get|serve): --pcap \/nonexistent-dir\/cap\.pcap: ENOENT[^\n]*\n$/);
  });

  it.skipIf(!existsSync('/dev/full'))('a write failing later (a full disk) is one line, and the request still completes', async () => {
    const identity = makeIdentity('localhost', 1024);
    const server = await startHttpServer({ key: identity.keyPem, cert: identity.certPem });
    const io = capture();
    try {
      expect(await main(['get', '--ca', identity.certFile, '--pcap', '/dev/full', `https://127.0.0.1:${server.port}/`], io)).toBe(0);
    } finally {
      await server.close();
      rmSync(identity.dir, { recursive: true, force: true });
    }
    expect(io.out).toMatch(/^hello over /);
    expect(io.err).toMatch(/^ssl3 get: --pcap \/dev\/full: ENOSPC[^\n]*; the capture stops here\n$/);
  });
});
