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
import { freePort } from '../interop/nss-helpers.js';
import { request } from '../../src/http/https-client.js';

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

  it('--trace-json and --pcap record the connections of the server the console configured', async () => {
    const data = dataDir('traced');
    const port = await freePort();
    const pcap = join(dir, 'console.pcap');
    let status = 0;
    async function* script() {
      for (const l of ['enable', 'configure terminal', `ip http secure-port ${port}`, 'ip http secure-server', 'end']) yield `${l}\n`;
      // Standard input is read ahead of the commands' effect: retry until the server listens.
      for (let tries = 0; status === 0; tries++) {
        await new Promise<void>((resolve, reject) => {
          const req = request(`https://127.0.0.1:${port}/`, { rejectUnauthorized: false }, (res) => {
            status = res.statusCode ?? 0;
            res.resume();
            res.on('end', resolve);
          });
          req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' && tries < 100 ? setTimeout(resolve, 50) : reject(e)));
          req.end();
        });
      }
      yield 'exit\n';
    }
    const io = Object.assign(capture(), { stdin: Readable.from(script()) });
    expect(await main(['console', '--data-dir', data, '--bind', '127.0.0.1', '--trace-json', '--pcap', pcap], io)).toBe(0);
    expect(status).toBeGreaterThan(0);
    const events = io.err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.event === 'handshake').map((e) => [e.direction, e.message]).slice(0, 2)).toEqual([
      ['in', 'client_hello'],
      ['out', 'server_hello'],
    ]);
    expect(events.every((e) => e.role === 'server')).toBe(true);
    const capture_ = readFileSync(pcap);
    expect(capture_.readUInt32LE(0)).toBe(0xa1b2c3d4); // the pcap magic, in this machine's order
    expect(capture_.length).toBeGreaterThan(24 + 1000); // packets after the file header

    const both = Object.assign(capture(), { stdin: Readable.from([]) });
    expect(await main(['console', '--data-dir', data, '--trace', '--trace-json'], both)).toBe(2);
    expect(both.err.split('\n')[0]).toBe('ssl3 console: --trace and --trace-json: choose one');
  });
});
