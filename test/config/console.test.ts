/**
 * The IOS console (src/config/console.ts) over the real command table against a recording
 * context: modes and prompts, the error forms with their caret under the echoed line, `?`
 * help, completion, each command's effect on the running configuration, `no` forms, `do`,
 * the trustpoint sub-mode and its fallback to the parent mode, questions (enable password,
 * replacing keys), and the feature guide's example sessions replayed line by line.
 */
import { describe, expect, it } from 'vitest';
import { Console, type Mode } from '../../src/config/console.js';
import { verifyPassword } from '../../src/config/password.js';
import { parseAccessListCommand } from '../../src/http/access-list.js';
import { CIPHER_SUITES } from '../../src/ciphers/suites.js';
import { FakeContext } from './fake-context.js';
import { commandsOf, GUIDE_SESSION_1_AS_RUN, GUIDE_SESSION_2 } from '../fixtures/guide-sessions.js';

function open(mode?: Mode): { ctx: FakeContext; con: Console } {
  const ctx = new FakeContext();
  return { ctx, con: new Console(ctx, mode === undefined ? {} : { mode }) };
}

/** Runs lines and returns what they printed. */
async function exec(con: Console, ctx: FakeContext, ...lines: string[]): Promise<string> {
  ctx.take();
  for (const l of lines) await con.execute(l);
  return ctx.take();
}

/** A console in configuration mode, with what it needs to run lines there. */
async function config(): Promise<{ ctx: FakeContext; con: Console; run: (...lines: string[]) => Promise<string> }> {
  const { ctx, con } = open('config');
  return { ctx, con, run: (...lines) => exec(con, ctx, ...lines) };
}

/** The console as `ssl3 console` echoes a script: prompt, space, line, then the output. */
async function transcript(con: Console, ctx: FakeContext, lines: readonly string[]): Promise<string> {
  let out = '';
  for (const line of lines) {
    out += `${con.prompt()} ${line}\n`;
    await con.execute(line);
    out += ctx.take();
  }
  return out;
}

const entry = (text: string) => parseAccessListCommand(`access-list 1 ${text}`).entry;

describe('modes and prompts', () => {
  it('starts in exec mode and moves between the modes like IOS', async () => {
    const { ctx, con } = open();
    expect(con.prompt()).toBe('Router>');
    expect(await exec(con, ctx, 'en')).toBe('');
    expect(con.prompt()).toBe('Router#');
    expect(await exec(con, ctx, 'conf t')).toBe('Enter configuration commands, one per line. End with CNTL/Z.\n');
    expect(con.prompt()).toBe('Router(config)#');
    await exec(con, ctx, 'crypto ca trustpoint TP1');
    expect(con.prompt()).toBe('Router(ca-trustpoint)#');
    await exec(con, ctx, 'exit');
    expect(con.mode).toBe('config');
    await exec(con, ctx, 'crypto ca trustpoint TP1', 'end');
    expect(con.mode).toBe('privileged');
    await exec(con, ctx, 'conf t', 'exit');
    expect(con.mode).toBe('privileged');
    await exec(con, ctx, 'disable');
    expect(con.mode).toBe('exec');
    expect(con.closed).toBe(false);
    await exec(con, ctx, 'exit');
    expect(con.closed).toBe(true);
  });

  it('ends the session with logout, and from privileged mode', async () => {
    const a = open();
    await exec(a.con, a.ctx, 'logout');
    expect(a.con.closed).toBe(true);
    const b = open('privileged');
    await exec(b.con, b.ctx, 'exit');
    expect(b.con.closed).toBe(true);
    // Nothing runs after the end.
    expect(await exec(b.con, b.ctx, 'show running-config')).toBe('');
  });

  it('shows the host name in the prompt as soon as it changes', async () => {
    const { con, run } = await config();
    await run('hostname edge-1');
    expect(con.prompt()).toBe('edge-1(config)#');
  });

  it('does nothing for a blank line', async () => {
    const { ctx, con, run } = await config();
    expect(await run('', '   ')).toBe('');
    expect(ctx.calls).toEqual([]);
    expect(con.mode).toBe('config');
  });

  it('keeps exec commands out of exec mode and configuration out of privileged mode', async () => {
    const { ctx, con } = open();
    expect(await exec(con, ctx, 'configure terminal')).toBe("        ^\n% Invalid input detected at '^' marker.\n\n");
    await exec(con, ctx, 'enable');
    expect(await exec(con, ctx, 'hostname x')).toBe("        ^\n% Invalid input detected at '^' marker.\n\n");
  });
});

describe('the enable password', () => {
  it('asks for it only when one is configured', async () => {
    const { ctx, con } = open();
    await exec(con, ctx, 'enable', 'conf t', 'enable secret cisco', 'end', 'disable');
    expect(await exec(con, ctx, 'enable')).toBe('Password: ');
    expect(con.awaitingSecret).toBe(true);
    expect(con.awaitingAnswer).toBe(true);
    expect(await exec(con, ctx, 'cisco')).toBe('');
    expect(con.awaitingSecret).toBe(false);
    expect(con.mode).toBe('privileged');
  });

  it('gives up after three wrong passwords', async () => {
    const { ctx, con } = open();
    ctx.config.enablePassword = { type: 0, text: 'right' };
    expect(await exec(con, ctx, 'enable', 'wrong')).toBe('Password: Password: ');
    expect(await exec(con, ctx, '')).toBe('Password: ');
    expect(await exec(con, ctx, 'RIGHT')).toBe('% Bad secrets\n\n');
    expect(con.mode).toBe('exec');
    expect(con.awaitingSecret).toBe(false);
    // The answer is never parsed as a command.
    expect(await exec(con, ctx, 'enable', 'show running-config')).toBe('Password: Password: ');
    expect(await exec(con, ctx, 'right')).toBe('');
    expect(con.mode).toBe('privileged');
  });

  it('checks the secret, not the password, when both are set', async () => {
    const { ctx, con } = open('config');
    await exec(con, ctx, 'enable password pw', 'enable secret sec', 'end', 'disable', 'enable');
    expect(await exec(con, ctx, 'pw')).toBe('Password: ');
    await exec(con, ctx, 'sec');
    expect(con.mode).toBe('privileged');
  });

  it('takes a command typed at the question as a (wrong) password', async () => {
    const { ctx, con } = open();
    ctx.config.enablePassword = { type: 0, text: 'pw' };
    await exec(con, ctx, 'enable', 'conf t');
    expect(con.mode).toBe('exec');
    expect(con.awaitingSecret).toBe(true);
  });
});

describe('error forms', () => {
  it('puts the caret under the bad word, counting the echoed prompt and its space', async () => {
    const { ctx, con } = open('privileged');
    const out = await transcript(con, ctx, ['show ip htp server status']);
    const [echo, caret, message, blank] = out.split('\n');
    expect(caret).toBe(`${' '.repeat(echo.indexOf('htp'))}^`);
    expect(message).toBe("% Invalid input detected at '^' marker.");
    expect(blank).toBe('');
    expect(out).toBe(`Router# show ip htp server status\n${' '.repeat(16)}^\n% Invalid input detected at '^' marker.\n\n`);
  });

  it('treats a number out of range as invalid input at that number', async () => {
    const { ctx, con } = open('config');
    const out = await transcript(con, ctx, ['ip http max-connections 99']);
    expect(out.split('\n')[1]).toBe(`${' '.repeat('Router(config)# ip http max-connections '.length)}^`);
    expect(ctx.config.http.maxConnections).toBe(5);
  });

  it('reports ambiguous and incomplete commands as IOS does', async () => {
    const { ctx, con } = open('privileged');
    expect(await exec(con, ctx, 'sh i')).toBe('% Ambiguous command:  "sh i"\n');
    expect(await exec(con, ctx, 'show ip http')).toBe('% Incomplete command.\n\n');
    expect(await exec(con, ctx, 'conf')).toBe('% Incomplete command.\n\n');
  });

  it('prints a command error as it is, and applies nothing', async () => {
    const { ctx, run } = await config();
    expect(await run('hostname 1router')).toBe('% Hostname contains one or more illegal characters.\n');
    expect(ctx.count('apply')).toBe(0);
  });
});

describe('? help and completion', () => {
  it('lists the show commands with their help', async () => {
    const { ctx, con } = open('privileged');
    expect(await exec(con, ctx, 'show ?')).toBe(
      [
        '  crypto          Encryption module',
        '  inventory       Show the physical inventory',
        '  ip              IP information',
        '  running-config  Current operating configuration',
        '  startup-config  Contents of startup configuration',
        '',
        '',
      ].join('\n'),
    );
    expect(await exec(con, ctx, 'sh?')).toBe('show\n\n');
    expect(await exec(con, ctx, 'sh ip http ser ?')).toBe('  secure  HTTP secure server information\n  status  HTTP server status\n\n');
  });

  it('builds the cipher-suite keywords from the suite table', async () => {
    const { ctx, con } = open('config');
    const out = await exec(con, ctx, 'ip http secure-ciphersuite ?');
    const words = out
      .split('\n')
      .filter((l) => l.startsWith('  '))
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(words).toEqual(CIPHER_SUITES.map((c) => c.iosKeyword).sort());
    expect(out).toContain('  rc4-128-md5       Encryption type ssl_rsa_with_rc4_128_md5 ciphersuite\n');
    expect(await exec(con, ctx, 'ip http secure-ciphersuite rc4-128-md5 ?')).toContain('  <cr>\n');
  });

  it('shows ranges as IOS does', async () => {
    const { ctx, con } = open('config');
    expect(await exec(con, ctx, 'ip http max-connections ?')).toBe('  <1-16>  Maximum number of connections\n\n');
    expect(await exec(con, ctx, 'access-list ?')).toBe('  <1-99>       IP standard access list\n  <1300-1999>  IP standard access list (expanded range)\n\n');
    expect(await exec(con, ctx, 'crypto key generate rsa modulus ?')).toBe('  <360-4096>  size of the key modulus\n\n');
  });

  it('helps inside the trustpoint mode with its own commands', async () => {
    const { ctx, con } = open('config');
    await exec(con, ctx, 'crypto ca trustpoint TP');
    expect(await exec(con, ctx, '?')).toBe(
      [
        '  crl           CRL option',
        '  end           Exit from configure mode',
        '  enrollment    Enrollment parameters',
        '  exit          Exit from ca-trustpoint configuration mode',
        '  no            Negate a command or set its defaults',
        '  primary       Set this CA as the primary CA',
        '  subject-name  Subject name',
        '',
        '',
      ].join('\n'),
    );
  });

  it("aligns the caret of a ? after a bad word with the prompt", async () => {
    const { ctx, con } = open('privileged');
    expect(await exec(con, ctx, 'show ipp ?')).toBe(`${' '.repeat('Router# show '.length)}^\n% Invalid input detected at '^' marker.\n`);
  });

  it('completes the last word in the current mode', async () => {
    const { con } = open('privileged');
    expect(con.complete('conf')).toEqual(['configure']);
    expect(con.complete('show ip http server s')).toEqual(['secure', 'status']);
    expect(con.complete('c')).toEqual(['configure', 'copy']);
    expect(con.complete('copy run ')).toEqual(['nvram:startup-config', 'startup-config']);
    const c = open('config');
    expect(c.con.complete('ip http secure-')).toEqual(['secure-ciphersuite', 'secure-client-auth', 'secure-port', 'secure-server', 'secure-trustpoint']);
    expect(c.con.complete('no ip http client secure-t')).toEqual(['secure-trustpoint']);
  });
});

describe('global configuration commands', () => {
  it('hostname: IOS rules for the name, and its no form', async () => {
    const { ctx, run } = await config();
    await run('hostname r1-edge');
    expect(ctx.config.hostname).toBe('r1-edge');
    const bad = '% Hostname contains one or more illegal characters.\n';
    for (const name of ['1abc', 'abc-', 'a_b', 'a.b', `a${'b'.repeat(63)}`]) expect(await run(`hostname ${name}`)).toBe(bad);
    expect(await run(`hostname a${'b'.repeat(62)}`)).toBe('');
    await run('no hostname');
    expect(ctx.config.hostname).toBe('Router');
  });

  it('ip domain-name and ip domain name', async () => {
    const { ctx, run } = await config();
    await run('ip domain-name example.com');
    expect(ctx.config.domainName).toBe('example.com');
    await run('ip domain name lab.example.org');
    expect(ctx.config.domainName).toBe('lab.example.org');
    await run('no ip domain name');
    expect(ctx.config.domainName).toBeUndefined();
    await run('ip domain-name x.y');
    await run('no ip domain-name');
    expect(ctx.config.domainName).toBeUndefined();
    expect(await run('ip dom x')).toBe('% Ambiguous command:  "ip dom x"\n');
    expect(await run('ip domain-name bad_name')).toBe('% Domain name contains one or more illegal characters.\n');
  });

  it('enable secret hashes clear text into type 5 and keeps a type 5 hash', async () => {
    const { ctx, run } = await config();
    await run('enable secret 0 s3cret');
    const s = ctx.config.enableSecret!;
    expect(s.type).toBe(5);
    expect(verifyPassword(s, 's3cret')).toBe(true);
    await run('enable secret other');
    expect(verifyPassword(ctx.config.enableSecret!, 'other')).toBe(true);
    const hash = s.type === 5 ? s.hash : '';
    await run(`enable secret 5 ${hash}`);
    expect(ctx.config.enableSecret).toEqual({ type: 5, hash });
    expect(await run('enable secret 5 nothash')).toBe('% Invalid encrypted password: nothash\n');
    await run('no enable secret');
    expect(ctx.config.enableSecret).toBeUndefined();
  });

  it('enable password keeps clear text, with or without its type 0', async () => {
    const { ctx, run } = await config();
    await run('enable password 0 open sesame');
    expect(ctx.config.enablePassword).toEqual({ type: 0, text: 'open sesame' });
    await run('enable password plain');
    expect(ctx.config.enablePassword).toEqual({ type: 0, text: 'plain' });
    expect(await run('enable password 7 0822455D0A16')).toMatch(/^% Type 7 passwords are not supported/);
    expect(await run('enable secret 9 $9$abc')).toMatch(/^% Type 9 secrets are not supported/);
    // A digit that is no type keyword starts the password itself, as in IOS's LINE.
    await run('enable password 5 x');
    expect(ctx.config.enablePassword).toEqual({ type: 0, text: '5 x' });
    await run('no enable password');
    expect(ctx.config.enablePassword).toBeUndefined();
  });

  it('username with privilege, password or secret, and its no form', async () => {
    const { ctx, run } = await config();
    await run('username admin privilege 15 secret s3cret', 'username guest password 0 guest pw', 'username ops secret 5 $1$abcd$0123456789012345678901');
    const admin = ctx.config.users.get('admin')!;
    expect(admin.privilege).toBe(15);
    expect(admin.password.type).toBe(5);
    expect(verifyPassword(admin.password, 's3cret')).toBe(true);
    expect(ctx.config.users.get('guest')).toEqual({ name: 'guest', privilege: 1, password: { type: 0, text: 'guest pw' } });
    expect(ctx.config.users.get('ops')?.password).toEqual({ type: 5, hash: '$1$abcd$0123456789012345678901' });
    expect(await run('username x privilege 16 secret y')).toContain('^');
    expect(await run('username x')).toBe('% Incomplete command.\n\n');
    await run('no username guest');
    expect([...ctx.config.users.keys()]).toEqual(['admin', 'ops']);
  });

  it('access-list appends entries in order; no access-list N removes the list', async () => {
    const { ctx, run } = await config();
    await run('access-list 20 permit 10.0.0.7 0.0.0.255', 'access-list 20 deny host 10.1.1.1', 'acc 20 per any', 'access-list 1300 permit 192.168.1.1');
    expect(ctx.config.accessLists.get(20)).toEqual([entry('permit 10.0.0.0 0.0.0.255'), entry('deny host 10.1.1.1'), entry('permit any')]);
    expect(ctx.config.accessLists.get(1300)).toEqual([entry('permit host 192.168.1.1')]);
    expect(await run('access-list 100 permit any')).toBe(`${' '.repeat('Router(config)# access-list '.length)}^\n% Invalid input detected at '^' marker.\n\n`);
    expect(await run('access-list 20 permit 10.0.0.300')).toContain('^');
    await run('no access-list 20');
    expect([...ctx.config.accessLists.keys()]).toEqual([1300]);
  });

  it('crypto key generate rsa: IOS texts, the default modulus and options in either order', async () => {
    const { ctx, run } = await config();
    await run('hostname Router', 'ip domain-name example.com');
    const out = await run('crypto key generate rsa');
    expect(out).toMatch(
      /^The name for the keys will be: Router\.example\.com\n% The key modulus size is 2048 bits\n% Generating 2048 bit RSA keys, keys will be non-exportable\.\.\.\n\[OK\] \(elapsed time was \d+ seconds\)\n$/,
    );
    expect(ctx.calls.filter((c) => c.kind === 'generateKeys')).toEqual([{ kind: 'generateKeys', usageKeys: false, modulus: 2048 }]);
  });

  it('asks before replacing keys, and replaces them only on yes', async () => {
    const { ctx, con, run } = await config();
    await run('ip domain-name example.com', 'crypto key generate rsa usage-keys modulus 1024');
    expect(await run('crypto key gen rsa modulus 512 general-keys')).toBe('% You already have RSA keys defined named Router.example.com.\n% Do you really want to replace them? [yes/no]: ');
    expect(con.awaitingAnswer).toBe(true);
    expect(con.awaitingSecret).toBe(false);
    expect(await run('no')).toBe('');
    expect(ctx.count('generateKeys')).toBe(1);
    await run('crypto key generate rsa modulus 512', 'yes');
    expect(ctx.calls.filter((c) => c.kind === 'generateKeys').at(-1)).toEqual({ kind: 'generateKeys', usageKeys: false, modulus: 512 });
    expect(ctx.calls.at(-1)).toEqual({ kind: 'apply' });
    expect(ctx.calls.filter((c) => c.kind === 'generateKeys')[0]).toEqual({ kind: 'generateKeys', usageKeys: true, modulus: 1024 });
    expect(await run('crypto key generate rsa modulus 359')).toContain('^');
  });

  it('crypto ca authenticate and enrollment name what is missing before asking anything', async () => {
    const { ctx, run } = await config();
    expect(await run('crypto ca authenticate TP1')).toBe('% Trustpoint TP1 is not defined; declare it with crypto ca trustpoint TP1.\n');
    await run('crypto ca trustpoint TP1');
    await run('exit');
    expect(await run('crypto ca authenticate TP1')).toMatch(/^% Trustpoint TP1 has no enrollment URL/);
    expect(await run('crypto ca enrollment TP1')).toBe('% You must authenticate the Certificate Authority before you can enroll with it.\n');
    expect(await run('crypto ca enroll TP1')).toBe('% You must authenticate the Certificate Authority before you can enroll with it.\n');
    expect(ctx.keys.certificates).toHaveLength(0);
  });
});

describe('ip http commands', () => {
  it('set each field, and the no forms restore the defaults', async () => {
    const { ctx, run } = await config();
    const h = ctx.config.http;
    await run(
      'ip http server',
      'ip http port 8080',
      'ip http secure-server',
      'ip http secure-port 8443',
      'ip http secure-client-auth',
      'ip http secure-trustpoint TP1',
      'ip http path flash:/www',
      'ip http access-class 20',
      'ip http max-connections 16',
      'ip http timeout-policy idle 30 life 120 requests 100',
      'ip http authentication local',
      'ip http client secure-trustpoint TP2',
      'ip http client secure-ciphersuite des-cbc-sha 3des-ede-cbc-sha',
      'ip http secure-ciphersuite rc4-128-sha rc4-128-md5',
    );
    expect(h).toEqual({
      server: true,
      port: 8080,
      secureServer: true,
      securePort: 8443,
      secureClientAuth: true,
      secureTrustpoint: 'TP1',
      path: 'flash:/www',
      accessClass: 20,
      maxConnections: 16,
      timeout: { idle: 30, life: 120, requests: 100 },
      authentication: 'local',
      clientSecureTrustpoint: 'TP2',
      // Stored in the suite table's order, not as typed.
      clientSecureCiphersuites: ['3des-ede-cbc-sha', 'des-cbc-sha'],
      secureCiphersuites: ['rc4-128-sha', 'rc4-128-md5'],
    });
    await run(
      'no ip http server',
      'no ip http port',
      'no ip http secure-server',
      'no ip http secure-port 8443',
      'no ip http secure-client-auth',
      'no ip http secure-trustpoint',
      'no ip http path',
      'no ip http access-class',
      'no ip http max-connections',
      'no ip http timeout-policy',
      'no ip http authentication',
      'no ip http client secure-trustpoint',
      'no ip http client secure-ciphersuite',
      'no ip http secure-ciphersuite',
    );
    expect(h).toEqual({
      server: false,
      port: 80,
      secureServer: false,
      securePort: 443,
      secureClientAuth: false,
      secureTrustpoint: undefined,
      path: undefined,
      accessClass: undefined,
      maxConnections: 5,
      timeout: { idle: 180, life: 180, requests: 1 },
      authentication: 'enable',
      clientSecureTrustpoint: undefined,
      clientSecureCiphersuites: undefined,
      secureCiphersuites: undefined,
    });
  });

  it('ip http secure-port: 443 or 1025-65535, else the guide message and an empty line', async () => {
    const { ctx, run } = await config();
    for (const bad of [0, 80, 442, 444, 1024]) expect(await run(`ip http secure-port ${bad}`)).toBe('Invalid secure port value.\n\n');
    expect(ctx.config.http.securePort).toBe(443);
    await run('ip http secure-port 1025');
    expect(ctx.config.http.securePort).toBe(1025);
    await run('ip http secure-port 65535');
    expect(ctx.config.http.securePort).toBe(65535);
    await run('ip http secure-port 443');
    expect(ctx.config.http.securePort).toBe(443);
    expect(await run('ip http secure-port 65536')).toContain('^');
  });

  it('takes each suite once and only the table keywords', async () => {
    const { ctx, run } = await config();
    expect(await run('ip http secure-ciphersuite rc4-128-md5 rc4-128-md5')).toBe(`${' '.repeat('Router(config)# ip http secure-ciphersuite rc4-128-md5 '.length)}^\n% Invalid input detected at '^' marker.\n\n`);
    expect(await run('ip http secure-ciphersuite rc4-256-md5')).toContain('^');
    expect(await run('ip http secure-ciphersuite')).toBe('% Incomplete command.\n\n');
    expect(ctx.config.http.secureCiphersuites).toBeUndefined();
    await run('ip http secure-ciphersuite AES-256-cbc-sha null-md5');
    expect(ctx.config.http.secureCiphersuites).toEqual(['aes-256-cbc-sha', 'null-md5']);
  });

  it('keeps the ranges of IOS', async () => {
    const { ctx, run } = await config();
    const bad = ['ip http port 0', 'ip http access-class 100', 'ip http max-connections 0', 'ip http max-connections 17', 'ip http timeout-policy idle 601 life 1 requests 1', 'ip http timeout-policy idle 1 life 86401 requests 1', 'ip http timeout-policy idle 1 life 1 requests 0'];
    for (const line of bad) expect(await run(line), line).toContain("% Invalid input detected at '^' marker.");
    expect(await run('ip http timeout-policy idle 600 life 86400 requests 86400')).toBe('');
    expect(ctx.config.http.timeout).toEqual({ idle: 600, life: 86400, requests: 86400 });
    expect(await run('ip http timeout-policy idle 30 life 120')).toBe('% Incomplete command.\n\n');
  });
});

describe('trustpoint mode', () => {
  it('creates the trustpoint and sets its fields; no forms clear them', async () => {
    const { ctx, con, run } = await config();
    await run('crypto ca trustpoint TP1', 'enrollment url http://ca.example.com:8080/scep', 'enrollment http-proxy proxy.example.com 3128', 'crl query ldap://ldap.example.com', 'crl optional');
    expect(con.mode).toBe('ca-trustpoint');
    expect(ctx.config.trustpoints.get('TP1')).toEqual({
      name: 'TP1',
      primary: false,
      enrollmentUrl: 'http://ca.example.com:8080/scep',
      httpProxy: { host: 'proxy.example.com', port: 3128 },
      crlQuery: 'ldap://ldap.example.com',
      crlMode: 'optional',
    });
    await run('crl best-effort');
    expect(ctx.config.trustpoints.get('TP1')?.crlMode).toBe('best-effort');
    await run('no crl optional');
    expect(ctx.config.trustpoints.get('TP1')?.crlMode).toBe('best-effort');
    await run('no crl best-effort', 'no crl query', 'no enrollment url', 'no enrollment http-proxy');
    expect(ctx.config.trustpoints.get('TP1')).toEqual({ name: 'TP1', primary: false, enrollmentUrl: undefined, httpProxy: undefined, crlQuery: undefined, crlMode: undefined });
  });

  it('checks the URLs: http:// with a host for enrollment, http:// or ldap:// for CRLs', async () => {
    const { ctx, run } = await config();
    await run('crypto ca trustpoint TP1');
    expect(await run('enrollment url https://ca.example.com')).toBe('% Invalid enrollment URL: https://ca.example.com must start with http:// (http://ca-host[:port][/path]).\n');
    expect(await run('enrollment url ldap://ca')).toMatch(/^% Invalid enrollment URL/);
    expect(await run('enrollment url example.com')).toContain('^');
    expect(await run('crl query ftp://x')).toBe('% Invalid CRL query URL: ftp://x must start with http:// or ldap://.\n');
    expect(await run('crl query http://crl.example.com/ca.crl')).toBe('');
    expect(ctx.config.trustpoints.get('TP1')?.enrollmentUrl).toBeUndefined();
    expect(await run('enrollment http-proxy p 0')).toContain('^');
  });

  it('keeps one primary trustpoint at most', async () => {
    const { ctx, run } = await config();
    await run('crypto ca trustpoint A', 'primary', 'crypto ca trustpoint B', 'primary');
    expect([...ctx.config.trustpoints.values()].map((t) => [t.name, t.primary])).toEqual([
      ['A', false],
      ['B', true],
    ]);
    await run('no primary');
    expect(ctx.config.trustpoints.get('B')?.primary).toBe(false);
  });

  it('runs a configuration command from trustpoint mode and leaves the sub-mode', async () => {
    const { ctx, con, run } = await config();
    await run('crypto ca trustpoint TP1');
    expect(await run('ip http secure-trustpoint TP1')).toBe('');
    expect(con.mode).toBe('config');
    expect(ctx.config.http.secureTrustpoint).toBe('TP1');
    // `primary` is no configuration command: back in config mode it is invalid.
    expect(await run('primary')).toContain('^');
    // A parent command that enters a trustpoint moves to that one.
    await run('crypto ca trustpoint A', 'crypto ca trustpoint B', 'primary');
    expect(con.mode).toBe('ca-trustpoint');
    expect(ctx.config.trustpoints.get('A')?.primary).toBe(false);
    expect(ctx.config.trustpoints.get('B')?.primary).toBe(true);
    // no forms of the parent work too.
    await run('no ip http secure-trustpoint');
    expect(ctx.config.http.secureTrustpoint).toBeUndefined();
  });

  it('shows the error of whichever mode understood more of the line', async () => {
    const { con, run } = await config();
    await run('crypto ca trustpoint TP1');
    expect(await run('crl')).toBe('% Incomplete command.\n\n');
    expect(await run('ip http max-connections')).toBe('% Incomplete command.\n\n');
    const prompt = 'Router(ca-trustpoint)# ';
    expect(await run('ip htp server')).toBe(`${' '.repeat(prompt.length + 3)}^\n% Invalid input detected at '^' marker.\n\n`);
    expect(await run('bogus')).toBe(`${' '.repeat(prompt.length)}^\n% Invalid input detected at '^' marker.\n\n`);
    expect(con.mode).toBe('ca-trustpoint');
  });

  it('no crypto ca trustpoint removes it', async () => {
    const { ctx, con, run } = await config();
    await run('crypto ca trustpoint A', 'exit', 'crypto ca trustpoint B', 'no crypto ca trustpoint A');
    expect(con.mode).toBe('config');
    expect([...ctx.config.trustpoints.keys()]).toEqual(['B']);
  });

  it('show crypto ca crls lists what the device reports holding, and nothing when it holds none', async () => {
    const { ctx, con } = open('privileged');
    expect(await exec(con, ctx, 'show crypto ca crls')).toBe('');
    const issuerName = { raw: new Uint8Array(0), rdns: [[{ type: '2.5.4.3', value: 'Test CA', tag: 0x0c }]] };
    const when = new Date('2026-11-28T16:37:43Z');
    ctx.crls = [{ issuer: 'CN=Test CA', issuerName, source: 'ldap://ldap.example.com', thisUpdate: when, nextUpdate: when, revoked: 0, derLength: 300 }];
    const out = await exec(con, ctx, 'sh cry ca crl');
    expect(out).toMatch(/^CRL Issuer Name:\n {4}cn=Test CA\n/);
    expect(out).toContain('      ldap://ldap.example.com\n    CRL DER is 300 bytes\n');
    await exec(con, ctx, 'configure terminal');
    expect(await exec(con, ctx, 'do show crypto ca crls')).toBe(out);
  });
});

describe('apply, do, save', () => {
  it('applies after each successful configuration command, not after errors, do, end or exit', async () => {
    const { ctx, run } = await config();
    await run('ip http server');
    expect(ctx.count('apply')).toBe(1);
    await run('crypto ca trustpoint T', 'primary', 'exit');
    expect(ctx.count('apply')).toBe(3);
    await run('ip http port 0', 'ip http', 'do show ip http server secure status', 'end');
    expect(ctx.count('apply')).toBe(3);
  });

  it('prints an apply failure as a % line', async () => {
    const { ctx, run } = await config();
    ctx.applyError = new Error('cannot listen on port 443: permission denied');
    expect(await run('ip http secure-server')).toBe('% cannot listen on port 443: permission denied\n');
    expect(ctx.config.http.secureServer).toBe(true);
    ctx.applyError = new Error('% already a % line');
    expect(await run('ip http server')).toBe('% already a % line\n');
  });

  it('runs exec commands with do, but not mode changes', async () => {
    const { ctx, con, run } = await config();
    expect(await run('do show ip http client secure status')).toBe('HTTP secure client ciphersuite: 3des-ede-cbc-sha des-cbc-sha rc4-128-md5 rc4-128-sha\nHTTP secure client trustpoint:\n');
    expect(await run('do copy running-config startup-config')).toBe('Building configuration...\n[OK]\n');
    expect(await run('do wr')).toBe('Building configuration...\n[OK]\n');
    expect(ctx.count('save')).toBe(2);
    expect(await run('do disable')).toContain('^');
    expect(con.mode).toBe('config');
  });

  it('saves with copy and write, in all their spellings', async () => {
    const { ctx, con } = open('privileged');
    for (const line of ['copy running-config startup-config', 'copy system:running-config nvram:startup-config', 'copy run start', 'write memory', 'write', 'wr mem']) {
      expect(await exec(con, ctx, line)).toBe('Building configuration...\n[OK]\n');
    }
    expect(ctx.count('save')).toBe(6);
    expect(ctx.count('apply')).toBe(0);
  });

  it('shows the running and startup configurations', async () => {
    const { ctx, con } = open('privileged');
    expect(await exec(con, ctx, 'show startup-config')).toBe('startup-config is not present\n');
    const running = await exec(con, ctx, 'show running-config');
    expect(running).toMatch(/^Building configuration\.\.\.\n\nCurrent configuration : \d+ bytes\n!\nhostname Router\n[\s\S]*\nend\n$/);
    expect(await exec(con, ctx, 'write terminal')).toBe(running);
    await exec(con, ctx, 'write memory');
    expect(await exec(con, ctx, 'show startup-config')).toBe(`Using ${ctx.startup!.length} out of 262144 bytes\n${ctx.startup!}`);
  });

  it('shows keys and certificates, and nothing when there are none', async () => {
    const { ctx, con } = open('privileged');
    expect(await exec(con, ctx, 'show crypto key mypubkey rsa')).toBe('');
    expect(await exec(con, ctx, 'show crypto ca certificates')).toBe('');
    await ctx.generateKeys({ usageKeys: true, modulus: 512 });
    const out = await exec(con, ctx, 'sh cry key myp rsa');
    expect(out).toContain('Key name: Router\n Storage Device: not specified\n Usage: Signature Key\n');
    expect(out).toContain(' Usage: Encryption Key\n');
  });
});

describe("the guide's example sessions", () => {
  it('replay with the same output', async () => {
    const { ctx, con } = open('privileged');
    const first = await transcript(con, ctx, commandsOf(GUIDE_SESSION_1_AS_RUN));
    expect(first).toBe(GUIDE_SESSION_1_AS_RUN);
    const second = await transcript(con, ctx, commandsOf(GUIDE_SESSION_2));
    // The save prints IOS's progress lines, which the guide leaves out.
    expect(second).toBe(`${GUIDE_SESSION_2}Building configuration...\n[OK]\n`);
    expect(ctx.count('save')).toBe(1);
    expect(ctx.config.trustpoints.get('CA-trust-local')).toEqual({ name: 'CA-trust-local', primary: true, enrollmentUrl: 'http://example.com', crlQuery: 'ldap://example.com' });
    expect(ctx.config.http.clientSecureTrustpoint).toBe('CA-trust-local');
  });
});
