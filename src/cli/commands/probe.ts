/**
 * `ssl3 probe HOST[:PORT]`: what an SSL 3.0 server speaks, from real handshakes
 * (src/harness/probe/probe.ts): versions, each of the eight SSL 3.0 suites, whose preference
 * decides and the server's order, the certificate chain, resumption, secure renegotiation,
 * compression and the weaknesses that follow. A table by default, --json for one object.
 * `--targets FILE --concurrency N` probes a fleet: one target per line, one JSON line per
 * target as each ends, and a progress line on a terminal.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { intFlag, parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { parseTarget } from '../address.js';
import { seconds } from '../check-report.js';
import { probeServer, type ProbeReport } from '../../harness/probe/probe.js';
import type { CertificateSummary } from '../../harness/probe/certificate-summary.js';
import { reachable } from '../../harness/transport.js';
import { formatHostPort } from '../../util/host-port.js';

const USAGE = `ssl3 probe HOST[:PORT] [--json] [--timeout S]
ssl3 probe --targets FILE [--concurrency N] [--timeout S]
  HOST[:PORT]      the server to probe (port 443 unless given)
  --json           the inventory as one JSON object
  --targets FILE   a fleet: one HOST[:PORT] per line (# comments and blank lines are skipped);
                   writes one JSON line per target as each ends, with a progress line on a
                   terminal; a target that cannot be reached gets {"target", "error"}
  --concurrency N  targets probed at once (1..64, default 4)
  --timeout S      seconds to wait for each answer (default 5)
Exit status: 0 when every target answered, 1 when one could not be reached.`;

function certificateText(c: CertificateSummary | { error: string } | null): string {
  if (!c) return '(none)';
  if ('error' in c) return c.error;
  const validity = `valid ${c.notBefore.slice(0, 10)} to ${c.notAfter.slice(0, 10)}`;
  return `${c.subject}; issuer ${c.selfSigned ? '(self-signed)' : c.issuer}; ${c.keyAlgorithm}${c.keyBits ? ` ${c.keyBits}` : ''}, ${c.signatureAlgorithm}; ${validity}\n${' '.repeat(24)}SHA-256 ${c.sha256}\n${' '.repeat(24)}SHA-1 ${c.sha1}`;
}

/** The inventory as a table, one row per fact. */
export function probeTable(r: ProbeReport): string {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const rows: [string, string][] = [
    ['SSL 3.0', yes(r.ssl3)],
    ['TLS hellos', Object.entries(r.tls).map(([v, a]) => `${v} answered ${a}`).join(', ')],
    ['SSLv2-format hello', yes(r.sslv2Hello)],
    [`suites${r.preference === 'server' ? ' (server order)' : ''}`, r.suites.join(', ') || '(none)'],
    ['refused', r.refused.join(', ') || '(none)'],
    ['preference', r.preference ?? '(one suite or none: cannot tell)'],
    ['certificate', certificateText(r.certificate)],
    ...r.chain.slice(1).map((c, i): [string, string] => [`chain [${i + 1}]`, certificateText(c)]),
    ['resumption', yes(r.resumption)],
    ['secure renegotiation', yes(r.secureRenegotiation)],
    ['compression', r.compression.join(', ')],
    ['weaknesses', r.weaknesses.join('\n' + ' '.repeat(24)) || '(none found)'],
  ];
  return `ssl3 probe ${r.target}\n${rows.map(([k, v]) => `  ${k.padEnd(22)}${v}`).join('\n')}\n`;
}

/** The targets of a fleet file; a line that is not HOST[:PORT] is a usage error naming it. */
export function readTargets(path: string): { host: string; port: number }[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--targets ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 1);
  }
  const targets: { host: string; port: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    try {
      targets.push(parseTarget(line));
    } catch (e) {
      throw new UsageError(`--targets ${path} line ${i + 1}: ${(e as Error).message}`, 1);
    }
  });
  if (!targets.length) throw new UsageError(`--targets ${path}: no targets in it`, 1);
  return targets;
}

/** One target: its inventory, or why it could not be probed. */
async function probeOne(target: { host: string; port: number }, timeout: number): Promise<ProbeReport | { target: string; error: string }> {
  const name = formatHostPort(target.host, target.port);
  const why = await reachable({ ...target, connectTimeoutMs: timeout * 1000 });
  if (why) return { target: name, error: why };
  return probeServer({ ...target, connectTimeoutMs: timeout * 1000 }, { timeoutSeconds: timeout });
}

/** The fleet: `concurrency` targets at a time, a JSON line for each as it ends. */
async function fleet(targets: { host: string; port: number }[], concurrency: number, timeout: number, io: CliIo): Promise<number> {
  let next = 0;
  let done = 0;
  let failed = 0;
  const progress = () => {
    if (io.stderrIsTTY) io.stderr(`\rssl3 probe: ${done}/${targets.length} targets probed${done === targets.length ? '\n' : ''}`);
  };
  progress();
  const worker = async () => {
    while (next < targets.length) {
      const r = await probeOne(targets[next++], timeout);
      if ('error' in r) failed++;
      done++;
      io.stdout(`${JSON.stringify(r)}\n`);
      progress();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  return failed ? 1 : 0;
}

const PROBE_FLAGS = { json: { type: 'boolean' }, targets: { type: 'string' }, concurrency: { type: 'string' }, timeout: { type: 'string' } } as const;

export const probeCommand: Command = {
  name: 'probe',
  summary: 'what an SSL 3.0 server speaks: versions, suites and their order, certificate, resumption, weaknesses (or a fleet of them)',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(() => parseArgs({ args: argv, allowPositionals: true, strict: true, options: PROBE_FLAGS }));
    const timeout = seconds('--timeout', values.timeout, 5, 300);
    if (values.targets !== undefined) {
      if (positionals.length) throw new UsageError('give either HOST[:PORT] or --targets FILE, not both');
      const concurrency = intFlag('concurrency', values.concurrency, 1, 64, 4);
      return fleet(readTargets(values.targets), concurrency, timeout, io);
    }
    if (values.concurrency !== undefined) throw new UsageError('--concurrency goes with --targets');
    if (positionals.length !== 1) throw new UsageError('give exactly one HOST[:PORT], or --targets FILE');
    const r = await probeOne(parseTarget(positionals[0]), timeout);
    if ('error' in r) throw new UsageError(`cannot connect to ${r.target}: ${r.error}`, 1);
    io.stdout(values.json ? `${JSON.stringify(r, null, 1)}\n` : probeTable(r));
    return 0;
  },
};
