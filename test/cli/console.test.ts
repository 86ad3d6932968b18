/**
 * `ssl3 console` end to end, driven by a script on standard input as automation drives it:
 * the feature guide's example sessions replayed line by line against a real device (servers
 * listening, keys on disk), `copy running-config startup-config` persisting what a restarted
 * console loads back, and changes reaching the running HTTPS server without a restart.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers/cli.js';
import { makeIdentity } from '../helpers/identity.js';
import { commandsOf, GUIDE_SESSION_1_AS_RUN, GUIDE_SESSION_2 } from '../fixtures/guide-sessions.js';

const dir = mkdtempSync(join(tmpdir(), 'ssl3-console-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A data directory holding a ready identity, so no test waits for a 2048-bit key. */
function dataDir(name: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const id = makeIdentity('Router', 1024);
  copyFileSync(id.keyFile, join(d, 'server-key.pem'));
  copyFileSync(id.certFile, join(d, 'server-cert.pem'));
  rmSync(id.dir, { recursive: true, force: true });
  return d;
}

async function consoleRun(data: string, lines: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = Object.assign(capture(), { stdin: Readable.from(lines.map((l) => `${l}\n`)) });
  const code = await main(['console', '--data-dir', data, '--bind', '127.0.0.1'], io);
  return { code, out: io.out, err: io.err };
}

/**
 * Lines about the device's own state that the guide's transcript does not show: a listen
 * failure on port 443 (only root may bind it; the guide's session turns the server on before
 * moving it to 1025), the note that CA-trust-local has no enrolled certificate yet (SCEP
 * enrollment is not implemented) and the save's progress.
 */
const deviceNoise = (line: string) => /^% .*(443|listen)/.test(line) || /^% Warning: ip http secure-trustpoint CA-trust-local: no certificate/.test(line) || line === 'Building configuration...' || line === '[OK]';

describe('ssl3 console', () => {
  it("replays the guide's example sessions with the guide's output", async () => {
    const data = dataDir('guide');
    // The guide's second session holds the trustpoint the first one names, in the order a device needs.
    const script = ['enable', ...commandsOf(GUIDE_SESSION_1_AS_RUN), ...commandsOf(GUIDE_SESSION_2), 'exit'];
    const r = await consoleRun(data, script);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').filter((l) => !deviceNoise(l));
    expect(lines[0]).toBe('Router> enable');
    const transcript = lines.slice(1, -2).join('\n') + '\n';
    expect(transcript).toBe(GUIDE_SESSION_1_AS_RUN + GUIDE_SESSION_2);
    expect(lines.at(-2)).toBe('Router# exit');
    // The save went to disk, private to its owner.
    const saved = readFileSync(join(data, 'startup-config'), 'utf8');
    expect(saved).toMatch(/^crypto ca trustpoint CA-trust-local\n enrollment url http:\/\/example\.com\n crl query ldap:\/\/example\.com\n primary\n/m);
    expect(saved).toMatch(/^ip http secure-port 1025$/m);
    expect(saved).toMatch(/^ip http secure-ciphersuite rc4-128-md5 rc4-128-sha$/m);
    expect(saved).toMatch(/^ip http client secure-trustpoint CA-trust-local$/m);
    expect(statSync(join(data, 'startup-config')).mode & 0o777).toBe(0o600);
  });

  it('loads back what copy running-config startup-config saved, and loses what was not saved', async () => {
    const data = dataDir('roundtrip');
    const first = await consoleRun(data, [
      'enable',
      'conf t',
      'hostname edge1',
      'ip domain-name example.com',
      'access-list 20 permit 10.0.0.0 0.0.0.255',
      'access-list 20 deny any',
      'ip http access-class 20',
      'ip http max-connections 10',
      'ip http timeout-policy idle 30 life 120 requests 100',
      'ip http authentication local',
      'username admin privilege 15 secret s3cret',
      'end',
      'show running-config',
      'write memory',
      'conf t',
      'hostname unsaved',
      'end',
      'exit',
    ]);
    expect(first.code).toBe(0);
    const running = /Current configuration : \d+ bytes\n([\s\S]*?\nend\n)/.exec(first.out)?.[1];
    expect(running).toBeDefined();
    const second = await consoleRun(data, ['enable', 'show running-config', 'show startup-config', 'exit']);
    expect(second.out).toContain('edge1> enable');
    expect(second.out).not.toContain('unsaved');
    const reloaded = /Current configuration : \d+ bytes\n([\s\S]*?\nend\n)/.exec(second.out)?.[1];
    expect(reloaded).toBe(running);
    expect(second.out).toContain(`Using ${Buffer.byteLength(running!)} out of 262144 bytes\n${running}`);
    // The secret is stored hashed (IOS type 5), never as typed.
    expect(running).toMatch(/^username admin privilege 15 secret 5 \$1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}$/m);
    expect(readFileSync(join(data, 'startup-config'), 'utf8')).not.toContain('s3cret');
  });

  it('prints the IOS error forms', async () => {
    const r = await consoleRun(dataDir('errors'), ['enable', 'sh i', 'show ip http', 'show ip htp server status', 'conf t', 'ip http max-connections 99', 'exit', 'exit']);
    expect(r.out).toContain('% Ambiguous command:  "sh i"');
    expect(r.out).toContain('% Incomplete command.');
    // The caret sits under the first character of the bad word, counting the echoed prompt.
    const echoed = 'Router# show ip htp server status';
    const at = r.out.indexOf(`${echoed}\n`);
    expect(at).toBeGreaterThanOrEqual(0);
    const [caret, message] = r.out.slice(at + echoed.length + 1).split('\n');
    expect(caret).toBe(`${' '.repeat(echoed.indexOf('htp'))}^`);
    expect(message).toBe("% Invalid input detected at '^' marker.");
    const echoed2 = 'Router(config)# ip http max-connections 99';
    const at2 = r.out.indexOf(`${echoed2}\n`);
    expect(r.out.slice(at2 + echoed2.length + 1).split('\n')[0]).toBe(`${' '.repeat(echoed2.indexOf('99'))}^`);
  });
});
