// The running configuration as IOS text (src/config/render.ts): defaults, a model with every
// field set, the feature guide's example session, and a round trip through the loader.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loader.js';
import { defaultConfig } from '../../src/config/model.js';
import { renderConfig } from '../../src/config/render.js';
import { displaySuites } from '../../src/config/show.js';
import { FakeContext } from './fake-context.js';
import { fullModel } from './full-model.js';

describe('renderConfig', () => {
  it('defaults: the host name and the two server on/off lines only', () => {
    expect(renderConfig(defaultConfig())).toBe(['!', 'hostname Router', '!', 'no ip http server', 'no ip http secure-server', '!', 'end', ''].join('\n'));
  });

  it('every field', () => {
    const c = fullModel();
    expect(renderConfig(c)).toBe(
      [
        '!',
        'hostname R1',
        '!',
        'enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0',
        'enable password letmein',
        '!',
        'username admin privilege 15 secret 5 $1$3azH$g.FwBRIVuhjSpuE0HH2Nw1',
        'username guest password 0 guest pass',
        'username ops privilege 0 password 0 o',
        '!',
        'ip domain-name example.com',
        '!',
        'crypto ca trustpoint CA-trust-local',
        ' enrollment url http://example.com',
        ' enrollment http-proxy proxy.example.com 8080',
        ' crl query ldap://example.com',
        ' crl best-effort',
        ' primary',
        '!',
        'crypto ca trustpoint TP2',
        ' crl optional',
        '!',
        'ip http server',
        'ip http port 8080',
        'ip http authentication local',
        'ip http access-class 20',
        'ip http path slot1:',
        'ip http max-connections 10',
        'ip http timeout-policy idle 30 life 120 requests 100',
        'ip http secure-server',
        'ip http secure-port 1025',
        'ip http secure-ciphersuite rc4-128-md5 rc4-128-sha',
        'ip http secure-client-auth',
        'ip http secure-trustpoint CA-trust-local',
        'ip http client secure-trustpoint TP2',
        'ip http client secure-ciphersuite 3des-ede-cbc-sha des-cbc-sha',
        '!',
        'access-list 20 permit 10.0.0.0 0.0.0.255',
        'access-list 20 permit host 192.168.1.5',
        'access-list 20 deny any',
        'access-list 1300 deny any',
        '!',
        'end',
        '',
      ].join('\n'),
    );
  });

  it("the guide's example session", () => {
    const c = defaultConfig();
    c.http.secureServer = true;
    c.http.clientSecureTrustpoint = 'CA-trust-local';
    c.http.securePort = 1025;
    c.http.secureCiphersuites = ['rc4-128-sha', 'rc4-128-md5'];
    c.trustpoints.set('CA-trust-local', { name: 'CA-trust-local', enrollmentUrl: 'http://example.com', crlQuery: 'ldap://example.com', primary: true });
    expect(renderConfig(c)).toBe(
      [
        '!',
        'hostname Router',
        '!',
        'crypto ca trustpoint CA-trust-local',
        ' enrollment url http://example.com',
        ' crl query ldap://example.com',
        ' primary',
        '!',
        'no ip http server',
        'ip http secure-server',
        'ip http secure-port 1025',
        'ip http secure-ciphersuite rc4-128-md5 rc4-128-sha',
        'ip http client secure-trustpoint CA-trust-local',
        '!',
        'end',
        '',
      ].join('\n'),
    );
  });

  it('writes the whole timeout policy when any part of it differs', () => {
    const c = defaultConfig();
    c.http.timeout = { idle: 180, life: 180, requests: 2 };
    expect(renderConfig(c)).toContain('\nip http timeout-policy idle 180 life 180 requests 2\n');
  });

  it('an access class with no list, and an empty list, write no access-list lines', () => {
    const c = defaultConfig();
    c.http.accessClass = 5;
    c.accessLists.set(7, []);
    const text = renderConfig(c);
    expect(text).toContain('\nip http access-class 5\n');
    expect(text).not.toContain('access-list ');
  });

  it('password types are written so that reading back never re-hashes a hash', () => {
    const c = defaultConfig();
    c.enableSecret = { type: 0, text: 'plain' };
    c.users.set('u', { name: 'u', privilege: 1, password: { type: 5, hash: '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0' } });
    const text = renderConfig(c);
    expect(text).toContain('\nenable secret 0 plain\n');
    expect(text).toContain('\nusername u secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\n');
  });

  it('a hashed enable password is written as the secret it is equivalent to, or dropped beside a real secret', () => {
    const c = defaultConfig();
    c.enablePassword = { type: 5, hash: '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0' };
    expect(renderConfig(c)).toContain('\nenable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\n');
    c.enableSecret = { type: 5, hash: '$1$$qRPK7m23GJusamGpoGLby/' };
    const text = renderConfig(c);
    expect(text).toContain('\nenable secret 5 $1$$qRPK7m23GJusamGpoGLby/\n!\n');
    expect(text).not.toContain('mERr');
  });
});

describe('round trip through the loader', () => {
  it.each([
    ['defaults', defaultConfig],
    ['every field', fullModel],
  ])('%s: loading the text and rendering again gives the same text', async (_name, make) => {
    const text = renderConfig(make());
    const ctx = new FakeContext();
    expect(await loadConfig(text, ctx)).toEqual([]);
    expect(renderConfig(ctx.config)).toBe(text);
  });
});

describe('displaySuites', () => {
  it("IOS's four, sorted, when not configured", () => {
    expect(displaySuites(undefined)).toEqual(['3des-ede-cbc-sha', 'des-cbc-sha', 'rc4-128-md5', 'rc4-128-sha']);
  });

  it('sorted and without duplicates, whatever the typed order', () => {
    expect(displaySuites(['rc4-128-sha', 'rc4-128-md5'])).toEqual(['rc4-128-md5', 'rc4-128-sha']);
    expect(displaySuites(['rc4-128-sha', 'aes-128-cbc-sha', '3des-ede-cbc-sha', 'rc4-128-sha'])).toEqual(['3des-ede-cbc-sha', 'aes-128-cbc-sha', 'rc4-128-sha']);
    expect(displaySuites([])).toEqual([]);
  });
});
