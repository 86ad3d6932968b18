/**
 * A check run for machines: one JSON object (each check's name, citation, level, status,
 * expectation and what was seen) and JUnit XML (one testcase per check; a failure carries the
 * expectation, what the peer did and the failed conversation's trace), the format CI
 * pipelines (Jenkins, GitLab, GitHub Actions reporters) read.
 */
import type { ConversationResult } from '../runner.js';
import { formatTrace } from '../report.js';
import type { Check, CheckResult } from './check.js';

export interface CheckSummary {
  readonly checks: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function summarize(results: readonly CheckResult[]): CheckSummary {
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  return { checks: results.length, passed: count('pass'), failed: count('fail'), skipped: count('skip') };
}

type Described = Pick<Check<unknown>, 'name' | 'cites' | 'level' | 'expectation'>;

function find(checks: readonly Described[], name: string): Described {
  return checks.find((c) => c.name === name)!;
}

/** The run as one JSON-ready object. */
export function checkReport(target: string, results: readonly CheckResult[], checks: readonly Described[]): Record<string, unknown> {
  return {
    target,
    summary: summarize(results),
    checks: results.map((r) => {
      const c = find(checks, r.name);
      return { name: r.name, cites: c.cites, level: c.level, status: r.status, expectation: c.expectation, detail: r.detail, ms: r.ms, conversations: r.conversations.length };
    }),
  };
}

function xml(text: string): string {
  // XML 1.0 has no place for most control characters, even escaped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '?').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function failedTrace(conversations: readonly ConversationResult[]): string {
  const failed = conversations.find((c) => !c.passed);
  return failed ? `\n\ntrace of ${failed.name}:\n${formatTrace(failed.trace)}` : '';
}

/** JUnit XML for the run: a testsuite named after the target, one testcase per check. */
export function checkJunit(suiteName: string, results: readonly CheckResult[], checks: readonly Described[], timestamp = new Date()): string {
  const s = summarize(results);
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = results.reduce((n, r) => n + r.ms, 0);
  const cases = results.map((r) => {
    const c = find(checks, r.name);
    const head = `    <testcase classname="ssl3.check" name="${xml(r.name)}" time="${seconds(r.ms)}">\n      <properties><property name="cites" value="${xml(c.cites)}"/><property name="level" value="${c.level}"/></properties>\n`;
    const body =
      r.status === 'fail'
        ? `      <failure message="${xml(r.detail)}" type="${c.level}">${xml(`${c.level}: ${c.expectation}\ngot: ${r.detail}${failedTrace(r.conversations)}`)}</failure>\n`
        : r.status === 'skip'
          ? `      <skipped message="${xml(r.detail)}"/>\n`
          : `      <system-out>${xml(r.detail)}</system-out>\n`;
    return `${head}${body}    </testcase>\n`;
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="ssl3 check" tests="${s.checks}" failures="${s.failed}" skipped="${s.skipped}" time="${seconds(total)}">\n` +
    `  <testsuite name="${xml(suiteName)}" tests="${s.checks}" failures="${s.failed}" errors="0" skipped="${s.skipped}" time="${seconds(total)}" timestamp="${timestamp.toISOString().slice(0, 19)}">\n` +
    cases.join('') +
    '  </testsuite>\n</testsuites>\n'
  );
}
