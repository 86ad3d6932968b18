/**
 * A harness Wire straight into one of our engine's Connections, in memory: the harness's
 * bytes go to conn.receive(), the connection's output comes back on the next turn of the
 * event loop (as a network would deliver it), its close ends the wire. Every byte the harness
 * wrote is kept, so a test can compare two runs byte for byte.
 */
import { Connection, type CloseInfo, type ConnectionOptions, type Role } from '../../src/connection/connection.js';
import type { Wire } from '../../src/harness/index.js';
import { DEFAULT_SUITES } from '../../src/ciphers/suites.js';
import { identity } from '../connection/pair.js';

export interface EngineWire extends Wire {
  readonly conn: Connection;
  /** What the harness wrote, one entry per write. */
  readonly written: Uint8Array[];
  /** Application data the engine received. */
  readonly data: Uint8Array[];
  closed?: CloseInfo;
}

/**
 * Our engine playing `role` (a server with the shared test identity), wired to a harness
 * conversation. `answer` replies to each piece of application data the engine receives.
 */
export function engineWire(role: Role, options: Partial<ConnectionOptions> = {}, answer?: (data: Uint8Array) => Uint8Array | string): EngineWire {
  const id = identity();
  const base: ConnectionOptions = role === 'server' ? { suites: DEFAULT_SUITES, certificateChain: [id.cert], privateKey: id.key } : { suites: DEFAULT_SUITES };
  let events: Parameters<Wire['start']>[0] | undefined;
  let ended = false;
  const wire: EngineWire = {
    written: [],
    data: [],
    conn: undefined as unknown as Connection,
    write(bytes) {
      wire.written.push(bytes.slice());
      if (ended) return;
      wire.conn.receive(bytes);
      flush();
    },
    end() {
      wire.conn.transportClosed();
      flush();
    },
    close() {
      ended = true;
    },
    start(e) {
      events = e;
      flush();
    },
  };
  const flush = () => {
    const out = wire.conn.takeOutput();
    const closed = wire.conn.isClosed;
    setImmediate(() => {
      if (out.length) events?.data(out);
      if (closed && !ended) {
        ended = true;
        events?.closed('end');
      }
    });
  };
  (wire as { conn: Connection }).conn = new Connection(role, { ...base, ...options }, {
    data: (d) => {
      wire.data.push(d);
      const reply = answer?.(d);
      if (reply !== undefined) wire.conn.write(typeof reply === 'string' ? new TextEncoder().encode(reply) : reply);
    },
    close: (info) => (wire.closed = info),
    outputReady: () => flush(),
  });
  wire.conn.start();
  return wire;
}
