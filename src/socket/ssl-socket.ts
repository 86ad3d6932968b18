/**
 * SSLSocket: an SSL 3.0 connection as a Node Duplex stream over a net.Socket, shaped like
 * node:tls's TLSSocket (getCipher, getPeerCertificate, getSession, getProtocol, 'secure' /
 * 'secureConnect', 'keylog'). All protocol work happens in the sans-I/O Connection; this file
 * only moves bytes and maps events.
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { Connection, type CloseInfo, type ConnectionOptions, type Role, type TraceEvent } from '../connection/connection.js';
import type { HandshakeResult } from '../handshake/context.js';
import { SslError } from '../record/alerts.js';
import type { Session } from '../handshake/session.js';
import { parseCertificate } from '../pki/x509.js';
import { peerCertificateInfo, type PeerCertificate } from './peer-certificate.js';

export interface CipherInfo {
  /** OpenSSL name, as node:tls reports it (e.g. 'RC4-SHA'). */
  readonly name: string;
  /** RFC name (e.g. 'SSL_RSA_WITH_RC4_128_SHA'). */
  readonly standardName: string;
  /** The IOS keyword (e.g. 'rc4-128-sha'). */
  readonly iosKeyword: string;
  readonly version: 'SSLv3';
}

export interface SSLSocketOptions extends ConnectionOptions {
  /** Receives trace events; see src/trace for formatters. */
  onTrace?: (event: TraceEvent) => void;
  /** Milliseconds allowed for the handshake before the connection is dropped. */
  handshakeTimeout?: number;
  /**
   * Receives exactly the bytes read from ('in') and written to ('out') the transport, in
   * order: what a packet capture of the connection would show (src/trace/pcap.ts). Outgoing
   * bytes are reported once the transport has taken them, so bytes that never left (the
   * connection was destroyed first) are never reported.
   */
  onWire?: (direction: 'in' | 'out', bytes: Uint8Array) => void;
}

/** Rewrites the decrypted application data before it is read (the HTTP server's bare-LF heads); keeps its own state. */
export type InputFilter = (bytes: Uint8Array) => Uint8Array;

export class SSLSocket extends Duplex {
  readonly connection: Connection;
  /** Whether the peer's certificate passed verification (client: server cert; server: client cert). */
  authorized = false;
  authorizationError?: string;
  private result?: HandshakeResult;
  private pendingWrites: { chunk: Uint8Array; callback: (error?: Error | null) => void }[] = [];
  private finalCallback?: (error?: Error | null) => void;
  private handshakeTimer?: NodeJS.Timeout;
  /** The SSL-level error the connection ended with (an alert sent or received). */
  private closeError?: SslError;
  private endedTruncated = false;
  private readonly onWire?: SSLSocketOptions['onWire'];
  private readonly onTrace?: SSLSocketOptions['onTrace'];
  private inputFilter?: InputFilter;

  constructor(
    readonly socket: Socket,
    readonly role: Role,
    options: SSLSocketOptions,
  ) {
    super({ allowHalfOpen: false });
    this.onWire = options.onWire;
    this.onTrace = options.onTrace;
    this.connection = new Connection(role, options, {
      outputReady: () => this.flush(),
      data: (bytes) => {
        const data = this.inputFilter ? this.inputFilter(bytes) : bytes;
        if (!this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength))) this.socket.pause();
      },
      secure: (result) => this.onSecure(result),
      close: (info) => this.onConnectionClosed(info),
      keylog: (line) => this.emit('keylog', Buffer.from(line)),
      trace: options.onTrace,
    });
    socket.on('data', (chunk: Buffer) => {
      this.onWire?.('in', chunk);
      this.connection.receive(chunk);
      this.flush();
    });
    socket.on('end', () => this.connection.transportClosed());
    socket.on('close', () => {
      this.connection.transportClosed();
      if (!this.destroyed) this.destroy(this.closeError);
    });
    // A peer that rejects us sends its fatal alert and then resets the connection; the reset
    // must not hide the alert, which says why. A reset before the handshake finished is the
    // peer closing on it, said the way the engine says it for a FIN (closed before answering).
    socket.on('error', (err) => {
      if (this.connection.isHandshaking) this.connection.transportClosed();
      this.destroy(this.closeError ?? err);
    });
    if (options.handshakeTimeout) {
      this.handshakeTimer = setTimeout(() => {
        this.destroy(new SslError('HANDSHAKE_TIMEOUT', `SSL handshake did not finish within ${options.handshakeTimeout} ms`));
      }, options.handshakeTimeout);
      this.handshakeTimer.unref();
    }
  }

  /** Starts the handshake (a client sends its hello now; a server waits). */
  startHandshake(): void {
    this.connection.start();
    this.flush();
  }

  get encrypted(): true {
    return true;
  }

  /**
   * True when the peer closed the connection without close_notify after the handshake
   * (RFC 6101 5.4.1): what was read may have been cut short. The stream still ends normally
   * ('end', not 'error'), so that a reader whose data carries its own framing (an HTTP body
   * delimited by the end of the connection, a Content-Length) decides by that framing; a
   * reader without one should check this after 'end'.
   */
  get truncated(): boolean {
    return this.endedTruncated;
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.socket.setTimeout(ms);
    if (callback) this.once('timeout', callback);
    this.socket.removeAllListeners('timeout');
    this.socket.on('timeout', () => this.emit('timeout'));
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.socket.setKeepAlive(enable, delay);
    return this;
  }

  ref(): this {
    this.socket.ref();
    return this;
  }

  unref(): this {
    this.socket.unref();
    return this;
  }

  address() {
    return this.socket.address();
  }

  getProtocol(): 'SSLv3' | null {
    return this.result ? 'SSLv3' : null;
  }

  getCipher(): CipherInfo | undefined {
    const s = this.result?.suite;
    return s && { name: s.opensslName, standardName: s.rfcName, iosKeyword: s.iosKeyword, version: 'SSLv3' };
  }

  /** The session, for resumption: pass it as `session` to connect(). */
  getSession(): Session | undefined {
    return this.result?.session;
  }

  isSessionReused(): boolean {
    return this.result?.resumed ?? false;
  }

  /** The peer's leaf certificate, as node:tls shapes it (empty object when none). */
  getPeerCertificate(): PeerCertificate | Record<string, never> {
    const der = this.result?.session.peerCertificates[0];
    return der ? peerCertificateInfo(parseCertificate(der)) : {};
  }

  /** All certificates the peer sent, DER, leaf first. */
  getPeerCertificateChain(): readonly Uint8Array[] {
    return this.result?.session.peerCertificates ?? [];
  }

  /** Passes the application data read from now on through `filter` (one filter per socket; its state is its own). */
  setInputFilter(filter: InputFilter): void {
    this.inputFilter = filter;
  }

  /** Client only: start a new handshake on the open connection. */
  renegotiate(): void {
    this.connection.renegotiate();
    this.flush();
  }

  private onSecure(result: HandshakeResult): void {
    const first = !this.result;
    this.result = result;
    // The verdict on the peer's chain, as node:tls reports it. A server's client that sent no
    // certificate is not authorized, and says so; a resumed session was not checked again.
    const verdict = result.peerVerdict;
    this.authorized = verdict?.ok === true;
    this.authorizationError = verdict && !verdict.ok ? verdict.reason : undefined;
    if (this.role === 'server' && !result.session.peerCertificates.length) this.authorizationError ??= 'client sent no certificate';
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    if (first) {
      this.emit('session', result.session);
      this.emit(this.role === 'client' ? 'secureConnect' : 'secure');
    } else {
      this.emit('renegotiated', result);
    }
    const queued = this.pendingWrites;
    this.pendingWrites = [];
    for (const w of queued) this._write(w.chunk, 'binary', w.callback);
    if (this.finalCallback) this._final(this.finalCallback);
  }

  /**
   * Writes what the engine produced, in one transport write: a whole flight (no_certificate,
   * ClientKeyExchange, ChangeCipherSpec, Finished) is one buffer. Written piecemeal, a peer
   * that rejects the first record (NSS answers no_certificate with a fatal alert and closes at
   * once) resets the connection while we still write the rest, and the write error (EPIPE)
   * destroys the socket before its alert is read: the user would see "write EPIPE" instead of
   * the reason.
   */
  private flush(): void {
    const bytes = this.connection.takeOutput();
    if (bytes.length === 0) return;
    if (this.socket.destroyed) return this.notSent(bytes, 'the connection is closed');
    // The capture and the trace must show only what really left: a write the transport drops
    // (destroyed while the bytes still waited in it, or failed) is reported as such instead.
    this.socket.write(bytes, (err) => (err ? this.notSent(bytes, err.message) : this.onWire?.('out', bytes)));
  }

  private notSent(bytes: Uint8Array, why: string): void {
    // One write is what the engine produced in one step; its 'record out' events came before.
    this.onTrace?.({ kind: 'note', text: `not sent: the ${bytes.length} bytes of the records traced above (${why})` });
  }

  private onConnectionClosed(info: CloseInfo): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    // The fatal alert or close_notify that ended it goes out before our FIN.
    this.flush();
    // The engine's typed error as it is (its code is ERR_SSL_<kind>, as node names its own), also
    // to writes still waiting for the handshake.
    const err = info.error;
    for (const w of this.pendingWrites) w.callback(err ?? new Error('connection closed'));
    this.pendingWrites = [];
    if (err) {
      this.closeError = err;
      // Let already-received data drain before the error surfaces.
      setImmediate(() => this.destroy(err));
      this.endTransport();
      return;
    }
    this.endedTruncated = info.truncated;
    this.push(null);
    this.endTransport();
  }

  /**
   * Our FIN, once: a second end() on a net.Socket (after _final sent close_notify and FIN, the
   * peer's answer closes the connection here too) builds an Error with its stack trace for a
   * callback nobody passed, on every normal close.
   */
  private endTransport(): void {
    if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.end();
  }

  override _read(): void {
    if (this.socket.isPaused()) this.socket.resume();
  }

  override _write(chunk: Buffer | Uint8Array, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.connection.isOpen) {
      if (this.connection.isClosed) return callback(new Error('SSL connection is closed'));
      this.pendingWrites.push({ chunk, callback });
      return;
    }
    try {
      this.connection.write(chunk);
    } catch (e) {
      return callback(e as Error);
    }
    this.flush();
    // Backpressure: while the transport's buffer is over its mark, hold the callback, so our
    // own write() returns false and the writer waits for 'drain' instead of every byte it
    // writes piling up, sealed, in the net.Socket (a bulk writer once buffered all 32 MiB).
    if (this.socket.writableNeedDrain && !this.socket.destroyed) this.afterDrain(callback);
    else callback();
  }

  private afterDrain(callback: () => void): void {
    const done = () => {
      this.socket.off('drain', done);
      this.socket.off('close', done);
      callback();
    };
    this.socket.on('drain', done);
    this.socket.on('close', done);
  }

  /**
   * A bare end() on a socket already ended is a no-op. node:http calls it when the peer's
   * close_notify ends our readable side (socketOnEnd), after its last response has ended us;
   * Writable.end would then build an ERR_STREAM_ALREADY_FINISHED Error, stack trace and all,
   * for nobody, on every normal close. With a chunk or a callback it behaves as ever.
   */
  override end(...args: unknown[]): this {
    if (args.every((a) => a === undefined) && (this.writableEnded || this.destroyed)) return this;
    return super.end(...(args as Parameters<Duplex['end']>));
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.connection.isOpen && !this.connection.isClosed) {
      this.finalCallback = callback;
      return;
    }
    this.finalCallback = undefined;
    // close_notify, then our FIN: the peer may close at once without answering (5.4.1), and
    // we go on reading until it does.
    this.connection.close();
    this.flush();
    this.endTransport();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    if (this.closeError && this.socket.writableEnded && !this.socket.destroyed) this.lingerThenDestroy();
    else this.socket.destroy();
    callback(error);
  }

  /**
   * After a fatal alert the transport is half-closed (our FIN follows the alert), but the peer
   * may still be writing the rest of its flight. Destroying the socket with those bytes unread
   * makes the kernel answer with a reset, and a peer that meets the reset while writing never
   * reads the alert that says why it was refused (JSSE reported only "Broken pipe" when our
   * server required a certificate it did not have). So, like an HTTP server's lingering close,
   * keep reading and discarding (the closed Connection ignores input) until the peer closes too,
   * for at most a moment; best effort, so it never keeps a process alive.
   */
  private lingerThenDestroy(): void {
    const timer = setTimeout(() => this.socket.destroy(), 2_000);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
    this.socket.unref();
    this.socket.resume();
  }
}
