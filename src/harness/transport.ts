/**
 * The harness on TCP: a Wire over a node:net socket, a conversation run as a client against
 * HOST:PORT, and a listener that runs conversations as the server, one per connection that
 * comes in (each to whatever client connects, in the order they connect).
 */
import * as net from 'node:net';
import { once } from 'node:events';
import { runConversation, type ConversationResult, type RunOptions, type Wire } from './runner.js';
import type { Conversation } from './steps.js';

/** A Wire over a connected socket; errors end it as a reset, never as an unhandled 'error'. */
export function socketWire(socket: net.Socket): Wire {
  socket.setNoDelay(true);
  let closedHow: 'end' | 'reset' | undefined;
  let events: Parameters<Wire['start']>[0] | undefined;
  const held: Uint8Array[] = [];
  const closed = (how: 'end' | 'reset') => {
    if (closedHow) return;
    closedHow = how;
    events?.closed(how);
  };
  socket.on('data', (d: Buffer) => {
    const bytes = new Uint8Array(d.buffer, d.byteOffset, d.length);
    if (events) events.data(bytes);
    else held.push(bytes.slice());
  });
  socket.on('end', () => closed('end'));
  socket.on('error', () => closed('reset'));
  socket.on('close', (hadError) => closed(hadError ? 'reset' : 'end'));
  return {
    write: (bytes) => {
      if (!socket.destroyed && socket.writable) socket.write(bytes);
    },
    end: () => {
      if (!socket.destroyed) socket.end();
    },
    // What was written still goes out (a server's last flight, say), then FIN; nothing more is read.
    close: () => {
      if (socket.destroyed) return;
      socket.removeAllListeners('data');
      socket.end(() => socket.destroy());
      setTimeout(() => socket.destroy(), 2_000).unref();
    },
    start(e) {
      events = e;
      for (const b of held.splice(0)) e.data(b);
      if (closedHow) e.closed(closedHow);
    },
  };
}

export interface Target {
  host: string;
  port: number;
  /** How long the TCP connection may take (default 5 s). */
  connectTimeoutMs?: number;
}

/** Why nothing accepts a TCP connection at host:port ('ECONNREFUSED', 'no answer'), or undefined when something does. */
export function reachable(target: Target): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const done = (why?: string) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(target.connectTimeoutMs ?? 5_000, () => done('no answer'));
    socket.once('connect', () => done());
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/** Runs a client conversation against host:port; a connection that fails is a failure at step -1. */
export async function runAgainst(conversation: Conversation, target: Target, options: RunOptions = {}): Promise<ConversationResult> {
  const started = Date.now();
  const socket = net.connect({ host: target.host, port: target.port });
  socket.setTimeout(target.connectTimeoutMs ?? 5_000);
  const connected = await new Promise<string | undefined>((resolve) => {
    socket.once('connect', () => resolve(undefined));
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    socket.once('timeout', () => resolve('no answer (timeout)'));
  });
  socket.setTimeout(0);
  if (connected !== undefined) {
    socket.destroy();
    return {
      name: conversation.name,
      role: conversation.role,
      passed: false,
      failure: { step: -1, expected: `a TCP connection to ${target.host}:${target.port}`, arrived: connected },
      trace: [],
      arrivals: [],
      resumed: false,
      secureRenegotiation: false,
      ms: Date.now() - started,
    };
  }
  return runConversation(conversation, socketWire(socket), options);
}

export interface ConversationListener {
  readonly port: number;
  readonly address: string;
  /** Every conversation's result, in the order they ran; resolves once all ran (or close()). */
  readonly done: Promise<ConversationResult[]>;
  /** Results as each conversation ends. */
  onResult?: (result: ConversationResult, index: number) => void;
  close(): Promise<void>;
}

/**
 * Listens on host:port (port 0: any free one) and plays the server conversations in turn: the
 * first connection gets the first, and so on; connections beyond the list are closed at once.
 * `options` may differ per conversation (a function of its index).
 */
export async function listenConversations(
  conversations: readonly Conversation[],
  where: { host?: string; port?: number },
  options: RunOptions | ((index: number) => RunOptions) = {},
): Promise<ConversationListener> {
  const results: ConversationResult[] = [];
  const running = new Set<Promise<void>>();
  let next = 0;
  let finish!: (r: ConversationResult[]) => void;
  const done = new Promise<ConversationResult[]>((resolve) => (finish = resolve));
  const server = net.createServer((socket) => {
    const index = next++;
    if (index >= conversations.length) {
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    const run = runConversation(conversations[index], socketWire(socket), typeof options === 'function' ? options(index) : options).then((r) => {
      results[index] = r;
      listener.onResult?.(r, index);
      if (results.filter(Boolean).length === conversations.length) void close();
    });
    running.add(run);
    void run.finally(() => running.delete(run));
  });
  server.on('error', () => {});
  server.listen(where.port ?? 0, where.host ?? '127.0.0.1');
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e as Error))]);
  const address = server.address() as net.AddressInfo;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      server.close();
      await Promise.all(running);
      finish(results.filter(Boolean));
    })());
  const listener: ConversationListener = { port: address.port, address: address.address, done, close };
  return listener;
}

/** Connections as they come in, taken one at a time. */
export interface ConnectionQueue {
  readonly port: number;
  readonly address: string;
  /** The next connection, or undefined after `timeoutMs` or once closed. */
  next(timeoutMs: number): Promise<net.Socket | undefined>;
  close(): Promise<void>;
}

/** Listens on host:port (port 0: any free one); connections wait in line until next() takes them. */
export async function acceptConnections(where: { host?: string; port?: number }): Promise<ConnectionQueue> {
  const waiting: net.Socket[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    if (closed) socket.destroy();
    else waiting.push(socket);
    wake?.();
  });
  server.on('error', () => {});
  server.listen(where.port ?? 0, where.host ?? '127.0.0.1');
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e as Error))]);
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    address: address.address,
    async next(timeoutMs) {
      if (!waiting.length && !closed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, timeoutMs);
          function done() {
            clearTimeout(timer);
            resolve();
          }
          wake = done;
        });
        wake = undefined;
      }
      return closed ? undefined : waiting.shift();
    },
    async close() {
      closed = true;
      wake?.();
      for (const s of waiting.splice(0)) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
