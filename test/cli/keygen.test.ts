/**
 * `ssl3 keygen` through the real dispatcher (src/cli/main.ts), and the atomic file writer it
 * uses: the key file is PKCS #8 PEM (RFC 5958) with mode 0600, never silently replaced, and
 * a bad flag costs the user one clear line.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { encodeSubjectPublicKeyInfo, parsePrivateKey } from '../../src/pki/keys.js';
import { bitLength } from '../../src/pki/rsa-key.js';
import { writeFileAtomic } from '../../src/util/atomic-file.js';
import { findPeer } from '../helpers/peers.js';
import { capture } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ssl3-keygen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const leftovers = () => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

describe('ssl3 keygen', () => {
  const path = join(dir, 'server.key');

  it('writes a 1024-bit PKCS #8 key with mode 0600 and says what it wrote', async () => {
    const io = capture();
    expect(await main(['keygen', '--bits', '1024', '--out', path], io)).toBe(0);
    expect(io.err).toBe('');
    const pem = readFileSync(path, 'latin1');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const key = parsePrivateKey(pem);
    expect(bitLength(key.n)).toBe(1024);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const fingerprint = createHash('sha256').update(encodeSubjectPublicKeyInfo(key)).digest('hex').replace(/(..)(?!$)/g, '$1:');
    expect(io.out).toBe(`wrote 1024-bit RSA private key (PKCS#8 PEM) to ${path}; public key SHA-256 ${fingerprint}\n`);
    expect(leftovers()).toEqual([]);

    const openssl = findPeer('/usr/bin/openssl', 'openssl');
    if (openssl) expect(execFileSync(openssl, ['rsa', '-check', '-noout', '-in', path]).toString()).toMatch(/RSA key ok/);
  });

  it('refuses to overwrite without --force, and replaces with it', async () => {
    const before = readFileSync(path, 'latin1');
    const io = capture();
    expect(await main(['keygen', '--bits', '512', '--out', path], io)).toBe(1);
    expect(io.err).toBe(`ssl3 keygen: ${path} already exists; use --force to replace it\n`);
    expect(readFileSync(path, 'latin1')).toBe(before);

    const io2 = capture();
    expect(await main(['keygen', '--bits', '512', '--out', path, '--force', '--format', 'pkcs1'], io2)).toBe(0);
    const after = readFileSync(path, 'latin1');
    expect(after).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(bitLength(parsePrivateKey(after).n)).toBe(512);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
  });

  it.each([
    [['--bits', '100'], '--bits must be between 512 and 4096, got 100'],
    [['--bits', '8192'], '--bits must be between 512 and 4096, got 8192'],
    [['--bits', 'big'], "--bits must be a whole number, got 'big'"],
    [['--bits', '1024'], '--out FILE is required'],
    [['--format', 'der'], "--format must be pkcs8 or pkcs1, got 'der'"],
    [['--colour'], "Unknown option '--colour'"],
  ])('%j fails with one clear line', async (args, message) => {
    const io = capture();
    const out = join(dir, 'never.key');
    const argv = args.includes('--bits') && args[1] === '1024' ? ['keygen', ...args] : ['keygen', ...args, '--out', out];
    expect(await main(argv, io)).toBe(2);
    const lines = io.err.trimEnd().split('\n');
    expect(lines[0]).toBe(`ssl3 keygen: ${message}`);
    expect(lines.slice(1).every((l) => l.startsWith('usage: '))).toBe(true);
    expect(io.out).toBe('');
    expect(readdirSync(dir)).not.toContain('never.key');
  });

  it('an unwritable destination is one line, exit 1, no temporary file left', async () => {
    const io = capture();
    expect(await main(['keygen', '--bits', '512', '--out', join(dir, 'missing', 'x.key')], io)).toBe(1);
    expect(io.err).toMatch(/^ssl3 keygen: cannot write .*missing\/x\.key: ENOENT.*\n$/);
    expect(leftovers()).toEqual([]);
  });

  it('is listed by help', async () => {
    const io = capture();
    expect(await main(['help'], io)).toBe(0);
    expect(io.out).toMatch(/keygen\s+generate an RSA private key/);
  });
});

describe('writeFileAtomic', () => {
  it('sets the exact mode whatever the umask, and replaces by default', async () => {
    const p = join(dir, 'config.txt');
    await writeFileAtomic(p, 'one', 0o666);
    expect(statSync(p).mode & 0o777).toBe(0o666);
    await writeFileAtomic(p, new TextEncoder().encode('two'));
    expect(readFileSync(p, 'utf8')).toBe('two');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
  });

  it('with overwrite: false fails with EEXIST and leaves the old file alone', async () => {
    const p = join(dir, 'keep.txt');
    writeFileSync(p, 'old');
    await expect(writeFileAtomic(p, 'new', 0o600, { overwrite: false })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(p, 'utf8')).toBe('old');
    const fresh = join(dir, 'fresh.txt');
    await writeFileAtomic(fresh, 'new', 0o600, { overwrite: false });
    expect(readFileSync(fresh, 'utf8')).toBe('new');
    expect(leftovers()).toEqual([]);
  });

  it('concurrent exclusive writers: exactly one wins', async () => {
    const p = join(dir, 'race.txt');
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => writeFileAtomic(p, `writer ${i}`, 0o600, { overwrite: false })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(readFileSync(p, 'utf8')).toMatch(/^writer \d$/);
    expect(leftovers()).toEqual([]);
  });
});
