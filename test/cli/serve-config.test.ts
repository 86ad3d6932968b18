/**
 * `ssl3 serve --config FILE`: a broken startup-config is refused as a whole with IOS's caret
 * output per bad line and nothing starts; a good one runs its servers, and the identity it had
 * to generate is kept in the data directory (the config file itself is never rewritten).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers/cli.js';
import { freePort } from '../interop/nss-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ssl3-serve-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = join(process.cwd(), 'src', 'cli', 'main.ts');

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  return path;
}

/** Runs `ssl3 serve --config` until it prints its listening line, then stops it with SIGTERM. */
function serveOnce(config: string, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', '--config', config, '--data-dir', data, '--bind', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (out.includes('\n') && code === 0) resolve(out.trim());
      else reject(new Error(`serve exited ${code}: ${err}`));
    });
  });
}

describe('ssl3 serve --config', () => {
  it('refuses a config with bad lines, showing each the way IOS does, and starts nothing', async () => {
    const config = file('bad.cfg', ['hostname dev1', 'ip http secure-port 10x25', 'ip http secure-port 1024', 'ip http secure-server']);
    const io = capture();
    expect(await main(['serve', '--config', config, '--data-dir', join(dir, 'bad-data')], io)).toBe(1);
    expect(io.err).toContain(`${config}:2: ip http secure-port 10x25\n${' '.repeat(`${config}:2: ip http secure-port `.length)}^\n% Invalid input detected at '^' marker.\n`);
    expect(io.err).toContain(`${config}:3: ip http secure-port 1024\nInvalid secure port value.\n`);
    expect(io.err).toMatch(/the configuration has errors; nothing was started\n$/);
    expect(io.out).toBe('');
    expect(existsSync(join(dir, 'bad-data', 'server-key.pem'))).toBe(false);
  });

  it('refuses a config that enables no server, a missing file, and flags the file would contradict', async () => {
    let io = capture();
    expect(await main(['serve', '--config', file('none.cfg', ['hostname dev1']), '--data-dir', join(dir, 'none')], io)).toBe(1);
    expect(io.err).toMatch(/neither 'ip http server' nor 'ip http secure-server' is configured/);
    io = capture();
    expect(await main(['serve', '--config', join(dir, 'missing.cfg')], io)).toBe(1);
    expect(io.err).toBe(`ssl3 serve: --config ${join(dir, 'missing.cfg')}: no such file\n`);
    io = capture();
    expect(await main(['serve', '--config', 'x.cfg', '--port', '1025'], io)).toBe(2);
    expect(io.err.split('\n')[0]).toBe('ssl3 serve: --config takes the server settings from the file; --port cannot be combined with it');
  });

  it('keeps the identity it generated across restarts and leaves the config file alone', async () => {
    const port = await freePort();
    const lines = ['hostname dev1', 'ip domain-name example.com', 'ip http secure-server', `ip http secure-port ${port}`, 'end'];
    const config = file('good.cfg', lines);
    const data = join(dir, 'good-data');
    const first = await serveOnce(config, data);
    expect(first).toMatch(new RegExp(`^ssl3: serving HTTPS over SSL 3\\.0 on https://127\\.0\\.0\\.1:${port}/ certificate SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$`));
    expect(existsSync(join(data, 'server-key.pem'))).toBe(true);
    expect(existsSync(join(data, 'startup-config'))).toBe(false);
    expect(readFileSync(config, 'utf8')).toBe(lines.map((l) => `${l}\n`).join(''));
    const second = await serveOnce(config, data);
    expect(second).toBe(first);
  }, 120_000);
});
