/**
 * `--seed S` on the command line: `ssl3 serve --seed S` with `ssl3 get --seed S` and
 * `ssl3 connect --seed S`, run twice from scratch over real TCP, put the same bytes on the
 * wire: the client's whole stream (handshake, request, close_notify) and the server's
 * handshake (its HTTP response carries a Date header, so it is left out). The key logs are the
 * same lines; another seed gives other bytes. The byte-for-byte goldens of the engine are in
 * test/connection/golden.test.ts.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readCapture } from '../../src/trace/capture-reader.js';
import { decodeFrame, type TcpSegment } from '../../src/trace/packet-decode.js';
import { reassemble } from '../../src/trace/tcp-reassembly.js';
import { toHex } from '../../src/util/bytes.js';
import { capture, firstErrorLine } from '../helpers/cli.js';
import { Daemon, HOST, freePort, removeTempDirs, tempDir } from '../interop/nss-helpers.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'golden');
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const cli = join(process.cwd(), 'src', 'cli', 'main.ts');

afterAll(() => removeTempDirs());

/** The SSL records at the start of a stream up to (not including) the first application_data record. */
function untilApplicationData(b: Uint8Array): Uint8Array {
  let off = 0;
  while (off + 5 <= b.length && b[off] !== 23) off += 5 + ((b[off + 3] << 8) | b[off + 4]);
  return b.subarray(0, off);
}

interface Run {
  /** Per connection: the client's stream, and the server's up to its first application data. */
  streams: { client: string; server: string }[];
  keylog: string;
}

/** One lesson from scratch: a seeded server, then ssl3 get and ssl3 connect with `seed`. */
async function lesson(seed: string, port: number, dir: string): Promise<Run> {
  const pcap = join(dir, `${seed}-${Math.random().toString(36).slice(2)}.pcap`);
  const keylog = `${pcap}.keys`;
  const serve = new Daemon(tsx, [cli, 'serve', '--bind', HOST, '--port', String(port), '--key', join(FIXTURES, 'server-key.pem'), '--cert', join(FIXTURES, 'server-cert.pem'), '--seed', seed, '--pcap', pcap]);
  try {
    await serve.waitFor(/serving HTTPS over SSL 3\.0/, 30_000);
    const trust = ['--ca', join(FIXTURES, 'server-cert.pem'), '--seed', seed, '--keylog', keylog];
    const get = capture();
    expect(await main(['get', `https://${HOST}:${port}/`, ...trust], get), get.err).toBe(0);
    expect(get.err).toBe(`ssl3 get: warning: --seed: every key of these connections derives from '${seed}'; anyone who knows it can decrypt them\n`);
    const connect = Object.assign(capture(), { stdin: Readable.from(['GET / HTTP/1.0\r\n\r\n']) });
    expect(await main(['connect', `${HOST}:${port}`, ...trust], connect), connect.err).toBe(0);
  } finally {
    await serve.stop('SIGTERM');
  }
  const segments = readCapture(readFileSync(pcap))
    .packets.map(decodeFrame)
    .filter((s): s is TcpSegment => !('skip' in s));
  // The server's capture: endpoint 0 of each connection is the client (it sent the SYN).
  const streams = reassemble(segments).map((c) => ({ client: toHex(c.streams[0].bytes), server: toHex(untilApplicationData(c.streams[1].bytes)) }));
  return { streams, keylog: readFileSync(keylog, 'utf8') };
}

describe('--seed', () => {
  it('ssl3 serve, get and connect with the same seed put the same bytes on the wire, run after run', async () => {
    const dir = tempDir('seed');
    const port = await freePort();
    const first = await lesson('lesson-1', port, dir);
    const again = await lesson('lesson-1', port, dir);
    expect(first.streams).toHaveLength(2);
    expect(first.streams[0].server.length).toBeGreaterThan(1000);
    expect(again.streams).toEqual(first.streams);
    expect(again.keylog).toBe(first.keylog);
    expect(first.keylog).toMatch(/^(CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}\n){2}$/);
    const other = await lesson('lesson-2', port, dir);
    expect(other.streams[0].client).not.toBe(first.streams[0].client);
    expect(other.streams[0].server).not.toBe(first.streams[0].server);
  }, 120_000);

  it('an empty seed is one clear line', async () => {
    expect(await firstErrorLine('get', ['https://127.0.0.1:1/', '--seed', ''])).toEqual([2, 'ssl3 get: --seed must not be empty']);
  });
});
