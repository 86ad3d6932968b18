/**
 * A conversation's result as text: PASS or FAIL, the step that failed with what it expected
 * and what arrived instead, and the trace (each record and handshake message as the engine's
 * text trace shows them, RFC 6101's names).
 */
import { formatTraceEvent } from '../trace/text-trace.js';
import type { TraceEvent } from '../connection/connection.js';
import type { ConversationResult } from './runner.js';

/** The trace as text lines. */
export function formatTrace(trace: readonly TraceEvent[]): string {
  return trace.map(formatTraceEvent).join('\n');
}

/** One line for the result, then, when `trace` is set (default: only for a failure), the trace indented. */
export function formatResult(result: ConversationResult, opts: { trace?: boolean } = {}): string {
  const f = result.failure;
  const head = f
    ? `FAIL ${result.name}: step ${f.step + 1} expected ${f.expected}; got ${f.arrived}${f.why ? ` (${f.why})` : ''}`
    : `PASS ${result.name}`;
  if (!(opts.trace ?? !result.passed) || !result.trace.length) return head;
  return `${head}\n${formatTrace(result.trace).replace(/^/gm, '    ')}`;
}
