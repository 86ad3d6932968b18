/**
 * A readable trace of an SSL 3.0 connection: one line per record and per handshake message,
 * with the fields a learner wants to see (versions, randoms, suites by name, session IDs,
 * certificate subjects). It reads the connection's trace events; it never sees keys unless
 * the connection's key log is also printed.
 */
import type { TraceEvent } from '../connection/connection.js';
import { contentTypeName } from '../record/content-types.js';
import { eventFields, type HandshakeField } from './handshake-fields.js';

/** A field as text: lists joined by commas, except certificates, one per line. */
function fieldLines([name, value]: HandshakeField): string[] {
  if (name === 'certificates') return [...value];
  if (name === 'error') return [`(${value as string})`];
  if (name === 'encrypted_pre_master_secret') return [`encrypted pre_master_secret (${value as string})`];
  return [`${name} ${typeof value === 'string' ? value : value.join(', ')}`];
}

/** An event's fields, one indented line each, under its heading line. */
function fieldBlock(e: Parameters<typeof eventFields>[0]): string[] {
  return eventFields(e)
    .flatMap(fieldLines)
    .map((l) => `     ${l}`);
}

/** Formats one trace event as text lines (no trailing newline). */
export function formatTraceEvent(e: TraceEvent): string {
  switch (e.kind) {
    case 'record':
      return `${e.direction === 'out' ? '>>' : '<<'} record ${contentTypeName(e.type)}, ${e.length} bytes${e.encrypted ? ' (encrypted)' : ''}`;
    case 'handshake':
      return [`${e.direction === 'out' ? '>>' : '<<'}   ${e.name}, ${e.length} bytes`, ...fieldBlock(e)].join('\n');
    case 'note':
      return `   * ${e.text}`;
    case 'keys':
      return [`   * keys derived for ${e.suite} (secrets: anyone with them can decrypt this connection)`, ...fieldBlock(e)].join('\n');
  }
}

/** A trace callback that writes formatted lines to `out` (e.g. process.stderr.write). */
export function textTracer(out: (line: string) => void, prefix = ''): (e: TraceEvent) => void {
  return (e) => out(`${formatTraceEvent(e).replace(/^/gm, prefix)}\n`);
}
