/**
 * The server of the soak (soak/load.ts): `ssl3 serve`'s HTTPS server (HttpsServer with the IOS
 * policies, max-connections raised) in a child process of its own, so that its memory,
 * handles and event loop are measured apart from the thousand clients. It answers over IPC:
 * 'stats' (RSS, heap, active handles, connection counters, the event-loop delay histogram
 * since the last 'reset'), 'gc' (a full collection first, then the stats) and 'stop'.
 *
 * Started with --expose-gc so that 'gc' can collect before a leak is judged.
 */
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createServer } from '../src/http/https-server.js';
import { selfSignedCertificate } from '../src/pki/selfsign.js';
import { nodeRsaKey } from '../test/helpers/keys.js';

export interface SoakServerConfig {
  bits: number;
  maxConnections: number;
  /** IOS timeout-policy idle and life, seconds. */
  idle: number;
  life: number;
}

export interface SoakServerStats {
  rss: number;
  heapUsed: number;
  /** Active libuv handles and requests by kind (process.getActiveResourcesInfo()). */
  handles: number;
  handleKinds: Record<string, number>;
  counters: { accepted: number; refused: number; yielded: number; current: number; peak: number; requests: number };
  /** Event-loop delay since the last reset, milliseconds (10 ms sampling). */
  loop: { max: number; p99: number; mean: number };
}

export type SoakServerRequest = { op: 'stats' | 'gc' | 'reset' | 'stop' };
export type SoakServerReply = { op: 'listening'; port: number } | { op: 'stats'; stats: SoakServerStats } | { op: 'stopped' };

const send = (m: SoakServerReply) => process.send!(m);
if (!process.send) throw new Error('soak/server.ts runs as a child process started by soak/load.ts (with an IPC channel)');

const config = JSON.parse(process.argv[2] ?? '{}') as SoakServerConfig;
const key = nodeRsaKey(config.bits);
const cert = selfSignedCertificate({ key, hostname: 'soak.test', ips: ['127.0.0.1'], days: 2 }).raw;
const BODY = 'soak ok\n';
const server = createServer(
  { key, cert, policy: { maxConnections: config.maxConnections, timeout: { idle: config.idle, life: config.life, requests: 1 } } },
  (req, res) => {
    req.resume();
    req.on('end', () => res.end(BODY));
  },
);
server.ssl.on('tlsClientError', () => {});

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

function stats(): SoakServerStats {
  const m = process.memoryUsage();
  const kinds: Record<string, number> = {};
  const resources = process.getActiveResourcesInfo();
  for (const r of resources) kinds[r] = (kinds[r] ?? 0) + 1;
  const c = server.counters;
  const ms = (ns: number) => ns / 1e6;
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    handles: resources.length,
    handleKinds: kinds,
    counters: { accepted: c.accepted, refused: c.refused, yielded: c.yielded, current: c.current, peak: c.peak, requests: c.requests },
    loop: { max: ms(delay.max), p99: ms(delay.percentile(99)), mean: ms(delay.mean) },
  };
}

process.on('message', (m: SoakServerRequest) => {
  switch (m.op) {
    case 'stats':
      return send({ op: 'stats', stats: stats() });
    case 'gc':
      // Two passes: the first runs finalizers that free what the second collects.
      (globalThis as { gc?: () => void }).gc?.();
      (globalThis as { gc?: () => void }).gc?.();
      return setTimeout(() => send({ op: 'stats', stats: stats() }), 200);
    case 'reset':
      delay.reset();
      return send({ op: 'stats', stats: stats() });
    case 'stop':
      delay.disable();
      void server.close(1000).then(() => {
        send({ op: 'stopped' });
        process.disconnect();
      });
      return;
  }
});

await server.listen(0, '127.0.0.1');
send({ op: 'listening', port: (server.address() as AddressInfo).port });
