/**
 * Runs a conversation (steps.ts) over a transport, step by step: send steps write at once,
 * expect steps wait for the next arrival (inbound.ts) and judge it (expect.ts). The first step
 * that fails ends the run; the result says which, what it expected, what arrived instead, and
 * carries the whole trace (RFC 6101's records and messages both ways, and notes). The peer's
 * bytes are read as they come, so the keys its ChangeCipherSpec switches to are in place for
 * its next record whatever step the script is at.
 *
 * The transport is a Wire: transport.ts makes one from a TCP socket; a test may make one over
 * anything that carries bytes.
 */
import type { TraceEvent } from '../connection/connection.js';
import type { Session } from '../handshake/session.js';
import type { ClientHello, ServerHello } from '../handshake/messages.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { toHex } from '../util/bytes.js';
import { describeExpectation, matchArrival } from './expect.js';
import { describeArrival, Inbound, type Arrival } from './inbound.js';
import { conversationSuites } from './outgoing.js';
import { PeerState, type HarnessIdentity } from './peer-state.js';
import { Ssl3Error } from '../util/errors.js';
import { encodeSend } from './send.js';
import { isExpect, type Conversation, type ExpectStep, type Step } from './steps.js';

/** A byte transport the runner drives; the peer's bytes and its end come through start()'s callbacks. */
export interface Wire {
  write(bytes: Uint8Array): void;
  /** Our side is done sending (a TCP FIN). */
  end(): void;
  /** Releases the transport. */
  close(): void;
  start(events: { data(bytes: Uint8Array): void; closed(how: 'end' | 'reset'): void }): void;
}

export interface RunOptions {
  /** This side's certificate chain and key: a server's always, a client's for client authentication. */
  identity?: HarnessIdentity;
  /** A session to offer (client) or to resume when offered (server), as a result's `session`. */
  session?: Session;
  random?: RandomSource;
  now?: () => number;
  /** Each trace event as it happens (textTracer(...) prints them). */
  trace?: (e: TraceEvent) => void;
}

/** The step that failed. */
export interface StepFailure {
  /** Its index in the conversation's steps (-1: before the first, e.g. no connection). */
  readonly step: number;
  readonly expected: string;
  /** What arrived instead, or why the step could not be carried out. */
  readonly arrived: string;
  /** The step's `why`: what a correct peer must do there. */
  readonly why?: string;
}

export interface ConversationResult {
  readonly name: string;
  readonly role: 'client' | 'server';
  readonly passed: boolean;
  readonly failure?: StepFailure;
  /** Every record and message both ways, and notes (each step's start among them). */
  readonly trace: readonly TraceEvent[];
  /** The arrivals the steps took, in order. */
  readonly arrivals: readonly Arrival[];
  /** What the last handshake established (the session a later conversation may resume). */
  readonly session?: Session;
  /** The suite of the last ServerHello (RFC name). */
  readonly suite?: string;
  /** The last ClientHello and ServerHello, either way, as decoded (when they decoded). */
  readonly clientHello?: ClientHello;
  readonly serverHello?: ServerHello;
  /** The version of the last ServerHello. */
  readonly version?: number;
  readonly resumed: boolean;
  /** The last completed handshake negotiated RFC 5746 renegotiation_info. */
  readonly secureRenegotiation: boolean;
  readonly ms: number;
}

/** A step in a few words, for the trace and reports. */
export function describeStep(step: Step): string {
  if ('wait' in step) return `wait ${step.wait} ms`;
  if (isExpect(step)) return `expect ${describeExpectation(step)}`;
  const fields = Object.entries(step)
    .filter(([k]) => k !== 'send')
    .map(([k, v]) => `${k} ${short(v)}`);
  return `send ${step.send}${fields.length ? ` (${fields.join(', ')})` : ''}`;
}

function short(v: unknown): string {
  if (v instanceof Uint8Array) return v.length <= 8 ? toHex(v) : `${v.length} bytes`;
  if (typeof v === 'number') return v > 255 ? `0x${v.toString(16).padStart(4, '0')}` : String(v);
  if (typeof v === 'string') return v.length > 40 ? JSON.stringify(`${v.slice(0, 37)}...`) : JSON.stringify(v);
  if (Array.isArray(v)) return v.length > 6 ? `[${v.length} items]` : `[${v.map(short).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}: ${short(x)}`).join(', ')}}`;
  return String(v);
}

/** Arrivals in order, and a wait for the next one. Once the transport closed, every wait returns the close. */
class ArrivalQueue {
  private readonly items: Arrival[] = [];
  private closed?: Arrival;
  private waiter?: () => void;

  push(a: Arrival): void {
    if (this.closed) return;
    if (a.kind === 'close') this.closed = a;
    else this.items.push(a);
    this.waiter?.();
  }

  /** The next arrival at once, if there is one. */
  take(): Arrival | undefined {
    return this.items.shift() ?? this.closed;
  }

  /** The next arrival, or undefined after `ms`. */
  async next(ms: number): Promise<Arrival | undefined> {
    const now = this.take();
    if (now) return now;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiter = done;
    });
    this.waiter = undefined;
    return this.take();
  }

  /** Whether an application-data arrival is next, without taking it. */
  get applicationDataNext(): boolean {
    return this.items[0]?.kind === 'application_data';
  }
}

const DEFAULT_TIMEOUT_MS = 5_000;

/** Runs `conversation` over `wire`; never throws for what the peer does (that is the result). */
export async function runConversation(conversation: Conversation, wire: Wire, options: RunOptions = {}): Promise<ConversationResult> {
  const started = Date.now();
  const trace: TraceEvent[] = [];
  const traceEvent = (e: TraceEvent) => {
    trace.push(e);
    options.trace?.(e);
  };
  const note = (text: string) => traceEvent({ kind: 'note', text });
  const taken: Arrival[] = [];
  const queue = new ArrivalQueue();
  let state: PeerState;
  try {
    state = new PeerState(conversation.role, conversationSuites(conversation.suites), options.random ?? systemRandom, options.now ?? Date.now, options.identity, options.session, note);
  } catch (e) {
    return finish({ step: -1, expected: 'a conversation that can run', arrived: (e as Error).message });
  }
  const inbound = new Inbound(state, (a) => queue.push(a), traceEvent);
  wire.start({
    data: (bytes) => inbound.push(bytes),
    closed: (how) => {
      note(how === 'end' ? 'the peer closed the connection' : 'the connection was reset');
      queue.push({ kind: 'close', how });
    },
  });

  function finish(failure?: StepFailure): ConversationResult {
    wire.close();
    const hello = state?.serverHello;
    return {
      name: conversation.name,
      role: conversation.role,
      passed: !failure,
      failure,
      trace,
      arrivals: taken,
      session: state?.session,
      suite: state?.suite?.rfcName,
      clientHello: state?.clientHello,
      serverHello: hello,
      version: hello?.version,
      resumed: state?.resumed ?? false,
      secureRenegotiation: state?.previous?.secureRenegotiation ?? false,
      ms: Date.now() - started,
    };
  }

  const steps = conversation.steps;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    note(`step ${i + 1}: ${describeStep(step)}`);
    if ('wait' in step) {
      await new Promise((resolve) => setTimeout(resolve, step.wait));
      continue;
    }
    if (!isExpect(step)) {
      try {
        const bytes = encodeSend(state, step, traceEvent);
        if (bytes.length) wire.write(bytes);
        if (step.send === 'end') wire.end();
      } catch (e) {
        if (!(e instanceof Ssl3Error)) throw e;
        return finish({ step: i, expected: describeStep(step), arrived: `the step cannot be carried out: ${(e as Error).message}` });
      }
      continue;
    }
    const outcome = await expect(step, queue, conversation.timeoutMs ?? DEFAULT_TIMEOUT_MS, taken);
    if (!outcome.ok) return finish({ step: i, expected: describeExpectation(step), arrived: outcome.arrived, why: step.why });
    if (outcome.final) {
      note('the conversation ends here (a final branch matched)');
      break;
    }
  }
  return finish();
}

/** Waits for what `step` expects; application data may take several records. */
async function expect(step: ExpectStep, queue: ArrivalQueue, defaultMs: number, taken: Arrival[]): Promise<{ ok: true; final: boolean } | { ok: false; arrived: string }> {
  const ms = step.timeoutMs ?? (step.expect === 'nothing' ? step.ms : defaultMs);
  const deadline = Date.now() + ms;
  const first = await queue.next(ms);
  // The close stays the answer to every wait once it came; it is taken once.
  if (first && !taken.includes(first)) taken.push(first);
  const verdict = matchArrival(step, first, ms);
  if (!verdict.ok) return { ok: false, arrived: `${describeArrival(first)}${first ? ` (${verdict.why})` : ''}` };
  if (step.expect === 'application_data' && first?.kind === 'application_data') {
    // The rest of the data: records until `contains` has come, then those already here.
    let text = new TextDecoder().decode(first.data);
    let bytes = first.data.length;
    while (step.contains !== undefined && !text.includes(step.contains)) {
      const more = await queue.next(Math.max(0, deadline - Date.now()));
      if (more) taken.push(more);
      if (more?.kind !== 'application_data') {
        return { ok: false, arrived: `${bytes} bytes of application data without ${JSON.stringify(step.contains)}, then ${describeArrival(more)}` };
      }
      text += new TextDecoder().decode(more.data);
      bytes += more.data.length;
    }
    while (queue.applicationDataNext) taken.push(queue.take()!);
  }
  const final = step.final === true || (step.expect === 'one_of' && step.options.some((o) => o.final && matchArrival(o, first, ms).ok));
  return { ok: true, final };
}
