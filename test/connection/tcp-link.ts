/**
 * A ScriptedClient over a real TCP connection: the raw peer for tests that must see what a
 * server really puts on the wire (RFC 6101 section 5.2.1 framing), not what it meant to send.
 * Bytes we build go out as they are; the server's byte stream is cut into whole records for
 * ScriptedClient.absorb() and serverRecords(); the server's FIN is an event of its own.
 */
import * as net from 'node:net';
import { ContentType } from '../../src/record/content-types.js';
import { AlertLevel, ALERTS } from '../../src/record/alerts.js';
import { concatBytes, utf8Bytes } from '../../src/util/bytes.js';
import { HandshakeType } from '../../src/handshake/messages.js';
import { fragments } from '../../src/record/record-framer.js';
import { ScriptedClient, type HelloSpec, type ServerLink } from './forge.js';

export class TcpLink implements ServerLink {
  readonly out: Uint8Array[] = [];
  readonly conn = { receive: (bytes: Uint8Array) => void this.socket.write(bytes) };
  /** Set when the server's FIN (or a reset) arrived. */
  ended = false;
  private pending: Uint8Array = new Uint8Array(0);
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = concatBytes(this.pending, chunk);
      while (this.pending.length >= 5) {
        const length = 5 + ((this.pending[3] << 8) | this.pending[4]);
        if (this.pending.length < length) break;
        this.out.push(this.pending.slice(0, length));
        this.pending = this.pending.subarray(length);
      }
      this.wake();
    });
    const end = () => {
      this.ended = true;
      this.wake();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<TcpLink> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new TcpLink(socket)));
      socket.once('error', reject);
    });
  }

  /** Resolves once `done()` holds (checked on every arrival); rejects after `timeoutMs`. */
  until(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; the server sent ${this.out.length} records${this.ended ? ' and closed' : ''}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Whether the server has sent a plaintext handshake record starting with a message of `type`. */
  sentHandshake(type: number): boolean {
    return this.out.some((r) => r[0] === ContentType.handshake && r[5] === type);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** A full handshake with a server over TCP, our client scripted message by message. */
export async function handshakeOverTcp(port: number, hello: HelloSpec = {}): Promise<ScriptedClient<TcpLink>> {
  const link = await TcpLink.connect(port);
  const c = new ScriptedClient(link);
  c.sendHello(hello);
  await link.until(() => link.sentHandshake(HandshakeType.server_hello_done), 'ServerHelloDone');
  c.absorb();
  c.sendKeyExchange();
  c.sendChangeCipherSpec();
  c.sendFinished();
  await link.until(() => link.out.some((r) => r[0] === ContentType.change_cipher_spec) && c.serverRecords().length > 0, "the server's Finished");
  return c;
}

/** An HTTP request as application data; resolves with the response once the server's close_notify came, then answers it. */
export async function requestOverTcp(c: ScriptedClient<TcpLink>, request: string | Uint8Array): Promise<{ response: string; closeNotify: boolean }> {
  for (const f of fragments(typeof request === 'string' ? utf8Bytes(request) : request)) c.send(c.forger!.seal(ContentType.application_data, f));
  const isCloseNotify = (r: { type: number; fragment: Uint8Array }) => r.type === ContentType.alert && r.fragment[1] === ALERTS.close_notify;
  await c.server.until(() => c.serverRecords().some(isCloseNotify) || c.server.ended, 'the response and close_notify');
  const records = c.serverRecords();
  const closeNotify = records.some(isCloseNotify);
  if (closeNotify && !c.server.ended) c.send(c.forger!.seal(ContentType.alert, Uint8Array.of(AlertLevel.warning, ALERTS.close_notify)));
  const data = records.filter((r) => r.type === ContentType.application_data).map((r) => r.fragment);
  return { response: Buffer.concat(data).toString('latin1'), closeNotify };
}
