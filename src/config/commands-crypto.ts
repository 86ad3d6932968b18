/**
 * The `crypto` commands of the feature guide's "Declaring a Certificate Authority Trustpoint"
 * (steps 5-13, docs/ios-configuration.md): RSA key generation, trustpoints and their sub-mode
 * (`enrollment url`, `enrollment http-proxy`, `enrollment retry`, `subject-name`, `crl`,
 * `primary`), and the SCEP commands, whose dialogues are in commands-ca.ts.
 */
import { CommandError } from './context.js';
import { arg, kw, num, type Args, type NvCommand, type Nvgen } from './grammar.js';
import { DEFAULT_MODULUS, MODULUS_RANGE, fqdn, type Trustpoint } from './model.js';
import { lineIf, nvgenLines } from './nvgen.js';
import type { CommandNode, ConfigView, Session } from './commands.js';
import { authenticate, enrollment } from './commands-ca.js';
import { CERT_CHAIN_GLOBAL } from './cert-chain.js';
import { parseNameString } from '../pki/x509-build.js';
import { Ssl3Error } from '../util/errors.js';

const MIN_SSL_MODULUS = 512;

async function generate(s: Session, usageKeys: boolean, modulus: number): Promise<void> {
  s.ctx.print(`The name for the keys will be: ${fqdn(s.ctx.config)}\n% The key modulus size is ${modulus} bits\n`);
  s.ctx.print(`% Generating ${modulus} bit RSA keys, keys will be non-exportable...\n`);
  const started = Date.now();
  await s.ctx.generateKeys({ usageKeys, modulus });
  s.ctx.print(`[OK] (elapsed time was ${Math.round((Date.now() - started) / 1000)} seconds)\n`);
}

/** IOS asks before replacing keys at a console; a config file has no one to ask, and replaces them. */
async function generateRsa(s: Session, a: Args): Promise<void> {
  const usageKeys = a.has('usage-keys');
  const modulus = a.optNum('bits') ?? DEFAULT_MODULUS;
  // IOS takes 360 bits, but SSL needs the 48-byte premaster secret plus 11 bytes of PKCS #1
  // padding to fit: below 512 bits the key could never be used by the servers it is for.
  if (modulus < MIN_SSL_MODULUS) throw new CommandError(`% A ${modulus}-bit modulus cannot carry an SSL premaster secret; choose ${MIN_SSL_MODULUS} to ${MODULUS_RANGE[1]} bits.`);
  const existing = s.ctx.keys.keys[0];
  if (!existing || !s.interactive) return generate(s, usageKeys, modulus);
  s.ctx.print(`% You already have RSA keys defined named ${existing.name}.\n`);
  s.ask({
    prompt: '% Do you really want to replace them? [yes/no]: ',
    secret: false,
    answer: async (line) => {
      if (/^y(es?)?$/i.test(line.trim())) await generate(s, usageKeys, modulus);
    },
  });
}

const MODULUS: CommandNode = kw('modulus', 'Provide number of modulus bits on the command line', [
  num('bits', MODULUS_RANGE[0], MODULUS_RANGE[1], 'size of the key modulus', { run: generateRsa }),
]);

const KEY_KIND = (then: readonly CommandNode[]): CommandNode[] => [
  kw('general-keys', 'Generate a general purpose RSA key pair for signing and encryption', { run: generateRsa, children: then }),
  kw('usage-keys', 'Generate separate RSA key pairs for signing and encryption', { run: generateRsa, children: then }),
];

// `[general-keys | usage-keys] [modulus N]`, in either order, as IOS takes them.
const RSA: CommandNode = kw('rsa', 'Generate RSA keys', {
  run: generateRsa,
  children: [...KEY_KIND([MODULUS]), kw('modulus', MODULUS.help, [num('bits', MODULUS_RANGE[0], MODULUS_RANGE[1], 'size of the key modulus', { run: generateRsa, children: KEY_KIND([]) })])],
});

function enterTrustpoint(s: Session, a: Args): void {
  const name = a.str('trustpoint');
  const tps = s.ctx.config.trustpoints;
  if (!tps.has(name)) tps.set(name, { name, primary: false });
  s.mode = 'ca-trustpoint';
  s.trustpoint = name;
}

/** `no crypto ca trustpoint NAME`: the trustpoint goes, with its CA and device certificates (IOS asks first at a console). */
function removeTrustpoint(s: Session, a: Args): void {
  const name = a.str('trustpoint');
  if (!s.ctx.config.trustpoints.delete(name)) return;
  s.ctx.keys.certificates = s.ctx.keys.certificates.filter((c) => c.trustpoint !== name);
  for (const key of ['secureTrustpoint', 'clientSecureTrustpoint'] as const) if (s.ctx.config.http[key] === name) s.ctx.config.http[key] = undefined;
}

// The trustpoints before their certificate chains, as `show running-config` writes them.
const CA: CommandNode = kw('ca', 'Certification authority', [
  kw('trustpoint', 'Define a CA trustpoint', {
    children: [arg('word', 'trustpoint', 'CA trustpoint name', { run: enterTrustpoint, no: removeTrustpoint })],
    // Each trustpoint, in the order declared, a block of its own with its sub-mode lines.
    section: 'trustpoint',
    nvgen: ({ config, keys }) =>
      [...config.trustpoints.keys()].map((name) => ({ args: { trustpoint: name }, body: nvgenLines(TRUSTPOINT_COMMANDS, { config, keys, trustpoint: name }) })),
  }),
  CERT_CHAIN_GLOBAL,
  kw('authenticate', 'Get the certification authority certificate', [arg('word', 'trustpoint', 'Name of the trustpoint', { run: authenticate })]),
  kw('enroll', 'Request a certificate from a CA', [arg('word', 'trustpoint', 'Name of the trustpoint', { run: enrollment })]),
  kw('enrollment', 'Request a certificate from a CA', [arg('word', 'trustpoint', 'Name of the trustpoint', { run: enrollment })]),
]);

export const CRYPTO_COMMANDS: readonly CommandNode[] = [
  kw('crypto', 'Encryption module', [kw('key', 'Long term key operations', [kw('generate', 'Generate new keys', [RSA])]), CA]),
];

// ---- ca-trustpoint mode -----------------------------------------------------------------

function current(s: Session): Trustpoint {
  const tp = s.trustpoint === undefined ? undefined : s.ctx.config.trustpoints.get(s.trustpoint);
  if (!tp) throw new CommandError('% The trustpoint being configured no longer exists.');
  return tp;
}

/** A trustpoint handler: change the one being configured. */
const onTrustpoint =
  (change: (tp: Trustpoint, a: Args, s: Session) => void) =>
  (s: Session, a: Args): void =>
    change(current(s), a, s);

/** A trustpoint's nvgen hook: the lines of the one being written. */
const ofTrustpoint =
  (write: (tp: Trustpoint) => NvCommand[]): Nvgen<ConfigView> =>
  ({ config, trustpoint }) => {
    const tp = trustpoint === undefined ? undefined : config.trustpoints.get(trustpoint);
    return tp ? write(tp) : [];
  };

/** An http:// or ldap:// URL with a host (`http://ca-host[:port][/path]`); else why not. */
function checkUrl(text: string, schemes: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (!schemes.includes(url.protocol)) return `must start with ${schemes.map((p) => `${p}//`).join(' or ')}`;
  if (url.hostname === '') return 'has no host';
  return undefined;
}

function enrollmentUrl(tp: Trustpoint, a: Args): void {
  const url = a.str('url');
  const bad = checkUrl(url, ['http:']);
  if (bad) throw new CommandError(`% Invalid enrollment URL: ${url} ${bad} (http://ca-host[:port][/path]).`);
  tp.enrollmentUrl = url;
}

function crlQuery(tp: Trustpoint, a: Args): void {
  const url = a.str('url');
  const bad = checkUrl(url, ['http:', 'ldap:']);
  if (bad) throw new CommandError(`% Invalid CRL query URL: ${url} ${bad}.`);
  tp.crlQuery = url;
}

function subjectName(tp: Trustpoint, a: Args): void {
  const name = a.str('name').trim();
  try {
    if (!parseNameString(name).length) throw new CommandError('% The subject name is empty.');
  } catch (e) {
    if (e instanceof Ssl3Error) throw new CommandError(`% Invalid subject name: ${e.message}`);
    throw e;
  }
  tp.subjectName = name;
}

/** `no crl optional` undoes `crl optional`, not `crl best-effort`. */
const crlMode = (mode: 'optional' | 'best-effort'): CommandNode =>
  kw(mode, mode === 'optional' ? 'CRL verification is optional' : 'Fetch and use CRLs if CRL is accessible', {
    run: onTrustpoint((tp) => void (tp.crlMode = mode)),
    no: onTrustpoint((tp) => void (tp.crlMode = tp.crlMode === mode ? undefined : tp.crlMode)),
    nvgen: ofTrustpoint((tp) => lineIf(tp.crlMode === mode)),
  });

// In the order `show running-config` writes them: enrollment, subject, CRL, primary.
export const TRUSTPOINT_COMMANDS: readonly CommandNode[] = [
  kw('enrollment', 'Enrollment parameters', [
    kw('url', 'CA server enrollment URL', {
      no: onTrustpoint((tp) => void (tp.enrollmentUrl = undefined)),
      children: [arg('url', 'url', 'Enrollment URL (http://ca-host[:port][/path])', { run: onTrustpoint(enrollmentUrl) })],
      nvgen: ofTrustpoint((tp) => lineIf(tp.enrollmentUrl !== undefined, { url: tp.enrollmentUrl })),
    }),
    kw('http-proxy', 'HTTP proxy server for enrollment', {
      no: onTrustpoint((tp) => void (tp.httpProxy = undefined)),
      children: [
        arg('word', 'host', 'Proxy server name', [
          num('port', 1, 65535, 'Proxy server port', { run: onTrustpoint((tp, a) => void (tp.httpProxy = { host: a.str('host'), port: a.num('port') })) }),
        ]),
      ],
      nvgen: ofTrustpoint((tp) => lineIf(tp.httpProxy !== undefined, { ...tp.httpProxy })),
    }),
    kw('retry', 'Polling parameters for a pending request', [
      kw('period', 'Minutes between polls', {
        no: onTrustpoint((tp) => void (tp.retryPeriod = undefined)),
        children: [num('minutes', 1, 60, 'Minutes', { run: onTrustpoint((tp, a) => void (tp.retryPeriod = a.num('minutes'))) })],
        nvgen: ofTrustpoint((tp) => lineIf(tp.retryPeriod !== undefined, { minutes: tp.retryPeriod })),
      }),
      kw('count', 'How many times to poll the CA', {
        no: onTrustpoint((tp) => void (tp.retryCount = undefined)),
        children: [num('count', 1, 100, 'Number of polls', { run: onTrustpoint((tp, a) => void (tp.retryCount = a.num('count'))) })],
        nvgen: ofTrustpoint((tp) => lineIf(tp.retryCount !== undefined, { count: tp.retryCount })),
      }),
    ]),
  ]),
  kw('subject-name', 'Subject name', {
    no: onTrustpoint((tp) => void (tp.subjectName = undefined)),
    children: [arg('line', 'name', 'The X.500 name, e.g. CN=router,OU=net,O=Example', { run: onTrustpoint(subjectName) })],
    nvgen: ofTrustpoint((tp) => lineIf(tp.subjectName !== undefined, { name: tp.subjectName })),
  }),
  kw('crl', 'CRL option', [
    kw('query', 'URL from which to query CRL', {
      no: onTrustpoint((tp) => void (tp.crlQuery = undefined)),
      children: [arg('url', 'url', 'CRL query URL (http:// or ldap://)', { run: onTrustpoint(crlQuery) })],
      nvgen: ofTrustpoint((tp) => lineIf(tp.crlQuery !== undefined, { url: tp.crlQuery })),
    }),
    crlMode('best-effort'),
    crlMode('optional'),
  ]),
  kw('primary', 'Set this CA as the primary CA', {
    // One primary at most: the default trustpoint is this one.
    run: onTrustpoint((tp, _a, s) => {
      for (const other of s.ctx.config.trustpoints.values()) other.primary = false;
      tp.primary = true;
    }),
    no: onTrustpoint((tp) => void (tp.primary = false)),
    nvgen: ofTrustpoint((tp) => lineIf(tp.primary)),
  }),
];
