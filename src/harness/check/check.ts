/**
 * A conformance check: one named question about a peer's SSL 3.0, asked with one or more
 * harness conversations, citing what it is about (a section of RFC 6101, an RFC that extends
 * it, a CVE) and saying what a correct implementation must (or, for a recommendation,
 * should) do, so a failure reads as a finding about the peer. A check passes, fails, or is
 * skipped when it cannot apply (no CBC suite for a padding check, say).
 */
import type { ConversationResult, RunOptions } from '../runner.js';
import { describeArrival } from '../inbound.js';
import type { Conversation, ExpectStep, Step } from '../steps.js';
import type { AlertName } from '../../record/alerts.js';

/**
 * A refusal as RFC 6101 5.4 describes one: a fatal alert (one of `alerts` when given, else any
 * SSL 3.0 alert: a TLS alert SSL 3.0 does not have is a finding), then the connection closes.
 * With `orClose`, closing at once without an alert is accepted as well (where the RFC names no alert).
 */
export function refusal(why: string, alerts?: readonly AlertName[], orClose = false): Step[] {
  const alert: ExpectStep = { expect: 'alert', level: 'fatal', alert: alerts, ssl3: true, orClose, why };
  return [alert, { expect: 'close', why: 'after a fatal alert the connection closes (RFC 6101 5.4)' }];
}

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  /** What was seen: for a failure, what the peer did instead. */
  readonly detail: string;
  /** The conversations it ran (their traces show every byte). */
  readonly conversations: readonly ConversationResult[];
  readonly ms: number;
}

/** How a check talks to its peer: runs a conversation (as a client to a server, or as a server to the next client). */
export type Runner = (conversation: Conversation, options?: RunOptions) => Promise<ConversationResult>;

export interface Check<C> {
  /** Short and stable, for --only and reports: `ccs-injection`. */
  readonly name: string;
  /** RFC 6101 section, RFC or CVE. */
  readonly cites: string;
  /** 'must': a requirement; 'should': a recommendation (still a failure when not met). */
  readonly level: 'must' | 'should';
  /** What a correct SSL 3.0 implementation does here. */
  readonly expectation: string;
  /** Asks the question; `context` holds what earlier checks found out. */
  run(run: Runner, context: C): Promise<Omit<CheckResult, 'name' | 'ms'>>;
}

/** One conversation decides: it passes (the detail says what the peer did) or the check fails with its failure. */
export async function single(run: Runner, conversation: Conversation, options?: RunOptions): Promise<Omit<CheckResult, 'name' | 'ms'>> {
  const r = await run(conversation, options);
  return { status: r.passed ? 'pass' : 'fail', detail: r.passed ? seen(r) : failureText(r), conversations: [r] };
}

/**
 * What the peer did besides handshake messages, in order: "fatal alert bad_record_mac, then
 * the connection closed"; application data in a row is one item ("application data, 153
 * bytes in 2 records"). After a correct handshake only: "the handshake completed".
 */
export function seen(r: ConversationResult): string {
  const items: string[] = [];
  let data = { bytes: 0, records: 0 };
  const flush = () => {
    if (data.records) items.push(`application data, ${data.bytes} bytes in ${data.records} record${data.records > 1 ? 's' : ''}`);
    data = { bytes: 0, records: 0 };
  };
  for (const a of r.arrivals) {
    if (a.kind === 'handshake' || a.kind === 'change_cipher_spec' || a.kind === 'sslv2_client_hello') continue;
    if (a.kind === 'application_data') {
      data.bytes += a.data.length;
      data.records++;
      continue;
    }
    flush();
    items.push(describeArrival(a));
  }
  flush();
  return items.length ? items.join(', then ') : r.arrivals.some((a) => a.kind === 'handshake' && a.name === 'finished') ? 'the handshake completed' : 'as expected';
}

/** A failed conversation in one line: which step, what was expected, what came. */
export function failureText(r: ConversationResult): string {
  const f = r.failure;
  return f ? `${r.name}: step ${f.step + 1} expected ${f.expected}; got ${f.arrived}` : `${r.name}: passed`;
}

export function skip(detail: string): Omit<CheckResult, 'name' | 'ms'> {
  return { status: 'skip', detail, conversations: [] };
}

/** Checks whose name is in `only` (each a name, or a prefix ending in '*'); all when `only` is empty. */
export function selectChecks<T extends { name: string }>(checks: readonly T[], only: readonly string[]): T[] {
  if (!only.length) return [...checks];
  return checks.filter((c) => only.some((o) => (o.endsWith('*') ? c.name.startsWith(o.slice(0, -1)) : c.name === o)));
}

/**
 * Runs checks in order (later ones read what earlier ones found in `context`); `onResult` sees
 * each as it ends. Once `stopped` gives a reason, the checks left are skipped with it.
 */
export async function runChecks<C>(
  checks: readonly Check<C>[],
  run: Runner,
  context: C,
  onResult?: (r: CheckResult, check: Check<C>) => void,
  stopped: () => string | undefined = () => undefined,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const started = Date.now();
    const reason = stopped();
    let outcome = reason ? skip(reason) : await check.run(run, context);
    // Cut short by the stop (its peer never came): not a finding.
    const cut = stopped();
    if (cut && outcome.status === 'fail' && outcome.conversations.some((c) => c.failure?.step === -1)) outcome = { ...skip(cut), conversations: outcome.conversations };
    const result: CheckResult = { name: check.name, ...outcome, ms: Date.now() - started };
    results.push(result);
    onResult?.(result, check);
  }
  return results;
}
