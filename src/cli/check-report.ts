/**
 * How `ssl3 check` shows a run (src/cli/commands/check.ts): a table line per check as it ends
 * (a failure adds what a correct peer does and, with --verbose, the trace), the list of checks,
 * the choice --only makes, and the end of a run: the JUnit file, the JSON or the count, and
 * the exit status (1 when a check failed).
 */
import { UsageError, type CliIo } from './command.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { selectChecks, type Check, type CheckResult } from '../harness/check/check.js';
import { checkJunit, checkReport, summarize } from '../harness/check/report.js';
import { formatTrace } from '../harness/report.js';

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
  const width = Math.max(0, ...checks.map((c) => c.name.length));
  return checks.map((c) => `${c.name.padEnd(width)}  ${c.cites}\n  ${c.level}: ${c.expectation}\n`).join('');
}

/** The checks --only names; an unknown name is a usage error. */
export function chosenChecks<T extends Described>(all: readonly T[], only: string | undefined): T[] {
  const names = (only ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  for (const n of names) if (!selectChecks(all, [n]).length) throw new UsageError(`--only: no check named '${n}' (ssl3 check --list shows them)`);
  return selectChecks(all, names);
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

/** A number of seconds for `flag`, above 0 and at most `max`. */
export function seconds(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > max) throw new UsageError(`${flag} must be a number of seconds from 0 to ${max}, got '${value}'`);
  return n;
}
