/**
 * The memory rows of issue 14: what an idle connection costs the server, and whether the
 * server gives its memory back after a load, `ssl3 serve` beside NSS selfserv (same key, same
 * suite, the same client: ours, so both servers see the same connections).
 *
 *   nss-mem-idle    KiB of server RSS per idle connection with 1,000 held open (each a full
 *                   RC4-SHA handshake, then nothing): the growth from before they opened to
 *                   once all are open, over 1,000. Issue 14's bound: 64 KiB.
 *   nss-mem-after   the server's RSS once each of those connections has made a request and
 *                   closed, over its RSS before they opened: 1.00 is all of it given back.
 *
 * Lower is better for both figures, so these rows' ratio is NSS's figure over ours (higher is
 * better, as in every other row). RSS is the kernel's (VmRSS): what the machine pays, garbage
 * V8 has not collected yet included, so each figure is read once the server has been left
 * alone for SETTLE_MS. Before the first figure each server has served a few connections, so
 * what any server keeps after its first connections (code, tables, buffers) is not counted
 * as the idle connections'.
 */
import { readFileSync } from 'node:fs';
import { connect, type SSLSocket } from '../src/socket/index.js';
import { HOST } from './identity.js';
import type { Row } from './measure.js';
import { startNss, startOurs, type Server, type Setup } from './nss-setup.js';
import { sleep } from '../test/interop/nss-helpers.js';

/** Connections held open at once (the figure). */
const HELD = 1000;
/** Handshakes under way at once while they open. */
const IN_FLIGHT = 32;
/** How long a server is left alone before its RSS is read. */
const SETTLE_MS = 3000;
/** RC4-SHA, as the handshake rows (the IOS keyword; the client is ours). */
const SUITE = 'rc4-128-sha';

export const MEMORY_NAMES = ['nss-mem-idle', 'nss-mem-after'];

/** The process's resident set, KiB. */
function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]);
}

/** Runs `task` for 0..count-1, IN_FLIGHT at a time. */
async function lanes(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, lane));
}

/** Opens `count` connections whose handshakes have finished and which then say nothing. */
async function openIdle(s: Setup, port: number, count: number): Promise<SSLSocket[]> {
  const ca = readFileSync(s.certFile, 'utf8');
  const open: SSLSocket[] = [];
  await lanes(count, async (i) => {
    const socket = connect({ host: HOST, port, ca, ciphers: SUITE });
    open.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', (e: Error) => reject(new Error(`connection ${i + 1} to port ${port}: ${e.message}`)));
    });
  });
  return open;
}

/** Each connection asks for / and reads the answer to the end of the connection. */
async function requestAndClose(sockets: SSLSocket[]): Promise<void> {
  await lanes(sockets.length, async (i) => {
    const socket = sockets[i];
    await new Promise<void>((resolve, reject) => {
      socket.on('data', () => {});
      socket.once('error', reject);
      socket.once('close', () => resolve());
      socket.end('GET / HTTP/1.0\r\n\r\n');
    });
  });
}

/** One server's figures: KiB per idle connection, and RSS after the load over RSS before. */
async function measure(s: Setup, server: Server): Promise<{ perConnection: number; after: number }> {
  const pid = server.daemon.child.pid!;
  await requestAndClose(await openIdle(s, server.port, 2 * IN_FLIGHT));
  await sleep(SETTLE_MS);
  const before = rssKiB(pid);
  const held = await openIdle(s, server.port, HELD);
  await sleep(SETTLE_MS);
  const open = rssKiB(pid);
  await requestAndClose(held);
  await sleep(SETTLE_MS);
  const after = rssKiB(pid);
  if (process.env.SSL3_BENCH_UTIL) process.stderr.write(`  nss-mem pid ${pid}: RSS ${before} KiB before, ${open} with ${HELD} open, ${after} after\n`);
  return { perConnection: (open - before) / HELD, after: after / before };
}

export async function memoryRows(s: Setup, want: (name: string) => boolean): Promise<Row[]> {
  if (!MEMORY_NAMES.some(want)) return [];
  const measured = async (server: Server) => {
    try {
      return await measure(s, server);
    } finally {
      await server.daemon.stop();
    }
  };
  const ours = await measured(await startOurs(s, ['--ciphers', SUITE, '--max-connections', String(HELD + IN_FLIGHT)]));
  // selfserv serves each connection in a thread of its own: enough of them for all.
  const nss = await measured(await startNss(s, ['-t', String(HELD + IN_FLIGHT)]));
  return [
    { name: 'nss-mem-idle', unit: 'KiB/conn', ours: ours.perConnection, native: nss.perConnection, ratio: nss.perConnection / ours.perConnection },
    { name: 'nss-mem-after', unit: 'x start', ours: ours.after, native: nss.after, ratio: nss.after / ours.after },
  ];
}
