// `ssl3 x509 FILE...` (src/cli/commands/x509.ts): dumps every certificate of a PEM or DER
// file with fingerprints that match OpenSSL's, and says in one line what is wrong otherwise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { buildCertificate } from '../../src/pki/x509-build.js';
import { certificateToPem, fingerprint } from '../../src/pki/x509.js';
import { findPeer } from '../helpers/peers.js';
import { capture } from '../helpers/cli.js';
import { nodeRsaKey } from '../helpers/keys.js';


const openssl = findPeer('openssl', 'openssl');
const key = nodeRsaKey();
const notBefore = new Date('2025-01-01Z');
const notAfter = new Date('2035-01-01Z');
const ca = buildCertificate({ subject: 'O=Cli Test, CN=Cli Root', notBefore, notAfter, publicKey: key, signingKey: key, ca: true, keyUsage: ['keyCertSign'] });
const leaf = buildCertificate({
  subject: 'CN=cli.example',
  issuerCertificate: ca,
  notBefore,
  notAfter,
  publicKey: key,
  signingKey: key,
  subjectAltName: { dns: ['cli.example'] },
});
let dir = '';
const path = (f: string): string => join(dir, f);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ssl3-cli-x509-'));
  writeFileSync(path('bundle.pem'), `leaf\n${certificateToPem(leaf)}root\n${certificateToPem(ca)}`);
  writeFileSync(path('leaf.der'), leaf.raw);
  writeFileSync(path('garbage.pem'), 'this is not a certificate\n');
  writeFileSync(path('truncated.der'), leaf.raw.slice(0, 100));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ssl3 x509', () => {
  it('dumps every certificate of a PEM bundle with both fingerprints', async () => {
    const io = capture();
    expect(await main(['x509', path('bundle.pem')], io)).toBe(0);
    expect(io.err).toBe('');
    expect(io.out).toContain(`${path('bundle.pem')}: certificate 1 of 2\nCertificate:\n`);
    expect(io.out).toContain('Subject: CN=cli.example');
    expect(io.out).toContain('Subject: O=Cli Test, CN=Cli Root');
    expect(io.out).toContain('DNS:cli.example');
    for (const c of [leaf, ca]) {
      expect(io.out).toContain(`SHA256 Fingerprint=${fingerprint(c, 'sha256')}\n`);
      expect(io.out).toContain(`SHA1 Fingerprint=${fingerprint(c, 'sha1')}\n`);
    }
  });

  it('reads DER', async () => {
    const io = capture();
    expect(await main(['x509', path('leaf.der')], io)).toBe(0);
    expect(io.out.startsWith('Certificate:\n')).toBe(true);
    expect(io.out).toContain(`SHA256 Fingerprint=${fingerprint(leaf, 'sha256')}`);
  });

  it.skipIf(!openssl)('prints the fingerprints openssl x509 -fingerprint prints', async () => {
    const io = capture();
    expect(await main(['x509', path('leaf.der')], io)).toBe(0);
    const theirs = execFileSync(openssl!, ['x509', '-inform', 'DER', '-in', path('leaf.der'), '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
    const hex = theirs.trim().split('=')[1];
    expect(hex).toMatch(/^[0-9A-F:]{95}$/);
    expect(io.out).toContain(`SHA256 Fingerprint=${hex}\n`);
  });

  it.each([
    ['garbage.pem', /^ssl3 x509: .*garbage\.pem: not a certificate: neither PEM .* nor DER .*\n$/],
    ['truncated.der', /^ssl3 x509: .*truncated\.der: not a certificate: certificate encoding: .*\n$/],
    ['missing.pem', /^ssl3 x509: .*missing\.pem: cannot read: no such file\n$/],
  ])('%s: exit 1 with one line and no output', async (file, line) => {
    const io = capture();
    expect(await main(['x509', path(file)], io)).toBe(1);
    expect(io.err).toMatch(line);
    expect(io.err.split('\n')).toHaveLength(2);
    expect(io.out).toBe('');
  });

  it('without a file: usage error', async () => {
    const io = capture();
    expect(await main(['x509'], io)).toBe(2);
    expect(io.err).toMatch(/^ssl3 x509: a certificate FILE is required\nusage: ssl3 x509 FILE/);
  });
});
