/**
 * SSLSocket hands a whole handshake flight to the transport in one write. Written record by
 * record, a peer that rejects the first record of a flight (NSS answers our no_certificate
 * warning with a fatal alert and closes at once, resetting the connection) made our next write
 * fail with EPIPE, and that transport error replaced the peer's alert as the reason the user
 * saw (test/interop/nss-server.test.ts shows it against selfserv -r -r).
 */
import { once } from 'node:events';
import * as net from 'node:net';
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

beforeAll(async () => {
  server = createServer({ key: privateKeyToPem(key), cert: certPem, requestCert: true }, (s) => s.on('error', () => {}));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as net.AddressInfo).port;
});

afterAll(() => server.close());

describe('SSLSocket transport writes', () => {
  it('sends no_certificate, ClientKeyExchange, ChangeCipherSpec and Finished in one transport write', async () => {
    const raw = net.connect({ host: '127.0.0.1', port });
    await once(raw, 'connect');
    // Records per transport write: a write of several chunks (writev) counts them all.
    const writes: number[] = [];
    const records = (chunk: Uint8Array) => {
      let n = 0;
      for (let at = 0; at + 5 <= chunk.length; at += 5 + ((chunk[at + 3] << 8) | chunk[at + 4])) n++;
      return n;
    };
    const spied = raw as unknown as { _write: (...a: unknown[]) => void; _writev: (chunks: { chunk: Uint8Array }[], cb: unknown) => void };
    const write = spied._write.bind(raw);
    const writev = spied._writev.bind(raw);
    spied._write = (...a: unknown[]) => {
      writes.push(records(a[0] as Uint8Array));
      write(...a);
    };
    spied._writev = (chunks: { chunk: Uint8Array }[], cb: unknown) => {
      writes.push(-chunks.length);
      writev(chunks, cb);
    };
    const socket = connect({ socket: raw, ca: certPem, servername: 'localhost', ciphers: '3des-ede-cbc-sha' });
    socket.on('error', () => {});
    await once(socket, 'secureConnect');
    // ClientHello; then the alert, ClientKeyExchange, ChangeCipherSpec and Finished in one buffer.
    expect(writes).toEqual([1, 4]);
    socket.destroy();
  });
});
