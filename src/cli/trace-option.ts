/**
 * `--trace` and `--trace-json` for the commands that open SSL connections: every record and
 * handshake message on standard error, as readable text (src/trace/text-trace.ts) or as JSON
 * lines (src/trace/json-trace.ts) for jq and scripts. Neither shows secrets unless --trace-keys
 * asks for the derived keys too.
 */
import type { TraceEvent } from '../connection/connection.js';
import { jsonTracer } from '../trace/json-trace.js';
import { textTracer } from '../trace/text-trace.js';
import { UsageError, type CliIo } from './command.js';

export const TRACE_FLAGS = {
  trace: { type: 'boolean' },
  'trace-json': { type: 'boolean' },
  'trace-keys': { type: 'boolean' },
  'no-record-split': { type: 'boolean' },
} as const;

export const TRACE_USAGE = `  --trace          print every record and handshake message to stderr
  --trace-json     the same as JSON lines, one object per record or message (for jq)
  --trace-keys     with either: also each handshake's master secret and key block
                   (secrets: whoever reads the trace can decrypt the connection)
  --no-record-split  send CBC application data as plain records, without the 1/n-1
                   split that defeats BEAST (to show the bare protocol in a trace)`;

export interface TraceFlags {
  trace?: boolean;
  'trace-json'?: boolean;
  'trace-keys'?: boolean;
  'no-record-split'?: boolean;
}

/** The tracer the flags ask for, or undefined; `role` labels the JSON lines. */
export function tracerFromFlags(values: TraceFlags, io: CliIo, role: 'client' | 'server'): ((event: TraceEvent) => void) | undefined {
  if (values.trace && values['trace-json']) throw new UsageError('--trace and --trace-json: choose one');
  if (values['trace-keys'] && !values.trace && !values['trace-json']) throw new UsageError('--trace-keys adds to a trace: give --trace or --trace-json too');
  if (values['trace-json']) return jsonTracer((l) => io.stderr(l), { role });
  if (values.trace) return textTracer((l) => io.stderr(l));
  return undefined;
}
