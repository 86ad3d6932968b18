/**
 * The raw-bytes hook (SSLSocketOptions.onWire) through the `pcap` option of connect() and
 * createServer(): each end registers one flow per connection with the real addresses and ports
 * (the client is the local end of a client, the remote end of a server), hands it exactly the
 * bytes that crossed the TCP connection, and closes it naming the side whose FIN went first.
 * Bytes written and then lost (the transport destroyed before they left) are neither captured
 * nor left standing in the trace; bytes written before the SSLSocket's own destroy() do leave.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type SSLServer, type SSLSocket } from '../../src/socket/index.js';
import type { FlowEndpoints, FlowRecorder, PcapDirection } from '../../src/trace/pcap.js';
import type { TraceEvent } from '../../src/connection/connection.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { nodeRsaKey } from '../helpers/keys.js';

interface RecordedFlow {
  endpoints: FlowEndpoints;
  bytes: Record<PcapDirection, Buffer[]>;
  closed: (PcapDirection | undefined)[];
}

/** A FlowRecorder keeping what it is given. */
function recorder(): FlowRecorder & { flows: RecordedFlow[] } {
  const flows: RecordedFlow[] = [];
  return {
    flows,
    flow(endpoints) {
      const f: RecordedFlow = { endpoints, bytes: { 'client-to-server': [], 'server-to-client': [] }, closed: [] };
      flows.push(f);
      return { data: (direction, bytes) => f.bytes[direction].push(Buffer.from(bytes)), close: (first) => f.closed.push(first) };
    },
  };
}

const key = nodeRsaKey(1024);
const cert = selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'], days: 10 });
const serverSide = recorder();
const serverTrace: TraceEvent[] = [];
let server: SSLServer;
let port: number;
const serverClosed: Promise<unknown>[] = [];

beforeAll(async () => {
  server = createServer({ key: privateKeyToPem(key), cert: certificateToPem(cert), pcap: serverSide, trace: (e) => serverTrace.push(e) }, (s: SSLSocket) => {
    serverClosed.push(once(s.socket, 'close'));
    s.on('data', (d: Buffer) => {
      const command = d.toString();
      if (command === 'write, destroy') {
        // Written, then the SSL socket destroyed at once (node:http did so after its 400).
        s.write('last words');
        s.destroy();
      } else if (command === 'write, drop') {
        // Written, then the transport destroyed under the SSL socket before the write left
        // (held in the corked transport, as bytes wait behind a full socket buffer).
        s.socket.cork();
        s.write('never sent', () => {});
        s.socket.destroy();
      } else s.write(d);
    });
    s.on('end', () => s.end());
    s.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(() => server.close());

describe('the pcap option', () => {
  it('gives both ends the same flow and exactly the bytes that crossed the connection', async () => {
    const clientSide = recorder();
    const socket = connect({ host: '127.0.0.1', port, ca: certificateToPem(cert), ciphers: 'aes-128-cbc-sha', pcap: clientSide });
    await once(socket, 'secureConnect');
    const clientPort = socket.localPort;
    socket.write('ping');
    await once(socket, 'data');
    socket.end();
    await once(socket.socket, 'close');
    await Promise.all(serverClosed);

    expect(clientSide.flows).toHaveLength(1);
    expect(serverSide.flows).toHaveLength(1);
    const [c] = clientSide.flows;
    const [s] = serverSide.flows;
    expect(c.endpoints).toEqual({ clientAddress: '127.0.0.1', clientPort, serverAddress: '127.0.0.1', serverPort: port });
    expect(s.endpoints).toEqual(c.endpoints);
    for (const direction of ['client-to-server', 'server-to-client'] as const) {
      const sent = Buffer.concat(c.bytes[direction]);
      expect(sent.length, direction).toBeGreaterThan(100);
      expect(sent[0], `${direction} starts with a handshake record`).toBe(22);
      expect(Buffer.concat(s.bytes[direction]).equals(sent), direction).toBe(true);
    }
    // Each flow closes once. socket.end() sends the client's close_notify; the server answers
    // with its own and its FIN, and only then does the client end its TCP side: the server's
    // FIN goes first. (The client sees the two FINs cross, so its order may be either.)
    expect(c.closed).toHaveLength(1);
    expect(s.closed).toEqual(['server-to-client']);
  });
});

describe('what was written before the end', () => {
  async function run(command: string) {
    const clientSide = recorder();
    const socket = connect({ host: '127.0.0.1', port, ca: certificateToPem(cert), ciphers: 'rc4-128-sha', pcap: clientSide });
    socket.on('error', () => {});
    await once(socket, 'secureConnect');
    const serverFlow = serverSide.flows.at(-1)!;
    const traceFrom = serverTrace.length;
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.write(command);
    await once(socket.socket, 'close');
    await Promise.all(serverClosed);
    const toClient = (f: RecordedFlow) => Buffer.concat(f.bytes['server-to-client']);
    return { received: Buffer.concat(received).toString(), clientSaw: toClient(clientSide.flows[0]), serverCaptured: toClient(serverFlow), trace: serverTrace.slice(traceFrom) };
  }

  it('data written just before destroy() leaves before the transport closes', async () => {
    const r = await run('write, destroy');
    expect(r.received).toBe('last words');
    expect(r.serverCaptured.equals(r.clientSaw)).toBe(true);
  });

  it('data the transport dropped is not in the capture, and the trace says it was not sent', async () => {
    const r = await run('write, drop');
    expect(r.received).toBe('');
    expect(r.serverCaptured.equals(r.clientSaw)).toBe(true);
    const out = r.trace.filter((e) => e.kind === 'record' && e.direction === 'out');
    expect(out).toHaveLength(1);
    expect(r.trace.filter((e) => e.kind === 'note').map((e) => (e as { text: string }).text)).toEqual([
      expect.stringMatching(/^not sent: the \d+ bytes of the records traced above/),
      // The engine then sees its transport end, with no close_notify either way.
      expect.stringMatching(/^the connection ended without close_notify from the peer/),
    ]);
  });
});
