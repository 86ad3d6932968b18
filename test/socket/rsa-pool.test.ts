/**
 * RSA private-key operations off the event loop (src/socket/rsa-pool.ts, the handshake's
 * asynchronous private-key step in handshake/private-key.ts): the pool's threads give the
 * blocks the local operation gives (for more keys than they keep), a server with `rsaThreads`
 * decrypts its premaster secrets there and a client signs its CertificateVerify there, idle
 * threads let a process end, full handshakes waiting on their operations hold up no other
 * connection (a resumption and an open connection's data go through meanwhile), and the event
 * loop's thread then spends a fraction of the CPU it spends doing them itself.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, createServer, type SSLServer } from '../../src/socket/index.js';
import { RsaPool } from '../../src/socket/rsa-pool.js';
import { localPrivateKey } from '../../src/handshake/private-key.js';
import { i2osp } from '../../src/pki/rsa.js';
import { modulusBytes, type RsaPrivateKey } from '../../src/pki/rsa-key.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { systemRandom } from '../../src/util/random.js';
import { nodeRsaKey } from '../helpers/keys.js';
import { threadCpuSeconds } from '../../bench/measure.js';

const pool = new RsaPool(2);
const servers: SSLServer[] = [];
afterAll(async () => {
  for (const s of servers) s.close();
  await pool.close();
});

/** A k-octet block below n. */
function block(key: RsaPrivateKey): Uint8Array {
  return i2osp(key.n - 12345678901234567890n, modulusBytes(key));
}

async function listen(server: SSLServer): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

describe('the RSA pool', () => {
  it('gives the blocks the local operation gives, for more keys than its threads keep', async () => {
    const keys = Array.from({ length: 10 }, () => nodeRsaKey(512));
    for (const round of [0, 1]) {
      const got = await Promise.all(keys.map((k) => pool.operations(k).decrypt(block(k))));
      got.forEach((g, i) => expect(Buffer.from(g), `key ${i}, round ${round}`).toEqual(Buffer.from(localPrivateKey(keys[i], systemRandom).decrypt(block(keys[i])) as Uint8Array)));
    }
  });

  it('never keeps a process alive once its threads are idle', () => {
    // A process that warms a pool and runs an operation must end by itself.
    const pool = JSON.stringify(new URL('../../src/socket/rsa-pool.ts', import.meta.url).href);
    const keys = JSON.stringify(new URL('../helpers/keys.ts', import.meta.url).href);
    const script = `import { RsaPool } from ${pool}; import { nodeRsaKey } from ${keys};
const key = nodeRsaKey(512); const p = new RsaPool(2); p.warm();
const out = await p.operations(key).decrypt(new Uint8Array(64).fill(1)); console.log('done', out.length);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.error, r.stderr).toBeUndefined();
    expect(r.stdout.trim()).toBe('done 64');
    expect(r.status).toBe(0);
  });

  it('decrypts a server\'s premaster secrets and signs a client\'s CertificateVerify', async () => {
    const serverKey = nodeRsaKey(1024);
    const serverCert = certificateToPem(selfSignedCertificate({ key: serverKey, hostname: 'localhost', ips: ['127.0.0.1'], days: 10 }));
    const clientKey = nodeRsaKey(1024);
    const clientCert = certificateToPem(selfSignedCertificate({ key: clientKey, hostname: 'client.test', days: 10 }));
    const used: string[] = [];
    const counting = (name: string): RsaPool => {
      const p = new RsaPool(1);
      const operations = p.operations.bind(p);
      p.operations = (key) => {
        const ops = operations(key);
        return { decrypt: (b) => (used.push(`${name} decrypt`), ops.decrypt(b)), sign: (b) => (used.push(`${name} sign`), ops.sign(b)) };
      };
      return p;
    };
    const serverPool = counting('server');
    const clientPool = counting('client');
    const port = await listen(
      createServer({ key: privateKeyToPem(serverKey), cert: serverCert, requireCert: true, ca: clientCert, rsaThreads: serverPool }, (s) => {
        s.on('data', (d: Buffer) => s.write(d));
        s.on('end', () => s.end());
        s.on('error', () => {});
      }),
    );
    const socket = connect({ host: '127.0.0.1', port, ca: serverCert, key: privateKeyToPem(clientKey), cert: clientCert, rsaThreads: clientPool });
    await once(socket, 'secureConnect');
    let echo = '';
    socket.on('data', (d: Buffer) => (echo += d.toString()));
    socket.end('ping');
    await once(socket, 'end');
    expect(echo).toBe('ping');
    expect(used).toEqual(['client sign', 'server decrypt']);
    await Promise.all([serverPool.close(), clientPool.close()]);
  });

  it('a burst of full handshakes waiting on their private-key operations stalls no other connection', async () => {
    const key = nodeRsaKey(1024);
    const cert = certificateToPem(selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'], days: 10 }));
    // The pool's operations wait for a gate: the full handshakes' decryptions are pending for as
    // long as the test wants, as they would be behind a queue of slow RSA-2048 operations.
    let open!: () => void;
    let gate: Promise<void> = Promise.resolve();
    const gated = new RsaPool(1);
    const operations = gated.operations.bind(gated);
    let pendingOps = 0;
    gated.operations = (k) => {
      const ops = operations(k);
      const later = async (b: Uint8Array) => {
        pendingOps++;
        await gate;
        pendingOps--;
        return ops.decrypt(b);
      };
      return { decrypt: later, sign: later };
    };
    const port = await listen(
      createServer({ key: privateKeyToPem(key), cert, rsaThreads: gated }, (s) => {
        s.on('data', (d: Buffer) => s.write(d));
        s.on('end', () => s.end());
        s.on('error', () => {});
      }),
    );
    const first = connect({ host: '127.0.0.1', port, ca: cert });
    await once(first, 'secureConnect');
    const session = first.getSession();
    gate = new Promise((resolve) => (open = resolve));
    const done: string[] = [];
    const full = Array.from({ length: 6 }, (_, i) => {
      const c = connect({ host: '127.0.0.1', port, ca: cert });
      return once(c, 'secureConnect').then(() => (done.push(`full ${i}`), c));
    });
    const deadline = Date.now() + 10_000;
    while (pendingOps < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(pendingOps, 'the six full handshakes wait on their decryption').toBe(6);
    // Meanwhile: an open connection's data, and a resumption with data, both go through.
    const echo = async (c: ReturnType<typeof connect>, text: string) => {
      c.write(text);
      const [d] = (await once(c, 'data')) as [Buffer];
      return d.toString();
    };
    expect(await echo(first, 'x')).toBe('x');
    const resumed = connect({ host: '127.0.0.1', port, ca: cert, session });
    await once(resumed, 'secureConnect');
    expect(resumed.isSessionReused()).toBe(true);
    expect(await echo(resumed, 'y')).toBe('y');
    expect(done, 'no full handshake finished while its decryption was pending').toEqual([]);
    open();
    const sockets = await Promise.all(full);
    expect(done).toHaveLength(6);
    for (const c of [first, resumed, ...sockets]) c.destroy();
    await gated.close();
  });

  it('takes the private-key work off the event loop\'s thread', async () => {
    const key = nodeRsaKey(2048);
    const cert = certificateToPem(selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'], days: 10 }));
    const keyPem = privateKeyToPem(key);
    const echo = (s: import('../../src/socket/ssl-socket.js').SSLSocket) => {
      s.resume();
      s.on('error', () => {});
    };
    const local = await listen(createServer({ key: keyPem, cert, sessionCache: false }, echo));
    const threaded = await listen(createServer({ key: keyPem, cert, sessionCache: false, rsaThreads: pool }, echo));
    /** Main-thread CPU seconds for `n` full handshakes at once (client and server both run here). */
    const burst = async (port: number, n: number) => {
      const before = threadCpuSeconds();
      await Promise.all(
        Array.from({ length: n }, async () => {
          const socket = connect({ host: '127.0.0.1', port, ca: cert });
          await once(socket, 'secureConnect');
          socket.destroy();
        }),
      );
      return threadCpuSeconds() - before;
    };
    await burst(local, 2); // warm-up: JIT, and the pool's threads
    await burst(threaded, 2);
    const onLoop = await burst(local, 12);
    const offLoop = await burst(threaded, 12);
    // 12 RSA-2048 private operations are tens of milliseconds of CPU; in the threads, the
    // loop's share is the rest of the handshake (hashes, the clients' public operations).
    expect(offLoop, `main-thread CPU: ${offLoop} s with threads, ${onLoop} s without`).toBeLessThan(onLoop * 0.6);
  });
});
