/**
 * The client suite on TCP (`ssl3 check --listen`): listen, and give each connection that comes
 * in the next check's broken server, one client at a time. When no client comes within the
 * wait, or stop() is called, the checks left are skipped with the reason.
 */
import { acceptConnections, socketWire } from '../transport.js';
import { runConversation, type ConversationResult, type RunOptions } from '../runner.js';
import type { Conversation } from '../steps.js';
import { runChecks, type Check, type CheckResult } from './check.js';
import { CLIENT_CHECKS, type ClientContext } from './client-suite.js';

export interface CheckClientsOptions {
  /** Seconds to wait for each next client (default 60). */
  waitSeconds?: number;
  /** Called once listening, with the port (the one chosen when 0 was asked for). */
  onListening?: (port: number, address: string) => void;
  onResult?: (result: CheckResult, check: Check<ClientContext>) => void;
}

export interface ClientCheckRun {
  /** Every check's result, once all ran or were skipped. */
  readonly results: Promise<CheckResult[]>;
  /** Skips the checks no client has come for yet. */
  stop(): void;
}

export async function checkClients(where: { host?: string; port?: number }, context: ClientContext, checks: readonly Check<ClientContext>[] = CLIENT_CHECKS, options: CheckClientsOptions = {}): Promise<ClientCheckRun> {
  const queue = await acceptConnections(where);
  options.onListening?.(queue.port, queue.address);
  const waitMs = (options.waitSeconds ?? 60) * 1000;
  let stopped: string | undefined;
  const run = async (conversation: Conversation, runOptions?: RunOptions): Promise<ConversationResult> => {
    const socket = await queue.next(waitMs);
    if (socket) return runConversation(conversation, socketWire(socket), runOptions);
    stopped ??= `no client connected within ${waitMs / 1000} s`;
    const failure = { step: -1, expected: 'a client connection', arrived: stopped };
    return { name: conversation.name, role: 'server', passed: false, failure, trace: [], arrivals: [], resumed: false, secureRenegotiation: false, ms: waitMs };
  };
  const results = runChecks(checks, run, context, options.onResult, () => stopped).finally(() => queue.close());
  return {
    results,
    stop: () => {
      stopped ??= 'stopped before a client came';
      void queue.close();
    },
  };
}
