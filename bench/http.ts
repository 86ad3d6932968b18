/**
 * HTTP requests per second over HTTPS, the server in its own thread (engine.ts, server kinds
 * https-ours and https-native in server-worker.ts), answering every GET with a 5-byte body.
 * Ours is src/http/https-server.ts with our https-client Agent (SSL 3.0, AES128-SHA, the
 * default suite list's first); native is node:https on both ends (TLS 1.2, AES128-SHA, no
 * session tickets, same key and certificate). Each measurement keeps IN_FLIGHT requests queued
 * on its agent, starting a new one as each response ends, until the time budget is spent.
 *
 *   http-keepalive  Agent({ keepAlive: true, maxSockets: 1 }): every request on ONE
 *                   connection (checked), opened during the warm-up, so no handshakes are
 *                   measured; node:http does not pipeline, so the queued requests go one at a time.
 *   http-newconn    Agent({ keepAlive: false }): a new connection per request ('Connection:
 *                   close'), IN_FLIGHT of them at once (checked: one socket per request).
 *                   Both sides resume sessions, so these are mostly abbreviated handshakes:
 *                   our Agent remembers the last SSL session per host:port and offers it on
 *                   each new connection; node's https.Agent keeps a TLS session cache
 *                   (maxCachedSessions, 100 by default) and offers the cached session, which
 *                   the native server resumes by session ID (its newSession/resumeSession store).
 *                   The share of resumed connections is checked to be at least RESUMED_MIN.
 *                   Both clients are given the CA as PEM in the agent's options, as usual;
 *                   node then builds a SecureContext per connection (as the hs-* rows' native
 *                   client does), which costs it: handing its agent one shared
 *                   `secureContext` instead raised native's figure by about 45% on a 2-core box.
 */
import type * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import type { Row } from './measure.js';
import { track, withServerThread, type ServerThread } from './engine.js';
import { benchIdentity, HOST, HTTP_BODY, NATIVE_TLS } from './identity.js';
import { Agent, get } from '../src/http/https-client.js';

const IN_FLIGHT = 8;
const BUDGET_MS = 2000;
const WARM_MS = 300;
const ROUNDS = 2;
const RESUMED_MIN = 0.9;

type Side = 'ours' | 'native';

interface Client {
  get(path: string, callback: (res: http.IncomingMessage) => void): http.ClientRequest;
  destroy(): void;
}

function makeClient(side: Side, port: number, keepAlive: boolean): Client {
  const { certPem } = benchIdentity();
  const agentOptions = { keepAlive, maxSockets: keepAlive ? 1 : Infinity };
  if (side === 'ours') {
    const agent = new Agent({ ...agentOptions, ca: certPem, ciphers: 'aes-128-cbc-sha' });
    return { get: (path, cb) => get(`https://${HOST}:${port}${path}`, { agent }, cb), destroy: () => agent.destroy() };
  }
  const agent = new https.Agent({ ...agentOptions, ca: certPem, ...NATIVE_TLS });
  return { get: (path, cb) => https.get({ host: HOST, port, path, agent }, cb), destroy: () => agent.destroy() };
}

interface Tally {
  rate: number;
  requests: number;
  sockets: Set<Duplex>;
  resumed: number;
}

/** Completed requests per second, keeping `inFlight` requests going for `budgetMs`. */
function requestRate(client: Client, budgetMs: number, inFlight: number): Promise<Tally> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let last = start;
    let done = 0;
    let open = 0;
    let failed: Error | undefined;
    const sockets = new Set<Duplex>();
    let resumed = 0;
    const settle = () => {
      if (open) return;
      if (failed) reject(failed);
      else resolve({ rate: done / ((last - start) / 1000), requests: done, sockets, resumed });
    };
    const launch = () => {
      open++;
      let body = '';
      const req = client.get('/', (res) => {
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          if (res.statusCode !== 200 || body !== HTTP_BODY) failed ??= new Error(`http: got ${res.statusCode} ${JSON.stringify(body)}`);
          last = performance.now();
          done++;
          open--;
          if (!failed && last - start < budgetMs) launch();
          settle();
        });
      });
      req.on('socket', (socket: Duplex & { isSessionReused?(): boolean }) => {
        if (sockets.has(socket)) return;
        sockets.add(socket);
        // A socket seen for the first time is new: its handshake is still to come.
        socket.once('secureConnect', () => {
          if (socket.isSessionReused?.()) resumed++;
        });
      });
      req.on('error', (err: Error) => {
        failed ??= err;
        open--;
        settle();
      });
    };
    for (let i = 0; i < inFlight; i++) launch();
  });
}

async function measure(thread: ServerThread, side: Side, name: string, keepAlive: boolean): Promise<number> {
  const { server, port } = await thread.listen(side === 'ours' ? 'https-ours' : 'https-native');
  const client = makeClient(side, port, keepAlive);
  try {
    await thread.guard(requestRate(client, WARM_MS, IN_FLIGHT)); // warm-up; on keep-alive, opens the connection
    const stop = await track(thread, `${name} ${side}`);
    const t = await thread.guard(requestRate(client, BUDGET_MS, IN_FLIGHT));
    await stop();
    if (keepAlive && t.sockets.size > 1) throw new Error(`${name} ${side}: ${t.sockets.size} connections, expected one kept alive`);
    if (!keepAlive) {
      if (t.sockets.size !== t.requests) throw new Error(`${name} ${side}: ${t.sockets.size} connections for ${t.requests} requests`);
      if (t.resumed < RESUMED_MIN * t.sockets.size) throw new Error(`${name} ${side}: only ${t.resumed} of ${t.sockets.size} connections resumed a session`);
    }
    return t.rate;
  } finally {
    client.destroy();
    await thread.closeServer(server);
  }
}

function httpRow(name: string, keepAlive: boolean): Promise<Row> {
  return withServerThread(async (thread) => {
    let ours = 0;
    let native = 0;
    for (let i = 0; i < ROUNDS; i++) {
      ours = Math.max(ours, await measure(thread, 'ours', name, keepAlive));
      native = Math.max(native, await measure(thread, 'native', name, keepAlive));
    }
    return { name, unit: 'req/s', ours, native, ratio: ours / native };
  });
}

export const HTTP_NAMES = ['http-keepalive', 'http-newconn'];

export async function httpRows(want: (name: string) => boolean): Promise<Row[]> {
  const rows: Row[] = [];
  if (want('http-keepalive')) rows.push(await httpRow('http-keepalive', true));
  if (want('http-newconn')) rows.push(await httpRow('http-newconn', false));
  return rows;
}
