/**
 * A normal close costs nothing it need not (issue 14): RFC 6101 5.4.1's close_notify then our
 * FIN, each transport ended exactly once. A second end() on an ended stream is harmless to
 * the bytes but builds an Error with its stack trace (ERR_STREAM_ALREADY_FINISHED) for a
 * callback nobody passed: at thousands of connections a second it showed in the profile.
 * The HTTPS server's policy ends a connection after its last response, which node:http has
 * usually ended already: the same rule holds there. And the sockets we open and accept go
 * without Nagle (server.noDelay), so a close_notify never waits behind an unacknowledged response.
 */
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type SSLServer, type SSLSocket } from '../../src/socket/index.js';
import { createServer as createHttpsServer, type HttpsServer } from '../../src/http/https-server.js';
import { get } from '../../src/http/https-client.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { nodeRsaKey } from '../helpers/keys.js';

const key = nodeRsaKey(1024);
const keyPem = privateKeyToPem(key);
const certPem = certificateToPem(selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'], days: 10 }));

/**
 * Counts the calls of Duplex.prototype.end (Writable's end, what builds the Error; net.Socket's and
 * SSLSocket's own end() come down to it) on the streams handed to
 * countEnds(), and those made when the stream had already ended.
 */
const counted = new Map<Duplex, { calls: number; again: number }>();
const duplexEnd = Duplex.prototype.end;

function countEnds(stream: Duplex): { calls: number; again: number } {
  const count = { calls: 0, again: 0 };
  counted.set(stream, count);
  return count;
}

beforeAll(() => {
  Duplex.prototype.end = function (this: Duplex, ...args: unknown[]) {
    const count = counted.get(this);
    if (count) {
      count.calls++;
      if (this.writableEnded || this.destroyed) count.again++;
    }
    return duplexEnd.apply(this, args as Parameters<Duplex['end']>);
  } as Duplex['end'];
});

afterAll(() => {
  Duplex.prototype.end = duplexEnd;
});

describe('SSLSocket close', () => {
  let server: SSLServer;
  let port: number;
  const serverEnds: { calls: number; again: number }[] = [];
  const serverClosed: Promise<unknown>[] = [];

  beforeAll(async () => {
    server = createServer({ key: keyPem, cert: certPem }, (s: SSLSocket) => {
      serverEnds.push(countEnds(s.socket));
      serverClosed.push(once(s.socket, 'close'));
      // Under a CBC suite 'bye' may come 1/n-1, in two reads.
      let got = '';
      s.on('data', (d: Buffer) => {
        got += d.toString();
        if (got.endsWith('bye')) s.end('ok');
      });
      s.on('end', () => s.end());
      s.on('error', () => {});
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => server.close());

  it('accepts its connections without Nagle', () => {
    expect((server as unknown as { noDelay: boolean }).noDelay).toBe(true);
  });

  for (const closer of ['client', 'server'] as const) {
    it(`ends each transport once when the ${closer} closes first`, async () => {
      const before = serverEnds.length;
      const socket = connect({ host: '127.0.0.1', port, ca: certPem });
      await once(socket, 'secureConnect');
      const clientEnds = countEnds(socket.socket);
      const closed = once(socket.socket, 'close');
      socket.on('data', () => {});
      if (closer === 'client') socket.end();
      else {
        socket.write('bye');
        socket.on('end', () => socket.end());
      }
      await closed;
      await Promise.all(serverClosed.slice(before));
      expect(clientEnds).toEqual({ calls: 1, again: 0 });
      expect(serverEnds.slice(before)).toEqual([{ calls: 1, again: 0 }]);
    });
  }
});

describe('HTTPS server close after the last response', () => {
  let server: HttpsServer;
  let port: number;
  const ends: { calls: number; again: number }[] = [];
  const raws: Socket[] = [];

  beforeAll(async () => {
    server = createHttpsServer({ key: keyPem, cert: certPem }, (_req, res) => res.end('hello'));
    server.ssl.on('secureConnection', (s: SSLSocket) => {
      ends.push(countEnds(s));
      raws.push(s.socket);
    });
    await server.listen(0, '127.0.0.1');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => server.close());

  it('sends close_notify and FIN once, whoever asks for the end', async () => {
    // The default policy allows one request per connection: node:http ends the connection
    // after the response, and the policy asks for the same end once the response is done.
    const text = await new Promise<string>((resolve, reject) => {
      get(`https://127.0.0.1:${port}/`, { ca: certPem }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    expect(text).toBe('hello');
    await Promise.all(raws.map((r) => (r.closed ? undefined : once(r, 'close'))));
    expect(ends).toEqual([{ calls: 1, again: 0 }]);
  });
});
