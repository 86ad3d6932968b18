/**
 * A machine-readable trace: one JSON object per line (JSON Lines) for each record and
 * handshake message of a connection, for tools such as jq and for test harnesses that assert
 * on a handshake. It shows the same events and decoded fields as the text trace
 * (handshake-fields.ts), plus each handshake message's body in hex. Like the text trace it
 * carries keys only when the connection was told to trace them (traceSecrets).
 */
import type { TraceEvent } from '../connection/connection.js';
import { contentTypeName } from '../record/content-types.js';
import { toHex } from '../util/bytes.js';
import { eventFields } from './handshake-fields.js';

export interface JsonTraceContext {
  /** Which end wrote the trace ('client' or 'server'), when one stream mixes both. */
  role?: string;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/** The JSON object for one trace event (without the context's time and role). */
export function traceEventObject(e: TraceEvent): Record<string, unknown> {
  switch (e.kind) {
    case 'record':
      return { event: 'record', direction: e.direction, content_type: contentTypeName(e.type), length: e.length, encrypted: e.encrypted };
    case 'handshake':
      return {
        event: 'handshake',
        direction: e.direction,
        message: e.name,
        length: e.length,
        fields: Object.fromEntries(eventFields(e)),
        body: toHex(e.body),
      };
    case 'note':
      return { event: 'note', text: e.text };
    case 'keys':
      return { event: 'keys', suite: e.suite, ...Object.fromEntries(eventFields(e)) };
  }
}

/** A trace callback that writes one JSON line per event to `out`. */
export function jsonTracer(out: (line: string) => void, context: JsonTraceContext = {}): (e: TraceEvent) => void {
  const now = context.now ?? Date.now;
  return (e) => out(`${JSON.stringify({ time: new Date(now()).toISOString(), ...(context.role ? { role: context.role } : {}), ...traceEventObject(e) })}\n`);
}
