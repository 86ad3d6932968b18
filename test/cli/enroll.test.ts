/**
 * `ssl3 enroll` against a real SCEP CA (micromdm scepserver): the CA is accepted only by the
 * fingerprint or file given, the certificate and key land in their files, and a wrong
 * fingerprint, a wrong challenge or a CA that is down each end with one line and exit 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parsePrivateKey } from '../../src/pki/keys.js';
import { fingerprint, parseCertificates } from '../../src/pki/x509.js';
import { capture, firstErrorLine } from '../helpers/cli.js';
import { scepserverPath, startScepServer, type RunningCa } from '../helpers/scep-ca.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';
import { freePort } from '../interop/nss-helpers.js';

const scepserver = scepserverPath();

afterAll(() => removeTempDirs());

describe('ssl3 enroll: flags', () => {
  it.each([
    [['--challenge', 'x', '--ca-fingerprint', 'AA', '--new-key', 'k', '--out', 'c'], '--url URL is required'],
    [['--url', 'ftp://x/', '--challenge', 'x'], "--url must be an http:// URL, got 'ftp://x/'"],
    [['--url', 'http://x/', '--challenge', 'x', '--new-key', 'k', '--out', 'c', '--dns', 'a'], '--ca-fingerprint FP or --ca FILE is required: the CA certificate must be checked before it is trusted'],
    [['--url', 'http://x/', '--challenge', 'x', '--ca-fingerprint', 'zz', '--new-key', 'k', '--out', 'c', '--dns', 'a'], expect.stringMatching(/^ssl3 enroll: --ca-fingerprint: /)],
    [['--url', 'http://x/', '--challenge', 'x', '--ca-fingerprint', 'AA'.repeat(32), '--key', 'k', '--new-key', 'k', '--out', 'c'], 'ssl3 enroll: give one of --key FILE (an existing key) or --new-key FILE (generate one)'],
  ])('%j', async (args, line) => {
    const [code, first] = await firstErrorLine('enroll', args as string[]);
    expect(code).toBe(2);
    expect(first).toEqual(typeof line === 'string' ? expect.stringContaining(line) : line);
  });
});

describe.skipIf(!scepserver)('ssl3 enroll against micromdm scepserver', () => {
  let ca: RunningCa;
  beforeAll(async () => {
    ca = await startScepServer(scepserver!, 'open sesame', await freePort());
  }, 60_000);
  afterAll(() => ca?.stop());

  const base = (dir: string) => ['--url', ca.url, '--challenge', 'open sesame', '--new-key', join(dir, 'key.pem'), '--bits', '1024', '--out', join(dir, 'cert.pem'), '--dns', 'device.example', '--ip', '127.0.0.1'];

  it('writes the key, the certificate for it, and the CA certificate', async () => {
    const dir = tempDir('enroll');
    const io = capture();
    const code = await main(['enroll', ...base(dir), '--ca-fingerprint', fingerprint(ca.caCert, 'sha256'), '--ca-out', join(dir, 'ca.pem')], io);
    expect(io.err).toMatch(/^CA certificate accepted: SHA-256 /);
    expect(code).toBe(0);
    const cert = parseCertificates(readFileSync(join(dir, 'cert.pem')))[0];
    const key = parsePrivateKey(readFileSync(join(dir, 'key.pem')));
    expect(cert.publicKey.rsa?.n).toBe(key.n);
    expect(cert.subjectAltName?.dns).toEqual(['device.example']);
    expect(parseCertificates(readFileSync(join(dir, 'ca.pem')))[0].raw).toEqual(ca.caCert.raw);
    expect(io.out).toMatch(/^wrote the certificate \(serial [0-9A-F]+, SHA-256 [0-9A-F:]+\) to /);
  });

  it('accepts the CA by file too; refuses a CA whose fingerprint differs, writing nothing', async () => {
    const dir = tempDir('enroll');
    expect(await main(['enroll', ...base(dir), '--ca', ca.caFile], capture())).toBe(0);
    const other = tempDir('enroll');
    const io = capture();
    expect(await main(['enroll', ...base(other), '--ca-fingerprint', 'AB'.repeat(32)], io)).toBe(1);
    expect(io.err).toMatch(/^ssl3 enroll: the CA's certificate \(SHA-256 [0-9A-F:]+\) is not the one given by --ca-fingerprint; nothing was requested\n$/);
    expect(existsSync(join(other, 'key.pem')) || existsSync(join(other, 'cert.pem'))).toBe(false);
  });

  it('a wrong challenge and a CA that is down: one line, exit 1', async () => {
    const dir = tempDir('enroll');
    const args = base(dir);
    args[3] = 'wrong';
    const io = capture();
    expect(await main(['enroll', ...args, '--ca-fingerprint', fingerprint(ca.caCert, 'sha1')], io)).toBe(1);
    expect(io.err.split('\n').filter(Boolean).pop()).toMatch(/^ssl3 enroll: the CA rejected the request: badRequest: /);
    const down = capture();
    const url = `http://127.0.0.1:${await freePort()}/scep`;
    expect(await main(['enroll', '--url', url, ...base(dir).slice(2), '--ca-fingerprint', fingerprint(ca.caCert, 'sha1')], down)).toBe(1);
    expect(down.err).toMatch(/^ssl3 enroll: GetCACaps: the CA 127\.0\.0\.1:\d+ cannot be reached: ECONNREFUSED\n$/);
  });
});
