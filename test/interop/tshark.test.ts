/**
 * tshark (Wireshark) as an independent judge of our record layer: we capture sessions between
 * our client and our server on loopback, one per suite plus a resumed one, and let tshark
 * decrypt them twice. Once from our NSS key log (CLIENT_RANDOM lines from the 'keylog'
 * events): that checks our key block derivation, ciphers, IVs, padding and SSL 3.0 MACs, since
 * tshark verifies every record's MAC with its own code ("ssl_decrypt_record: mac ok" in its
 * debug log). Once from the server's RSA key alone: then tshark derives the master secret
 * from the premaster itself, which checks our SSL 3.0 master-secret derivation too.
 *
 * Capturing needs permission to open the loopback interface (root or the wireshark group);
 * without it the tests skip with a message, unless SSL3_REQUIRE_PEERS=1.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdentity, type IdentityFiles } from '../helpers/identity.js';
import type { Session } from '../../src/handshake/session.js';
import { applicationRecordLengths, captureUnavailable, decryptCapture, startLiveCapture, type Decryption, type LiveCapture } from './tshark-helpers.js';
import { SUITES, fetchOver, findTools, removeTempDirs, startHttpServer, tempDir, type FetchResult, type HttpTestServer } from './nss-helpers.js';

const tools = findTools({ tshark: 'tshark' });

/** One connection per suite, then one resuming the RC4-SHA session. */
const PLAN = [
  ...SUITES.map((s) => ({ label: s.keyword, ciphers: s.keyword, resume: false })),
  { label: 'rc4-128-sha resumed', ciphers: 'rc4-128-sha', resume: true },
].map((step, stream) => ({ ...step, stream }));

interface Exchange {
  label: string;
  request: string;
  result: FetchResult;
  /** Encrypted records our client sent and received (from its trace). */
  encryptedRecords: number;
}

describe.skipIf(!tools)('tshark decrypts our SSL 3.0 sessions', () => {
  const t = tools!;
  let dir: string;
  let capture: string;
  let identity: IdentityFiles;
  let server: HttpTestServer;
  let cannotCapture: string | undefined;
  const exchanges: Exchange[] = [];
  let fromKeylog: Decryption;
  let fromRsaKey: Decryption;
  let recordLengths: Awaited<ReturnType<typeof applicationRecordLengths>>;

  function analyse(name: string, keyOption: string[]): Promise<Decryption> {
    return decryptCapture(t.tshark, { capture, serverPort: server.port, streamCount: exchanges.length, keyOption, debugFile: join(dir, `${name}.debug.txt`) });
  }

  beforeAll(async () => {
    dir = tempDir('tshark');
    capture = join(dir, 'capture.pcapng');
    identity = makeIdentity('localhost', 2048);
    server = await startHttpServer({ key: identity.keyPem, cert: identity.certPem });
    let live: LiveCapture;
    try {
      live = await startLiveCapture(t.tshark, server.port, capture);
    } catch (e) {
      cannotCapture = captureUnavailable(e);
      return;
    }
    try {
      let session: Session | undefined;
      for (const step of PLAN) {
        // A body unique to this exchange, long enough for several records each way.
        const body = `${step.label}:${randomBytes(12_000).toString('hex')}`;
        const request = `POST /${step.label.replace(/ /g, '-')} HTTP/1.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
        const result = await fetchOver({ port: server.port, ca: identity.certPem, servername: 'localhost', ciphers: step.ciphers, session: step.resume ? session : undefined }, request);
        if (step.ciphers === 'rc4-128-sha' && !step.resume) session = result.socket.getSession();
        const encryptedRecords = result.trace.filter((e) => e.kind === 'record' && e.encrypted).length;
        exchanges.push({ label: step.label, request, result, encryptedRecords });
      }
    } finally {
      await live.stop();
    }
    writeFileSync(join(dir, 'keylog.txt'), exchanges.flatMap((x) => x.result.keylog).join(''));
    fromKeylog = await analyse('keylog', ['-o', `tls.keylog_file:${join(dir, 'keylog.txt')}`]);
    fromRsaKey = await analyse('rsakey', ['-o', `uat:rsa_keys:"${identity.keyFile}",""`]);
    recordLengths = await applicationRecordLengths(t.tshark, { capture, serverPort: server.port, keyOption: ['-o', `tls.keylog_file:${join(dir, 'keylog.txt')}`] });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    removeTempDirs([identity?.dir]);
  });

  it('captured one exchange per suite and a resumed one, each complete', ({ skip }) => {
    if (cannotCapture) return skip(cannotCapture);
    expect(exchanges.map((x) => x.label)).toEqual(PLAN.map((p) => p.label));
    for (const x of exchanges) {
      expect(x.result.error, x.label).toBeUndefined();
      expect(x.result.response.endsWith(x.request.slice(x.request.indexOf('\r\n\r\n') + 4)), x.label).toBe(true);
    }
    expect(exchanges.at(-1)!.result.socket.isSessionReused()).toBe(true);
  });

  it.for(PLAN)('$label: a CBC request and response each go 1/n-1 on the wire (BEAST), a stream cipher\'s do not', ({ stream: i, ciphers }, { skip }) => {
    if (cannotCapture) return skip(cannotCapture);
    const x = exchanges[i];
    const lengths = recordLengths.get(i);
    expect(lengths, `${x.label}: tshark decrypted no application data`).toBeDefined();
    const cbc = /cbc/.test(ciphers);
    // One write each way: the request (fetchOver) and the response (one end() by the server).
    const body = x.request.length;
    for (const [direction, sizes, total] of [
      ['request', lengths!.toServer, body],
      ['response', lengths!.toClient, x.result.response.length],
    ] as const) {
      expect(sizes.reduce((a, b) => a + b, 0), `${x.label} ${direction}`).toBe(total);
      if (cbc) expect(sizes.slice(0, 2), `${x.label} ${direction}: ${sizes.join(',')}`).toEqual([1, 16384]);
      else expect(sizes[0], `${x.label} ${direction}: ${sizes.join(',')}`).toBe(16384);
    }
  });

  describe.each([
    ['our key log', () => fromKeylog],
    ["the server's RSA key", () => fromRsaKey],
  ] as const)('decrypting with %s', (_name, decryption) => {
    it.for(PLAN)('$label: every MAC checks and the plaintext is what we sent', ({ stream: i }, { skip }) => {
      if (cannotCapture) return skip(cannotCapture);
      const x = exchanges[i];
      expect(x, 'exchange missing').toBeDefined();
      const d = decryption();
      const macs = d.macs.get(i);
      expect(macs, `${x.label}: no records decrypted\n${d.debug.slice(0, 3000)}`).toBeDefined();
      expect(macs!.failed, x.label).toBe(0);
      expect(macs!.decryptFailures, x.label).toBe(0);
      // Every encrypted record of the connection (Finished, data, close_notify, both ways).
      expect(macs!.ok, x.label).toBeGreaterThanOrEqual(x.encryptedRecords);
      expect(x.encryptedRecords, x.label).toBeGreaterThanOrEqual(6);
      const stream = d.streams.get(i);
      expect(stream, `${x.label}: tshark followed no TLS stream ${i}`).toBeDefined();
      // Compared as booleans: the bodies are tens of kilobytes.
      const toServer = stream!.toServer.toString('latin1');
      const toClient = stream!.toClient.toString('latin1');
      expect(toServer === x.request, `${x.label}: request as tshark decrypted it (${toServer.length} bytes, starts ${JSON.stringify(toServer.slice(0, 60))}) differs from what we sent (${x.request.length} bytes)`).toBe(true);
      expect(toClient === x.result.response, `${x.label}: response as tshark decrypted it (${toClient.length} bytes, starts ${JSON.stringify(toClient.slice(0, 60))}) differs from what we received (${x.result.response.length} bytes)`).toBe(true);
    });
  });
});
