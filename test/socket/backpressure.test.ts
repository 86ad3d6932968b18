/**
 * SSLSocket passes the transport's backpressure on: while the net.Socket under it has more
 * buffered than its high-water mark, write callbacks wait for its 'drain', so a writer that
 * honours write() === false stops instead of every byte piling up, sealed, in the net.Socket.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type SSLServer } from '../../src/socket/index.js';
import { generateRsaKey } from '../../src/pki/rsa.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';

const key = generateRsaKey(1024);
const certPem = certificateToPem(selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'], days: 10 }));

let server: SSLServer;
let port: number;
let serverSide: Promise<Duplex>;

beforeAll(async () => {
  server = createServer({ key: privateKeyToPem(key), cert: certPem });
  serverSide = new Promise((resolve) =>
    server.once('secureConnection', (s: Duplex) => {
      s.on('error', () => {});
      s.pause();
      resolve(s);
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(() => server.close());

describe('SSLSocket backpressure', () => {
  it('stops a writer while the peer does not read, and delivers everything once it does', async () => {
    const client = connect({ host: '127.0.0.1', port, ca: certPem, ciphers: 'rc4-128-sha' });
    await once(client, 'secureConnect');
    const peer = await serverSide;
    const chunk = Buffer.alloc(64 * 1024, 7);
    const limit = 24 * 1024 * 1024;
    let written = 0;
    let maxBuffered = 0;
    let stalled = false;
    // Write until the peer's unread data stops us (no 'drain' for 300 ms) or 24 MiB went out.
    while (written < limit) {
      const ok = client.write(chunk);
      written += chunk.length;
      maxBuffered = Math.max(maxBuffered, client.socket.writableLength);
      if (!ok) {
        const drained = once(client, 'drain').then(() => true);
        const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), 300));
        if (!(await Promise.race([drained, timeout]))) {
          stalled = true;
          break;
        }
      }
    }
    expect(stalled).toBe(true);
    expect(written).toBeLessThan(limit);
    expect(maxBuffered).toBeLessThan(1024 * 1024);

    let received = 0;
    const all = new Promise<void>((resolve) =>
      peer.on('data', (d: Buffer) => {
        received += d.length;
        if (received >= written) resolve();
      }),
    );
    peer.resume();
    await all;
    expect(received).toBe(written);
    client.destroy();
  }, 20_000);
});
