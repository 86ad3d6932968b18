/**
 * The server conformance suite of `ssl3 check HOST:PORT`: every check of server-records.ts
 * and server-negotiation.ts, in the order they run (the handshake-* checks first: they find
 * out which suites the others can use), each asked as a client over TCP.
 */
import { runAgainst, type Target } from '../transport.js';
import type { ConversationResult, RunOptions } from '../runner.js';
import type { Conversation } from '../steps.js';
import { runChecks, type Check, type CheckResult } from './check.js';
import { serverContext, type ServerContext } from './server-context.js';
import { SERVER_RECORD_CHECKS } from './server-records.js';
import { SERVER_NEGOTIATION_CHECKS } from './server-negotiation.js';

export const SERVER_CHECKS: readonly Check<ServerContext>[] = [...SERVER_RECORD_CHECKS, ...SERVER_NEGOTIATION_CHECKS];

export interface CheckServerOptions {
  /** Seconds each expect step waits (default 5). */
  timeoutSeconds?: number;
  /** Sent after each handshake to make the server answer (default an HTTP/1.0 GET /). */
  request?: string;
  onResult?: (result: CheckResult, check: Check<ServerContext>) => void;
}

/** Runs `checks` (default all) against a server at host:port. */
export function checkServer(target: Target, checks: readonly Check<ServerContext>[] = SERVER_CHECKS, options: CheckServerOptions = {}): Promise<CheckResult[]> {
  const context = serverContext({ timeoutMs: (options.timeoutSeconds ?? 5) * 1000, request: options.request });
  const run = (conversation: Conversation, runOptions?: RunOptions): Promise<ConversationResult> => runAgainst(conversation, target, runOptions);
  return runChecks(checks, run, context, options.onResult);
}
