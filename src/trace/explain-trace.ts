/**
 * A JSON-lines trace (`--trace-json`, json-trace.ts) explained like a capture (explain.ts), for
 * `ssl3 view TRACE.jsonl`. A trace is one end's view of its connections: each record's type,
 * length and whether it was encrypted, each handshake message's body as that end sent or got
 * it (decrypted), and with --trace-keys each handshake's master_secret. From these the records
 * are rebuilt, as far as the trace tells them (RFC 6101 5.2.1: handshake records carry the
 * message bytes; a ChangeCipherSpec is the one byte 1; alerts and application data are not in
 * a trace, only their lengths), and walked by the same code that explains a capture
 * (explain-connection.ts): the same messages, derivation (the keys events act as a key log)
 * and Finished checks. There is no ciphertext, so nothing is decrypted.
 *
 * The trace marks no connection: a new one starts at an unencrypted record that opens with a
 * ClientHello once the current one has had its own. A server trace of connections that
 * overlapped in time interleaves them and cannot be told apart: a capture (--pcap) can.
 * Lines written by both ends into one file (their "role" differs) are explained as two views.
 */
import { ContentType, SSL3_VERSION } from '../record/content-types.js';
import { HandshakeType, decodeClientHello, decodeV2ClientHello, encodeHandshake } from '../handshake/messages.js';
import { concatBytes, fromHex, toHex } from '../util/bytes.js';
import { explainRecords, type Framed, type SessionTable } from './explain-connection.js';
import type { ExplainKeys } from './explain-keys.js';
import type { CaptureExplanation, ConnectionExplanation } from './explain-model.js';

type Role = 'client' | 'server';

/** One line of the trace, as json-trace.ts writes it (only what is used here). */
interface TraceLine {
  line: number;
  time: number;
  role?: Role;
  event: 'record' | 'handshake' | 'note' | 'keys';
  direction?: 'in' | 'out';
  content_type?: string;
  length?: number;
  encrypted?: boolean;
  message?: string;
  body?: string;
  text?: string;
  master_secret?: string;
}

const CONTENT_TYPES = new Map<string, number>(Object.entries(ContentType));
const HANDSHAKE_TYPES = new Map<string, number>(Object.entries(HandshakeType));
const V2_HELLO = 'client_hello (SSLv2 format)';
const HEX = /^(?:[0-9a-f]{2})*$/;

/** The line as an event, or why it is not one. */
function parseLine(text: string, line: number): TraceLine | string {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'not a JSON object';
  const e = o as Record<string, unknown>;
  const str = (k: string) => (typeof e[k] === 'string' ? (e[k] as string) : undefined);
  const event = str('event');
  if (event !== 'record' && event !== 'handshake' && event !== 'note' && event !== 'keys') return `no trace event (event: ${JSON.stringify(e.event)})`;
  const direction = str('direction');
  if ((event === 'record' || event === 'handshake') && direction !== 'in' && direction !== 'out') return `a ${event} event without direction "in" or "out"`;
  const role = str('role');
  const out: TraceLine = {
    line,
    time: Date.parse(str('time') ?? '') / 1000,
    event,
    ...(role === 'client' || role === 'server' ? { role } : {}),
    ...(direction === 'in' || direction === 'out' ? { direction } : {}),
  };
  if (event === 'record') {
    const type = str('content_type');
    if (!type || typeof e.length !== 'number' || !Number.isInteger(e.length) || e.length < 0 || typeof e.encrypted !== 'boolean') return 'a record event without content_type, length and encrypted';
    return { ...out, content_type: type, length: e.length, encrypted: e.encrypted };
  }
  if (event === 'handshake') {
    const message = str('message');
    const body = str('body');
    if (!message || body === undefined || !HEX.test(body)) return 'a handshake event without message and body (hex)';
    if (message !== V2_HELLO && !HANDSHAKE_TYPES.has(message)) return `a handshake message of unknown type ${JSON.stringify(message)}`;
    return { ...out, message, body };
  }
  if (event === 'keys') {
    const master = str('master_secret');
    if (!master || !/^[0-9a-f]{96}$/.test(master)) return 'a keys event without a 48-byte master_secret';
    return { ...out, master_secret: master };
  }
  return { ...out, text: str('text') ?? '' };
}

/** A hello's random, or undefined when it does not decode (the walk says why). */
function randomOf(decode: (body: Uint8Array) => { random: Uint8Array }, body: Uint8Array): Uint8Array | undefined {
  try {
    return decode(body).random;
  } catch {
    return undefined;
  }
}

/** Bytes that arrive in pieces and leave in other pieces: the handshake messages of one direction, cut into its records. */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }

  take(n: number): Uint8Array {
    const all = concatBytes(...this.chunks);
    this.chunks = n < all.length ? [all.subarray(n)] : [];
    this.size = all.length - n;
    return all.subarray(0, n);
  }
}

interface Conversation {
  records: Framed[];
  notes: string[];
  hello: boolean;
}

/** The connections in one end's lines. */
class View {
  readonly conversations: Conversation[] = [{ records: [], notes: [], hello: false }];
  private readonly bytes: [ByteQueue, ByteQueue] = [new ByteQueue(), new ByteQueue()];
  /** Handshake records whose bytes are still to come, per side. */
  private readonly waiting: [Framed[], Framed[]] = [[], []];
  /** The last ClientHello's random, which a keys event that follows belongs to. */
  private clientRandom?: Uint8Array;

  constructor(
    private readonly role: Role,
    private readonly keys: ExplainKeys,
  ) {}

  private get current(): Conversation {
    return this.conversations[this.conversations.length - 1];
  }

  /** 0 for the client's records, 1 for the server's. */
  private side(direction: 'in' | 'out'): 0 | 1 {
    return (direction === 'out') === (this.role === 'client') ? 0 : 1;
  }

  add(e: TraceLine): void {
    switch (e.event) {
      case 'note':
        this.current.notes.push(`trace line ${e.line}: ${e.text}`);
        return;
      case 'keys':
        if (this.clientRandom) this.keys.keyLog.masterByClientRandom.set(toHex(this.clientRandom), fromHex(e.master_secret!));
        else this.current.notes.push(`trace line ${e.line}: keys before any ClientHello, not used`);
        return;
      case 'handshake':
        return this.message(e);
      case 'record':
        return this.record(e);
    }
  }

  private message(e: TraceLine): void {
    const side = this.side(e.direction!);
    const body = fromHex(e.body!);
    if (e.message === V2_HELLO) {
      // The engine traces an SSLv2-format hello as a message alone: it has no SSL 3.0 record.
      this.clientRandom = randomOf(decodeV2ClientHello, body);
      this.push({ side, frame: e.line, time: e.time, v2: true, type: ContentType.handshake, version: 0x0002, body, traced: { encrypted: false, length: body.length, content: true } });
      return;
    }
    const type = HANDSHAKE_TYPES.get(e.message!)!;
    if (type === HandshakeType.client_hello) this.clientRandom = randomOf(decodeClientHello, body);
    this.bytes[side].push(encodeHandshake(type, body));
    this.settle(side);
  }

  private record(e: TraceLine): void {
    const side = this.side(e.direction!);
    const type = CONTENT_TYPES.get(e.content_type!);
    // The engine writes 3.0; what version a peer's record carried the trace does not say.
    const version = e.direction === 'out' ? SSL3_VERSION : -1;
    const r: Framed = { side, frame: e.line, time: e.time, v2: false, type: type ?? -1, version, body: new Uint8Array(0), traced: { encrypted: e.encrypted!, length: e.length!, content: false } };
    if (type === ContentType.handshake) {
      this.waiting[side].push(r);
      this.push(r);
      this.settle(side);
      return;
    }
    if (type === ContentType.change_cipher_spec && e.length === 1) {
      // RFC 6101 5.3: the message is the single byte 1, and the engine takes no other.
      r.body = Uint8Array.of(1);
      r.traced!.content = true;
    }
    this.push(r);
  }

  /** Gives the handshake records of one side their bytes, as far as the messages have come. */
  private settle(side: 0 | 1): void {
    const queue = this.waiting[side];
    while (queue.length && this.bytes[side].length >= queue[0].traced!.length) {
      const r = queue.shift()!;
      r.body = this.bytes[side].take(r.traced!.length);
      r.traced!.content = true;
      if (!r.traced!.encrypted && r.body[0] === HandshakeType.client_hello) this.opens(r);
    }
  }

  private push(r: Framed): void {
    if (r.v2) this.opens(r);
    this.current.records.push(r);
  }

  /** A record that opens with a ClientHello in the clear: a new connection, when the current one had its hello. */
  private opens(r: Framed): void {
    const c = this.current;
    if (!c.hello) {
      c.hello = true;
      return;
    }
    const at = c.records.indexOf(r);
    const moved = at < 0 ? [] : c.records.splice(at);
    this.conversations.push({ records: moved, notes: [], hello: true });
  }
}

/** Explains the trace's connections; `keys` may add keys the trace lacks (a key log, the server's key). */
export function explainTrace(text: string, keys: ExplainKeys): CaptureExplanation {
  const notes: string[] = [];
  const lines: TraceLine[] = [];
  const skipped: string[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (!l.trim()) return;
    const parsed = parseLine(l, i + 1);
    if (typeof parsed === 'string') skipped.push(`${i + 1} (${parsed})`);
    else lines.push(parsed);
  });
  if (skipped.length) notes.push(`${skipped.length} line${skipped.length > 1 ? 's' : ''} skipped: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', ...' : ''}`);
  // Which end wrote each line: its role, or, without one, the end that sent the first ClientHello.
  const firstHello = lines.find((l) => l.event === 'handshake' && l.message?.startsWith('client_hello'));
  const implied: Role = firstHello?.direction === 'in' ? 'server' : 'client';
  const roles = [...new Set(lines.map((l) => l.role ?? implied))];
  const out: CaptureExplanation = { format: 'json-trace', frames: text.split(/\r?\n/).filter((l) => l.trim()).length, notes, connections: [], other_tcp_streams: [] };
  const sessions: SessionTable = new Map();
  for (const role of roles) {
    const view = new View(role, keys);
    for (const l of lines) if ((l.role ?? implied) === role) view.add(l);
    for (const c of view.conversations) {
      if (!c.records.length) continue;
      const ex: ConnectionExplanation = {
        tcp_stream: out.connections.length,
        client: role === 'client' ? 'client (the end that wrote this trace)' : 'client',
        server: role === 'server' ? 'server (the end that wrote this trace)' : 'server',
        protocol: 'unknown (the trace holds no ServerHello)',
        handshakes: [],
        records: [],
        notes: [],
      };
      explainRecords(ex, c.records, keys, sessions);
      ex.notes.push(...c.notes);
      out.connections.push(ex);
    }
  }
  return out;
}
