/**
 * Bulk throughput of one connection, the server in its own thread (engine.ts): after the
 * handshake the client writes `mb` MiB (64 KiB writes, waiting for 'drain' when asked to) and
 * the server counts what it reads; MB/s runs from the first write to the server thread's word
 * that it has it all. Ours runs each SSL 3.0 suite; native is node:tls TLS 1.2 AES128-SHA
 * moving the same amount.
 */
import { once } from 'node:events';
import type { Row } from './measure.js';
import { nativeEndpoint, oursEndpoint, secured, withServerThread, type ClientSocket, type Endpoint, type ServerThread } from './engine.js';

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

async function writeAll(client: ClientSocket, chunk: Buffer, total: number): Promise<void> {
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (!client.write(chunk)) await once(client, 'drain');
  }
}

async function transfer(ep: Endpoint, label: string, ciphers: string | undefined, total: number): Promise<number> {
  const chunk = Buffer.alloc(CHUNK);
  globalThis.crypto.getRandomValues(chunk);
  const { done } = await ep.expect(total);
  const client = ep.connect({ ciphers });
  await secured(client);
  client.resume();
  const stop = await ep.track(label);
  const start = performance.now();
  await Promise.race([writeAll(client, chunk, total), done]); // the server may fail before the writes end
  await done;
  const seconds = (performance.now() - start) / 1000;
  await stop();
  client.end();
  await once(client, 'close');
  return total / MB / seconds;
}

async function measure(thread: ServerThread, make: (thread: ServerThread) => Promise<Endpoint>, label: string, ciphers: string | undefined, total: number): Promise<number> {
  const ep = await make(thread);
  try {
    return await ep.guard(transfer(ep, label, ciphers, total));
  } finally {
    await ep.close();
  }
}

export function bulkRows(want: (name: string) => boolean): Promise<Row[]> {
  return withServerThread(async (thread) => {
    const rows: Row[] = [];
    for (const [suite, mb] of SUITES) {
      const name = `bulk-${suite}`;
      if (!want(name)) continue;
      await measure(thread, oursEndpoint, `${name} warm-up`, suite, MB); // warm-up: JIT, both threads
      let ours = 0;
      let native = 0;
      for (let i = 0; i < ROUNDS; i++) {
        ours = Math.max(ours, await measure(thread, oursEndpoint, `${name} ours`, suite, mb * MB));
        native = Math.max(native, await measure(thread, nativeEndpoint, `${name} native`, undefined, mb * MB));
      }
      rows.push({ name, unit: 'MB/s', ours, native, ratio: ours / native });
    }
    return rows;
  });
}
