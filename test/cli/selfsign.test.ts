// `ssl3 selfsign` (src/cli/commands/selfsign.ts): writes a self-signed certificate for a key
// file atomically, never over an existing file without --force, and prints its fingerprint.
import { spawnSync } from 'node:child_process';
import { nodeRsaPair } from '../helpers/keys.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { OID } from '../../src/pki/oid.js';
import { commonName, fingerprint, parseCertificates } from '../../src/pki/x509.js';
import { findPeer } from '../helpers/peers.js';
import { capture } from '../helpers/cli.js';

const openssl = findPeer('openssl', 'openssl');
let dir = '';
const path = (f: string): string => join(dir, f);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ssl3-cli-selfsign-'));
  writeFileSync(path('dev.key'), nodeRsaPair(1024).privateKey.export({ format: 'pem', type: 'pkcs8' }));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ssl3 selfsign', () => {
  it('writes a certificate for the host and IPs and prints its SHA-256 fingerprint', async () => {
    const io = capture();
    const code = await main(['selfsign', '--key', path('dev.key'), '--host', 'r1.example.net', '--ip', '10.0.0.1', '--ip', '2001:db8::1', '--out', path('dev.pem')], io);
    expect(io.err).toBe('');
    expect(code).toBe(0);
    const [cert] = parseCertificates(readFileSync(path('dev.pem'), 'utf8'));
    expect(commonName(cert.subject)).toBe('r1.example.net');
    expect(cert.subjectAltName).toEqual({ dns: ['r1.example.net'], ip: ['10.0.0.1', '2001:db8::1'], email: [], uri: [] });
    expect(cert.extendedKeyUsage).toEqual([OID.serverAuth, OID.clientAuth]);
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(3651 * 86400_000);
    expect(io.out).toBe(`wrote self-signed certificate for r1.example.net to ${path('dev.pem')}; SHA-256 ${fingerprint(cert, 'sha256')}\n`);
    expect(statSync(path('dev.pem')).mode & 0o777).toBe(0o644);
  });

  it.skipIf(!openssl)('the fingerprint is the one openssl prints, and openssl verify accepts the certificate as its own CA', async () => {
    const io = capture();
    expect(await main(['selfsign', '--key', path('dev.key'), '--host', 'r2.example.net', '--hash', 'sha1', '--days', '30', '--out', path('r2.pem')], io)).toBe(0);
    const fp = spawnSync(openssl!, ['x509', '-in', path('r2.pem'), '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' }).stdout.trim().split('=')[1];
    expect(io.out).toContain(`SHA-256 ${fp}\n`);
    const v = spawnSync(openssl!, ['verify', '-CAfile', path('r2.pem'), path('r2.pem')], { encoding: 'utf8' });
    expect(v.stdout.trim()).toBe(`${path('r2.pem')}: OK`);
    expect(parseCertificates(readFileSync(path('r2.pem')))[0].signatureAlgorithm.hash).toBe('sha1');
  });

  it('refuses to overwrite without --force, and replaces with it', async () => {
    const args = ['selfsign', '--key', path('dev.key'), '--host', 'r3.example.net', '--out', path('r3.pem')];
    expect(await main(args, capture())).toBe(0);
    const before = readFileSync(path('r3.pem'), 'utf8');
    const io = capture();
    expect(await main(args, io)).toBe(1);
    expect(io.err).toBe(`ssl3 selfsign: ${path('r3.pem')} already exists; use --force to replace it\n`);
    expect(readFileSync(path('r3.pem'), 'utf8')).toBe(before);
    expect(await main([...args, '--force'], capture())).toBe(0);
    expect(readFileSync(path('r3.pem'), 'utf8')).not.toBe(before);
  });

  it.each([
    [['--host', 'x.example', '--out', 'o1.pem'], 2, /--key FILE is required/],
    [['--key', 'dev.key', '--out', 'o2.pem'], 2, /--host NAME is required/],
    [['--key', 'dev.key', '--host', 'x.example'], 2, /--out FILE is required/],
    [['--key', 'dev.key', '--host', 'x.example', '--out', 'o3.pem', '--hash', 'sha3'], 2, /--hash must be one of/],
    [['--key', 'dev.key', '--host', 'x.example', '--out', 'o4.pem', '--days', '0'], 2, /--days must be between/],
    [['--key', 'dev.key', '--host', 'bad host', '--out', 'o5.pem'], 1, /^ssl3 selfsign: 'bad host' is not a host name/],
    [['--key', 'dev.key', '--host', 'x.example', '--ip', '1.2.3', '--out', 'o6.pem'], 1, /not an IP address: '1\.2\.3'/],
    [['--key', 'nokey.pem', '--host', 'x.example', '--out', 'o7.pem'], 1, /cannot read .*nokey\.pem/],
    [['--key', 'dev.pem', '--host', 'x.example', '--out', 'o8.pem'], 1, /dev\.pem: no private key found/],
  ])('bad input %j: exit %i, one clear line, no file', async (args, status, message) => {
    const io = capture();
    const full = args.map((a, i) => (args[i - 1] === '--key' || args[i - 1] === '--out' ? path(a) : a));
    expect(await main(['selfsign', ...full], io)).toBe(status);
    expect(io.err.split('\n')[0]).toMatch(message);
    expect(io.err.split('\n').length).toBe(status === 2 ? 3 : 2);
    const out = full[full.indexOf('--out') + 1];
    if (full.includes('--out')) expect(existsSync(out)).toBe(false);
  });
});
