/**
 * RFC 5746 secure renegotiation under SSL 3.0 against NSS (an independent implementation,
 * which refuses renegotiation without renegotiation_info): our client renegotiating with
 * selfserv, `tstclnt -r 2` renegotiating with our server, and `ssl3 serve` letting tstclnt
 * renegotiate only with --allow-renegotiation. See docs/interop.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdentity, type IdentityFiles, P12_PASSWORD } from '../helpers/identity.js';
import {
  Daemon,
  HOST,
  fetchOver,
  findTools,
  freePort,
  makeNssDb,
  nssAddCert,
  nssImportP12,
  removeTempDirs,
  run,
  sleep,
  startHttpServer,
  waitForPort,
  type FetchResult,
  type HttpTestServer,
  type RunResult,
} from './nss-helpers.js';
import { once } from 'node:events';
import type * as net from 'node:net';
import { join } from 'node:path';
import { createServer, type SSLServer, type SSLSocket } from '../../src/socket/index.js';
import type { TraceEvent } from '../../src/connection/connection.js';
import { HandshakeType, RENEGOTIATION_INFO_EXTENSION, decodeClientHello, decodeServerHello } from '../../src/handshake/messages.js';
import { concatBytes } from '../../src/util/bytes.js';

const tools = findTools({ selfserv: 'libnss3-tools', tstclnt: 'libnss3-tools', certutil: 'libnss3-tools', pk12util: 'libnss3-tools', openssl: 'openssl' });

const REQUEST = 'GET / HTTP/1.0\r\n\r\n';
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const cli = join(process.cwd(), 'src', 'cli', 'main.ts');

type HandshakeEvent = Extract<TraceEvent, { kind: 'handshake' }>;
const handshakes = (trace: readonly TraceEvent[], direction: 'in' | 'out', type: number) =>
  trace.filter((e): e is HandshakeEvent => e.kind === 'handshake' && e.direction === direction && e.type === type).map((e) => e.body);
const renegotiationInfo = (extensions: readonly { type: number; data: Uint8Array }[]) =>
  extensions.filter((e) => e.type === RENEGOTIATION_INFO_EXTENSION).map((e) => Buffer.from(e.data).toString('hex'));
const infoHex = (data: Uint8Array) => Buffer.from([data.length, ...data]).toString('hex');

interface RenegotiatedFetch extends FetchResult {
  renegotiated: number;
}

/** Our client: handshake, renegotiate once, then send the request and read until the server closes. */
async function fetchRenegotiated(port: number, ca: string, timeoutMs = 15_000): Promise<RenegotiatedFetch> {
  let renegotiated = 0;
  const r = await fetchOver({ port, ca, servername: 'localhost', ciphers: '3des-ede-cbc-sha' }, REQUEST, timeoutMs, (socket, send) => {
    socket.on('renegotiated', () => {
      renegotiated++;
      send();
    });
    socket.renegotiate();
  });
  return { ...r, renegotiated };
}

interface RenegotiatingServer {
  server: SSLServer;
  port: number;
  trace: TraceEvent[];
  errors: Error[];
  /** Completed renegotiations per connection, when it answered. */
  renegotiations: number[];
  close(): Promise<void>;
}

/**
 * Our server with allowRenegotiation, answering one HTTP/1.0 request per connection, but only
 * once the client has renegotiated `wanted` times: tstclnt -r N starts each renegotiation as
 * the previous handshake completes, and answering (then closing) earlier would cut the last
 * renegotiation short.
 */
async function startRenegotiatingServer(identity: { key: string; cert: string }, wanted: number): Promise<RenegotiatingServer> {
  const trace: TraceEvent[] = [];
  const errors: Error[] = [];
  const renegotiations: number[] = [];
  const sockets: SSLSocket[] = [];
  const server = createServer({ ...identity, allowRenegotiation: true, trace: (e) => trace.push(e) }, (socket) => {
    sockets.push(socket);
    let renegotiated = 0;
    let request = '';
    let answered = false;
    const answer = () => {
      if (answered || renegotiated < wanted || !request.includes('\r\n\r\n')) return;
      answered = true;
      renegotiations.push(renegotiated);
      const body = `renegotiated ${renegotiated} times\n`;
      socket.end(`HTTP/1.0 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    };
    socket.on('renegotiated', () => {
      renegotiated++;
      answer();
    });
    socket.on('data', (d: Buffer) => {
      request += d.toString('latin1');
      answer();
    });
    socket.on('error', () => {});
  });
  server.on('tlsClientError', (err: Error) => errors.push(err));
  server.listen(0, HOST);
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    trace,
    errors,
    renegotiations,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.race([new Promise<void>((resolve) => server.close(() => resolve())), sleep(2_000)]);
    },
  };
}

describe.skipIf(!tools)('RFC 5746 renegotiation with NSS', () => {
  const t = tools!;
  let serverId: IdentityFiles;
  let selfserv: { daemon: Daemon; port: number };
  let clientDb: string;
  let allowing: RenegotiatingServer;
  let allowingOnce: RenegotiatingServer;
  let refusing: HttpTestServer;

  beforeAll(async () => {
    serverId = makeIdentity('localhost', 2048, t.openssl);
    const serverDb = makeNssDb(t.certutil, 'reneg-selfserv');
    nssImportP12(t.pk12util, serverDb, serverId.p12File!, P12_PASSWORD); // nickname 'localhost'
    clientDb = makeNssDb(t.certutil, 'reneg-client');
    nssAddCert(t.certutil, clientDb, 'ourserver', serverId.certFile, 'P,,');
    // selfserv allows renegotiation only with renegotiation_info (NSS's default,
    // SSL_RENEGOTIATE_REQUIRES_XTN); nothing needs to be switched on.
    let last = '';
    for (let attempt = 0; attempt < 5 && !selfserv; attempt++) {
      const port = await freePort();
      const daemon = new Daemon(t.selfserv, ['-p', String(port), '-d', serverDb, '-n', 'localhost', '-V', 'ssl3:ssl3', '-c', 'cnde', '-v']);
      if (await waitForPort(port, 10_000, () => !daemon.exited)) selfserv = { daemon, port };
      else {
        last = daemon.output;
        await daemon.stop('SIGKILL');
      }
    }
    if (!selfserv) throw new Error(`selfserv did not start:\n${last}`);
    const identity = { key: serverId.keyPem, cert: serverId.certPem };
    allowing = await startRenegotiatingServer(identity, 2);
    allowingOnce = await startRenegotiatingServer(identity, 1);
    refusing = await startHttpServer(identity);
  });

  afterAll(async () => {
    await Promise.all([selfserv?.daemon.stop(), allowing?.close(), allowingOnce?.close(), refusing?.close()]);
    removeTempDirs([serverId?.dir]);
  });

  it('our client renegotiates with selfserv (SSL 3.0), bound by renegotiation_info', async () => {
    const r = await fetchRenegotiated(selfserv.port, serverId.certPem);
    expect(r.error, `${r.error?.message}\nselfserv output (tail):\n${selfserv.daemon.output.slice(-2000)}`).toBeUndefined();
    expect(r.renegotiated).toBe(1);
    expect(r.response).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    const hellos = handshakes(r.trace, 'out', HandshakeType.client_hello).map(decodeClientHello);
    const serverHellos = handshakes(r.trace, 'in', HandshakeType.server_hello).map(decodeServerHello);
    const [clientFinished] = handshakes(r.trace, 'out', HandshakeType.finished);
    const [serverFinished] = handshakes(r.trace, 'in', HandshakeType.finished);
    expect(hellos).toHaveLength(2);
    expect(clientFinished).toHaveLength(36);
    // selfserv answered the SCSV with an empty renegotiation_info, then echoed both Finished hashes.
    expect(renegotiationInfo(serverHellos[0].extensions)).toEqual(['00']);
    expect(renegotiationInfo(hellos[1].extensions)).toEqual([infoHex(clientFinished)]);
    expect(renegotiationInfo(serverHellos[1].extensions)).toEqual([infoHex(concatBytes(clientFinished, serverFinished))]);
  });

  function tstclnt(server: { port: number }, args: string[]): Promise<RunResult> {
    return run(t.tstclnt, ['-h', HOST, '-p', String(server.port), '-d', clientDb, '-V', 'ssl3:ssl3', '-c', 'd', ...args], { input: REQUEST, timeoutMs: 15_000 });
  }

  const explain = (r: RunResult, server: { errors: Error[] }) =>
    `tstclnt exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}\nserver errors: ${server.errors.map((e) => e.message).join('; ')}`;

  it('tstclnt -r 1 renegotiates (full handshake) with our server (allowRenegotiation), with renegotiation_info', async () => {
    const from = allowingOnce.trace.length;
    const r = await tstclnt(allowingOnce, ['-r', '1']);
    expect(r.code, explain(r, allowingOnce)).toBe(0);
    expect(r.stdout).toContain('renegotiated 1 times');
    const trace = allowingOnce.trace.slice(from);
    const hellos = handshakes(trace, 'in', HandshakeType.client_hello).map(decodeClientHello);
    const serverHellos = handshakes(trace, 'out', HandshakeType.server_hello).map(decodeServerHello);
    const [clientFinished] = handshakes(trace, 'in', HandshakeType.finished);
    const [serverFinished] = handshakes(trace, 'out', HandshakeType.finished);
    expect(hellos).toHaveLength(2);
    // NSS signals with the SCSV; we answer with an empty renegotiation_info.
    expect(hellos[0].cipherSuites).toContain(0x00ff);
    expect(renegotiationInfo(serverHellos[0].extensions)).toEqual(['00']);
    expect(renegotiationInfo(hellos[1].extensions)).toEqual([infoHex(clientFinished)]);
    expect(renegotiationInfo(serverHellos[1].extensions)).toEqual([infoHex(concatBytes(clientFinished, serverFinished))]);
    expect(allowingOnce.errors).toEqual([]);
  });

  it('tstclnt -r 2 renegotiates twice (resuming) with our server, each bound to the handshake before', async () => {
    const from = allowing.trace.length;
    const r = await tstclnt(allowing, ['-r', '2']);
    expect(r.stdout, explain(r, allowing)).toMatch(/HTTP\/1\.0 200 OK/);
    expect(r.stdout).toContain('renegotiated 2 times');
    expect(allowing.errors).toEqual([]);
    const trace = allowing.trace.slice(from);
    const hellos = handshakes(trace, 'in', HandshakeType.client_hello).map(decodeClientHello);
    expect(hellos.length, explain(r, allowing)).toBe(3);
    const clientFinished = handshakes(trace, 'in', HandshakeType.finished);
    expect(renegotiationInfo(hellos[1].extensions)).toEqual([infoHex(clientFinished[0])]);
    expect(renegotiationInfo(hellos[2].extensions)).toEqual([infoHex(clientFinished[1])]);
    // tstclnt -r 2 exits 1 after a complete exchange even against NSS's own selfserv (its
    // NSS_Shutdown fails after resumed renegotiations); its status must match that reference.
    const reference = await tstclnt(selfserv, ['-r', '2']);
    expect(reference.stdout).toMatch(/HTTP\/1\.0 200 OK/);
    expect(r.code, explain(r, allowing)).toBe(reference.code);
  });

  describe('ssl3 serve', () => {
    /** `ssl3 serve` with --trace-json (its JSON lines say which handshakes ran) and `extra` flags. */
    async function serve(extra: string[]): Promise<{ daemon: Daemon; port: number; count: (direction: 'in' | 'out', message: string) => number }> {
      const port = await freePort();
      const daemon = new Daemon(tsx, [cli, 'serve', '--bind', HOST, '--port', String(port), '--key', serverId.keyFile, '--cert', serverId.certFile, '--trace-json', ...extra]);
      await daemon.waitFor(/serving HTTPS over SSL 3\.0/, 30_000);
      const events = () =>
        daemon.output
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { event: string; direction?: string; message?: string });
      const count = (direction: 'in' | 'out', message: string) => events().filter((e) => e.event === 'handshake' && e.direction === direction && e.message === message).length;
      return { daemon, port, count };
    }

    it('--allow-renegotiation lets tstclnt -r 1 renegotiate; without it the renegotiation is refused with handshake_failure', async () => {
      const [allowing, refusing] = await Promise.all([serve(['--allow-renegotiation']), serve([])]);
      try {
        const allowed = await tstclnt(allowing, ['-r', '1']);
        const allowedLog = `${explain(allowed, { errors: [] })}\nserve:\n${allowing.daemon.output.slice(-3000)}`;
        expect(allowed.code, allowedLog).toBe(0);
        expect(allowed.stdout, allowedLog).toMatch(/^HTTP\/1\.1 200 OK/m);
        // Two complete handshakes on the one connection.
        expect([allowing.count('in', 'client_hello'), allowing.count('out', 'server_hello'), allowing.count('in', 'finished'), allowing.count('out', 'finished')], allowedLog).toEqual([2, 2, 2, 2]);

        const refused = await tstclnt(refusing, ['-r', '1']);
        const refusedLog = `${explain(refused, { errors: [] })}\nserve:\n${refusing.daemon.output.slice(-3000)}`;
        expect(refused.code, refusedLog).not.toBe(0);
        expect(refused.stdout, refusedLog).not.toMatch(/HTTP\/1\.1 200 OK/);
        // NSS reports a received handshake_failure alert as SSL_ERROR_NO_CYPHER_OVERLAP
        // (ssl3_HandleAlert); our server saw the second ClientHello and answered no ServerHello.
        expect(refused.stderr, refusedLog).toMatch(/SSL_ERROR_NO_CYPHER_OVERLAP/);
        expect([refusing.count('in', 'client_hello'), refusing.count('out', 'server_hello')], refusedLog).toEqual([2, 1]);
      } finally {
        await Promise.all([allowing.daemon.stop(), refusing.daemon.stop()]);
      }
    }, 60_000);
  });

  it('tstclnt -r 2 is refused by our server without allowRenegotiation', async () => {
    const errors = refusing.errors.length;
    const r = await tstclnt(refusing, ['-r', '2']);
    expect(r.code, explain(r, refusing)).not.toBe(0);
    expect(r.stdout).not.toMatch(/HTTP\/1\.0 200 OK/);
    expect(refusing.errors.length, explain(r, refusing)).toBeGreaterThan(errors);
    expect(refusing.errors.at(-1)?.message).toMatch(/renegotiation/);
  });
});
