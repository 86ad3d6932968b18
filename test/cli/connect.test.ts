/**
 * `ssl3 connect`: flag and connection errors in one line each, and how a conversation ends
 * (RFC 6101 5.4.1): a server that closes without close_notify after its answer, or closes
 * without answering our close_notify, ends it without a crash (the conversation with a real
 * peer: test/interop/nss-server.test.ts).
 */
import { PassThrough, Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createServer, type SSLServer } from '../../src/socket/index.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { capture, firstErrorLine } from '../helpers/cli.js';
import { nodeRsaKey } from '../helpers/keys.js';
import { startOldDevice, type OldDevice } from '../helpers/old-device.js';
import { freePort } from '../interop/nss-helpers.js';

const key = nodeRsaKey(1024);
const identity = { keyPem: privateKeyToPem(key), certPem: certificateToPem(selfSignedCertificate({ key, hostname: 'device', ips: ['127.0.0.1'], days: 10 })) };
const caFile = join(mkdtempSync(join(tmpdir(), 'ssl3-connect-')), 'ca.pem');
writeFileSync(caFile, identity.certPem);

let device: OldDevice;
/** Closes TCP as soon as our close_notify arrives, without its own (RFC 6101 5.4.1 lets it). */
let rude: SSLServer;
let rudePort: number;

beforeAll(async () => {
  device = await startOldDevice(identity, () => ({ body: 'device page\n' }));
  rude = createServer({ key: identity.keyPem, cert: identity.certPem }, (ssl) => {
    ssl.on('error', () => {});
    ssl.socket.prependListener('data', (chunk: Buffer) => {
      if (chunk[0] !== 21) return; // an alert record: our close_notify
      ssl.socket.removeAllListeners('data');
      ssl.socket.end();
    });
  });
  await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', () => resolve()));
  rudePort = (rude.address() as AddressInfo).port;
});
afterAll(async () => {
  await device.close();
  rude.close();
});

/** Runs `ssl3 connect` in process with `input` as standard input (a stream that stays open, or lines that end at once). */
async function connect(args: string[], input: string[] | NodeJS.ReadableStream): Promise<{ code: number; out: string; err: string }> {
  const io = Object.assign(capture(), { stdin: Array.isArray(input) ? Readable.from(input) : input });
  const code = await main(['connect', '--ca', caFile, ...args], io);
  return { code, out: io.out, err: io.err };
}

describe('ssl3 connect', () => {
  it('names what is wrong with its arguments', async () => {
    expect(await firstErrorLine('connect', [])).toEqual([2, 'ssl3 connect: give exactly one HOST[:PORT]']);
    expect(await firstErrorLine('connect', ['host:99999'])).toEqual([2, "ssl3 connect: 'host:99999': expected HOST[:PORT] with PORT 1..65535"]);
    expect(await firstErrorLine('connect', ['[::1]:0'])).toEqual([2, "ssl3 connect: '[::1]:0': expected HOST[:PORT] with PORT 1..65535"]);
    expect(await firstErrorLine('connect', ['host', '--reconnect', 'x'])).toEqual([2, "ssl3 connect: --reconnect must be a whole number from 0 to 100, got 'x'"]);
    expect(await firstErrorLine('connect', ['host', '--key', 'k.pem'])).toEqual([2, 'ssl3 connect: --cert and --key go together']);
  });

  it('says why it could not connect', async () => {
    const port = await freePort();
    expect(await firstErrorLine('connect', [`127.0.0.1:${port}`])).toEqual([1, `ssl3 connect: cannot connect to 127.0.0.1:${port}: connection refused`]);
  });

  it('prints the answer of a server that then closes without close_notify, says so in one line, and exits 0', async () => {
    // Standard input stays open: the server closes first.
    const input = new PassThrough();
    input.write('GET / HTTP/1.0\r\n\r\n');
    const r = await connect([`127.0.0.1:${device.port}`], input);
    expect(r.code).toBe(0);
    expect(r.out).toBe('HTTP/1.0 200 OK\r\n\r\ndevice page\n');
    expect(r.err.split('\n').slice(-2)).toEqual([`ssl3 connect: 127.0.0.1:${device.port} closed the connection without close_notify (the output may be truncated)`, '']);
  });

  it('ends cleanly when the server closes after our close_notify without answering it, also with --reconnect', async () => {
    const r = await connect([`127.0.0.1:${rudePort}`], []);
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(/truncat|close_notify/);
    const again = await connect([`127.0.0.1:${rudePort}`, '--reconnect', '2'], []);
    expect(again.code).toBe(0);
    expect(again.err).toMatch(/reconnect 1: session resumed\n {2}reconnect 2: session resumed\n$/);
  });
});
