/**
 * The running configuration as IOS writes it (`show running-config`, and the startup-config
 * that `copy running-config startup-config` saves): docs/ios-configuration.md's commands, in the
 * forms the feature guide gives them, with IOS's conventions: only what differs from the
 * defaults, except the lines IOS always writes (`hostname`, and the two server on/off lines,
 * `[no] ip http server` and `[no] ip http secure-server`, because their defaults differ
 * between images); `!` lines between sections; trustpoint sub-mode lines indented by one
 * space; `end` last.
 *
 * The text is read back by the loader with the same grammar as the console, so every line
 * here is a real IOS command in its canonical form.
 */
import { formatAccessEntry } from '../http/access-list.js';
import { DEFAULT_TIMEOUT_POLICY } from '../http/timeout-policy.js';
import { IOS_SUITES } from '../ciphers/suites.js';
import { defaultHttpConfig, type KeyRing, type RunningConfig, type StoredPassword, type Trustpoint } from './model.js';
import { certificateChainLines } from './cert-chain.js';

/**
 * Cipher-suite keywords in the order IOS displays them: sorted, whatever order they were typed
 * in (the guide shows `3des-ede-cbc-sha des-cbc-sha rc4-128-md5 rc4-128-sha` for the default,
 * and `rc4-128-md5 rc4-128-sha` after `ip http secure-ciphersuite rc4-128-sha rc4-128-md5`),
 * each once. undefined (not configured) is IOS's four. Here rather than in show.ts (which
 * re-exports it) so that the status lines and the running-config agree without the two
 * modules importing each other.
 */
export function displaySuites(keywords: readonly string[] | undefined): string[] {
  const words = keywords ?? IOS_SUITES.map((s) => s.iosKeyword);
  // Plain code-unit order, not localeCompare: the listing must not depend on the locale.
  return [...new Set(words.map((w) => w.toLowerCase()))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `secret 5 HASH` or `password 0 TEXT`: the type is written, so reading back never re-hashes a hash. */
function passwordWords(p: StoredPassword): string {
  return p.type === 5 ? `secret 5 ${p.hash}` : `password 0 ${p.text}`;
}

function enableLines(config: RunningConfig): string[] {
  const lines: string[] = [];
  const { enableSecret, enablePassword } = config;
  if (enableSecret) lines.push(enableSecret.type === 5 ? `enable secret 5 ${enableSecret.hash}` : `enable secret 0 ${enableSecret.text}`);
  if (enablePassword) {
    if (enablePassword.type === 0) {
      // IOS writes the clear-text enable password without its type digit.
      lines.push(`enable password ${enablePassword.text}`);
    } else if (!enableSecret) {
      // `enable password` has no type 5 form in IOS; a hashed one checks exactly like a
      // secret, which nothing else overrides here, so writing it as one keeps its meaning.
      lines.push(`enable secret 5 ${enablePassword.hash}`);
    }
    // A hashed enable password beside a secret is never consulted (the secret wins), so it has no line.
  }
  return lines;
}

function userLines(config: RunningConfig): string[] {
  return [...config.users.values()].map((u) => `username ${u.name}${u.privilege === 1 ? '' : ` privilege ${u.privilege}`} ${passwordWords(u.password)}`);
}

function trustpointLines(tp: Trustpoint): string[] {
  const lines = [`crypto ca trustpoint ${tp.name}`];
  if (tp.enrollmentUrl !== undefined) lines.push(` enrollment url ${tp.enrollmentUrl}`);
  if (tp.httpProxy) lines.push(` enrollment http-proxy ${tp.httpProxy.host} ${tp.httpProxy.port}`);
  if (tp.retryPeriod !== undefined) lines.push(` enrollment retry period ${tp.retryPeriod}`);
  if (tp.retryCount !== undefined) lines.push(` enrollment retry count ${tp.retryCount}`);
  if (tp.subjectName !== undefined) lines.push(` subject-name ${tp.subjectName}`);
  if (tp.crlQuery !== undefined) lines.push(` crl query ${tp.crlQuery}`);
  if (tp.crlMode) lines.push(` crl ${tp.crlMode}`);
  if (tp.primary) lines.push(' primary');
  return lines;
}

function httpLines(config: RunningConfig): string[] {
  const h = config.http;
  const d = defaultHttpConfig();
  const lines: string[] = [];
  lines.push(h.server ? 'ip http server' : 'no ip http server');
  if (h.port !== d.port) lines.push(`ip http port ${h.port}`);
  if (h.authentication !== d.authentication) lines.push(`ip http authentication ${h.authentication}`);
  if (h.accessClass !== undefined) lines.push(`ip http access-class ${h.accessClass}`);
  if (h.path !== undefined) lines.push(`ip http path ${h.path}`);
  if (h.maxConnections !== d.maxConnections) lines.push(`ip http max-connections ${h.maxConnections}`);
  const t = h.timeout;
  const dt = DEFAULT_TIMEOUT_POLICY;
  // One command sets all three, so any difference writes the whole policy.
  if (t.idle !== dt.idle || t.life !== dt.life || t.requests !== dt.requests) {
    lines.push(`ip http timeout-policy idle ${t.idle} life ${t.life} requests ${t.requests}`);
  }
  lines.push(h.secureServer ? 'ip http secure-server' : 'no ip http secure-server');
  if (h.securePort !== d.securePort) lines.push(`ip http secure-port ${h.securePort}`);
  // An empty list cannot be typed (the command needs at least one keyword): nothing to write.
  if (h.secureCiphersuites?.length) lines.push(`ip http secure-ciphersuite ${displaySuites(h.secureCiphersuites).join(' ')}`);
  if (h.secureClientAuth) lines.push('ip http secure-client-auth');
  if (h.secureTrustpoint !== undefined) lines.push(`ip http secure-trustpoint ${h.secureTrustpoint}`);
  if (h.clientSecureTrustpoint !== undefined) lines.push(`ip http client secure-trustpoint ${h.clientSecureTrustpoint}`);
  if (h.clientSecureCiphersuites?.length) lines.push(`ip http client secure-ciphersuite ${displaySuites(h.clientSecureCiphersuites).join(' ')}`);
  return lines;
}

function accessListLines(config: RunningConfig): string[] {
  // IOS lists access lists by number, whatever order they were created in.
  const numbers = [...config.accessLists.keys()].sort((a, b) => a - b);
  return numbers.flatMap((n) => config.accessLists.get(n)!.map((e) => `access-list ${n} ${formatAccessEntry(e)}`));
}

/**
 * The configuration text, one command a line, `!` between sections, ending with `end` and a
 * newline. With the key ring, each trustpoint's certificates follow the trustpoints as IOS's
 * `crypto ca certificate chain` blocks.
 */
export function renderConfig(config: RunningConfig, ring?: KeyRing): string {
  const sections: string[][] = [
    // IOS always writes the host name, even the default one.
    [`hostname ${config.hostname}`],
    enableLines(config),
    userLines(config),
    config.domainName !== undefined ? [`ip domain-name ${config.domainName}`] : [],
    // Each trustpoint is its own section: IOS closes every sub-mode block with a `!`.
    ...[...config.trustpoints.values()].map(trustpointLines),
    ...(ring ? certificateChainLines(config, ring) : []),
    httpLines(config),
    accessListLines(config),
  ];
  const out = ['!'];
  for (const lines of sections) {
    if (lines.length === 0) continue;
    out.push(...lines, '!');
  }
  out.push('end');
  return `${out.join('\n')}\n`;
}
