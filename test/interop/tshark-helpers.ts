/**
 * Letting tshark judge a capture of SSL 3.0 connections: it decrypts them (from a key log or
 * the server's RSA key), follows each TCP stream's decrypted bytes, and writes a debug log
 * whose per-record lines say whether each record's MAC checked. Shared by the live-capture
 * test (tshark.test.ts) and the pcap writer's (test/trace/pcap.test.ts).
 */
import { readFileSync } from 'node:fs';
import { run } from './nss-helpers.js';

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
