import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type SSLServer, type SSLSocket } from '../../src/socket/index.js';
import { generateRsaKey } from '../../src/pki/rsa.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { SslAlertError } from '../../src/record/alerts.js';
import { readBytes } from '../helpers/read.js';

const key = generateRsaKey(1024);
const cert = selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'], days: 10 });
const keyPem = privateKeyToPem(key);
const certPem = certificateToPem(cert);

let server: SSLServer;
let port: number;

beforeAll(async () => {
  server = createServer({ key: keyPem, cert: certPem }, (s: SSLSocket) => {
    // Echoes, except that 'ping' (which may come as 'p', 'ing': 1/n-1 under CBC) is answered 'echo:ping'.
    let pending = '';
    s.on('data', (d: Buffer) => {
      pending += d.toString('latin1');
      if (pending !== 'ping' && 'ping'.startsWith(pending)) return;
      s.write(pending === 'ping' ? 'echo:ping' : Buffer.from(pending, 'latin1'));
      pending = '';
    });
    s.on('end', () => s.end());
    s.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(() => server.close());

async function roundTrip(options: Parameters<typeof connect>[0]): Promise<{ socket: SSLSocket; reply: string }> {
  const socket = connect({ host: '127.0.0.1', port, ...options });
  await once(socket, 'secureConnect');
  socket.write('ping');
  return { socket, reply: await readBytes(socket, 'echo:ping'.length) };
}

describe('SSLSocket over loopback', () => {
  it('connects with the server certificate as trust anchor and checks the IP', async () => {
    const { socket, reply } = await roundTrip({ ca: certPem, ciphers: 'rc4-128-sha' });
    expect(reply).toBe('echo:ping');
    expect(socket.getProtocol()).toBe('SSLv3');
    expect(socket.getCipher()).toMatchObject({ name: 'RC4-SHA', standardName: 'SSL_RSA_WITH_RC4_128_SHA', version: 'SSLv3' });
    expect(socket.authorized).toBe(true);
    expect(socket.getPeerCertificate()).toMatchObject({ subject: { CN: 'localhost' } });
    socket.end();
    await once(socket, 'close');
  });

  it('connects by pinned fingerprint', async () => {
    const pin = createHash('sha256').update(cert.raw).digest('hex');
    const { socket, reply } = await roundTrip({ pin });
    expect(reply).toBe('echo:ping');
    socket.destroy();
  });

  it('refuses an untrusted certificate with a clear reason', async () => {
    const socket = connect({ host: '127.0.0.1', port });
    const [err] = (await once(socket, 'error')) as [Error & { code?: string }];
    expect(err.message).toMatch(/server certificate rejected/);
    // The engine's typed error itself: its cause to switch on, and the alert it sent.
    expect(err).toBeInstanceOf(SslAlertError);
    expect(err).toMatchObject({ code: 'ERR_SSL_CERTIFICATE_UNTRUSTED', kind: 'CERTIFICATE_UNTRUSTED', alert: 'bad_certificate' });
  });

  it('refuses a host name the certificate does not carry', async () => {
    const socket = connect({ host: '127.0.0.1', port, ca: certPem, servername: 'other.example' });
    const [err] = (await once(socket, 'error')) as [Error];
    expect(err.message).toMatch(/other\.example/);
    expect(err).toMatchObject({ kind: 'HOSTNAME_MISMATCH', alert: 'bad_certificate' });
  });

  it('resumes a session', async () => {
    const first = await roundTrip({ ca: certPem });
    const session = first.socket.getSession();
    first.socket.end();
    const second = await roundTrip({ ca: certPem, session });
    expect(second.socket.isSessionReused()).toBe(true);
    // The chain the session holds is judged again: still verified, and still this server's.
    expect(second.socket.authorized).toBe(true);
    expect(second.socket.getPeerCertificate()).toMatchObject({ subject: { CN: 'localhost' } });
    second.socket.end();
  });

  it('judges a resumed session under the resuming connection\'s settings, not those that made it', async () => {
    const first = await roundTrip({ ca: certPem });
    const session = first.socket.getSession();
    first.socket.end();
    // A name the certificate does not carry: refused although the server resumes.
    const renamed = connect({ host: '127.0.0.1', port, ca: certPem, servername: 'other.example', session });
    const [err] = (await once(renamed, 'error')) as [Error];
    expect(err).toMatchObject({ kind: 'HOSTNAME_MISMATCH', alert: 'bad_certificate' });
    // No trust anchor, unverified allowed: resumed, and reported as not authorized, with the reason.
    const unverified = await roundTrip({ rejectUnauthorized: false, session });
    expect(unverified.socket.isSessionReused()).toBe(true);
    expect(unverified.socket.authorized).toBe(false);
    expect(unverified.socket.authorizationError).toMatch(/./);
    unverified.socket.end();
  });

  it('a server keeps the verdict on a client certificate for the sessions it resumes', async () => {
    const clientKey = generateRsaKey(512);
    const clientCert = certificateToPem(selfSignedCertificate({ key: clientKey, hostname: 'client.test', days: 10 }));
    const verdicts: (boolean | string)[] = [];
    const authServer = createServer({ key: keyPem, cert: certPem, requestCert: true, requireCert: true, ca: clientCert }, (s: SSLSocket) => {
      verdicts.push(s.isSessionReused() ? `resumed ${s.authorized}` : `full ${s.authorized}`);
      s.end('ok');
      s.on('error', () => {});
    });
    authServer.listen(0, '127.0.0.1');
    await once(authServer, 'listening');
    const authPort = (authServer.address() as AddressInfo).port;
    try {
      let session;
      for (let i = 0; i < 2; i++) {
        const c = connect({ host: '127.0.0.1', port: authPort, ca: certPem, key: privateKeyToPem(clientKey), cert: clientCert, session });
        await once(c, 'secureConnect');
        expect(await readBytes(c, 2)).toBe('ok');
        session = c.getSession();
        c.destroy();
      }
      expect(verdicts).toEqual(['full true', 'resumed true']);
    } finally {
      authServer.close();
    }
  });

  it('moves a megabyte each way', async () => {
    const socket = connect({ host: '127.0.0.1', port, ca: certPem, ciphers: ['3des-ede-cbc-sha'] });
    await once(socket, 'secureConnect');
    const big = Buffer.alloc(1 << 20, 'x');
    socket.write(big);
    let got = 0;
    for await (const chunk of socket) {
      got += (chunk as Buffer).length;
      if (got >= big.length) break;
    }
    expect(got).toBe(big.length);
    socket.destroy();
  });
});

