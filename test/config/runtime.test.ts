/**
 * The live device (src/config/runtime.ts): a Router over a temporary data directory, its
 * configuration changed as the IOS commands change it, then apply(), and real traffic from our
 * own client on 127.0.0.1 showing that the running servers follow (docs/ios-configuration.md; the feature
 * guide's "Configuring the HTTPS Server with SSL 3.0" and "Providing Additional Security and
 * Efficiency"). Keys are small (512 bits) so tests do not wait on key generation.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseAccessEntry } from '../../src/http/access-list.js';
import { Agent, request } from '../../src/http/https-client.js';
import { connect, type ConnectOptions } from '../../src/socket/index.js';
import type { SSLSocket } from '../../src/socket/ssl-socket.js';
import { serverIdentity } from '../../src/config/keyring.js';
import { Router, type RouterOptions } from '../../src/config/runtime.js';
import type { Certificate } from '../../src/pki/certificate.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { nodeRsaKey } from '../helpers/keys.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';
import { closed, rawConnect, sleep, until, within } from '../http/policy-helpers.js';

/** `enable secret 5 ...` for the password `cisco`: the hash IOS documentation shows (also `openssl passwd -1 -salt mERr cisco`). */
const CISCO_SECRET = { type: 5, hash: '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0' } as const;
/** `openssl passwd -1 -salt Zq3.xYw/ 'adm1n pass'`. */
const ADMIN_SECRET = { type: 5, hash: '$1$Zq3.xYw/$/4rhAcVHO/nzsKtqK9ivM0' } as const;

const routers: Router[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => within(r.close(), 8000, 'the router to close')));
});
afterAll(() => removeTempDirs());

interface Device {
  router: Router;
  printed: string[];
  dataDir: string;
}

async function device(options: Partial<RouterOptions> = {}): Promise<Device> {
  const printed: string[] = [];
  const dataDir = options.dataDir ?? tempDir('router');
  const router = await Router.open({ dataDir, bind: '127.0.0.1', print: (t) => printed.push(t), selfSignedModulus: 512, ...options });
  routers.push(router);
  return { router, printed, dataDir };
}

/** A port that was free a moment ago, in 1025..65535 (the only secure ports besides 443). */
async function freePort(): Promise<number> {
  for (;;) {
    const s = net.createServer();
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
    const port = (s.address() as AddressInfo).port;
    await new Promise((resolve) => s.close(resolve));
    if (port >= 1025) return port;
  }
}

/** The SHA-256 pin of the certificate the device serves now. */
function pinOf(router: Router): string {
  const id = serverIdentity(router.keys, router.config.http.secureTrustpoint);
  if (!id) throw new Error('the device has no identity');
  return sha256(id.chain[0]);
}

const sha256 = (c: Certificate) => createHash('sha256').update(c.raw).digest('hex');

async function secureDevice(setup: (r: Router) => void = () => {}): Promise<Device & { port: number }> {
  const d = await device();
  const port = await freePort();
  d.router.config.http.secureServer = true;
  d.router.config.http.securePort = port;
  setup(d.router);
  await d.router.apply();
  return { ...d, port };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: SSLSocket;
}

type FetchOptions = Omit<ConnectOptions, 'host' | 'port' | 'socket'> & { agent?: Agent; headers?: Record<string, string> };

/** One HTTPS GET with our client, trusting the device by pin; bounded by 5 s. */
function fetchHttps(port: number, path: string, options: FetchOptions): Promise<Reply> {
  const p = new Promise<Reply>((resolve, reject) => {
    const req = request(`https://127.0.0.1:${port}${path}`, { ...options, servername: '' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socket: req.socket as unknown as SSLSocket }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  return within(p, 5000, `GET ${path}`);
}

/** A handshake with our client: the socket, or the error it failed with. */
async function handshake(port: number, options: Omit<ConnectOptions, 'host' | 'port'>): Promise<SSLSocket | Error> {
  const s = connect({ host: '127.0.0.1', port, servername: '', ...options });
  return within(
    new Promise<SSLSocket | Error>((resolve) => {
      s.once('secureConnect', () => resolve(s));
      s.once('error', (e) => resolve(e));
      s.once('close', () => resolve(new Error('closed during the handshake')));
    }),
    5000,
    'the handshake',
  );
}

/** A plain HTTP GET; bounded by 5 s. */
function fetchPlain(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const p = new Promise<{ status: number; body: string }>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
  return within(p, 5000, `GET http ${path}`);
}

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** Whether a TCP connection to the port is refused (nothing listens). */
async function refused(port: number): Promise<boolean> {
  const s = net.connect({ host: '127.0.0.1', port });
  return within(
    new Promise<boolean>((resolve) => {
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
    }),
    2000,
    'a TCP connection',
  );
}

describe('ip http secure-server', () => {
  it('starts with a self-signed identity generated in an empty data directory, telling so once', async () => {
    const { router, printed, port } = await secureDevice();
    expect(printed).toEqual(['% Generating 512 bit RSA keys for the self-signed certificate of Router...\n']);
    expect(router.keys.keys).toHaveLength(1);
    expect(router.addresses().https?.port).toBe(port);
    const reply = await fetchHttps(port, '/', { pin: pinOf(router) });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('SSL 3.0 connection');
    expect(reply.socket.getPeerCertificate()).toMatchObject({ subject: { CN: 'Router' } });
    // Applying again changes nothing and says nothing.
    const pin = pinOf(router);
    await router.apply();
    expect(printed).toHaveLength(1);
    expect(pinOf(router)).toBe(pin);
  });

  it('names the certificate after hostname.domain', async () => {
    const { router } = await secureDevice((r) => {
      r.config.hostname = 'edge1';
      r.config.domainName = 'example.com';
    });
    const reply = await fetchHttps(router.addresses().https!.port, '/', { pin: pinOf(router) });
    expect(reply.socket.getPeerCertificate()).toMatchObject({ subject: { CN: 'edge1.example.com' } });
  });

  it('no ip http secure-server closes it gracefully', async () => {
    const { router, port } = await secureDevice();
    const open = await handshake(port, { pin: pinOf(router) });
    if (open instanceof Error) throw open;
    router.config.http.secureServer = false;
    await router.apply();
    expect(router.addresses().https).toBeUndefined();
    // The idle connection gets close_notify (a clean end, not a reset).
    open.resume();
    await within(once(open, 'end'), 3000, 'close_notify');
    await until(() => router.status().connections?.current === 0, 3000, 'the connection to be released');
    expect(await refused(port)).toBe(true);
  });
});

describe('ip http secure-ciphersuite', () => {
  it('changes the suites live: rc4-128-md5 is refused with only rc4-128-sha configured, and works once added, without a restart', async () => {
    const { router, port } = await secureDevice((r) => (r.config.http.secureCiphersuites = ['rc4-128-sha']));
    const pin = pinOf(router);
    const before = await handshake(port, { pin, ciphers: 'rc4-128-md5' });
    expect(before).toBeInstanceOf(Error);
    const kept = await handshake(port, { pin, ciphers: 'rc4-128-sha' });
    if (kept instanceof Error) throw kept;
    router.config.http.secureCiphersuites = ['rc4-128-sha', 'rc4-128-md5'];
    await router.apply();
    const after = await handshake(port, { pin, ciphers: 'rc4-128-md5' });
    if (after instanceof Error) throw after;
    expect(after.getCipher()?.iosKeyword).toBe('rc4-128-md5');
    // No restart: the connection made before the change is still open and served.
    expect(kept.destroyed).toBe(false);
    kept.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const [data] = (await within(once(kept, 'data'), 3000, 'a response')) as [Buffer];
    expect(data.toString()).toMatch(/^HTTP\/1\.1 200/);
    kept.destroy();
    after.destroy();
  });

  it('prefers suites in the table order whatever order they were typed in; unset means the four IOS suites', async () => {
    const { router, port } = await secureDevice((r) => (r.config.http.secureCiphersuites = ['des-cbc-sha', '3des-ede-cbc-sha']));
    const pin = pinOf(router);
    const s = await handshake(port, { pin, ciphers: 'des-cbc-sha,3des-ede-cbc-sha' });
    if (s instanceof Error) throw s;
    expect(s.getCipher()?.iosKeyword).toBe('3des-ede-cbc-sha');
    s.destroy();
    router.config.http.secureCiphersuites = undefined;
    await router.apply();
    expect(await handshake(port, { pin, ciphers: 'aes-128-cbc-sha' })).toBeInstanceOf(Error);
    const rc4 = await handshake(port, { pin, ciphers: 'aes-128-cbc-sha,rc4-128-md5' });
    if (rc4 instanceof Error) throw rc4;
    expect(rc4.getCipher()?.iosKeyword).toBe('rc4-128-md5');
    rc4.destroy();
  });
});

describe('ip http access-class', () => {
  it('denies a new connection once the list denies the client, while a kept-alive one goes on', async () => {
    const { router, port } = await secureDevice((r) => (r.config.http.timeout = { idle: 180, life: 180, requests: 10 }));
    const pin = pinOf(router);
    const agent = new Agent({ keepAlive: true, maxSockets: 1, pin, servername: '' });
    try {
      const first = await fetchHttps(port, '/1', { agent });
      expect(first.status).toBe(200);
      router.config.accessLists.set(10, [parseAccessEntry('deny host 127.0.0.1'), parseAccessEntry('permit any')]);
      router.config.http.accessClass = 10;
      await router.apply();
      const second = await fetchHttps(port, '/2', { agent });
      expect(second.status).toBe(200);
      expect(second.socket).toBe(first.socket);
      expect(await handshake(port, { pin })).toBeInstanceOf(Error);
      expect(router.status().connections?.denied).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('an access class naming a list that does not exist permits everyone, as IOS does', async () => {
    const { router, port } = await secureDevice((r) => (r.config.http.accessClass = 20));
    expect((await fetchHttps(port, '/', { pin: pinOf(router) })).status).toBe(200);
    router.config.accessLists.set(20, [parseAccessEntry('deny any')]);
    await router.apply();
    expect(await handshake(port, { pin: pinOf(router) })).toBeInstanceOf(Error);
  });
});

describe('ip http secure-port', () => {
  it('moves the listener: the new port serves, the old one stops, a response in flight on the old port finishes', async () => {
    const root = tempDir('www');
    const big = Buffer.alloc(8 * 1024 * 1024, 'x');
    writeFileSync(join(root, 'big.bin'), big);
    const { router, port } = await secureDevice((r) => (r.config.http.path = root));
    const pin = pinOf(router);
    // A large response the client stops reading: still in flight when the port changes.
    const s = await handshake(port, { pin, ciphers: 'rc4-128-sha' });
    if (s instanceof Error) throw s;
    let received = 0;
    s.on('data', (d: Buffer) => {
      received += d.length;
      if (received > 0) s.pause();
    });
    s.write('GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => received > 0, 5000, 'the response to start');
    const next = await freePort();
    router.config.http.securePort = next;
    await router.apply();
    expect(router.addresses().https?.port).toBe(next);
    expect((await fetchHttps(next, '/big.bin', { pin, ciphers: 'rc4-128-sha' })).body.length).toBe(big.length);
    expect(await refused(port)).toBe(true);
    // The old connection still gets the whole response, then the server closes it.
    expect(s.destroyed).toBe(false);
    expect(received).toBeLessThan(big.length);
    s.removeAllListeners('data');
    s.on('data', (d: Buffer) => (received += d.length));
    s.resume();
    await within(once(s, 'end'), 10_000, 'the old connection to end');
    expect(received).toBeGreaterThan(big.length);
  });

  it('a port in use is one % line naming address, port and reason, kept in the config, and retried at the next apply', async () => {
    const { router, printed } = await device();
    const blocker = net.createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as AddressInfo).port;
    router.config.http.secureServer = true;
    router.config.http.securePort = port;
    await router.apply();
    const failures = printed.filter((l) => l.startsWith('% Cannot listen'));
    expect(failures).toEqual([`% Cannot listen on 127.0.0.1:${port} for the HTTPS server (ip http secure-port): address in use; will retry\n`]);
    expect(router.addresses().https).toBeUndefined();
    expect(router.config.http.securePort).toBe(port);
    // Still failing: tried again, not told again.
    await router.apply();
    expect(printed.filter((l) => l.startsWith('% Cannot listen'))).toHaveLength(1);
    await new Promise((resolve) => blocker.close(resolve));
    await router.apply();
    expect(router.addresses().https?.port).toBe(port);
    expect((await fetchHttps(port, '/', { pin: pinOf(router) })).status).toBe(200);
  });
});

describe('ip http server', () => {
  it('turns the plain HTTP server on and off, with the same content', async () => {
    const { router } = await device();
    const port = await freePort();
    router.config.http.server = true;
    router.config.http.port = port;
    await router.apply();
    expect(router.addresses()).toEqual({ http: expect.objectContaining({ port }), https: undefined });
    const reply = await fetchPlain(port, '/');
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('SSL 3.0 connection');
    // Plain HTTP alone needs no keys.
    expect(router.keys.keys).toHaveLength(0);
    router.config.http.server = false;
    await router.apply();
    expect(router.addresses().http).toBeUndefined();
    await until(() => router.status().connections?.current === 0, 3000, 'the connections to close');
    expect(await refused(port)).toBe(true);
  });

  it('moves with ip http port, and shares one connection limit with the HTTPS server', async () => {
    const { router, port: securePort } = await secureDevice((r) => (r.config.http.maxConnections = 1));
    const plainPort = await freePort();
    router.config.http.server = true;
    router.config.http.port = plainPort;
    await router.apply();
    const held = await handshake(securePort, { pin: pinOf(router) });
    if (held instanceof Error) throw held;
    const raw = await rawConnect(plainPort);
    await closed(raw, 2000);
    expect(router.status().connections?.refused).toBe(1);
    held.destroy();
    await until(() => router.status().connections?.current === 0, 3000, 'the connection to close');
    const other = await freePort();
    router.config.http.port = other;
    await router.apply();
    expect(router.addresses().http?.port).toBe(other);
    expect((await fetchPlain(other, '/')).status).toBe(200);
    expect(await refused(plainPort)).toBe(true);
  });
});

describe('ip http max-connections', () => {
  it('refuses connections over the limit, and a raised limit admits them without a restart', async () => {
    const { router, port } = await secureDevice((r) => (r.config.http.maxConnections = 2));
    const pin = pinOf(router);
    const open = [await handshake(port, { pin }), await handshake(port, { pin })];
    expect(open.every((s) => !(s instanceof Error))).toBe(true);
    expect(await handshake(port, { pin })).toBeInstanceOf(Error);
    expect(router.status().connections).toMatchObject({ current: 2, refused: 1 });
    router.config.http.maxConnections = 3;
    await router.apply();
    const third = await handshake(port, { pin });
    expect(third).not.toBeInstanceOf(Error);
    expect(router.status().connections).toMatchObject({ current: 3, peak: 3 });
    for (const s of [...open, third]) if (!(s instanceof Error)) s.destroy();
  });
});

describe('ip http authentication', () => {
  it('enable: any user name with the enable secret (type 5)', async () => {
    const { router, port } = await secureDevice((r) => (r.config.enableSecret = CISCO_SECRET));
    const pin = pinOf(router);
    const denied = await fetchHttps(port, '/', { pin });
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Basic realm="level_15_access"');
    expect((await fetchHttps(port, '/', { pin, headers: basic('anyone', 'cisco') })).status).toBe(200);
    expect((await fetchHttps(port, '/', { pin, headers: basic('anyone', 'Cisco') })).status).toBe(401);
  });

  it('enable: the enable password when there is no secret; the secret wins when both are set; none: no authentication', async () => {
    const { router, port } = await secureDevice();
    const pin = pinOf(router);
    // Nothing configured: nobody could log in otherwise, so the server is open (see effective.ts).
    expect((await fetchHttps(port, '/', { pin })).status).toBe(200);
    router.config.enablePassword = { type: 0, text: 'plain-pw' };
    await router.apply();
    expect((await fetchHttps(port, '/', { pin })).status).toBe(401);
    expect((await fetchHttps(port, '/', { pin, headers: basic('x', 'plain-pw') })).status).toBe(200);
    router.config.enableSecret = CISCO_SECRET;
    await router.apply();
    expect((await fetchHttps(port, '/', { pin, headers: basic('x', 'plain-pw') })).status).toBe(401);
    expect((await fetchHttps(port, '/', { pin, headers: basic('x', 'cisco') })).status).toBe(200);
  });

  it('local: the username entries, each with its own secret or password; none configured: nobody', async () => {
    const { router, port } = await secureDevice((r) => (r.config.http.authentication = 'local'));
    const pin = pinOf(router);
    expect((await fetchHttps(port, '/', { pin, headers: basic('admin', 'adm1n pass') })).status).toBe(401);
    router.config.users.set('admin', { name: 'admin', privilege: 15, password: ADMIN_SECRET });
    router.config.users.set('oper', { name: 'oper', privilege: 1, password: { type: 0, text: 'op' } });
    router.config.enableSecret = CISCO_SECRET;
    await router.apply();
    expect((await fetchHttps(port, '/', { pin, headers: basic('admin', 'adm1n pass') })).status).toBe(200);
    expect((await fetchHttps(port, '/', { pin, headers: basic('oper', 'op') })).status).toBe(200);
    expect((await fetchHttps(port, '/', { pin, headers: basic('admin', 'op') })).status).toBe(401);
    // The enable secret is not a local user's password, and an unknown user gets nowhere.
    expect((await fetchHttps(port, '/', { pin, headers: basic('admin', 'cisco') })).status).toBe(401);
    expect((await fetchHttps(port, '/', { pin, headers: basic('ghost', 'adm1n pass') })).status).toBe(401);
  });

  it('applies to the plain HTTP server too', async () => {
    const { router } = await device();
    const port = await freePort();
    router.config.http.server = true;
    router.config.http.port = port;
    router.config.enableSecret = CISCO_SECRET;
    await router.apply();
    expect((await fetchPlain(port, '/')).status).toBe(401);
    expect((await fetchPlain(port, '/', basic('u', 'cisco'))).status).toBe(200);
  });
});

describe('ip http path', () => {
  it('serves files from the base path, and 404 when the base path does not exist', async () => {
    const root = tempDir('www');
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'index.html'), '<p>device docs</p>\n');
    const { router, port } = await secureDevice((r) => (r.config.http.path = root));
    const pin = pinOf(router);
    expect((await fetchHttps(port, '/docs/', { pin })).body).toBe('<p>device docs</p>\n');
    router.config.http.path = join(root, 'missing');
    await router.apply();
    expect((await fetchHttps(port, '/docs/', { pin })).status).toBe(404);
    router.config.http.path = undefined;
    await router.apply();
    expect((await fetchHttps(port, '/docs/', { pin })).body).toContain('SSL 3.0 connection');
  });
});

describe('keys and trustpoints', () => {
  it('crypto key generate rsa usage-keys: the running server switches to the new identity, and it handshakes', async () => {
    const { router, port } = await secureDevice();
    const oldPin = pinOf(router);
    const open = await handshake(port, { pin: oldPin });
    if (open instanceof Error) throw open;
    await router.generateKeys({ usageKeys: true, modulus: 512 });
    expect(router.keys.keys.map((k) => k.usage).sort()).toEqual(['encryption', 'signature']);
    const id = serverIdentity(router.keys)!;
    expect(id.chain).toHaveLength(2);
    const newPin = pinOf(router);
    expect(newPin).not.toBe(oldPin);
    for (const ciphers of ['rc4-128-sha', '3des-ede-cbc-sha']) {
      const reply = await fetchHttps(port, '/', { pin: newPin, ciphers });
      expect(reply.status).toBe(200);
    }
    expect(await handshake(port, { pin: oldPin })).toBeInstanceOf(Error);
    // The connection from before the change is untouched.
    expect(open.destroyed).toBe(false);
    open.destroy();
  });

  it('secure-client-auth: without a CA certificate clients are refused, with a warning; with the trustpoint CA a client certificate gets in', async () => {
    const { router, printed, port } = await secureDevice((r) => (r.config.http.secureClientAuth = true));
    const pin = pinOf(router);
    expect(printed.filter((l) => l.includes('secure-client-auth'))).toHaveLength(1);
    const clientKey = nodeRsaKey(1024);
    const clientCert = selfSignedCertificate({ key: clientKey, hostname: 'operator.test', days: 10 });
    const client = { key: privateKeyToPem(clientKey), cert: certificateToPem(clientCert) };
    expect(await handshake(port, { pin, ...client })).toBeInstanceOf(Error);

    router.config.trustpoints.set('TP', { name: 'TP', primary: false });
    router.config.http.secureTrustpoint = 'TP';
    router.keys.certificates.push({ trustpoint: 'TP', usage: 'ca', certificate: clientCert });
    await router.apply();
    // TP has a CA but no certificate for the device: the self-signed identity serves, with a warning.
    expect(printed.filter((l) => l.startsWith('% Warning: ip http secure-trustpoint TP'))).toHaveLength(1);
    expect(pinOf(router)).toBe(pin);
    expect(await handshake(port, { pin })).toBeInstanceOf(Error);
    const ok = await handshake(port, { pin, ...client });
    if (ok instanceof Error) throw ok;
    expect(ok.getProtocol()).toBe('SSLv3');
    ok.destroy();

    router.config.http.secureClientAuth = false;
    await router.apply();
    const anyone = await handshake(port, { pin });
    expect(anyone).not.toBeInstanceOf(Error);
    if (!(anyone instanceof Error)) anyone.destroy();
  });

  it('save writes the startup-config and the keys; a device opened on the directory has both', async () => {
    const { router, dataDir } = await secureDevice((r) => (r.config.hostname = 'saved1'));
    expect(await router.readStartupConfig()).toBeUndefined();
    await router.save();
    expect(existsSync(join(dataDir, 'startup-config'))).toBe(true);
    const text = await router.readStartupConfig();
    expect(text).toMatch(/^hostname saved1$/m);
    expect(text).toMatch(/^ip http secure-server$/m);
    const key = router.keys.keys[0].key;
    await router.close();
    const again = await device({ dataDir });
    expect(again.router.keys.keys.map((k) => k.key.n)).toEqual([key.n]);
    expect(await again.router.readStartupConfig()).toBe(text);
  });
});

describe('saveKeys', () => {
  it('keeps a generated identity without writing a startup-config, and leaves a saved one as it was', async () => {
    const { router, dataDir } = await secureDevice();
    await router.saveKeys();
    expect(await router.readStartupConfig()).toBeUndefined();
    const reopened = await device({ dataDir });
    expect(reopened.router.keys.keys.map((k) => k.key.n)).toEqual(router.keys.keys.map((k) => k.key.n));

    writeFileSync(join(dataDir, 'startup-config'), 'hostname kept\nend\n');
    await router.generateKeys({ usageKeys: false, modulus: 512 });
    await router.saveKeys();
    expect(await router.readStartupConfig()).toBe('hostname kept\nend\n');
    const again = await device({ dataDir });
    expect(again.router.keys.keys.map((k) => k.key.n)).toEqual(router.keys.keys.map((k) => k.key.n));
  });
});

describe('close', () => {
  it('stops every server, and apply after close starts nothing', async () => {
    const { router, port } = await secureDevice();
    const plain = await freePort();
    router.config.http.server = true;
    router.config.http.port = plain;
    await router.apply();
    await router.close();
    expect(router.addresses()).toEqual({ https: undefined, http: undefined });
    expect(await refused(port)).toBe(true);
    expect(await refused(plain)).toBe(true);
    await router.apply();
    await sleep(10);
    expect(await refused(port)).toBe(true);
  });
});
