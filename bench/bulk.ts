/**
 * Bulk throughput of one connection, client and server in this process: after the handshake
 * the client writes `mb` MiB (64 KiB writes, waiting for 'drain' when asked to) and the server
 * counts what it reads; MB/s runs from the first write to the server having it all. Ours runs
 * each SSL 3.0 suite; native is node:tls TLS 1.2 AES128-SHA moving the same amount.
 */
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Row } from './measure.js';
import { nativeEndpoint, oursEndpoint, secured, type Endpoint } from './engine.js';

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;
const ROUNDS = 3;

/** MiB per suite: about a second of our work each. */
const SUITES: [suite: string, mb: number][] = [
  ['rc4-128-md5', 32],
  ['rc4-128-sha', 32],
  ['3des-ede-cbc-sha', 8],
  ['des-cbc-sha', 16],
  ['aes-128-cbc-sha', 32],
  ['aes-256-cbc-sha', 32],
];

export const BULK_NAMES = SUITES.map(([s]) => `bulk-${s}`);

async function transfer(ep: Endpoint, ciphers: string | undefined, total: number): Promise<number> {
  const chunk = Buffer.alloc(CHUNK);
  globalThis.crypto.getRandomValues(chunk);
  const serverSide = new Promise<Duplex>((resolve) => ep.onServerSocket(resolve));
  const client = ep.connect({ ciphers });
  await secured(client);
  const server = await serverSide;
  ep.onServerSocket(undefined);
  client.resume();
  const received = new Promise<void>((resolve) => {
    let got = 0;
    server.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= total) resolve();
    });
  });
  const start = performance.now();
  for (let sent = 0; sent < total; sent += CHUNK) {
    if (!client.write(chunk)) await once(client, 'drain');
  }
  await received;
  const seconds = (performance.now() - start) / 1000;
  client.end();
  await once(client, 'close');
  return total / MB / seconds;
}

async function measure(make: () => Promise<Endpoint>, ciphers: string | undefined, total: number): Promise<number> {
  const ep = await make();
  try {
    return await transfer(ep, ciphers, total);
  } finally {
    await ep.close();
  }
}

export async function bulkRows(want: (name: string) => boolean): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [suite, mb] of SUITES) {
    const name = `bulk-${suite}`;
    if (!want(name)) continue;
    await measure(oursEndpoint, suite, MB); // warm-up: JIT
    let ours = 0;
    let native = 0;
    for (let i = 0; i < ROUNDS; i++) {
      ours = Math.max(ours, await measure(oursEndpoint, suite, mb * MB));
      native = Math.max(native, await measure(nativeEndpoint, undefined, mb * MB));
    }
    rows.push({ name, unit: 'MB/s', ours, native, ratio: ours / native });
  }
  return rows;
}
