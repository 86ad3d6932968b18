/**
 * The server side of `npm run timing`: our SSL 3.0 server (the public socket API, as `ssl3
 * serve` runs it, without HTTP on top) in a worker thread of its own, so that it has a core
 * to itself and its answers are timed on the wire by timing/run.ts in the main thread. It
 * reports its port and then only serves; every connection the measurements make ends in a
 * fatal alert, which the server reports as 'tlsClientError' and forgets.
 */
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { createServer } from '../src/socket/index.js';
import type { RsaPrivateKey } from '../src/pki/rsa-key.js';

export interface TimingServerData {
  key: RsaPrivateKey;
  cert: Uint8Array;
  ciphers: string[];
}

const port = parentPort;
if (!port) throw new Error('timing/server.ts runs in a worker thread started by timing/run.ts');
const { key, cert, ciphers } = workerData as TimingServerData;
const server = createServer({ key, cert, ciphers, sessionCache: false });
server.on('tlsClientError', () => {});
server.listen(0, '127.0.0.1', () => port.postMessage({ port: (server.address() as AddressInfo).port }));
port.on('message', (m: string) => {
  if (m === 'exit') server.close(() => port.close());
});
