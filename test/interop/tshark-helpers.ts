/**
 * Letting tshark judge a capture of SSL 3.0 connections: it decrypts them (from a key log or
 * the server's RSA key), follows each TCP stream's decrypted bytes, and writes a debug log
 * whose per-record lines say whether each record's MAC checked. Shared by the live-capture
 * tests (tshark.test.ts, wire-replies.test.ts) and the pcap writer's (test/trace/pcap.test.ts).
 * startLiveCapture() captures a TCP port on loopback.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { Daemon, HOST, REQUIRE_PEERS, freePort, run, sleep } from './nss-helpers.js';
import type { CaptureExplanation } from '../../src/trace/explain-model.js';
import { ContentType } from '../../src/record/content-types.js';

export interface Decryption {
  /** Per TCP stream: the decrypted bytes each way, as tshark's "follow,tls,raw" prints them. */
  streams: Map<number, { toServer: Buffer; toClient: Buffer }>;
  /** Per TCP stream: how many records' MACs tshark checked, and how they came out. */
  macs: Map<number, { ok: number; failed: number; decryptFailures: number }>;
  debug: string;
}

/**
 * Parses `tshark -q -z follow,tls,raw,N` output (several blocks): node 0's chunks as hex lines,
 * node 1's indented by a tab. Node 0 is not always the client (for a resumed session this
 * tshark names the server first), so the "Node 0: ADDR:PORT" line decides the direction.
 */
export function parseFollow(text: string, serverPort: number): Decryption['streams'] {
  const streams: Decryption['streams'] = new Map();
  for (const block of text.split(/^=+$/m)) {
    const filter = /^Filter: tcp\.stream eq (\d+)$/m.exec(block);
    if (!filter) continue;
    const node0IsServer = new RegExp(`^Node 0: .*:${serverPort}$`, 'm').test(block);
    const node0: Buffer[] = [];
    const node1: Buffer[] = [];
    for (const line of block.split('\n')) {
      const m = /^(\t?)([0-9a-f]+)$/.exec(line);
      if (!m) continue;
      (m[1] ? node1 : node0).push(Buffer.from(m[2], 'hex'));
    }
    const [toServer, toClient] = node0IsServer ? [node1, node0] : [node0, node1];
    streams.set(Number(filter[1]), { toServer: Buffer.concat(toServer), toClient: Buffer.concat(toClient) });
  }
  return streams;
}

/** Attributes the debug log's per-record verdicts to TCP streams, via the frame each one belongs to. */
export function parseDebug(debug: string, frameStream: Map<number, number>): Decryption['macs'] {
  const macs: Decryption['macs'] = new Map();
  let stream = -1;
  for (const line of debug.split('\n')) {
    const frame = /^dissect_ssl enter frame #(\d+)/.exec(line);
    if (frame) stream = frameStream.get(Number(frame[1])) ?? -1;
    const entry = macs.get(stream) ?? { ok: 0, failed: 0, decryptFailures: 0 };
    macs.set(stream, entry);
    if (/ssl_decrypt_record: mac ok/.test(line)) entry.ok++;
    if (/mac failed/.test(line)) entry.failed++;
    if (/ssl_decrypt_record failed/.test(line)) entry.decryptFailures++;
  }
  return macs;
}

/**
 * Decrypts TCP streams 0..streamCount-1 of `capture` (SSL on `serverPort`) with `keyOption`
 * (e.g. ['-o', 'tls.keylog_file:FILE']), writing tshark's debug log to `debugFile`.
 */
export async function decryptCapture(
  tshark: string,
  o: { capture: string; serverPort: number; streamCount: number; keyOption: readonly string[]; debugFile: string },
): Promise<Decryption> {
  const decodeAs = ['-d', `tcp.port==${o.serverPort},tls`];
  const follow = Array.from({ length: o.streamCount }, (_, i) => ['-z', `follow,tls,raw,${i}`]).flat();
  const r = await run(tshark, ['-r', o.capture, ...decodeAs, ...o.keyOption, '-o', `tls.debug_file:${o.debugFile}`, '-q', ...follow], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`tshark -r failed (${r.code}): ${r.stderr}`);
  const frames = await run(tshark, ['-r', o.capture, '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream'], { timeoutMs: 30_000 });
  const frameStream = new Map(
    frames.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t').map(Number) as [number, number]),
  );
  const debug = readFileSync(o.debugFile, 'latin1');
  return { streams: parseFollow(r.stdout, o.serverPort), macs: parseDebug(debug, frameStream), debug };
}

/** Sends UDP datagrams to the probe port until tshark shows one more packet to it than before. */
async function probeCapture(tshark: Daemon, probePort: number, timeoutMs: number): Promise<void> {
  // Lines like "   3 0.1  127.0.0.1 → 127.0.0.1  UDP 47 59885 → 45998 Len=5" (the arrow is "->" in some locales).
  const probeLine = new RegExp(`\\bUDP \\d+ \\d+ \\S+ ${probePort} Len=`);
  const seen = () => tshark.output.split('\n').filter((l) => probeLine.test(l)).length;
  const before = seen();
  const deadline = Date.now() + timeoutMs;
  const udp = createSocket('udp4');
  try {
    while (seen() === before) {
      if (tshark.exited) throw new Error(`tshark exited:\n${tshark.output}`);
      if (Date.now() > deadline) throw new Error(`no probe packet seen by tshark within ${timeoutMs} ms:\n${tshark.output}`);
      udp.send('probe', probePort, HOST);
      await sleep(50);
    }
  } finally {
    udp.close();
  }
}

export interface LiveCapture {
  /** Makes sure everything so far is in the file, then ends the capture. */
  stop(): Promise<void>;
}

/**
 * Captures TCP port `port` (or several) on loopback into `file` (pcapng) with tshark; `iface`
 * and `linkType` pick another interface ('any') and link type ('LINUX_SLL2'). The capture also
 * takes UDP probes to a second port: tshark prints "Capturing on" a moment before packets are
 * really taken, so this waits until a probe shows up (-P prints packets while -w writes them),
 * and stop() sends one more so the file holds everything before it. Throws when tshark cannot
 * capture (it needs root or the wireshark group).
 */
export async function startLiveCapture(tshark: string, port: number | readonly number[], file: string, options: { iface?: string; linkType?: string } = {}): Promise<LiveCapture> {
  const probePort = await freePort();
  const tcp = (typeof port === 'number' ? [port] : port).map((p) => `tcp port ${p}`).join(' or ');
  const link = options.linkType ? ['-y', options.linkType] : [];
  const daemon = new Daemon(tshark, ['-i', options.iface ?? 'lo', ...link, '-f', `${tcp} or udp port ${probePort}`, '-w', file, '-P', '-l']);
  try {
    await daemon.waitFor(/Capturing on/, 20_000);
    await probeCapture(daemon, probePort, 10_000);
  } catch (e) {
    await daemon.stop('SIGKILL');
    throw e;
  }
  return {
    async stop() {
      try {
        await probeCapture(daemon, probePort, 10_000);
      } finally {
        await daemon.stop('SIGINT', 10_000);
      }
    },
  };
}

/**
 * Why the tests of a failed startLiveCapture() are skipped, said once on the console; with
 * SSL3_REQUIRE_PEERS=1 a capture that cannot start fails the run instead (throws).
 */
export function captureUnavailable(e: unknown): string {
  const why = `tshark cannot capture on lo (needs root or the wireshark group): ${(e as Error).message.split('\n').slice(0, 4).join(' ')}`;
  if (REQUIRE_PEERS) throw new Error(`${why} and SSL3_REQUIRE_PEERS=1`);
  console.warn(`peer missing: ${why}; its tests are skipped`);
  return why;
}

/**
 * Per TCP stream, the plaintext length of each application-data record, as tshark decrypted
 * them, in the order sent each way. HTTP is not dissected, so each decrypted record stays one
 * `data` item of its own length (else tshark would reassemble the HTTP message across records).
 */
export async function applicationRecordLengths(
  tshark: string,
  o: { capture: string; serverPort: number; keyOption: readonly string[] },
): Promise<Map<number, { toServer: number[]; toClient: number[] }>> {
  const r = await run(
    tshark,
    ['-r', o.capture, '-d', `tcp.port==${o.serverPort},tls`, ...o.keyOption, '--disable-protocol', 'http', '-Y', 'tls.record.content_type == 23', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tcp.dstport', '-e', 'data.len'],
    { timeoutMs: 30_000 },
  );
  if (r.code !== 0) throw new Error(`tshark -r failed (${r.code}): ${r.stderr}`);
  const streams = new Map<number, { toServer: number[]; toClient: number[] }>();
  for (const line of r.stdout.trim().split('\n')) {
    const [stream, dstPort, lengths] = line.split('\t');
    if (!lengths) continue;
    const entry = streams.get(Number(stream)) ?? { toServer: [], toClient: [] };
    streams.set(Number(stream), entry);
    (Number(dstPort) === o.serverPort ? entry.toServer : entry.toClient).push(...lengths.split(',').map(Number));
  }
  return streams;
}

/**
 * The SSL records tshark dissects in `file` (SSL on `ports`), one "frame stream srcport type
 * length" row per record in frame order, as tshark places each record: in the frame that
 * completed it. explainedRecords() gives ssl3 explain's in the same shape.
 */
export async function tsharkRecords(tshark: string, file: string, ports: readonly number[]): Promise<string[]> {
  const fields = ['frame.number', 'tcp.stream', 'tcp.srcport', 'tls.record.content_type', 'tls.record.length'];
  const r = await run(tshark, ['-r', file, ...ports.flatMap((p) => ['-d', `tcp.port==${p},tls`]), '-Y', 'tls.record', '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`tshark -r ${file} failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .flatMap((line) => {
      const [frame, stream, port, types, lengths] = line.split('\t');
      const ls = lengths.split(',');
      return types.split(',').map((t, i) => `${frame} ${stream} ${port} ${t} ${ls[i]}`);
    });
}

export function explainedRecords(e: CaptureExplanation): string[] {
  return e.connections
    .flatMap((c) => c.records.map((r) => ({ r, c })))
    .sort((x, y) => x.r.frame - y.r.frame)
    .map(({ r, c }) => {
      const port = (r.direction === 'client-to-server' ? c.client : c.server).replace(/^.*:/, '');
      return `${r.frame} ${c.tcp_stream} ${port} ${ContentType[r.content_type as keyof typeof ContentType]} ${r.length}`;
    });
}
