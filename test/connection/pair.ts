/**
 * Test plumbing: a client and a server Connection wired back to back in memory, with a
 * server identity made once per process. Lets tests intercept and rewrite what crosses.
 */
import { Connection, type CloseInfo, type ConnectionOptions, type TraceEvent } from '../../src/connection/connection.js';
import type { HandshakeResult } from '../../src/handshake/context.js';
import { DEFAULT_SUITES } from '../../src/ciphers/suites.js';
import { generateRsaKey } from '../../src/pki/rsa.js';
import type { RsaPrivateKey } from '../../src/pki/rsa-key.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';

export interface Identity {
  key: RsaPrivateKey;
  cert: Uint8Array;
}

let serverIdentity: Identity | undefined;
let clientIdentity: Identity | undefined;

export function identity(which: 'server' | 'client' = 'server'): Identity {
  if (which === 'server') {
    if (!serverIdentity) {
      const key = generateRsaKey(1024);
      serverIdentity = { key, cert: selfSignedCertificate({ key, hostname: 'server.test', ips: ['127.0.0.1'], days: 30 }).raw };
    }
    return serverIdentity;
  }
  if (!clientIdentity) {
    const key = generateRsaKey(1024);
    clientIdentity = { key, cert: selfSignedCertificate({ key, hostname: 'client.test', days: 30 }).raw };
  }
  return clientIdentity;
}

export interface Side {
  conn: Connection;
  /** Records this side wrote, in order. */
  sent: Uint8Array[];
  data: Uint8Array[];
  secure: HandshakeResult[];
  closed?: CloseInfo;
  alerts: { direction: string; level: number; name: string }[];
  keylog: string[];
}

/** Cuts a buffer of whole records (what takeOutput() returns) into its records. */
export function splitRecords(bytes: Uint8Array): Uint8Array[] {
  const records: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const end = at + 5 + ((bytes[at + 3] << 8) | bytes[at + 4]);
    if (end > bytes.length) throw new Error(`output ends inside a record (${bytes.length - at} bytes left)`);
    records.push(bytes.subarray(at, end));
    at = end;
  }
  return records;
}

/** The Connection methods after which its output is taken (everything that can produce records). */
const PRODUCERS = ['start', 'receive', 'write', 'close', 'renegotiate', 'abort', 'transportClosed'] as const;

/**
 * Makes `conn` hand its output to `sink`, record by record, after each call that can produce
 * some and whenever it says output is ready (an asynchronous step finished): the tests drive
 * the engine as before, one record per sink call, while the engine itself is pull-based.
 */
export function pumpOutput(conn: Connection, sink: (record: Uint8Array) => void): () => void {
  const take = () => {
    for (const r of splitRecords(conn.takeOutput())) sink(r);
  };
  for (const name of PRODUCERS) {
    const original = conn[name].bind(conn) as (...args: unknown[]) => void;
    (conn as unknown as Record<string, (...args: unknown[]) => void>)[name] = (...args: unknown[]) => {
      try {
        original(...args);
      } finally {
        take();
      }
    };
  }
  return take;
}

function side(role: 'client' | 'server', options: ConnectionOptions, deliver: (b: Uint8Array) => void, trace?: (e: TraceEvent) => void): Side {
  const s: Side = { sent: [], data: [], secure: [], alerts: [], keylog: [] } as unknown as Side;
  let take = () => {};
  s.conn = new Connection(role, options, {
    outputReady: () => take(),
    data: (d) => s.data.push(d),
    secure: (r) => s.secure.push(r),
    close: (info) => (s.closed = info),
    alert: (a) => s.alerts.push({ direction: a.direction, level: a.level, name: a.name }),
    keylog: (l) => s.keylog.push(l),
    trace,
  });
  take = pumpOutput(s.conn, (b) => {
    s.sent.push(b);
    deliver(b);
  });
  return s;
}

export interface PairOptions {
  client?: Partial<ConnectionOptions>;
  server?: Partial<ConnectionOptions>;
  /** Rewrites (or drops, returning undefined) each record on its way; default passes it on. */
  toServer?: (record: Uint8Array, index: number) => Uint8Array | Uint8Array[] | undefined;
  toClient?: (record: Uint8Array, index: number) => Uint8Array | Uint8Array[] | undefined;
  /** Receives the server's trace events. */
  serverTrace?: (e: TraceEvent) => void;
  /** Receives the client's trace events. */
  clientTrace?: (e: TraceEvent) => void;
}

/** Runs a handshake to completion (synchronously: every write is delivered at once). */
export function pair(opts: PairOptions = {}): { client: Side; server: Side } {
  const id = identity();
  let toServerIndex = 0;
  let toClientIndex = 0;
  const queue: (() => void)[] = [];
  let draining = false;
  const run = (f: () => void) => {
    queue.push(f);
    if (draining) return;
    draining = true;
    while (queue.length) queue.shift()!();
    draining = false;
  };
  const forward = (target: () => Side, rewrite: PairOptions['toServer'], counter: () => number) => (b: Uint8Array) => {
    const out = rewrite ? rewrite(b, counter()) : b;
    if (!out) return;
    for (const chunk of Array.isArray(out) ? out : [out]) run(() => target().conn.receive(chunk));
  };
  const server: Side = side(
    'server',
    { suites: DEFAULT_SUITES, certificateChain: [id.cert], privateKey: id.key, ...opts.server },
    forward(() => client, opts.toClient, () => toClientIndex++),
    opts.serverTrace,
  );
  const client: Side = side(
    'client',
    { suites: DEFAULT_SUITES, ...opts.client },
    forward(() => server, opts.toServer, () => toServerIndex++),
    opts.clientTrace,
  );
  server.conn.start();
  run(() => client.conn.start());
  return { client, server };
}
