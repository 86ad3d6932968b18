/**
 * `ssl3 check HOST[:PORT]`: the SSL 3.0 server conformance suite (src/harness/check), each
 * check a named question citing RFC 6101 or the CVE it is about, asked by connections that
 * misbehave in one precise way. A table by default (one line per check as it ends), --json,
 * JUnit XML with --junit FILE for CI; --only picks checks; the exit status is 0 only when no
 * check failed, so a pipeline fails on a finding about the target.
 */
import * as net from 'node:net';
import { parseArgs } from 'node:util';
import { parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { parseTarget } from '../address.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { selectChecks, type Check, type CheckResult } from '../../harness/check/check.js';
import { checkServer, SERVER_CHECKS } from '../../harness/check/server-suite.js';
import { checkJunit, checkReport, summarize } from '../../harness/check/report.js';
import { formatTrace } from '../../harness/report.js';

const USAGE = `ssl3 check HOST[:PORT] [--only NAME[,NAME]...] [--json] [--junit FILE] [--timeout S] [--verbose]
ssl3 check --list
  HOST[:PORT]      the SSL 3.0 server to check (port 443 unless given); it is sent an HTTP/1.0
                   GET / after each handshake, to make it answer
  --only NAMES     only these checks: names separated by commas, NAME* for every name that
                   starts with NAME (handshake-*)
  --list           list the checks, what each cites and what a correct server does; run none
  --json           the results as one JSON object
  --junit FILE     also write the results as JUnit XML, for CI
  --timeout S      seconds to wait for each answer (default 5)
  --verbose        print the trace of each failed conversation
Exit status: 0 when every check passed (or did not apply), 1 when one failed.`;

const WORDS = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

type Described = Pick<Check<unknown>, 'name' | 'cites' | 'level' | 'expectation'>;

/** The column widths of the table: the longest name and citation among the checks that run. */
export function columns(checks: readonly Described[]): { name: number; cites: number } {
  return { name: Math.max(...checks.map((c) => c.name.length)), cites: Math.max(...checks.map((c) => c.cites.length)) };
}

/** One table line for a result; a failure adds what the check expected, and with --verbose the trace. */
export function tableLines(r: CheckResult, check: Described, widths: { name: number; cites: number }, verbose: boolean): string {
  const lines = [`${WORDS[r.status]}  ${r.name.padEnd(widths.name)}  ${check.cites.padEnd(widths.cites)}  ${r.detail}`];
  if (r.status === 'fail') {
    lines.push(`      ${check.level}: ${check.expectation}`);
    if (verbose) for (const c of r.conversations.filter((x) => !x.passed)) lines.push(`      trace of ${c.name}:`, formatTrace(c.trace).replace(/^/gm, '        '));
  }
  return `${lines.join('\n')}\n`;
}

export function listChecks(checks: readonly Described[]): string {
  return checks.map((c) => `${c.name.padEnd(30)} ${c.cites}\n  ${c.level}: ${c.expectation}\n`).join('');
}

/** The checks --only names; an unknown name is a usage error. */
export function chosenChecks<T extends Described>(all: readonly T[], only: string | undefined): T[] {
  const names = (only ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  for (const n of names) if (!selectChecks(all, [n]).length) throw new UsageError(`--only: no check named '${n}' (ssl3 check --list shows them)`);
  return selectChecks(all, names);
}

/** Whether anything accepts TCP connections at host:port, so an unreachable target is one line, not N failed checks. */
function reachable(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (why?: string) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(timeoutMs, () => done('no answer'));
    socket.once('connect', () => done());
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/** Writes the report files and the summary; returns the exit status. */
export async function finishRun(io: CliIo, target: string, results: CheckResult[], checks: readonly Described[], values: { json?: boolean; junit?: string }): Promise<number> {
  const s = summarize(results);
  if (values.junit) {
    try {
      await writeFileAtomic(values.junit, checkJunit(`ssl3 check ${target}`, results, checks), 0o644);
    } catch (e) {
      throw new UsageError(`--junit ${values.junit}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 1);
    }
  }
  if (values.json) io.stdout(`${JSON.stringify(checkReport(target, results, checks), null, 1)}\n`);
  else io.stdout(`${s.checks} checks: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped\n`);
  return s.failed ? 1 : 0;
}

export const CHECK_FLAGS = {
  only: { type: 'string' },
  list: { type: 'boolean' },
  json: { type: 'boolean' },
  junit: { type: 'string' },
  timeout: { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

/** --timeout in seconds, 1..300. */
export function timeoutSeconds(value: string | undefined): number {
  if (value === undefined) return 5;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 300) throw new UsageError(`--timeout must be a number of seconds from 0 to 300, got '${value}'`);
  return n;
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'SSL 3.0 conformance checks of a server: misbehaving connections, each citing RFC 6101 or a CVE',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(() => parseArgs({ args: argv, allowPositionals: true, strict: true, options: CHECK_FLAGS }));
    const checks = chosenChecks(SERVER_CHECKS, values.only);
    if (values.list) {
      io.stdout(listChecks(checks));
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('give exactly one HOST[:PORT]');
    const { host, port } = parseTarget(positionals[0]);
    const seconds = timeoutSeconds(values.timeout);
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const unreachable = await reachable(host, port, seconds * 1000);
    if (unreachable) throw new UsageError(`cannot connect to ${target}: ${unreachable}`, 1);
    if (!values.json) io.stdout(`ssl3 check ${target}: ${checks.length} checks of an SSL 3.0 server\n`);
    const widths = columns(checks);
    const results = await checkServer({ host, port, connectTimeoutMs: seconds * 1000 }, checks, {
      timeoutSeconds: seconds,
      onResult: (r, check) => {
        if (!values.json) io.stdout(tableLines(r, check, widths, values.verbose === true));
      },
    });
    return finishRun(io, target, results, checks, values);
  },
};
