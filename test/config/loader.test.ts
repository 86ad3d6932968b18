/**
 * The config-file loader (src/config/loader.ts): a startup-config read with the console's
 * table in configuration mode, IOS's decorations skipped, trustpoint blocks without `exit`,
 * every bad line reported with its number and a caret under the bad word, and what
 * `show running-config` prints loading back into the same configuration.
 */
import { describe, expect, it } from 'vitest';
import { formatLoadErrors, loadConfig } from '../../src/config/loader.js';
import { showRunningConfig } from '../../src/config/render.js';
import { parseAccessListCommand } from '../../src/http/access-list.js';
import { FakeContext } from './fake-context.js';

const entry = (text: string) => parseAccessListCommand(`access-list 1 ${text}`).entry;

describe('loadConfig', () => {
  it("loads a startup-config as IOS writes it, sub-mode lines indented, and never applies", async () => {
    const ctx = new FakeContext();
    const text = [
      'Building configuration...',
      '',
      'Current configuration : 512 bytes',
      '!',
      'version 12.4',
      'hostname edge1',
      'ip domain-name example.com',
      '!',
      'crypto ca trustpoint CA-trust-local',
      ' enrollment url http://ca.example.com',
      ' crl query ldap://example.com',
      ' primary',
      '!',
      'no ip http server',
      'ip http secure-server',
      'ip http secure-port 1025',
      'ip http secure-ciphersuite rc4-128-md5 rc4-128-sha',
      'ip http client secure-trustpoint CA-trust-local',
      'access-list 20 permit 10.0.0.0 0.0.0.255',
      'access-list 20 deny any',
      'ip http access-class 20',
      '!',
      'end',
    ].join('\r\n');
    expect(await loadConfig(text, ctx)).toEqual([]);
    expect(ctx.calls).toEqual([]);
    expect(ctx.output).toBe('');
    const c = ctx.config;
    expect(c.hostname).toBe('edge1');
    expect(c.domainName).toBe('example.com');
    expect(c.trustpoints.get('CA-trust-local')).toEqual({ name: 'CA-trust-local', primary: true, enrollmentUrl: 'http://ca.example.com', crlQuery: 'ldap://example.com' });
    expect(c.http).toMatchObject({ server: false, secureServer: true, securePort: 1025, secureCiphersuites: ['rc4-128-sha', 'rc4-128-md5'], clientSecureTrustpoint: 'CA-trust-local', accessClass: 20 });
    expect(c.accessLists.get(20)).toEqual([entry('permit 10.0.0.0 0.0.0.255'), entry('deny any')]);
  });

  it('leaves a trustpoint block at the first global command, with or without exit', async () => {
    const ctx = new FakeContext();
    const errors = await loadConfig('crypto ca trustpoint A\n primary\nip http server\ncrypto ca trustpoint B\n crl optional\n exit\nip http port 8080\n', ctx);
    expect(errors).toEqual([]);
    expect(ctx.config.trustpoints.get('A')).toEqual({ name: 'A', primary: true });
    expect(ctx.config.trustpoints.get('B')).toEqual({ name: 'B', primary: false, crlMode: 'optional' });
    expect(ctx.config.http.server).toBe(true);
    expect(ctx.config.http.port).toBe(8080);
  });

  it('stops at end', async () => {
    const ctx = new FakeContext();
    expect(await loadConfig('hostname one\nend\nhostname two\nthis is not a command\n', ctx)).toEqual([]);
    expect(ctx.config.hostname).toBe('one');
  });

  it('reports every bad line with its number, and keeps going', async () => {
    const ctx = new FakeContext();
    const text = ['hostname r1', 'ip htp server', '  ip http secure-port 1024', 'ip http max-connections 99', 'ip http', 'ip d x', 'hostname 9x', 'ip http port 8080'].join('\n');
    const errors = await loadConfig(text, ctx);
    expect(errors).toEqual([
      { line: 2, text: 'ip htp server', output: "   ^\n% Invalid input detected at '^' marker." },
      { line: 3, text: '  ip http secure-port 1024', output: 'Invalid secure port value.' },
      { line: 4, text: 'ip http max-connections 99', output: `${' '.repeat(24)}^\n% Invalid input detected at '^' marker.` },
      { line: 5, text: 'ip http', output: '% Incomplete command.' },
      { line: 6, text: 'ip d x', output: '% Ambiguous command:  "ip d x"' },
      { line: 7, text: 'hostname 9x', output: '% Hostname contains one or more illegal characters.' },
    ]);
    // The good lines around them were loaded.
    expect(ctx.config.hostname).toBe('r1');
    expect(ctx.config.http.port).toBe(8080);
  });

  it('replaces keys without asking, as a file has no one to ask', async () => {
    const ctx = new FakeContext();
    await ctx.generateKeys({ usageKeys: false, modulus: 512 });
    expect(await loadConfig('crypto key generate rsa usage-keys modulus 512\n', ctx)).toEqual([]);
    expect(ctx.calls.map((c) => c.kind)).toEqual(['generateKeys', 'generateKeys']);
    expect(ctx.keys.keys.map((k) => k.usage)).toEqual(['signature', 'encryption']);
    expect(ctx.output).toContain('% Generating 512 bit RSA keys, keys will be non-exportable...\n');
  });

  it('reads back what show running-config printed into the same configuration', async () => {
    const first = new FakeContext();
    const setup = [
      'hostname edge1',
      'ip domain name example.com',
      'enable secret s3cret',
      'enable password plain text',
      'username admin privilege 15 secret adm1n',
      'username guest password 0 guest',
      'crypto ca trustpoint TP1',
      'enrollment url http://ca.example.com:8080/scep',
      'enrollment http-proxy proxy.example.com 3128',
      'crl query http://crl.example.com/ca.crl',
      'crl best-effort',
      'primary',
      'crypto ca trustpoint TP2',
      'ip http server',
      'ip http port 8080',
      'ip http authentication local',
      'ip http access-class 20',
      'ip http path flash:/web pages',
      'ip http max-connections 10',
      'ip http timeout-policy idle 30 life 120 requests 100',
      'ip http secure-server',
      'ip http secure-port 8443',
      'ip http secure-ciphersuite rc4-128-sha 3des-ede-cbc-sha',
      'ip http secure-client-auth',
      'ip http secure-trustpoint TP1',
      'ip http client secure-trustpoint TP2',
      'ip http client secure-ciphersuite des-cbc-sha',
      'access-list 20 permit 10.0.0.0 0.0.0.255',
      'access-list 20 deny host 10.0.0.9',
      'access-list 1300 permit any',
    ];
    expect(await loadConfig(setup.join('\n'), first)).toEqual([]);
    const shown = showRunningConfig(first.config);
    const second = new FakeContext();
    expect(await loadConfig(shown, second)).toEqual([]);
    expect(second.config).toEqual(first.config);
    expect(showRunningConfig(second.config)).toBe(shown);
  });
});

describe('formatLoadErrors', () => {
  it('names file and line, and moves the caret under the line text', async () => {
    const errors = await loadConfig('hostname r1\nip http secure-port 99\n ip htp server\nip http\n', new FakeContext());
    expect(formatLoadErrors('startup-config', errors)).toBe(
      [
        'startup-config:2: ip http secure-port 99',
        'Invalid secure port value.',
        'startup-config:3:  ip htp server',
        `${' '.repeat('startup-config:3:  ip '.length)}^`,
        "% Invalid input detected at '^' marker.",
        'startup-config:4: ip http',
        '% Incomplete command.',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing for no errors', () => {
    expect(formatLoadErrors('f', [])).toBe('');
  });
});
