/**
 * `--trace` and `--trace-json` for the commands that open SSL connections: every record and
 * handshake message on standard error, as readable text (src/trace/text-trace.ts) or as JSON
 * lines (src/trace/json-trace.ts) for jq and scripts. Neither shows secrets; --keylog does.
 */
import type { TraceEvent } from '../connection/connection.js';
import { jsonTracer } from '../trace/json-trace.js';
import { textTracer } from '../trace/text-trace.js';
import { UsageError, type CliIo } from './command.js';

export const TRACE_FLAGS = {
  trace: { type: 'boolean' },
  'trace-json': { type: 'boolean' },
} as const;

export const TRACE_USAGE = `  --trace          print every record and handshake message to stderr
  --trace-json     the same as JSON lines, one object per record or message (for jq)`;

export interface TraceFlags {
  trace?: boolean;
  'trace-json'?: boolean;
}

/** The tracer the flags ask for, or undefined; `role` labels the JSON lines. */
export function tracerFromFlags(values: TraceFlags, io: CliIo, role: 'client' | 'server'): ((event: TraceEvent) => void) | undefined {
  if (values.trace && values['trace-json']) throw new UsageError('--trace and --trace-json: choose one');
  if (values['trace-json']) return jsonTracer((l) => io.stderr(l), { role });
  if (values.trace) return textTracer((l) => io.stderr(l));
  return undefined;
}
