/**
 * Two SSL 3.0 peers in one program, for the viewer's lab: the engine's client and server
 * Connections (src/connection) wired back to back, running RFC 6101's full handshake, one
 * request and one response, and close_notify each way. Nothing here touches Node or a
 * network, so it runs in the page as it runs in the tests.
 *
 * Everything is deterministic for a seed: the server's key and certificate, every random
 * value (seededRandom, gmt_unix_time included) and the clock. So a run repeats byte for byte,
 * and a learner who changes one byte of one record (`tamper`) sees exactly what that change
 * breaks: every record before it is the same as in the run without it.
 */
import { DEFAULT_SUITES, type CipherSuite } from '../ciphers/suites.js';
import { Connection, type CloseInfo } from '../connection/connection.js';
import type { PeerVerdict } from '../handshake/context.js';
import { generateRsaKey } from '../pki/rsa.js';
import type { RsaPrivateKey } from '../pki/rsa-key.js';
import { selfSignedCertificate } from '../pki/selfsign.js';
import { bytesEqual, concatBytes, toHex } from '../util/bytes.js';
import { seededRandom } from '../util/random.js';
import { explainConnection } from '../trace/explain-connection.js';
import { emptyKeyLog, readKeyLog } from '../trace/explain-keys.js';
import type { ConnectionExplanation } from '../trace/explain-model.js';
import type { StreamChunk, TcpConnection, TcpStream } from '../trace/tcp-reassembly.js';

export type Sender = 'client' | 'server';

/** One change to what crosses: byte `offset` on of the `record`-th record (0-based) `sender` sends becomes `bytes`. */
export interface DuetTamper {
  sender: Sender;
  record: number;
  /** From the start of the record, its 5-byte header included. */
  offset: number;
  bytes: Uint8Array;
}

export interface DuetOptions {
  /** Every key and random value derives from it (default 'lesson'). */
  seed?: string;
  /** What the client offers (default: the default suites; the server takes its first). */
  suites?: readonly CipherSuite[];
  tamper?: DuetTamper;
}

/** A record as it crossed, in the order the peers received them. */
export interface DuetRecord {
  sender: Sender;
  /** This record's place among its sender's records, from 0. */
  index: number;
  bytes: Uint8Array;
  /** What the sender wrote, when `tamper` changed it on the way. */
  original?: Uint8Array;
}

/** How one end's run went. */
export interface EndOutcome {
  /** The negotiated suite, once its handshake completed. */
  suite?: string;
  alerts: { direction: 'sent' | 'received'; level: 'warning' | 'fatal'; name: string }[];
  /** How it ended; undefined while it still waits for bytes that never came. */
  closed?: { clean: boolean; kind?: string; reason?: string };
  /** The application data it received, as text. */
  received: string;
}

export interface DuetRun {
  seed: string;
  records: DuetRecord[];
  /** NSS key log lines (CLIENT_RANDOM), as both ends derived them. */
  keyLog: string;
  client: EndOutcome;
  server: EndOutcome;
  /** Where the tamper applied, or why it did not. */
  tamper?: { applied: boolean; note: string };
}

export const DUET_REQUEST = 'GET / HTTP/1.0\r\n\r\n';
export const DUET_RESPONSE = 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from the server in this page\n';
/** The clock of both ends: fixed, so certificates and hello times do not depend on the day. */
const NOW = Date.UTC(2025, 0, 1);
const SERVER_NAME = 'server.lesson';

const identities = new Map<string, { key: RsaPrivateKey; cert: Uint8Array }>();

/** The server's RSA key and self-signed certificate for a seed (made once; 1024 bits: a lesson, not a secret). */
function identity(seed: string): { key: RsaPrivateKey; cert: Uint8Array } {
  let id = identities.get(seed);
  if (!id) {
    const random = seededRandom(`${seed}/server identity`);
    const key = generateRsaKey(1024, { random });
    id = { key, cert: selfSignedCertificate({ key, hostname: SERVER_NAME, now: new Date(NOW), days: 3650, random }).raw };
    identities.set(seed, id);
  }
  return id;
}

/** Cuts a buffer of whole records (what takeOutput() returns) at their 5-byte headers (RFC 6101 5.2.1). */
function splitRecords(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at + 5 <= bytes.length; ) {
    const end = Math.min(bytes.length, at + 5 + ((bytes[at + 3] << 8) | bytes[at + 4]));
    out.push(bytes.slice(at, end));
    at = end;
  }
  return out;
}

function closeOutcome(info: CloseInfo): EndOutcome['closed'] {
  if (!info.error) return { clean: info.clean };
  return { clean: false, kind: info.error.kind, reason: info.error.message };
}

/** Runs the two peers until neither has anything left to say. */
export async function runDuet(options: DuetOptions = {}): Promise<DuetRun> {
  const seed = options.seed ?? 'lesson';
  const id = identity(seed);
  const run: DuetRun = {
    seed,
    records: [],
    keyLog: '',
    client: { alerts: [], received: '' },
    server: { alerts: [], received: '' },
  };
  const tamper = options.tamper;
  if (tamper) run.tamper = { applied: false, note: `the ${tamper.sender} never sent record ${tamper.record + 1}` };
  const decoder = new TextDecoder();
  const common = { now: () => NOW, randomHelloTime: true };
  // The client trusts exactly this certificate: a changed Certificate message is refused.
  const verifyPeer = (chain: readonly Uint8Array[]): PeerVerdict =>
    chain.length && bytesEqual(chain[0], id.cert) ? { ok: true } : { ok: false, kind: 'CERTIFICATE_UNTRUSTED', reason: `the server's certificate is not the one this client trusts (${SERVER_NAME})` };

  let pump = () => {};
  const events = (end: EndOutcome, onData: (c: Connection) => void, self: () => Connection) => ({
    outputReady: () => pump(),
    data: (d: Uint8Array) => {
      end.received += decoder.decode(d);
      onData(self());
    },
    secure: (r: { suite: CipherSuite }) => (end.suite = r.suite.rfcName),
    close: (info: CloseInfo) => (end.closed = closeOutcome(info)),
    alert: (a: { direction: 'sent' | 'received'; level: number; name: string }) => end.alerts.push({ direction: a.direction, level: a.level === 2 ? 'fatal' : 'warning', name: a.name }),
    keylog: (line: string) => {
      if (!run.keyLog.includes(line)) run.keyLog += line;
    },
  });
  const server: Connection = new Connection(
    'server',
    { suites: DEFAULT_SUITES, certificateChain: [id.cert], privateKey: id.key, random: seededRandom(`${seed}/server`), ...common },
    // The server answers the whole request (it may come in two records: 1/n-1) and closes; the
    // client, having read the whole answer, closes too.
    events(run.server, (c) => run.server.received === DUET_REQUEST && (c.write(new TextEncoder().encode(DUET_RESPONSE)), c.close()), () => server),
  );
  const client: Connection = new Connection(
    'client',
    { suites: options.suites ?? DEFAULT_SUITES, random: seededRandom(`${seed}/client`), verifyPeer, ...common },
    { ...events(run.client, (c) => run.client.received === DUET_RESPONSE && c.close(), () => client), secure: (r: { suite: CipherSuite }) => ((run.client.suite = r.suite.rfcName), client.write(new TextEncoder().encode(DUET_REQUEST))) },
  );
  const counts = { client: 0, server: 0 };
  const ends = [
    { sender: 'client' as const, from: client, to: server },
    { sender: 'server' as const, from: server, to: client },
  ];
  let pumping = false;
  pump = () => {
    if (pumping) return;
    pumping = true;
    try {
      for (let moved = true; moved; ) {
        moved = false;
        for (const { sender, from, to } of ends) {
          const out = from.takeOutput();
          if (!out.length) continue;
          moved = true;
          for (const bytes of splitRecords(out)) {
            const record: DuetRecord = { sender, index: counts[sender]++, bytes };
            if (tamper && tamper.sender === sender && tamper.record === record.index) applyTamper(record, tamper, run);
            run.records.push(record);
            to.receive(record.bytes);
          }
        }
      }
    } finally {
      pumping = false;
    }
  };
  server.start();
  client.start();
  pump();
  // An asynchronous handshake step would resume later (outputReady pumps again): let it.
  await Promise.resolve();
  pump();
  return run;
}

function applyTamper(record: DuetRecord, t: DuetTamper, run: DuetRun): void {
  if (t.offset < 0 || t.offset + t.bytes.length > record.bytes.length) {
    run.tamper = { applied: false, note: `bytes ${t.offset}..${t.offset + t.bytes.length} are outside the ${t.sender}'s record ${t.record + 1} (${record.bytes.length} bytes)` };
    return;
  }
  const changed = record.bytes.slice();
  changed.set(t.bytes, t.offset);
  run.tamper = {
    applied: true,
    note: `the ${t.sender}'s record ${t.record + 1}: bytes ${t.offset}..${t.offset + t.bytes.length - 1} changed from ${toHex(record.bytes.subarray(t.offset, t.offset + t.bytes.length))} to ${toHex(t.bytes)} on the way`,
  };
  if (bytesEqual(changed, record.bytes)) return;
  record.original = record.bytes;
  record.bytes = changed;
}

/** One line per end: what it negotiated, received, sent, and how it ended. */
export function outcomeLines(run: DuetRun): string[] {
  return (['client', 'server'] as const).map((name) => {
    const end = run[name];
    const parts = [end.suite ? `handshake complete (${end.suite})` : 'no handshake completed'];
    if (end.received) parts.push(`received ${new TextEncoder().encode(end.received).length} bytes of application data`);
    for (const a of end.alerts) parts.push(`${a.direction} ${a.level} alert ${a.name}`);
    const c = end.closed;
    if (!c) parts.push('still open: it waits for bytes that never came');
    else if (c.kind && c.kind !== 'PEER_ALERT') parts.push(`failed: ${c.kind} (${c.reason})`);
    else if (c.clean) parts.push('closed cleanly');
    return `${name}: ${parts.join('; ')}`;
  });
}

/** Whether both ends completed the handshake and closed cleanly. */
export function duetSucceeded(run: DuetRun): boolean {
  return !!(run.client.suite && run.server.suite && run.client.closed?.clean && run.server.closed?.clean);
}


/**
 * The run explained as `ssl3 explain` explains a capture (src/trace): each end's bytes as the
 * other received them, framed by the receiver's record reader, each record's frame number its
 * place in the order of delivery (so a DuetRecord is `run.records[frame - 1]`), decrypted with
 * the server's key, which also shows the pre_master_secret and every step from it.
 */
export function explainDuet(run: DuetRun): ConnectionExplanation {
  const stream = (sender: Sender): TcpStream => {
    const chunks: StreamChunk[] = [];
    let offset = 0;
    run.records.forEach((r, i) => {
      if (r.sender !== sender) return;
      chunks.push({ offset, length: r.bytes.length, frame: i + 1, time: NaN });
      offset += r.bytes.length;
    });
    return { bytes: concatBytes(...run.records.filter((r) => r.sender === sender).map((r) => r.bytes)), chunks, fin: true, reset: false, notes: [] };
  };
  const conn: TcpConnection = {
    endpoints: [
      { address: '127.0.0.1', port: 1 },
      { address: '127.0.0.1', port: 2 },
    ],
    streams: [stream('client'), stream('server')],
    initiator: 0,
    firstFrame: 1,
  };
  const keyLog = emptyKeyLog();
  readKeyLog(run.keyLog, keyLog);
  const ex = explainConnection(conn, 0, { keyLog, serverKeys: [{ name: 'the lab server key', key: identity(run.seed).key }] }, new Map());
  if (!ex) throw new Error('the lab run carries no SSL');
  return { ...ex, client: 'client (in this page)', server: 'server (in this page)' };
}
