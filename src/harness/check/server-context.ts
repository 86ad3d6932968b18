/**
 * What the server checks share: the conversations' common parts (a correct handshake over the
 * suite a check needs, the HTTP request that makes the server talk) and what earlier checks
 * found out about the server (which suites it accepts, which version it answers a TLS hello
 * with), found on demand when a check runs alone.
 */
import { DEFAULT_SUITES, type CipherSuite } from '../../ciphers/suites.js';
import type { ConversationResult } from '../runner.js';
import type { Conversation, Step } from '../steps.js';
import type { Runner } from './check.js';
import { clientHandshake } from '../scripts.js';

export interface ServerContext {
  /** Milliseconds each expect step waits. */
  readonly timeoutMs: number;
  /** What makes the server answer with application data (an HTTP request by default). */
  readonly request: string;
  /** Whether the server takes each suite (by id), as the handshake-* checks found or a discovery asked. */
  readonly suites: Map<number, boolean>;
  /** The version of the ServerHello answering a TLS 1.2 hello; 'refused' when it did not answer with one. */
  tlsAnswer?: number | 'refused';
}

export function serverContext(options: { timeoutMs?: number; request?: string } = {}): ServerContext {
  return { timeoutMs: options.timeoutMs ?? 5_000, request: options.request ?? 'GET / HTTP/1.0\r\n\r\n', suites: new Map() };
}

/** A client conversation over `suites` (IOS keywords). */
export function conversation(context: ServerContext, name: string, steps: Step[], suites?: readonly (string | number)[]): Conversation {
  return { name, role: 'client', steps, suites, timeoutMs: context.timeoutMs };
}

/** The request, and some application data back. */
export function exchange(context: ServerContext): Step[] {
  return [{ send: 'application_data', data: context.request }, { expect: 'application_data', why: 'the server answers the request' }];
}

/** Which suites the server takes, asking each alone that no handshake-* check has asked about yet. */
export async function acceptedSuites(run: Runner, context: ServerContext): Promise<CipherSuite[]> {
  for (const suite of DEFAULT_SUITES) {
    if (context.suites.has(suite.id)) continue;
    const r = await run(conversation(context, `discover ${suite.iosKeyword}`, [{ send: 'client_hello' }, { expect: 'server_hello', fields: { suite: suite.id } }], [suite.id]));
    context.suites.set(suite.id, r.passed);
  }
  return DEFAULT_SUITES.filter((s) => context.suites.get(s.id));
}

/** An accepted suite of a kind: CBC (block) or stream (RC4); undefined when the server has none. */
export async function suiteOf(run: Runner, context: ServerContext, kind: 'block' | 'stream' | 'any'): Promise<CipherSuite | undefined> {
  const accepted = await acceptedSuites(run, context);
  return accepted.find((s) => kind === 'any' || (kind === 'block' ? s.blockSize > 1 : s.blockSize === 1 && s.cipher !== 'null'));
}

/** A correct handshake and exchange still work: a server that crashed or wedged on a misbehaviour fails here. */
export async function stillServing(run: Runner, context: ServerContext, suite: CipherSuite): Promise<ConversationResult> {
  return run(conversation(context, 'a correct handshake afterwards', [...clientHandshake(), ...exchange(context)], [suite.id]));
}
