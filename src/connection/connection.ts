/**
 * The sans-I/O SSL 3.0 connection: bytes in, events and bytes out (docs/architecture.md,
 * "Principles": "Sans-I/O"). It owns the record layer of both directions (RFC 6101 section 5.2), the
 * ChangeCipherSpec switch (5.3), alerts (5.4), application data (5.5) and closure, and runs
 * a client or server handshake state machine over them. It never touches a socket, a timer
 * or a clock it was not given: the socket binding, tests, the tracer and the misbehaving-peer
 * harness all drive this same object.
 *
 * Every failure inside receive() ends as one fatal alert from the SSL 3.0 set and a closed
 * connection; receive() itself never throws.
 *
 * Output is pulled, as rustls' write_tls: the records each call produces wait in a queue until
 * the caller takes them with takeOutput(), after start(), receive(), write(), close(),
 * renegotiate() or abort(), and when the outputReady event says an asynchronous step produced
 * some. So a whole flight is one buffer, nothing calls back into the caller's transport while
 * the engine is half-way through a step, and a caller (the socket, a test, a harness) may hold,
 * inspect or rewrite what is sent before it sends it.
 *
 * Renegotiation: a server refuses every client-initiated renegotiation unless
 * allowRenegotiation is set (`ssl3 serve --allow-renegotiation`). That is stricter than
 * OpenSSL 1.0.2, which accepts a secure (RFC 5746) renegotiation by default and refuses only
 * the legacy kind: each renegotiation costs the server an RSA private-key operation at the
 * client's will, and an HTTPS server has no use for it. SSL 3.0 has no no_renegotiation alert
 * (TLS added it, and OpenSSL never sends it under SSL 3.0), so a warning cannot express the
 * refusal; the connection closes with handshake_failure, the alert OpenSSL 1.0.2's SSL 3.0
 * server sends when it refuses a legacy renegotiation. A client renegotiates only when the
 * application calls renegotiate(); a server's HelloRequest is otherwise ignored (section
 * 5.6.1.1 allows that). Every renegotiation is bound to the previous handshake with RFC 5746
 * renegotiation_info (handshake/client.ts and server.ts): even when allowed, a server refuses
 * insecure renegotiation; a client falls back to a legacy renegotiation only with a server
 * that never signalled RFC 5746, and only when asked to.
 *
 * Records that move nothing forward are bounded (CVE-2016-8610, "SSL Death Alert": a peer
 * that streams warning alerts keeps a server busy forever): empty application-data records
 * (maxEmptyRecords in a row) and ignored warning alerts or HelloRequests (maxIgnoredMessages
 * in a row); past either bound the connection ends with unexpected_message.
 *
 * Asynchronous steps: a handshake may wait on a promise (a peer verdict that fetches a CRL;
 * later an RSA private-key operation done elsewhere) through HandshakeHost.waitFor. Meanwhile
 * the connection reads no record: the peer's bytes are held in the record reader (bounded,
 * see MAX_HELD_INPUT), and handshake messages already reassembled stay queued, so the
 * handshake sees the next message only after it has finished reacting to the previous one,
 * exactly as in a synchronous run. A synchronous step never goes through this path, so it
 * produces the same bytes in the same order as before.
 */
import { systemRandom } from '../util/random.js';
import { toHex } from '../util/bytes.js';
import { Ssl3Error } from '../util/errors.js';
import { AlertLevel, ALERTS, PeerAlertError, SslAlertError, SslError, alertName, type AlertName, type FailureKind } from '../record/alerts.js';
import { ContentType, SSL3_VERSION, contentTypeName } from '../record/content-types.js';
import { RecordReader, fragments, type Record as SslRecord } from '../record/record-framer.js';
import { RecordProtection } from '../record/record-protection.js';
import { ClientHandshake } from '../handshake/client.js';
import { ServerHandshake } from '../handshake/server.js';
import type { HandshakeHost, HandshakeInput, HandshakeMachine, HandshakeOptions, HandshakeResult } from '../handshake/context.js';
import { HandshakeReassembler, HandshakeType, decodingPeerMessages, handshakeTypeName } from '../handshake/messages.js';
import type { KeyBlock } from '../handshake/ssl3-prf.js';
import { pendingKeys } from './pending-keys.js';
import type { CipherSuite } from '../ciphers/suites.js';

export type Role = 'client' | 'server';

export interface ConnectionEvents {
  /**
   * Records are waiting in the output queue although no call of the caller's produced them:
   * an asynchronous handshake step (HandshakeHost.waitFor) settled. Call takeOutput().
   */
  outputReady?(): void;
  /** Application data from the peer. */
  data?(bytes: Uint8Array): void;
  /** A handshake completed (the first one, and any renegotiation). */
  secure?(result: HandshakeResult): void;
  /**
   * The connection is over: see CloseInfo. Exactly one of clean, truncated and error describes
   * how, so a caller never has to treat an ordinary end as a failure.
   */
  close?(info: CloseInfo): void;
  alert?(info: { direction: 'sent' | 'received'; level: number; description: number; name: string }): void;
  /** NSS key log lines: CLIENT_RANDOM <client random hex> <master secret hex>. */
  keylog?(line: string): void;
  trace?(event: TraceEvent): void;
}

/**
 * How a connection ended (RFC 6101 section 5.4.1):
 * - clean: close_notify was received, or we had sent ours and the peer then closed the
 *   transport (the initiator of a closure need not wait for the answer, and the peer need not
 *   send one once it has nothing more to say: nothing of ours, and nothing we were still
 *   waiting for, can have been cut);
 * - truncated: after a handshake, the peer closed the transport without close_notify while we
 *   were still reading. The data may have been cut by an attacker, or the peer simply marks
 *   its end this way (many devices and servers do): the reader's own framing decides, so this
 *   is reported, not raised as an error;
 * - error: the connection failed: the alert sent or received and why, or a transport that
 *   closed before the handshake finished.
 */
export interface CloseInfo {
  readonly clean: boolean;
  readonly truncated: boolean;
  readonly error?: SslError;
}

export type TraceEvent =
  | { kind: 'record'; direction: 'in' | 'out'; type: number; length: number; encrypted: boolean }
  | { kind: 'handshake'; direction: 'in' | 'out'; type: number; name: string; length: number; body: Uint8Array }
  | { kind: 'note'; text: string }
  /** Only with ConnectionOptions.traceSecrets: what SSL 3.0 derived (RFC 6101 6.1, 6.2.2). */
  | { kind: 'keys'; suite: string; masterSecret: Uint8Array; keyBlock: KeyBlock };

export interface ConnectionOptions extends HandshakeOptions {
  /** Consecutive empty records tolerated before the peer is considered abusive. */
  maxEmptyRecords?: number;
  /**
   * Warning alerts and HelloRequests that the connection ignores, tolerated in a row before
   * the peer is considered abusive (default 4: the fifth ends the connection, as OpenSSL's
   * MAX_WARN_ALERT_COUNT of 5 does since CVE-2016-8610).
   */
  maxIgnoredMessages?: number;
  /**
   * Also trace the master secret and the key block of each handshake ('keys' events): for
   * learning and debugging only, since whoever reads the trace can decrypt the connection.
   */
  traceSecrets?: boolean;
  /**
   * 1/n-1 record splitting of application data under CBC suites (default true): the BEAST
   * countermeasure, see write(). False sends each write as plain records, for a teaching
   * trace that shows the protocol without it.
   */
  splitCbcRecords?: boolean;
}

type Phase = 'idle' | 'handshaking' | 'open' | 'closed';

/**
 * Most bytes held unread while a handshake waits on an asynchronous step. A peer's legitimate
 * pipelined flight is a few kilobytes (its key exchange and Finished, or a CertificateRequest
 * and ServerHelloDone); this is four full records, and anything beyond is a peer flooding us.
 */
const MAX_HELD_INPUT = 4 * (5 + (1 << 14) + 2048);

export class Connection {
  private phase: Phase = 'idle';
  private readonly reader: RecordReader;
  private readRecord = RecordProtection.initial();
  private writeRecord = RecordProtection.initial();
  private pendingRead?: RecordProtection;
  private pendingWrite?: RecordProtection;
  private readonly reassembler = new HandshakeReassembler();
  /** Sealed records not yet taken by the caller (takeOutput). */
  private output: Uint8Array[] = [];
  private handshake?: HandshakeMachine;
  /** Records in a row that moved nothing forward: empty ones, and ignored warnings or HelloRequests. */
  private emptyRecords = 0;
  private ignoredMessages = 0;
  /** Input is being processed: a receive() from inside one of our own events only queues its bytes. */
  private processing = false;
  /** A handshake step is running asynchronously (waitFor): no input is processed until it settles. */
  private waiting = false;
  private sentCloseNotify = false;
  private receivedCloseNotify = false;
  /** Whether the peer ever sent us a byte: a transport closed before that was never answered. */
  private heardFromPeer = false;
  /** The trace has said once why application data goes 1/n-1. */
  private splitNoted = false;
  private result?: HandshakeResult;
  private readonly random: (n: number) => Uint8Array;
  private readonly now: () => number;
  /** The record version we write: 3.0 always (a server answers TLS clients at 3.0). */
  private readonly version = SSL3_VERSION;

  constructor(
    readonly role: Role,
    readonly options: ConnectionOptions,
    private readonly events: ConnectionEvents = {},
  ) {
    this.reader = new RecordReader({ acceptV2ClientHello: role === 'server' });
    this.random = options.random ?? systemRandom;
    this.now = options.now ?? Date.now;
  }

  get isOpen(): boolean {
    return this.phase === 'open';
  }

  get isClosed(): boolean {
    return this.phase === 'closed';
  }

  /** Started and not yet through its first handshake. */
  get isHandshaking(): boolean {
    return this.phase === 'handshaking' && !this.result;
  }

  /** The last completed handshake's result. */
  get handshakeResult(): HandshakeResult | undefined {
    return this.result;
  }

  /**
   * The records produced since the last call, as one buffer in the order they were sealed
   * (empty when there are none). The caller writes it to the transport as it is.
   */
  takeOutput(): Uint8Array {
    const out = this.output;
    if (out.length === 0) return new Uint8Array(0);
    this.output = [];
    if (out.length === 1) return out[0];
    const all = new Uint8Array(out.reduce((n, r) => n + r.length, 0));
    let at = 0;
    for (const r of out) {
      all.set(r, at);
      at += r.length;
    }
    return all;
  }

  /** Whether takeOutput() has anything. */
  get wantsWrite(): boolean {
    return this.output.length > 0;
  }

  /** Starts the handshake: a client sends its ClientHello; a server waits for one. */
  start(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'handshaking';
    this.run(() => this.beginHandshake());
  }

  /** Feeds bytes from the network. Never throws: failures end the connection with an alert. */
  receive(bytes: Uint8Array): void {
    if (this.phase === 'closed') return;
    if (this.phase === 'idle') this.start();
    if (bytes.length) this.heardFromPeer = true;
    this.reader.push(bytes);
    if (this.waiting && this.reader.buffered > MAX_HELD_INPUT) {
      this.fail(new SslAlertError('FLOOD', `peer sent more than ${MAX_HELD_INPUT} bytes while the handshake was waiting`));
      return;
    }
    this.drain();
  }

  /**
   * Sends application data (fragmented into records of at most 2^14 bytes).
   *
   * Under a CBC suite, SSL 3.0 encrypts each record with the last ciphertext block of the one
   * before as its IV (5.2.3.2), which an attacker on the wire has seen: one who can also choose
   * the start of what we send next can test guesses at a block sent earlier (CVE-2011-3389,
   * BEAST). So each write goes 1/n-1, as NSS sends it: a record with its first byte, then the
   * rest. The 1-byte record ends with its MAC, which the attacker cannot compute, so the IV of
   * the record carrying the chosen data is no longer known in advance. (OpenSSL sends an empty
   * record instead; some peers count consecutive empty records as an attack.)
   */
  write(data: Uint8Array): void {
    if (this.phase !== 'open') throw new Ssl3Error('NOT_OPEN', `cannot write application data: connection is ${this.phase}`);
    if (this.sentCloseNotify) throw new Ssl3Error('NOT_OPEN', 'cannot write after close_notify');
    let rest = data;
    if (rest.length > 1 && this.writeRecord.chainsIv && this.options.splitCbcRecords !== false) {
      if (!this.splitNoted) this.note('CBC suite: each write goes 1/n-1, its first byte in a record of its own (BEAST countermeasure, CVE-2011-3389)');
      this.splitNoted = true;
      this.sendRecord(ContentType.application_data, rest.subarray(0, 1));
      rest = rest.subarray(1);
    }
    for (const f of fragments(rest)) this.sendRecord(ContentType.application_data, f);
  }

  /**
   * Sends close_notify (RFC 6101 section 5.4.1). An open connection closes, cleanly, when the
   * peer answers or the transport ends; one still in its handshake closes at once.
   */
  close(): void {
    if (this.phase === 'closed' || this.sentCloseNotify) return;
    this.sentCloseNotify = true;
    this.sendAlert(AlertLevel.warning, 'close_notify');
    if (this.phase !== 'open') this.finish({ clean: true, truncated: false });
  }

  /**
   * The transport ended (the peer's FIN, or a reset). Section 5.4.1: after our close_notify
   * this is a clean end, whether or not the peer answered with its own. Otherwise, once a
   * handshake is done, it is a truncation (see CloseInfo); before that, the handshake failed.
   */
  transportClosed(): void {
    if (this.phase === 'closed') return;
    if (this.sentCloseNotify) {
      this.note('the peer closed the connection after our close_notify without sending its own (allowed: RFC 6101 5.4.1)');
      this.finish({ clean: true, truncated: false });
    } else if (this.result) {
      this.note('the connection ended without close_notify from the peer (what was read may be cut short: its own framing decides)');
      this.finish({ clean: false, truncated: true });
    } else {
      const error = this.heardFromPeer
        ? new SslError('CLOSED_IN_HANDSHAKE', 'connection closed by the peer during the handshake')
        : new SslError('CLOSED_BEFORE_ANSWER', 'connection closed by the peer before it sent anything');
      this.finish({ clean: false, truncated: false, error });
    }
  }

  /**
   * A client starts a new handshake over the open connection (section 5.6.1.1). It carries
   * RFC 5746 renegotiation_info when the first handshake negotiated it; with a legacy server
   * that never did, this is an (insecure) legacy renegotiation, done only because it was asked for.
   */
  renegotiate(): void {
    if (this.role !== 'client') throw new Ssl3Error('NOT_CLIENT', 'only a client initiates renegotiation here');
    if (this.phase !== 'open') throw new Ssl3Error('NOT_OPEN', 'renegotiation needs an open connection');
    this.run(() => {
      this.phase = 'handshaking';
      this.beginHandshake();
    });
  }

  /** Aborts with the fatal alert of a failure kind of our choosing (also the test harness's way to misbehave). */
  abort(kind: FailureKind, reason: string): void {
    this.fail(new SslAlertError(kind, reason));
  }

  // --- internals --------------------------------------------------------------------------

  /**
   * Runs engine work, then processes the input it can, turning any failure into a fatal
   * alert. The handshake sees a message only after it finished reacting to the previous one:
   * input arriving meanwhile (from inside one of our events) is only buffered, and taken here.
   */
  private run(fn: () => void): void {
    if (this.processing) {
      fn();
      return;
    }
    this.processing = true;
    try {
      fn();
      while (this.phase !== 'closed' && !this.waiting) {
        const rec = this.reader.next();
        if (!rec) break;
        if ('message' in rec) this.onV2ClientHello(rec.message);
        else this.onRecord(rec);
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.processing = false;
    }
  }

  private drain(): void {
    if (!this.processing) this.run(() => {});
  }

  /** Ends the connection for `e`: an SslError as it is, anything else as our INTERNAL_ERROR. */
  private fail(e: unknown): void {
    if (this.phase === 'closed') return;
    const err = e instanceof SslError ? e : new SslAlertError('INTERNAL_ERROR', `internal error: ${e instanceof Error ? e.message : String(e)}`);
    // A peer's fatal alert already ended it: no alert back.
    if (err instanceof SslAlertError) {
      try {
        this.sendAlert(AlertLevel.fatal, err.alert);
      } catch {
        // Sealing the alert itself failed (sequence exhausted): close without it.
      }
    }
    this.finish({ clean: false, truncated: false, error: err });
  }

  private note(text: string): void {
    this.events.trace?.({ kind: 'note', text });
  }

  private finish(info: CloseInfo): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.events.close?.(info);
  }

  private beginHandshake(): void {
    const host = this.host();
    this.handshake = this.role === 'client' ? new ClientHandshake(host) : new ServerHandshake(host);
    this.handshake.start();
  }

  private host(): HandshakeHost {
    return {
      options: this.options,
      // RFC 5746: a renegotiation is bound to the last completed handshake.
      previous: this.result,
      random: this.random,
      now: this.now,
      sendHandshake: (raw) => {
        const type = raw[0];
        const body = raw.subarray(4);
        this.events.trace?.({ kind: 'handshake', direction: 'out', type, name: handshakeTypeName(type), length: body.length, body });
        this.sendRecord(ContentType.handshake, raw);
      },
      sendChangeCipherSpec: () => {
        if (!this.pendingWrite) throw new SslAlertError('INTERNAL_ERROR', 'ChangeCipherSpec without pending keys');
        this.sendRecord(ContentType.change_cipher_spec, Uint8Array.of(1));
        this.writeRecord = this.pendingWrite;
        this.pendingWrite = undefined;
      },
      sendWarningAlert: (name) => this.sendAlert(AlertLevel.warning, name),
      waitFor: (step, then) => this.waitFor(step, then),
      setPendingKeys: (suite, master, clientRandom, serverRandom) => this.setPendingKeys(suite, master, clientRandom, serverRandom),
      trace: (text) => this.events.trace?.({ kind: 'note', text }),
      complete: (result) => {
        this.result = result;
        this.phase = 'open';
        this.events.secure?.(result);
      },
    };
  }

  /** HandshakeHost.waitFor: hold input until `step` settles, then continue inside run(). */
  private waitFor<T>(step: PromiseLike<T>, then: (value: T) => void): void {
    if (this.waiting) throw new Ssl3Error('BUSY', 'a handshake step started while another was still running');
    this.waiting = true;
    const resume = (continuation: () => void) => {
      // Closed meanwhile (the peer left, the application aborted, a timeout): nothing to continue.
      if (this.phase === 'closed') return;
      this.waiting = false;
      this.run(() => {
        continuation();
        this.deliverHandshakeMessages();
      });
      if (this.output.length) this.events.outputReady?.();
    };
    // Promise.resolve: even a thenable that answers at once resumes in a later microtask,
    // never inside the step that is still running.
    Promise.resolve(step).then(
      (value) => resume(() => then(value)),
      (error: unknown) =>
        resume(() => {
          throw error;
        }),
    );
  }

  private setPendingKeys(suite: CipherSuite, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): void {
    const keys = pendingKeys(this.role, suite, master, clientRandom, serverRandom);
    if (this.options.traceSecrets) this.events.trace?.({ kind: 'keys', suite: suite.rfcName, masterSecret: master, keyBlock: keys.keyBlock });
    this.pendingWrite = keys.write;
    this.pendingRead = keys.read;
    this.events.keylog?.(`CLIENT_RANDOM ${toHex(clientRandom)} ${toHex(master)}\n`);
  }

  private sendRecord(type: number, fragment: Uint8Array): void {
    this.events.trace?.({ kind: 'record', direction: 'out', type, length: fragment.length, encrypted: this.writeRecord.active });
    this.output.push(this.writeRecord.seal(type, this.version, fragment));
  }

  private sendAlert(level: number, name: AlertName): void {
    this.sendRecord(ContentType.alert, Uint8Array.of(level, ALERTS[name]));
    this.events.alert?.({ direction: 'sent', level, description: ALERTS[name], name });
  }

  private onV2ClientHello(message: Uint8Array): void {
    this.events.trace?.({ kind: 'handshake', direction: 'in', type: HandshakeType.client_hello, name: 'client_hello (SSLv2 format)', length: message.length, body: message });
    this.handle({ kind: 'v2_client_hello', raw: message });
  }

  /** The one way into the handshake; a message that does not decode is the peer's DECODE_ERROR. */
  private handle(input: HandshakeInput): boolean {
    const hs = this.handshake;
    if (!hs) throw new SslAlertError('UNEXPECTED_MESSAGE', 'input before the handshake started');
    return decodingPeerMessages(() => hs.handle(input));
  }

  private onRecord(rec: SslRecord): void {
    // After the first handshake fixed the version, every record must carry 3.0.
    if (this.result && rec.version !== SSL3_VERSION) {
      throw new SslAlertError('RECORD_VERSION', `record version ${rec.version >> 8}.${rec.version & 0xff} after SSL 3.0 was negotiated`);
    }
    const fragment = this.readRecord.open(rec.type, rec.body);
    this.events.trace?.({ kind: 'record', direction: 'in', type: rec.type, length: fragment.length, encrypted: this.readRecord.active });
    if (fragment.length > 1 << 14) throw new SslAlertError('RECORD_OVERFLOW', `plaintext fragment of ${fragment.length} bytes`);
    if (fragment.length === 0) {
      // Empty records are legal for application data (some stacks send them to defeat
      // chosen-plaintext attacks); elsewhere, and in bulk, they are a denial of service.
      if (rec.type !== ContentType.application_data || ++this.emptyRecords > (this.options.maxEmptyRecords ?? 32)) {
        throw new SslAlertError('EMPTY_RECORD', `empty ${contentTypeName(rec.type)} record`);
      }
      return;
    }
    switch (rec.type) {
      case ContentType.handshake:
        return this.onHandshakeFragment(fragment);
      case ContentType.change_cipher_spec:
        return this.onChangeCipherSpec(fragment);
      case ContentType.alert:
        return this.onAlert(fragment);
      case ContentType.application_data:
        return this.onApplicationData(fragment);
    }
  }

  private onHandshakeFragment(fragment: Uint8Array): void {
    this.reassembler.push(fragment);
    this.deliverHandshakeMessages();
  }

  /** Hands each complete handshake message to the state machine, until one makes it wait. */
  private deliverHandshakeMessages(): void {
    while (!this.waiting) {
      const msg = this.reassembler.next();
      if (!msg) return;
      this.events.trace?.({ kind: 'handshake', direction: 'in', type: msg.type, name: handshakeTypeName(msg.type), length: msg.body.length, body: msg.body });
      if (this.phase === 'open') {
        this.onHandshakeWhileOpen(msg.type);
        if (this.phase === 'open') {
          this.ignored('HelloRequest (renegotiate() was not called)');
          continue;
        }
      }
      if (this.phase === 'closed') return;
      if (msg.type === HandshakeType.hello_request && this.role === 'client') {
        // Section 5.6.1.1: HelloRequest is not hashed and a client ignores it during a
        // handshake. Only a server sends it: a server's state machine rejects one.
        this.ignored('HelloRequest');
        continue;
      }
      this.progressed();
      this.handle({ kind: 'message', message: msg });
    }
  }

  /** A handshake message on an open connection: renegotiation. */
  private onHandshakeWhileOpen(type: number): void {
    if (this.role === 'server') {
      if (type !== HandshakeType.client_hello) throw new SslAlertError('UNEXPECTED_MESSAGE', `${handshakeTypeName(type)} on an open connection`);
      if (!this.options.allowRenegotiation) throw new SslAlertError('RENEGOTIATION_REFUSED', 'client renegotiation is disabled');
      this.phase = 'handshaking';
      this.beginHandshake();
      return;
    }
    if (type !== HandshakeType.hello_request) throw new SslAlertError('UNEXPECTED_MESSAGE', `${handshakeTypeName(type)} on an open connection`);
  }

  /**
   * ChangeCipherSpec (section 5.3). Whether one is legal now is the handshake's to say (only
   * its change_cipher_spec state takes it, and only after the keys are pending); what is left
   * here is the record's form, and that no handshake message straddles the cipher change.
   */
  private onChangeCipherSpec(fragment: Uint8Array): void {
    if (fragment.length !== 1 || fragment[0] !== 1) throw new SslAlertError('MALFORMED_CHANGE_CIPHER_SPEC', 'malformed ChangeCipherSpec');
    if (!this.reassembler.empty) throw new SslAlertError('UNEXPECTED_MESSAGE', 'ChangeCipherSpec inside a fragmented handshake message');
    this.handle({ kind: 'change_cipher_spec' });
    if (!this.pendingRead) throw new SslAlertError('INTERNAL_ERROR', 'ChangeCipherSpec accepted without pending keys');
    this.progressed();
    this.readRecord = this.pendingRead;
    this.pendingRead = undefined;
  }

  private onAlert(fragment: Uint8Array): void {
    if (fragment.length !== 2) throw new SslAlertError('MALFORMED_ALERT', `alert record of ${fragment.length} bytes`);
    const [level, description] = fragment;
    this.events.alert?.({ direction: 'received', level, description, name: alertName(description) });
    if (description === ALERTS.close_notify) {
      this.receivedCloseNotify = true;
      // Section 5.4.1: answer with our own close_notify and close.
      if (!this.sentCloseNotify) {
        this.sentCloseNotify = true;
        this.sendAlert(AlertLevel.warning, 'close_notify');
      }
      this.finish({ clean: true, truncated: false });
      return;
    }
    if (level === AlertLevel.fatal) throw new PeerAlertError(level, description);
    if (level !== AlertLevel.warning) throw new SslAlertError('MALFORMED_ALERT', `alert level ${level}`);
    if (this.handshake && !this.handshake.done && this.handle({ kind: 'warning_alert', description })) return this.progressed();
    this.ignored(`warning alert ${alertName(description)}`);
  }

  private onApplicationData(fragment: Uint8Array): void {
    // Application data is legal once a handshake finished, also while a renegotiation runs.
    if (!this.result) throw new SslAlertError('UNEXPECTED_MESSAGE', 'application data before the handshake finished');
    this.progressed();
    this.events.data?.(fragment);
  }

  /**
   * A record or message that moved the connection forward: a handshake message taken by the
   * state machine, ChangeCipherSpec, application data. Only these end a run of empty records
   * or ignored messages; the two kinds of run do not end each other, so alternating them
   * gains a peer nothing. (A fragment of a handshake message is neither: it is bounded by the
   * reassembler's message size.)
   */
  private progressed(): void {
    this.emptyRecords = 0;
    this.ignoredMessages = 0;
  }

  /** A warning alert or HelloRequest we let pass; too many in a row is a flood (CVE-2016-8610). */
  private ignored(what: string): void {
    const max = this.options.maxIgnoredMessages ?? 4;
    if (++this.ignoredMessages > max) {
      throw new SslAlertError('FLOOD', `${this.ignoredMessages} warning alerts or HelloRequests in a row (at most ${max}), the last ${what}`);
    }
    this.events.trace?.({ kind: 'note', text: `ignoring ${what}` });
  }
}
