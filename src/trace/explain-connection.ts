/**
 * One captured TCP connection explained as SSL 3.0 (RFC 6101): its two reassembled streams
 * framed into records (5.2.1) with the engine's RecordReader, the records put in the order
 * the capture completed them, handshake messages reassembled (5.6) with the engine's
 * HandshakeReassembler and decoded with its codecs, the secret found (explain-secrets.ts:
 * server RSA key, earlier full handshake, key log) and the keys derived
 * (explain-derivation.ts), each encrypted record opened (explain-record.ts),
 * and the Finished hashes (5.6.9) and CertificateVerify (5.6.8) recomputed over the
 * transcript, the engine's Transcript.
 *
 * It never stops at the first problem: a TLS connection, a missing key or a capture that
 * ends early each become a note, and everything else is still explained.
 */
import { suiteById, type CipherSuite } from '../ciphers/suites.js';
import { rsaVerifyPkcs1 } from '../pki/rsa.js';
import { modulusBytes } from '../pki/rsa-key.js';
import { parseCertificate } from '../pki/x509.js';
import { alertName, AlertLevel } from '../record/alerts.js';
import { ContentType, SSL3_VERSION, contentTypeName } from '../record/content-types.js';
import { RecordReader } from '../record/record-framer.js';
import {
  HandshakeReassembler,
  HandshakeType,
  decodeCertificate,
  decodeCertificateVerify,
  decodeClientHello,
  decodeRsaClientKeyExchange,
  decodeServerHello,
  decodeV2ClientHello,
  handshakeTypeName,
  type ClientHello,
  type HandshakeMessage,
  type ServerHello,
} from '../handshake/messages.js';
import { Transcript } from '../handshake/ssl3-prf.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import type { ExplainKeys } from './explain-keys.js';
import { findSecret, missingKey, type SessionTable } from './explain-secrets.js';
import { RecordDecryptor } from './explain-record.js';
import { checkFinished, deriveKeys, type SecretSource } from './explain-derivation.js';

export type { SessionTable } from './explain-secrets.js';
import { handshakeFields, versionName } from './handshake-fields.js';
import { completingFrame, type TcpConnection, type TcpStream } from './tcp-reassembly.js';
import type { ConnectionExplanation, Direction, HandshakeExplanation, RecordExplanation } from './explain-model.js';


const DIRECTIONS: readonly [Direction, Direction] = ['client-to-server', 'server-to-client'];

/** A record as framed from one stream (or, for a trace, as the trace saw it). */
export interface Framed {
  /** 0: client to server, 1: server to client. */
  side: 0 | 1;
  /** The capture's frame number; a trace's line number. */
  frame: number;
  time: number;
  /** An SSLv2-format CLIENT-HELLO (RFC 6101 Appendix E) instead of an SSL 3.0 record. */
  v2: boolean;
  type: number;
  version: number;
  body: Uint8Array;
  /**
   * Set for a record from a trace (explain-trace.ts), which shows the engine's side of it:
   * `body` is the plaintext fragment already (nothing to decrypt), or, when `content` is false,
   * the trace gave only the record's type and length. A `version` below 0: the trace does not say.
   */
  traced?: { encrypted: boolean; length: number; content: boolean };
}

/** How each direction's records are protected: none yet, keys unknown (null), or a decryptor. */
interface Side {
  active?: RecordDecryptor | null;
  pending?: RecordDecryptor | null;
  reassembler: HandshakeReassembler;
}

interface Handshake {
  ex: HandshakeExplanation;
  transcript: Transcript;
  clientHello?: ClientHello;
  serverHello?: ServerHello;
  suite?: CipherSuite;
  tls: boolean;
  resumed: boolean;
  serverChain?: Uint8Array[];
  clientChain?: Uint8Array[];
  encrypted?: Uint8Array;
  master?: Uint8Array;
  /** Keys were looked for (and the missing key reported) already. */
  searched: boolean;
}

function startsWithClientHello(b: Uint8Array): boolean {
  return (b.length >= 6 && b[0] === ContentType.handshake && b[1] === 3 && b[5] === HandshakeType.client_hello) || (b.length >= 3 && (b[0] & 0x80) !== 0 && b[2] === 1);
}

function startsWithServerHello(b: Uint8Array): boolean {
  return b.length >= 6 && b[0] === ContentType.handshake && b[1] === 3 && b[5] === HandshakeType.server_hello;
}

/** Which stream is the SSL client's, or undefined when neither looks like SSL. */
function clientSide(conn: TcpConnection): 0 | 1 | undefined {
  const [a, b] = conn.streams.map((s) => s.bytes);
  if (startsWithClientHello(a) || startsWithServerHello(b)) return 0;
  if (startsWithClientHello(b) || startsWithServerHello(a)) return 1;
  return undefined;
}

function endpointText(e: { address: string; port: number }): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

/** Printable ASCII as is, CR/LF/TAB as escapes, anything else as \xNN. */
export function printable(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0x0d) s += '\\r';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x5c) s += '\\\\';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/** Frames one stream into records; notes where and why it stops before its end. */
function frame(stream: TcpStream, side: 0 | 1, who: string, notes: string[]): Framed[] {
  const reader = new RecordReader({ acceptV2ClientHello: side === 0 });
  reader.push(stream.bytes);
  const out: Framed[] = [];
  let off = 0;
  for (;;) {
    let rec;
    try {
      rec = reader.next();
    } catch (e) {
      notes.push(`the ${who}'s bytes at stream offset ${off} are not an SSL record (${(e as Error).message}); the rest of its stream is not explained`);
      return out;
    }
    if (!rec) break;
    const framed =
      'message' in rec
        ? { length: 2 + rec.message.length, v2: true, type: ContentType.handshake, version: 0x0002, body: rec.message }
        : { length: 5 + rec.body.length, v2: false, type: rec.type as number, version: rec.version, body: rec.body };
    // TCP delivers in order: a record that arrived early (out of order) is complete only once
    // everything before it is, so it is never placed before the record preceding it.
    const at = completingFrame(stream, off, off + framed.length);
    const previous = out[out.length - 1];
    out.push({ side, ...(previous && previous.frame > at.frame ? { frame: previous.frame, time: previous.time } : at), ...framed });
    off += framed.length;
  }
  const left = stream.bytes.length - off;
  if (left > 0) {
    const b = stream.bytes;
    const announced = left >= 5 ? ` of ${5 + ((b[off + 3] << 8) | b[off + 4])}` : '';
    notes.push(`the ${who}'s last record is incomplete: the capture holds ${left}${announced} bytes of it`);
  }
  if (stream.hole) notes.push(`the ${who}'s stream stops early: ${stream.hole}`);
  for (const n of stream.notes) notes.push(`${who}: ${n}`);
  return out;
}

/**
 * Explains one TCP connection, or returns undefined when it carries no SSL or TLS. `sessions`
 * collects the sessions its full handshakes make, for later connections that resume them.
 */
export function explainConnection(conn: TcpConnection, tcpStream: number, keys: ExplainKeys, sessions: SessionTable): ConnectionExplanation | undefined {
  const client = clientSide(conn);
  if (client === undefined) return undefined;
  const server = client === 0 ? 1 : 0;
  const ex: ConnectionExplanation = {
    tcp_stream: tcpStream,
    client: endpointText(conn.endpoints[client]),
    server: endpointText(conn.endpoints[server]),
    protocol: 'unknown (the capture holds no ServerHello)',
    handshakes: [],
    records: [],
    notes: [],
  };
  const records = [...frame(conn.streams[client], 0, 'client', ex.notes), ...frame(conn.streams[server], 1, 'server', ex.notes)];
  // The order the capture completed them in; within one frame (one direction), stream order.
  records.sort((a, b) => a.frame - b.frame);
  explainRecords(ex, records, keys, sessions);
  const ends = conn.streams.map((s) => s.fin || s.reset);
  if (!ends[0] && !ends[1] && !conn.streams.some((s) => s.hole)) ex.notes.push('the capture ends while the connection is still open (no FIN or RST)');
  return ex;
}

/** Explains one connection's records, in order, into `ex` (its records, handshakes and notes). */
export function explainRecords(ex: ConnectionExplanation, records: readonly Framed[], keys: ExplainKeys, sessions: SessionTable): void {
  new Walk(ex, keys, sessions, ex.tcp_stream).run(records);
}

/** The record-by-record walk through one connection. */
class Walk {
  private readonly sides: [Side, Side] = [{ reassembler: new HandshakeReassembler() }, { reassembler: new HandshakeReassembler() }];
  private hs?: Handshake;
  private missingKeyNoted = false;
  /** The records come from a trace: there is nothing to decrypt, only the derivation and the checks need keys. */
  private traced = false;

  constructor(
    private readonly ex: ConnectionExplanation,
    private readonly keys: ExplainKeys,
    private readonly sessions: SessionTable,
    private readonly tcpStream: number,
  ) {}

  run(records: readonly Framed[]): void {
    this.traced = records.some((r) => r.traced);
    for (const r of records) this.record(r);
    for (const hs of this.ex.handshakes) if (!hs.cipher_suite) hs.kind = 'incomplete';
  }

  private record(r: Framed): void {
    const side = this.sides[r.side];
    const rec: RecordExplanation = {
      number: this.ex.records.length + 1,
      frame: r.frame,
      ...(Number.isFinite(r.time) ? { time: r.time } : {}),
      direction: DIRECTIONS[r.side],
      content_type: r.v2 ? 'sslv2_client_hello' : contentTypeName(r.type),
      version: r.version < 0 ? 'not in the trace' : `${r.version >> 8}.${r.version & 0xff}`,
      length: r.traced?.length ?? r.body.length,
      encrypted: r.traced?.encrypted ?? side.active !== undefined,
      notes: [],
    };
    this.ex.records.push(rec);
    let fragment: Uint8Array | undefined = r.body;
    if (r.traced) {
      if (!r.traced.content) {
        rec.notes.push(`the trace gives this record's type and length, not its content`);
        fragment = undefined;
      }
    } else if (side.active === null) {
      rec.ciphertext = toHex(r.body);
      fragment = undefined;
    } else if (side.active) {
      rec.ciphertext = toHex(r.body);
      const opened = side.active.open(r.type, r.body);
      rec.decryption = opened.decryption;
      fragment = opened.fragment;
    }
    if (!fragment) return;
    rec.fragment = toHex(fragment);
    if (r.v2) return this.messages(r.side, rec, [{ type: HandshakeType.client_hello, body: fragment, raw: fragment }], true);
    switch (r.type) {
      case ContentType.handshake: {
        side.reassembler.push(fragment);
        const messages: HandshakeMessage[] = [];
        try {
          for (let m = side.reassembler.next(); m; m = side.reassembler.next()) messages.push(m);
        } catch (e) {
          rec.notes.push(`handshake messages cannot be framed: ${(e as Error).message}`);
        }
        return this.messages(r.side, rec, messages, false);
      }
      case ContentType.change_cipher_spec:
        if (fragment.length !== 1 || fragment[0] !== 1) rec.notes.push('malformed ChangeCipherSpec (RFC 6101 5.3: one byte, 1)');
        this.findKeys(rec.number);
        // From the next record on, this direction uses the pending keys (or is encrypted under keys we lack).
        side.active = side.pending ?? null;
        side.pending = undefined;
        return;
      case ContentType.alert:
        if (fragment.length === 2) {
          rec.alert = { level: fragment[0] === AlertLevel.warning ? 'warning' : fragment[0] === AlertLevel.fatal ? 'fatal' : `unknown(${fragment[0]})`, description: alertName(fragment[1]) };
        } else rec.notes.push(`an alert is 2 bytes (RFC 6101 5.4), this one ${fragment.length}`);
        return;
      case ContentType.application_data:
        rec.text = printable(fragment);
        return;
    }
  }

  private messages(sideIndex: 0 | 1, rec: RecordExplanation, messages: readonly HandshakeMessage[], v2: boolean): void {
    rec.messages ??= [];
    for (const m of messages) {
      rec.messages.push({
        type: m.type,
        name: v2 ? 'client_hello (SSLv2 format)' : handshakeTypeName(m.type),
        length: m.body.length,
        fields: Object.fromEntries(handshakeFields(m.type, m.body, v2)),
        body: toHex(m.body),
      });
      try {
        this.message(sideIndex, rec, m, v2);
      } catch (e) {
        rec.notes.push(`${handshakeTypeName(m.type)}: ${(e as Error).message}`);
      }
    }
  }

  /** What a handshake message means for the keys and checks; every message but HelloRequest joins the transcript. */
  private message(sideIndex: 0 | 1, rec: RecordExplanation, m: HandshakeMessage, v2: boolean): void {
    if (m.type === HandshakeType.hello_request) return;
    if (m.type === HandshakeType.client_hello) this.newHandshake(rec, v2 ? decodeV2ClientHello(m.body) : decodeClientHello(m.body));
    const hs = this.hs;
    if (!hs) {
      rec.notes.push(`${handshakeTypeName(m.type)} before any ClientHello in the capture: not used`);
      return;
    }
    switch (m.type) {
      case HandshakeType.server_hello:
        this.serverHello(hs, decodeServerHello(m.body));
        break;
      case HandshakeType.certificate:
        if (sideIndex === 1) hs.serverChain = decodeCertificate(m.body);
        else hs.clientChain = decodeCertificate(m.body);
        break;
      case HandshakeType.client_key_exchange: {
        const serverKey = hs.serverChain?.length ? parseCertificate(hs.serverChain[0]).publicKey.rsa : undefined;
        // The JSSE variant the engine tolerates (messages.ts): a TLS-style length prefix from a client that offered TLS.
        const tlsClient = (hs.clientHello?.version ?? 0) > SSL3_VERSION && serverKey ? modulusBytes(serverKey) : undefined;
        hs.encrypted = decodeRsaClientKeyExchange(m.body, tlsClient);
        break;
      }
      case HandshakeType.certificate_verify:
        this.certificateVerify(hs, m.body, rec.number);
        break;
      case HandshakeType.finished: {
        this.findKeys(rec.number);
        if (hs.master) hs.ex.finished.push(checkFinished(hs.transcript, hs.master, sideIndex === 0 ? 'client' : 'server', m.body, rec.number));
        break;
      }
    }
    hs.transcript.update(m.raw);
  }

  private newHandshake(rec: RecordExplanation, hello: ClientHello): void {
    const ex: HandshakeExplanation = {
      kind: 'incomplete',
      first_record: rec.number,
      client_version: versionName(hello.version),
      client_random: toHex(hello.random),
      finished: [],
      notes: [],
    };
    if (this.hs) ex.notes.push('a new handshake on a connection that already had one (renegotiation, RFC 6101 5.6.1.1): its messages travel under the current keys');
    this.ex.handshakes.push(ex);
    this.hs = { ex, transcript: new Transcript(), clientHello: hello, tls: false, resumed: false, searched: false };
  }

  private serverHello(hs: Handshake, sh: ServerHello): void {
    hs.serverHello = sh;
    hs.ex.server_version = versionName(sh.version);
    hs.ex.server_random = toHex(sh.random);
    hs.ex.session_id = sh.sessionId.length ? toHex(sh.sessionId) : '(empty)';
    const suite = suiteById(sh.cipherSuite);
    hs.ex.cipher_suite = suite?.rfcName ?? `0x${sh.cipherSuite.toString(16).padStart(4, '0')}`;
    const offered = hs.clientHello!.sessionId;
    hs.resumed = offered.length > 0 && bytesEqual(offered, sh.sessionId);
    hs.ex.kind = hs.resumed ? 'resumed' : 'full';
    if (sh.version !== SSL3_VERSION) {
      hs.tls = true;
      this.ex.protocol = versionName(sh.version).replace(/^.*\((.*)\)$/, '$1');
      this.ex.notes.push(
        `this is a ${this.ex.protocol} connection (the ServerHello chose version ${versionName(sh.version)}): ssl3 explain derives keys the SSL 3.0 way only, so its handshake is shown up to the ChangeCipherSpec and its encrypted records are listed, not decrypted`,
      );
      return;
    }
    this.ex.protocol = 'SSL 3.0';
    if (hs.clientHello!.version > SSL3_VERSION) hs.ex.notes.push(`the client offered up to ${versionName(hs.clientHello!.version)}; the server chose SSL 3.0`);
    if (!suite) hs.ex.notes.push(`cipher suite ${hs.ex.cipher_suite} is not one ssl3 knows: its records are not decrypted`);
    hs.suite = suite;
  }

  private certificateVerify(hs: Handshake, body: Uint8Array, record: number): void {
    this.findKeys(record);
    const key = hs.clientChain?.length ? parseCertificate(hs.clientChain[0]).publicKey.rsa : undefined;
    if (!hs.master || !key) return;
    const expected = hs.transcript.certificateVerify(hs.master);
    const ok = rsaVerifyPkcs1(key, 'md5-sha1', expected, decodeCertificateVerify(body));
    hs.ex.certificate_verify = {
      record,
      ok,
      text: `MD5(master_secret + pad_2 + MD5(handshake_messages + master_secret + pad_1)) + SHA(...) = ${toHex(expected)}, signed with the client certificate's key [RFC 6101 5.6.8]: ${ok ? 'signature ok' : 'the signature does not verify'}`,
    };
  }

  /** Finds this handshake's secret (once), derives its keys and makes them the pending keys of both directions. */
  private findKeys(record: number): void {
    const hs = this.hs;
    if (!hs || hs.searched || !hs.serverHello || !hs.suite || hs.tls) return;
    if (!hs.resumed && !hs.encrypted) return; // a full handshake's secret is in its ClientKeyExchange
    hs.searched = true;
    let secret: SecretSource | undefined;
    try {
      secret = findSecret({ ...hs, clientHello: hs.clientHello!, serverHello: hs.serverHello, notes: hs.ex.notes }, this.keys, this.sessions);
    } catch (e) {
      // A certificate or key exchange that does not parse: say so, and go on without keys.
      hs.ex.notes.push(`the keys cannot be found: ${(e as Error).message}`);
    }
    if (!secret) {
      if (!this.missingKeyNoted) this.ex.notes.push(missingKey({ ...hs, clientHello: hs.clientHello!, serverHello: hs.serverHello }, this.keys, record, this.traced));
      this.missingKeyNoted = true;
      return;
    }
    const clientRandom = hs.clientHello!.random;
    const serverRandom = hs.serverHello.random;
    const derived = deriveKeys(hs.suite, secret, clientRandom, serverRandom, record);
    hs.master = derived.master;
    hs.ex.keys = derived.keys;
    const kb = derived.keyBlock;
    this.sides[0].pending = new RecordDecryptor(hs.suite, kb.clientMacSecret, kb.clientKey, kb.clientIv);
    this.sides[1].pending = new RecordDecryptor(hs.suite, kb.serverMacSecret, kb.serverKey, kb.serverIv);
    const logged = this.keys.keyLog.masterByClientRandom.get(toHex(clientRandom));
    if (logged && !bytesEqual(logged, derived.master)) hs.ex.notes.push("the key log's master_secret for this client random differs from the one derived here; the derived one is used");
    if (!hs.resumed && hs.serverHello.sessionId.length) this.sessions.set(toHex(hs.serverHello.sessionId), { master: derived.master, tcpStream: this.tcpStream });
  }
}
