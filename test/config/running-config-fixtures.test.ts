/**
 * `show running-config` byte for byte (src/config/render.ts): a rich set of configurations,
 * each compared with its text in test/fixtures/running-config/NAME.txt, which was written once
 * by the renderer that spelled every command by hand, before the text came from the command
 * table's nvgen hooks. So any change in what is written, a space, an order or a `!`, shows
 * here. SSL3_UPDATE_GOLDEN=1 rewrites the files, for a change that is meant.
 *
 * The configurations: every command of docs/ios-configuration.md at a value other than its
 * default, typed as a console would and set on the model directly; trustpoints with every
 * sub-mode command; certificate chains (a general-purpose pair, usage keys, CA certificates);
 * access lists; passwords of type 0 and 5; suites in any order; defaults typed explicitly; no
 * forms. Each text also loads back into a fresh device and renders the same again.
 *
 * The certificates are fixtures too (ca.pem, general.pem, signature.pem, encryption.pem: a
 * 512-bit key and its certificate each, from a seeded key generator), so the hex blocks do not
 * change with the key generator.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loader.js';
import { defaultConfig, type KeyPairRecord, type KeyRing, type RunningConfig } from '../../src/config/model.js';
import { renderConfig } from '../../src/config/render.js';
import { verifyPassword } from '../../src/config/password.js';
import { parsePrivateKey } from '../../src/pki/keys.js';
import { parseCertificates } from '../../src/pki/x509.js';
import { FakeContext } from './fake-context.js';
import { fullModel } from './full-model.js';

const DIR = new URL('../fixtures/running-config/', import.meta.url);
const UPDATE = process.env.SSL3_UPDATE_GOLDEN === '1';
const read = (name: string) => readFileSync(new URL(name, DIR), 'utf8');

/** A key pair and its certificate from a fixture file. */
function pair(name: 'general' | 'signature' | 'encryption') {
  const pem = read(`${name}.pem`);
  const record: KeyPairRecord = { name: 'r1.example.com', usage: name, key: parsePrivateKey(pem), generatedAt: new Date('2026-01-01T00:00:00Z') };
  return { record, certificate: parseCertificates(pem)[0] };
}
const CA = parseCertificates(read('ca.pem'))[0];

const HASH_A = '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0';
const HASH_B = '$1$3azH$g.FwBRIVuhjSpuE0HH2Nw1';
const HASH_C = '$1$$qRPK7m23GJusamGpoGLby/';

/** The device a script leaves, typed line by line in configuration mode (the loader is the console's table). */
async function typed(lines: readonly string[], ring?: (ctx: FakeContext) => void): Promise<{ config: RunningConfig; keys?: KeyRing }> {
  const ctx = new FakeContext();
  ring?.(ctx);
  const errors = await loadConfig(lines.join('\n'), ctx);
  expect(errors, 'the script of a fixture must load without an error').toEqual([]);
  return { config: ctx.config, keys: ring ? ctx.keys : undefined };
}

/** A device with the fixture keys, for the chain cases. */
function withKeys(...names: ('general' | 'signature' | 'encryption')[]) {
  return (ctx: FakeContext) => {
    ctx.keys.keys = names.map((n) => pair(n).record);
  };
}

const EVERY_COMMAND = [
  'hostname edge-1',
  'ip domain-name lab.example.com',
  `enable secret 5 ${HASH_A}`,
  'enable password letmein now',
  `username admin privilege 15 secret 5 ${HASH_B}`,
  'username guest password 0 guest pass',
  'username ops privilege 0 password o',
  `username viewer privilege 1 secret 5 ${HASH_C}`,
  'crypto ca trustpoint CA-trust-local',
  ' enrollment url http://ca.example.com:8080/cgi-bin/pkiclient.exe',
  ' enrollment http-proxy proxy.example.com 3128',
  ' enrollment retry period 5',
  ' enrollment retry count 20',
  ' subject-name CN=edge-1,OU=net,O=Example',
  ' crl query ldap://ldap.example.com',
  ' crl best-effort',
  ' primary',
  'crypto ca trustpoint TP2',
  ' enrollment url http://10.0.0.1',
  ' crl optional',
  ' exit',
  'crypto ca trustpoint TP3',
  ' crl query http://crl.example.com/ca.crl',
  'ip http server',
  'ip http port 8080',
  'ip http authentication local',
  'ip http access-class 20',
  'ip http path /srv/www pages',
  'ip http max-connections 16',
  'ip http timeout-policy idle 30 life 120 requests 100',
  'ip http secure-server',
  'ip http secure-port 1025',
  'ip http secure-ciphersuite rc4-128-sha rc4-128-md5 des-cbc-sha',
  'ip http secure-client-auth',
  'ip http secure-trustpoint CA-trust-local',
  'ip http client secure-trustpoint TP2',
  'ip http client secure-ciphersuite aes-256-cbc-sha 3des-ede-cbc-sha aes-128-cbc-sha',
  'access-list 1300 deny any',
  'access-list 20 permit 10.0.0.0 0.0.0.255',
  'access-list 20 permit host 192.168.1.5',
  'access-list 20 deny 172.16.5.7 0.0.255.255',
  'access-list 20 permit any',
  'access-list 99 deny host 10.9.9.9',
  'access-list 1 permit 127.0.0.1',
];

/** render.test.ts's model with every field set directly, and the trustpoint sub-mode settings it leaves out. */
function modelEveryField(): RunningConfig {
  const c = fullModel();
  Object.assign(c.trustpoints.get('CA-trust-local')!, { retryPeriod: 60, retryCount: 1, subjectName: 'CN=R1,O=Example' });
  c.trustpoints.set('TP3', { name: 'TP3', primary: false });
  return c;
}

type Case = () => Promise<{ config: RunningConfig; keys?: KeyRing }> | { config: RunningConfig; keys?: KeyRing };

const CASES: Readonly<Record<string, Case>> = {
  defaults: () => ({ config: defaultConfig() }),
  'every-command': () => typed(EVERY_COMMAND),
  'model-every-field': () => ({ config: modelEveryField() }),
  // The feature guide's "Configuration Examples".
  'guide-example': () =>
    typed([
      'crypto ca trustpoint CA-trust-local',
      'enrollment url http://example.com',
      'crl query ldap://example.com',
      'primary',
      'exit',
      'ip http secure-server',
      'ip http client secure-trustpoint CA-trust-local',
      'ip http secure-port 1025',
      'ip http secure-ciphersuite rc4-128-sha rc4-128-md5',
    ]),
  // Type 0 and type 5 of each password; a clear-text secret and a hashed enable password exist only in a model.
  'passwords-model': () => {
    const c = defaultConfig();
    c.enableSecret = { type: 0, text: 'plain secret' };
    c.enablePassword = { type: 5, hash: HASH_A };
    c.users.set('u5', { name: 'u5', privilege: 1, password: { type: 5, hash: HASH_B } });
    c.users.set('u0', { name: 'u0', privilege: 7, password: { type: 0, text: 'zero' } });
    return { config: c };
  },
  'hashed-enable-password-alone': () => {
    const c = defaultConfig();
    c.enablePassword = { type: 5, hash: HASH_A };
    return { config: c };
  },
  'passwords-typed': () =>
    typed(['enable password 0 cleartext', `enable secret 5 ${HASH_C}`, 'username a password 0 x y z', `username b secret 5 ${HASH_A}`, 'username c privilege 2 password 0 c', 'username a privilege 3 password 0 replaced']),
  'enable-password-only': () => typed(['enable password only']),
  // Any order, repeated, capitals: IOS sorts them; the client's list apart from the server's.
  'suites-any-order': () =>
    typed([
      'ip http secure-ciphersuite rc4-128-md5 aes-256-cbc-sha null-sha 3des-ede-cbc-sha null-md5 des-cbc-sha aes-128-cbc-sha rc4-128-sha',
      'ip http client secure-ciphersuite RC4-128-SHA des-cbc-sha',
    ]),
  'suites-model': () => {
    const c = defaultConfig();
    c.http.secureCiphersuites = ['rc4-128-sha', 'RC4-128-SHA', 'des-cbc-sha', 'rc4-128-sha'];
    // An empty list cannot be typed: nothing is written.
    c.http.clientSecureCiphersuites = [];
    return { config: c };
  },
  // Every setting typed at its default: nothing but what IOS always writes.
  'defaults-typed': () =>
    typed([
      'hostname Router',
      'ip http port 80',
      'ip http authentication enable',
      'ip http max-connections 5',
      'ip http timeout-policy idle 180 life 180 requests 1',
      'ip http secure-port 443',
      'no ip http server',
      'no ip http secure-server',
      'no ip http secure-client-auth',
      'no ip http secure-ciphersuite',
      'no ip http client secure-ciphersuite',
    ]),
  // One part of the policy away from its default writes the whole policy.
  'timeout-policy-one-part': () => typed(['ip http timeout-policy idle 180 life 180 requests 2']),
  'timeout-policy-life': () => typed(['ip http timeout-policy idle 180 life 86400 requests 1']),
  // Set, then taken back with the no forms; what is left is written.
  'no-forms': () =>
    typed([
      ...EVERY_COMMAND,
      'no hostname',
      'no ip domain-name',
      'no enable secret',
      'no username guest',
      'no access-list 20',
      'crypto ca trustpoint CA-trust-local',
      ' no enrollment url',
      ' no enrollment http-proxy',
      ' no enrollment retry period',
      ' no subject-name',
      ' no crl optional',
      ' no primary',
      'crypto ca trustpoint TP2',
      ' no crl optional',
      'no crypto ca trustpoint TP3',
      'no ip http server',
      'no ip http port',
      'no ip http authentication',
      'no ip http path',
      'no ip http max-connections',
      'no ip http timeout-policy',
      'no ip http secure-port',
      'no ip http secure-ciphersuite',
      'no ip http secure-client-auth',
      'no ip http secure-trustpoint',
      'no ip http client secure-ciphersuite',
    ]),
  'no-forms-rest': () =>
    typed([
      ...EVERY_COMMAND,
      'no enable password',
      'no ip domain name',
      'no username admin',
      'no username ops',
      'no username viewer',
      'no access-list 1300',
      'crypto ca trustpoint CA-trust-local',
      ' no enrollment retry count',
      ' no crl query',
      ' no crl best-effort',
      'no ip http access-class',
      'no ip http secure-server',
      'no ip http client secure-trustpoint',
      'no crypto ca trustpoint TP2',
    ]),
  // Declared in this order; the primary moves (one at most); a trustpoint removed and declared again goes last.
  'trustpoints-order': () =>
    typed([
      'crypto ca trustpoint zeta',
      ' primary',
      'crypto ca trustpoint alpha',
      ' primary',
      ' crl optional',
      ' crl best-effort',
      'crypto ca trustpoint mid',
      'no crypto ca trustpoint zeta',
      'crypto ca trustpoint zeta',
      ' enrollment retry count 100',
      'crypto ca trustpoint alpha',
      ' enrollment url http://ca.example.com/scep',
    ]),
  // Trustpoints with nothing set, one after the other: each is a block of its own all the same.
  'trustpoints-bare': () => typed(['crypto ca trustpoint one', 'crypto ca trustpoint two', 'crypto ca trustpoint three', ' primary', 'crypto ca trustpoint four']),
  'access-lists': () =>
    typed([
      'access-list 1999 permit any',
      'access-list 5 deny host 10.0.0.1',
      'access-list 5 permit 10.1.2.3 0.0.0.255',
      'access-list 5 permit 10.1.2.3 255.255.255.255',
      'access-list 5 deny 10.0.0.0 0.255.255.255',
      'access-list 1300 deny 192.168.0.0 0.0.255.255',
      'access-list 1 permit host 127.0.0.1',
      'ip http access-class 99',
    ]),
  // An access class whose list does not exist, and a list with no entry.
  'access-lists-model': () => {
    const c = defaultConfig();
    c.http.accessClass = 5;
    c.accessLists.set(7, []);
    return { config: c };
  },
  // A general-purpose pair enrolled with TP1; usage keys with TP2 (two CA certificates: the
  // current and the old one); TP3 without certificates; a self-signed certificate under a
  // trustpoint that is not configured (not written); the chains after all trustpoints.
  'chains-general': () =>
    typed(['hostname r1', 'ip domain-name example.com', 'crypto ca trustpoint TP1', ' enrollment url http://ca.example/scep', 'crypto ca trustpoint TP3', 'ip http secure-trustpoint TP1', 'ip http secure-server'], (ctx) => {
      withKeys('general')(ctx);
      const g = pair('general');
      ctx.keys.certificates.push(
        { trustpoint: 'TP1', usage: 'ca', certificate: CA },
        { trustpoint: 'TP1', usage: 'general', certificate: g.certificate },
        { trustpoint: 'TP-self-signed-1234', usage: 'general', certificate: g.certificate },
      );
    }),
  'chains-usage-keys': () =>
    typed(['crypto ca trustpoint TP2', ' primary', 'crypto ca trustpoint TP1'], (ctx) => {
      withKeys('signature', 'encryption')(ctx);
      ctx.keys.certificates.push(
        { trustpoint: 'TP2', usage: 'ca', certificate: CA },
        { trustpoint: 'TP2', usage: 'signature', certificate: pair('signature').certificate },
        { trustpoint: 'TP1', usage: 'ca', certificate: CA },
        { trustpoint: 'TP2', usage: 'encryption', certificate: pair('encryption').certificate },
      );
    }),
  // The ring without certificates of configured trustpoints writes no chain.
  'chains-none': () => typed(['crypto ca trustpoint TP1'], withKeys('general')),
};

const build = async (name: string) => CASES[name]();

describe('show running-config against its fixtures', () => {
  it.each(Object.keys(CASES))('%s', async (name) => {
    const { config, keys } = await build(name);
    const text = renderConfig(config, keys);
    const file = new URL(`${name}.txt`, DIR);
    if (UPDATE) writeFileSync(file, text);
    if (!existsSync(file)) throw new Error(`no fixture ${name}.txt: run with SSL3_UPDATE_GOLDEN=1 to write it`);
    expect(text, `${name} differs from its fixture (SSL3_UPDATE_GOLDEN=1 rewrites it when the change is meant)`).toBe(readFileSync(file, 'utf8'));
  });

  // A clear-text enable secret (type 0 in the model) is written `enable secret 0 TEXT`, which
  // loading stores hashed: the same secret, another text. That case is checked apart below.
  const SAME_TEXT = Object.keys(CASES).filter((n) => n !== 'passwords-model');

  it.each(SAME_TEXT)('%s loads back into a fresh device and renders the same', async (name) => {
    const { config, keys } = await build(name);
    const text = renderConfig(config, keys);
    const fresh = new FakeContext();
    // Keys are not configuration text (IOS keeps them beside it): the device has them already.
    if (keys) fresh.keys.keys = keys.keys;
    expect(await loadConfig(text, fresh)).toEqual([]);
    expect(renderConfig(fresh.config, keys ? fresh.keys : undefined)).toBe(text);
  });

  it('a clear-text enable secret loads back as the type 5 hash of the same secret', async () => {
    const { config } = await build('passwords-model');
    const fresh = new FakeContext();
    expect(await loadConfig(renderConfig(config), fresh)).toEqual([]);
    const secret = fresh.config.enableSecret;
    expect(secret?.type).toBe(5);
    expect(verifyPassword(secret!, 'plain secret')).toBe(true);
    expect(renderConfig(fresh.config).replace(/enable secret 5 \S+/, 'enable secret 0 plain secret')).toBe(renderConfig(config));
  });
});
