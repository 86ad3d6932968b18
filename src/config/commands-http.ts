/**
 * The `ip http ...` commands of the feature guide ("Configuring the HTTPS Server with SSL 3.0",
 * "Providing Additional Security and Efficiency", "Configuring the HTTPS Client with SSL 3.0")
 * with docs/ios-configuration.md's defaults and ranges. The cipher-suite keywords come from the one suite
 * table (src/ciphers/suites.ts), the timeout ranges from timeout-policy.ts.
 */
import { CIPHER_SUITES, IOS_SUITES } from '../ciphers/suites.js';
import { DEFAULT_TIMEOUT_POLICY, TIMEOUT_POLICY_RANGES } from '../http/timeout-policy.js';
import { CommandError } from './context.js';
import { arg, keywordSet, kw, num, type Args, type Nvgen, type NvValue } from './grammar.js';
import { defaultHttpConfig, type HttpConfig } from './model.js';
import { lineIf } from './nvgen.js';
import type { CommandNode, ConfigView, Session } from './commands.js';

const DEFAULTS = defaultHttpConfig();

/**
 * Cipher-suite keywords in the order IOS displays them: sorted, whatever order they were typed
 * in (the guide shows `3des-ede-cbc-sha des-cbc-sha rc4-128-md5 rc4-128-sha` for the default,
 * and `rc4-128-md5 rc4-128-sha` after `ip http secure-ciphersuite rc4-128-sha rc4-128-md5`),
 * each once. undefined (not configured) is IOS's four. The status lines (show.ts) and the
 * running-config use this one order.
 */
export function displaySuites(keywords: readonly string[] | undefined): string[] {
  const words = keywords ?? IOS_SUITES.map((s) => s.iosKeyword);
  // Plain code-unit order, not localeCompare: the listing must not depend on the locale.
  return [...new Set(words.map((w) => w.toLowerCase()))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A handler that sets one field of `ip http` from the line. */
function set<K extends keyof HttpConfig>(field: K, value: (a: Args) => HttpConfig[K]): (s: Session, a: Args) => void {
  return (s, a) => {
    s.ctx.config.http[field] = value(a);
  };
}

/** The no form: the field's IOS default. */
const reset = <K extends keyof HttpConfig>(field: K) => set(field, () => DEFAULTS[field]);

/** The hook of a command that sets one field from one argument: its line while the field differs from IOS's default. */
const written =
  <K extends keyof HttpConfig>(field: K, argument: string): Nvgen<ConfigView> =>
  ({ config }) =>
    lineIf(config.http[field] !== DEFAULTS[field], { [argument]: config.http[field] as NvValue | undefined });

/** The hook of an on/off command IOS always writes, in its no form when off (the default differs between images). */
const alwaysWritten =
  (field: 'server' | 'secureServer'): Nvgen<ConfigView> =>
  ({ config }) => [{ no: !config.http[field] }];

/** The guide: "Valid options are 443 or any number in the range 1025 to 65535". */
function securePort(s: Session, a: Args): void {
  const port = a.num('port');
  // The blank line after the message is the guide's transcript.
  if (port !== 443 && (port < 1025 || port > 65535)) throw new CommandError('Invalid secure port value.\n');
  s.ctx.config.http.securePort = port;
}

const SUITE_OPTIONS = CIPHER_SUITES.map((c) => ({ word: c.iosKeyword, help: `Encryption type ${c.rfcName.toLowerCase()} ciphersuite` }));

/** The keywords typed, in the suite table's order, so the stored list does not depend on typing order. */
const suites = (a: Args): readonly string[] => CIPHER_SUITES.map((c) => c.iosKeyword).filter((k) => a.list('suites').includes(k));

/** `secure-ciphersuite` under `ip http` and under `ip http client`; the no form restores all four. */
const ciphersuite = (field: 'secureCiphersuites' | 'clientSecureCiphersuites', help: string): CommandNode =>
  kw('secure-ciphersuite', help, {
    no: set(field, () => undefined),
    children: [keywordSet('suites', SUITE_OPTIONS, 'Cipher suites', { run: set(field, suites) })],
    // An empty list cannot be typed (the command needs at least one keyword): nothing to write.
    nvgen: ({ config }) => lineIf((config.http[field]?.length ?? 0) > 0, { suites: displaySuites(config.http[field]) }),
  });

const trustpointName = (field: 'secureTrustpoint' | 'clientSecureTrustpoint'): CommandNode[] => [
  arg('word', 'trustpoint', 'Trustpoint name', { run: set(field, (a) => a.str('trustpoint')) }),
];

const [IDLE, LIFE, REQUESTS] = [TIMEOUT_POLICY_RANGES.idle, TIMEOUT_POLICY_RANGES.life, TIMEOUT_POLICY_RANGES.requests];

const TIMEOUT_POLICY: CommandNode = kw('timeout-policy', 'Set http server time-out policy parameters', {
  no: (s) => void (s.ctx.config.http.timeout = { ...DEFAULT_TIMEOUT_POLICY }),
  // One command sets all three, so any difference writes the whole policy.
  nvgen: ({ config: { http } }) => {
    const [t, d] = [http.timeout, DEFAULT_TIMEOUT_POLICY];
    return lineIf(t.idle !== d.idle || t.life !== d.life || t.requests !== d.requests, { ...t });
  },
  children: [
    kw('idle', 'Set idle time-out value in seconds', [
      num('idle', IDLE[0], IDLE[1], 'Idle time-out value in seconds', [
        kw('life', 'Set life time-out value in seconds', [
          num('life', LIFE[0], LIFE[1], 'Life time-out value in seconds', [
            kw('requests', 'Set maximum number of requests allowed on a connection', [
              num('requests', REQUESTS[0], REQUESTS[1], 'Maximum number of requests allowed', {
                run: set('timeout', (a) => ({ idle: a.num('idle'), life: a.num('life'), requests: a.num('requests') })),
              }),
            ]),
          ]),
        ]),
      ]),
    ]),
  ],
});

// In the order `show running-config` writes them: the plain server, then the secure server, then the client.
const HTTP: CommandNode = kw('http', 'HTTP server configuration', {
  section: 'http',
  children: [
    kw('server', 'Enable http server', { run: set('server', () => true), no: reset('server'), nvgen: alwaysWritten('server') }),
    kw('port', 'Set http server port', {
      no: reset('port'),
      children: [num('port', 1, 65535, 'Http port', { run: set('port', (a) => a.num('port')) })],
      nvgen: written('port', 'port'),
    }),
    kw('authentication', 'Set http server authentication method', {
      no: reset('authentication'),
      children: [
        kw('enable', 'Use enable passwords for authentication', { name: 'method', run: set('authentication', () => 'enable') }),
        kw('local', 'Use local username and passwords for authentication', { name: 'method', run: set('authentication', () => 'local') }),
      ],
      nvgen: written('authentication', 'method'),
    }),
    kw('access-class', 'Restrict http server access by access-class', {
      no: set('accessClass', () => undefined),
      children: [num('list', 1, 99, 'Access list number', { run: set('accessClass', (a) => a.num('list')) })],
      nvgen: written('accessClass', 'list'),
    }),
    kw('path', 'Set base path for HTML', {
      no: set('path', () => undefined),
      children: [arg('line', 'path', 'Path name', { run: set('path', (a) => a.str('path')) })],
      nvgen: written('path', 'path'),
    }),
    kw('max-connections', 'Set maximum number of concurrent http server connections', {
      no: reset('maxConnections'),
      children: [num('count', 1, 16, 'Maximum number of connections', { run: set('maxConnections', (a) => a.num('count')) })],
      nvgen: written('maxConnections', 'count'),
    }),
    TIMEOUT_POLICY,
    kw('secure-server', 'Enable HTTP secure server', { run: set('secureServer', () => true), no: reset('secureServer'), nvgen: alwaysWritten('secureServer') }),
    kw('secure-port', 'Set http secure server port number for listening', {
      no: reset('securePort'),
      children: [num('port', 0, 65535, 'Secure port number (443, or 1025 to 65535)', { run: securePort })],
      nvgen: written('securePort', 'port'),
    }),
    ciphersuite('secureCiphersuites', 'Set http secure server ciphersuite'),
    kw('secure-client-auth', 'Set http secure server with client authentication', {
      run: set('secureClientAuth', () => true),
      no: reset('secureClientAuth'),
      nvgen: ({ config }) => lineIf(config.http.secureClientAuth),
    }),
    kw('secure-trustpoint', 'Set http secure server certificate trustpoint', {
      no: set('secureTrustpoint', () => undefined),
      children: trustpointName('secureTrustpoint'),
      nvgen: written('secureTrustpoint', 'trustpoint'),
    }),
    kw('client', 'HTTP client configuration', [
      kw('secure-trustpoint', 'Set http secure client CA trustpoint', {
        no: set('clientSecureTrustpoint', () => undefined),
        children: trustpointName('clientSecureTrustpoint'),
        nvgen: written('clientSecureTrustpoint', 'trustpoint'),
      }),
      ciphersuite('clientSecureCiphersuites', 'Set http secure client ciphersuite'),
    ]),
  ],
});

export const HTTP_COMMANDS: readonly CommandNode[] = [kw('ip', 'Global IP configuration subcommands', [HTTP])];
