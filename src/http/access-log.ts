/**
 * The access log: one entry per request, written when its response has gone (or the
 * connection died under it): time, client address, cipher suite (its IOS keyword, or 'plain'
 * for the plain HTTP server), method, path, status, response body bytes, duration in ms, and
 * the authenticated user. As text, one line:
 *
 *   2024-05-01T12:00:00.000Z 10.0.0.7 rc4-128-sha GET /index.html 200 1234 5ms user=admin
 *
 * (`aborted` is appended when the connection closed before the response was complete).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface AccessLogEntry {
  time: Date;
  client: string;
  /** IOS keyword of the connection's suite, or 'plain'. */
  cipher: string;
  method: string;
  path: string;
  status: number;
  /** Response body bytes handed to the connection. */
  bytes: number;
  durationMs: number;
  user?: string;
  aborted: boolean;
}

/** A callback, or anything with write(line) (a file stream, process.stdout). */
export type AccessLogSink = ((entry: AccessLogEntry) => void) | { write(line: string): unknown };

/** Percent-escapes spaces, controls and non-ASCII so a line always splits into its fields. */
function clean(s: string): string {
  return s.replace(/[^\x21-\x7e]/g, (c) => [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

export function formatAccessLogLine(e: AccessLogEntry): string {
  const user = e.user === undefined ? '' : ` user=${clean(e.user)}`;
  return `${e.time.toISOString()} ${e.client} ${e.cipher} ${clean(e.method)} ${clean(e.path)} ${e.status} ${e.bytes} ${e.durationMs}ms${user}${e.aborted ? ' aborted' : ''}\n`;
}

export function accessLogger(sink: AccessLogSink): (entry: AccessLogEntry) => void {
  if (typeof sink === 'function') return sink;
  return (entry) => sink.write(formatAccessLogLine(entry));
}

function byteLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

/** A Content-Length header's value as a byte count, if it is one. */
function asLength(value: unknown): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

/** The Content-Length among writeHead's headers (an object or a flat name/value array), if any. */
function contentLengthIn(headers: unknown): number | undefined {
  let value: unknown;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === 'content-length') value = headers[i + 1];
  } else if (headers && typeof headers === 'object') {
    for (const [name, v] of Object.entries(headers)) if (name.toLowerCase() === 'content-length') value = v;
  }
  return asLength(value);
}

/**
 * Follows one response: counts the body bytes written and calls `done` once, when the
 * response finished or its connection closed. Returns a setter for the authenticated user.
 */
export function trackResponse(
  req: IncomingMessage,
  res: ServerResponse,
  base: { client: string; cipher: string },
  done: (entry: AccessLogEntry) => void,
): { setUser(user: string): void } {
  const start = Date.now();
  let bytes = 0;
  let user: string | undefined;
  let declared: number | undefined;
  const write = res.write;
  const end = res.end;
  const writeHead = res.writeHead;
  // writeHead(status, headers) does not store its headers where getHeader looks, so read them here.
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    declared = contentLengthIn(args[args.length - 1]) ?? declared;
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof res.writeHead;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    bytes += byteLength(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof res.write;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (typeof chunk !== 'function') bytes += byteLength(chunk, rest[0]);
    return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as typeof res.end;
  let logged = false;
  const finish = (aborted: boolean) => {
    if (logged) return;
    logged = true;
    done({
      time: new Date(start),
      ...base,
      method: req.method ?? '-',
      path: req.url ?? '-',
      status: res.statusCode,
      bytes: req.method === 'HEAD' ? 0 : bytes,
      durationMs: Date.now() - start,
      user,
      aborted,
    });
  };
  res.once('finish', () => finish(false));
  // A client may read the declared Content-Length and leave before the handler's end() (a file
  // streamed in chunks ends one read later); the response it got was whole, so not 'aborted'.
  res.once('close', () => {
    const length = declared ?? asLength(res.getHeader('content-length'));
    finish(!res.writableFinished && !(res.headersSent && length !== undefined && bytes >= length));
  });
  return { setUser: (u) => (user = u) };
}
