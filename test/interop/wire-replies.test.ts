/**
 * What `ssl3 serve` really puts on the wire, seen by tshark on loopback (an independent
 * dissector), for a request node:http rejects (GARBAGE) and a bare-LF request: the reply
 * decrypts from the capture and close_notify follows it before the server's FIN; and the
 * server's own --pcap and --trace-json show exactly what the wire carried. (Before, the 400
 * was in our trace and pcap while the wire had only a FIN after the request.) The client is a
 * raw SSL 3.0 peer built on the test forge (test/connection/tcp-link.ts); tshark decrypts with
 * its key log line.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdentity, type IdentityFiles } from '../helpers/identity.js';
import { handshakeOverTcp, requestOverTcp } from '../connection/tcp-link.js';
import { ContentType } from '../../src/record/content-types.js';
import { toHex } from '../../src/util/bytes.js';
import { captureUnavailable, decryptCapture, startLiveCapture, type Decryption, type LiveCapture } from './tshark-helpers.js';
import { Daemon, HOST, findTools, freePort, removeTempDirs, run, tempDir } from './nss-helpers.js';

const tools = findTools({ tshark: 'tshark' });
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const cli = join(process.cwd(), 'src', 'cli', 'main.ts');

const REQUESTS = ['GARBAGE\r\n\r\n', 'GET /bare-lf HTTP/1.0\n\n'];
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

describe.skipIf(!tools)('ssl3 serve on the wire (tshark): replies to rejected and bare-LF requests', () => {
  const t = tools!;
  let dir: string;
  let id: IdentityFiles;
  let port: number;
  let serve: Daemon;
  let cannotCapture: string | undefined;
  const live = () => join(dir, 'live.pcapng');
  const ours = () => join(dir, 'ours.pcap');
  const keylog = () => join(dir, 'keylog.txt');
  const responses: string[] = [];
  let decrypted: Decryption;

  /**
   * tshark's fields for the packets of `file` that match `filter`, one row per packet. A
   * segment the kernel sent again (a tail loss probe, when the peer's ACK is delayed on a
   * loaded machine) is the same bytes once more, not more data: it is left out.
   */
  async function fields(file: string, filter: string, ...names: string[]): Promise<string[][]> {
    const fresh = `(${filter}) && !tcp.analysis.retransmission && !tcp.analysis.spurious_retransmission`;
    const r = await run(t.tshark, ['-r', file, '-d', `tcp.port==${port},tls`, '-o', `tls.keylog_file:${keylog()}`, '-Y', fresh, '-T', 'fields', ...names.flatMap((n) => ['-e', n])], { timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`tshark -r ${file} failed: ${r.stderr}`);
    return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
  }

  /** The TCP payload of `file` per stream and direction, as hex. */
  async function payloads(file: string): Promise<string[]> {
    const rows = await fields(file, 'tcp.len > 0', 'tcp.stream', 'tcp.srcport', 'tcp.payload');
    const out: string[] = [];
    for (const [stream, src, hex] of rows) {
      const key = `${stream} ${Number(src) === port ? 'server' : 'client'}`;
      const i = out.findIndex((x) => x.startsWith(`${key}:`));
      if (i < 0) out.push(`${key}:${hex}`);
      else out[i] += hex;
    }
    return out.sort();
  }

  beforeAll(async () => {
    dir = tempDir('wire-replies');
    id = makeIdentity('localhost', 1024);
    port = await freePort();
    serve = new Daemon(tsx, [cli, 'serve', '--bind', HOST, '--port', String(port), '--key', id.keyFile, '--cert', id.certFile, '--pcap', ours(), '--trace-json']);
    await serve.waitFor(/serving HTTPS over SSL 3\.0/, 30_000);
    let capture: LiveCapture;
    try {
      capture = await startLiveCapture(t.tshark, port, live());
    } catch (e) {
      cannotCapture = captureUnavailable(e);
      return;
    }
    const keys: string[] = [];
    try {
      for (const request of REQUESTS) {
        const c = await handshakeOverTcp(port);
        keys.push(`CLIENT_RANDOM ${toHex(c.clientRandom)} ${toHex(c.keys!.master)}\n`);
        responses.push((await requestOverTcp(c, request)).response);
        await c.server.until(() => c.server.ended, "the server's FIN");
        c.server.close();
      }
    } finally {
      await capture.stop();
      await serve.stop('SIGTERM');
    }
    writeFileSync(keylog(), keys.join(''));
    decrypted = await decryptCapture(t.tshark, { capture: live(), serverPort: port, streamCount: REQUESTS.length, keyOption: ['-o', `tls.keylog_file:${keylog()}`], debugFile: join(dir, 'debug.txt') });
  }, 90_000);

  afterAll(async () => {
    await serve?.stop('SIGKILL');
    removeTempDirs([dir, id?.dir]);
  });

  it('GARBAGE: tshark decrypts the 400 from the wire, then close_notify, then the server FIN', async ({ skip }) => {
    if (cannotCapture) return skip(cannotCapture);
    expect(responses[0]).toBe(BAD_REQUEST);
    const stream = decrypted.streams.get(0);
    expect(stream?.toClient.toString('latin1'), serve.output.slice(-3000)).toBe(BAD_REQUEST);
    expect(decrypted.macs.get(0)?.failed).toBe(0);
    // The server's records after its Finished, in wire order: the reply, then the alert.
    const types = (await fields(live(), `tcp.stream == 0 && tcp.srcport == ${port} && tls`, 'tls.record.content_type')).flatMap((r) => r[0].split(','));
    expect(types.slice(-2)).toEqual([String(ContentType.application_data), String(ContentType.alert)]);
    const [[alertFrame, level, description]] = await fields(live(), `tcp.stream == 0 && tcp.srcport == ${port} && tls.alert_message`, 'frame.number', 'tls.alert_message.level', 'tls.alert_message.desc');
    expect([level, description]).toEqual(['1', '0']); // warning close_notify
    const [[finFrame]] = await fields(live(), `tcp.stream == 0 && tcp.srcport == ${port} && tcp.flags.fin == 1`, 'frame.number');
    // The FIN follows the alert: in a later segment, or on the segment carrying it (after its payload).
    expect(Number(finFrame)).toBeGreaterThanOrEqual(Number(alertFrame));
  });

  it('a bare-LF request is answered on the wire', ({ skip }) => {
    if (cannotCapture) return skip(cannotCapture);
    expect(decrypted.streams.get(1)?.toClient.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n/);
    expect(decrypted.streams.get(1)?.toServer.toString('latin1')).toBe(REQUESTS[1]);
    expect(responses[1]).toBe(decrypted.streams.get(1)?.toClient.toString('latin1'));
  });

  it('our --pcap holds exactly the TCP payload the wire carried, each way, and --trace-json every record that left', async ({ skip }) => {
    if (cannotCapture) return skip(cannotCapture);
    const wire = await payloads(live());
    expect(wire).toHaveLength(2 * REQUESTS.length);
    expect(await payloads(ours())).toEqual(wire);
    const onWire = (await fields(live(), `tcp.srcport == ${port} && tls`, 'tls.record.content_type')).flatMap((r) => r[0].split(',')).length;
    const traced = serve.output.split('\n').filter((l) => l.startsWith('{') && (JSON.parse(l) as { event: string; direction: string }).event === 'record' && l.includes('"direction":"out"')).length;
    expect(traced).toBe(onWire);
    expect(serve.output).not.toMatch(/not sent/);
  });
});
