/**
 * The IOS configuration loader (src/config/loader.ts: the grammar table, every command's
 * handler, IOS's decorations), fed mutated startup-configs: words dropped, swapped, repeated
 * and replaced with other keywords and boundary numbers. Properties: loadConfig never throws;
 * every reported error names a line of the file and reads as an IOS message, not a JavaScript
 * one (a handler's TypeError would otherwise reach the user as "% Cannot read properties...");
 * and whatever configuration resulted, `show running-config` loads back into a fresh device
 * without an error and into the same configuration (what we print, we can read).
 */
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/loader.js';
import { showRunningConfig } from '../../src/config/render.js';
import { asciiBytes, utf8String } from '../../src/util/bytes.js';
import { FakeContext } from '../../test/config/fake-context.js';
import { bytesInput } from '../mutate.js';
import type { FuzzTarget } from '../target.js';

const SEED_CONFIG = [
  'Building configuration...',
  '',
  'Current configuration : 900 bytes',
  '!',
  'version 12.4',
  'hostname edge1',
  'ip domain-name example.com',
  'enable secret 0 s3cret',
  'username admin privilege 15 secret 0 adm1n',
  'username guest password 0 guest',
  '!',
  'crypto ca trustpoint CA-trust-local',
  ' enrollment url http://ca.example.com:8080/scep',
  ' enrollment http-proxy proxy.example.com 3128',
  ' crl query ldap://ldap.example.com',
  ' crl optional',
  ' primary',
  '!',
  'ip http server',
  'ip http port 8080',
  'ip http authentication local',
  'ip http path flash:/web',
  'ip http max-connections 10',
  'ip http timeout-policy idle 30 life 120 requests 100',
  'ip http secure-server',
  'ip http secure-port 1025',
  'ip http secure-ciphersuite rc4-128-md5 rc4-128-sha 3des-ede-cbc-sha des-cbc-sha',
  'ip http secure-client-auth',
  'ip http secure-trustpoint CA-trust-local',
  'ip http client secure-trustpoint CA-trust-local',
  'ip http client secure-ciphersuite aes-128-cbc-sha',
  'access-list 20 permit 10.0.0.0 0.0.0.255',
  'access-list 20 deny host 10.0.0.9',
  'access-list 20 permit any',
  'ip http access-class 20',
  'no ip http secure-client-auth',
  'end',
].join('\n');

/** Words from the seed and the boundaries a number or a mode change can hit. */
const EXTRA_WORDS = ['\n', ' ', '\t', '?', 'no ', 'do ', 'exit\n', 'end\n', 'quit\n', '0', '-1', '65536', '4294967296', '99999999999999999999', '0x10', '1.2.3.4', '255.255.255.256', 'flash:', 'http://', 'ldap://', '%', '"', 'crypto ca certificate chain TP\n', 'certificate 01\n'];

const seedWords = () => [...new Set(SEED_CONFIG.split(/\s+/).filter(Boolean))].map((w) => `${w} `);

/** Messages only a JavaScript runtime writes: an unexpected exception reached the user. */
const RUNTIME_MESSAGE = /TypeError|RangeError|ReferenceError|Cannot read propert|is not a function|is not iterable|undefined|NaN|Maximum call stack|Invalid (array|string) length|\[object /;

export const CONFIG_TARGET: FuzzTarget = {
  name: 'ios-config',
  what: 'mutated startup-configs into the loader: never throws, errors name a line and read as IOS messages, and show running-config loads back unchanged',
  input: () => bytesInput({ seeds: [asciiBytes(SEED_CONFIG)], dictionary: [...seedWords(), ...EXTRA_WORDS].map(asciiBytes) }, 200),
  slowMs: 5000,
  check: async (input) => {
    const text = utf8String(input.chunks[0]);
    const lineCount = text.split('\n').length;
    const first = new FakeContext();
    const errors = await loadConfig(text, first);
    for (const e of errors) {
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.line).toBeLessThanOrEqual(lineCount);
      expect(e.output, `line ${e.line}: ${JSON.stringify(e.text)}`).not.toMatch(RUNTIME_MESSAGE);
    }
    const shown = showRunningConfig(first.config);
    const second = new FakeContext();
    expect(await loadConfig(shown, second), `show running-config does not load back:\n${shown}`).toEqual([]);
    expect(showRunningConfig(second.config)).toBe(shown);
  },
};
