/**
 * SSLServer settings changed while it runs (what IOS does on `ip http secure-ciphersuite`,
 * `crypto key generate rsa` and `ip http secure-client-auth`): each new connection sees the
 * new suites, identity and client-certificate settings, a connection already open goes on
 * untouched, and no session cached under the old identity or client check is resumed.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer, type ConnectOptions, type SSLServer, type SSLSocket } from '../../src/socket/index.js';
import { OptionError } from '../../src/socket/options.js';
import type { Session } from '../../src/handshake/session.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { nodeRsaKey } from '../helpers/keys.js';
import { readBytes } from '../helpers/read.js';

function identity(name: string) {
  const key = nodeRsaKey(1024);
  const cert = selfSignedCertificate({ key, hostname: name, ips: ['127.0.0.1'], days: 10 });
  return { key, cert, keyPem: privateKeyToPem(key), certPem: certificateToPem(cert), sha256: createHash('sha256').update(cert.raw).digest('hex') };
}

const first = identity('first.test');
const second = identity('second.test');
const client = identity('client.test');

const servers: SSLServer[] = [];
const sockets: SSLSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** An echo server on 127.0.0.1. */
async function start(options: Parameters<typeof createServer>[0]): Promise<{ server: SSLServer; port: number }> {
  const server = createServer(options, (s: SSLSocket) => {
    s.on('data', (d: Buffer) => s.write(d));
    s.on('end', () => s.end());
    s.on('error', () => {});
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** Connects and waits for the handshake; resolves with the socket or the error it failed with. */
async function attempt(port: number, options: ConnectOptions): Promise<SSLSocket | Error> {
  const s = connect({ host: '127.0.0.1', port, servername: '', ...options });
  sockets.push(s);
  return new Promise((resolve) => {
    s.once('secureConnect', () => resolve(s));
    s.once('error', (e) => resolve(e));
    s.once('close', () => resolve(new Error('closed during the handshake')));
  });
}

async function echo(s: SSLSocket, text: string): Promise<string> {
  s.write(text);
  return readBytes(s, Buffer.byteLength(text));
}

function ok(r: SSLSocket | Error): SSLSocket {
  if (r instanceof Error) throw r;
  return r;
}

describe('SSLServer live settings', () => {
  it('setSuites: a new connection negotiates from the new list; an open one keeps its suite', async () => {
    const { server, port } = await start({ key: first.keyPem, cert: first.certPem, ciphers: 'rc4-128-md5' });
    const open = ok(await attempt(port, { pin: first.sha256, ciphers: 'rc4-128-md5' }));
    server.setSuites(['rc4-128-sha']);
    expect(server.suites.map((s) => s.iosKeyword)).toEqual(['rc4-128-sha']);
    const refused = await attempt(port, { pin: first.sha256, ciphers: 'rc4-128-md5' });
    expect(refused).toBeInstanceOf(Error);
    expect(await echo(open, 'still here')).toBe('still here');
    expect(open.getCipher()?.iosKeyword).toBe('rc4-128-md5');
    server.setSuites('rc4-128-sha rc4-128-md5');
    const admitted = ok(await attempt(port, { pin: first.sha256, ciphers: 'rc4-128-md5' }));
    expect(admitted.getCipher()?.iosKeyword).toBe('rc4-128-md5');
  });

  it('setSuites: a bad list throws and changes nothing', async () => {
    const { server } = await start({ key: first.keyPem, cert: first.certPem, ciphers: 'rc4-128-sha' });
    expect(() => server.setSuites('rc4-128-sha no-such-suite')).toThrow(OptionError);
    expect(server.suites.map((s) => s.iosKeyword)).toEqual(['rc4-128-sha']);
  });

  it('setIdentity: new connections get the new certificate and resume no old session; an open one goes on', async () => {
    const { server, port } = await start({ key: first.keyPem, cert: first.certPem });
    const open = ok(await attempt(port, { pin: first.sha256 }));
    const session = await sessionOf(open);
    // The cached session resumes while the identity is the same.
    const resumed = ok(await attempt(port, { pin: first.sha256, session }));
    expect(resumed.isSessionReused()).toBe(true);
    server.setIdentity({ key: second.key, cert: second.cert.raw });
    const fresh = ok(await attempt(port, { pin: second.sha256, session }));
    expect(fresh.isSessionReused()).toBe(false);
    expect(fresh.getPeerCertificate()).toMatchObject({ subject: { CN: 'second.test' } });
    expect(await attempt(port, { pin: first.sha256 })).toBeInstanceOf(Error);
    expect(await echo(open, 'old identity')).toBe('old identity');
  });

  it('setIdentity: a key without a certificate throws and changes nothing', async () => {
    const { server, port } = await start({ key: first.keyPem, cert: first.certPem });
    expect(() => server.setIdentity({ key: second.keyPem, cert: [] })).toThrow(/a server needs a certificate/);
    ok(await attempt(port, { pin: first.sha256 }));
  });

  it('setClientAuth: requires a certificate from the CA for new connections, and lets go again', async () => {
    const { server, port } = await start({ key: first.keyPem, cert: first.certPem });
    const open = ok(await attempt(port, { pin: first.sha256 }));
    const session = await sessionOf(open);
    server.setClientAuth({ requestCert: true, requireCert: true, ca: client.certPem });
    // Neither a client without a certificate nor one resuming a session made without one gets in.
    expect(await attempt(port, { pin: first.sha256 })).toBeInstanceOf(Error);
    expect(await attempt(port, { pin: first.sha256, session })).toBeInstanceOf(Error);
    const withCert = ok(await attempt(port, { pin: first.sha256, key: client.keyPem, cert: client.certPem }));
    expect(await echo(withCert, 'authenticated')).toBe('authenticated');
    // A certificate from another CA is refused.
    expect(await attempt(port, { pin: first.sha256, key: second.keyPem, cert: second.certPem })).toBeInstanceOf(Error);
    expect(await echo(open, 'untouched')).toBe('untouched');
    server.setClientAuth({});
    ok(await attempt(port, { pin: first.sha256 }));
  });
});

async function sessionOf(s: SSLSocket): Promise<Session> {
  const session = s.getSession();
  if (session) return session;
  const [emitted] = (await once(s, 'session')) as [Session];
  return emitted;
}
