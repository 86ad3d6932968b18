/**
 * The one rule for when an HTTP response read from upstream is complete, shared by the HTTP
 * client (`ssl3 get`), the bridge and the reverse proxy (forwarder.ts). RFC 9112 section 6.3:
 * - a body framed by Content-Length or by chunked coding is complete when its last byte or
 *   its last chunk has arrived; a connection that ends before that cut it short, which is an
 *   error whether or not close_notify came;
 * - a body delimited by the end of the connection (HTTP/1.0 without Content-Length, or
 *   HTTP/1.1 with neither field) is complete when the connection ends, with close_notify or
 *   without. Embedded web servers and OpenSSL's `s_server -WWW` mark the end of a page this
 *   way and never send close_notify, and browsers accept the page: a client that called it
 *   truncation could not read those devices at all. RFC 6101 section 5.4.1 leaves the
 *   judgement to the application; this one notes it (`closeNotify: false`).
 *
 * node:http's parser applies the framing. Our SSLSocket ends its stream normally when the
 * peer closes without close_notify (and says so in `truncated`), so the parser sees the end of
 * a close-delimited body; node's own TLS does the same for the reverse proxy's upstream.
 */
import type { IncomingMessage } from 'node:http';

/** A response body that ended before its framing said it would. */
export class TruncatedResponseError extends Error {
  readonly code = 'ERR_HTTP_TRUNCATED';
}

export type ResponseEnd =
  | {
      complete: true;
      /** The body was delimited by the end of the connection. */
      closeDelimited: boolean;
      /** For a close-delimited body over SSL: whether the peer's close_notify marked its end (undefined when not known). */
      closeNotify?: boolean;
    }
  | { complete: false; error: TruncatedResponseError };

/** Neither Content-Length nor chunked coding: the body runs to the end of the connection (RFC 9112 6.3, rule 8). */
export function isCloseDelimited(res: IncomingMessage): boolean {
  return res.headers['content-length'] === undefined && !/(^|,)\s*chunked\s*$/i.test(String(res.headers['transfer-encoding'] ?? ''));
}

/** Calls `done` once, when the response's body has ended ('end') or stopped short ('close' before it was complete). */
export function followResponseEnd(res: IncomingMessage, done: (end: ResponseEnd) => void): void {
  const socket = res.socket as (IncomingMessage['socket'] & { truncated?: boolean }) | null;
  let settled = false;
  res.once('end', () => {
    if (settled) return;
    settled = true;
    const closeDelimited = isCloseDelimited(res);
    const truncated = socket?.truncated;
    done({ complete: true, closeDelimited, closeNotify: closeDelimited && truncated !== undefined ? !truncated : undefined });
  });
  res.once('close', () => {
    if (settled || res.complete) return;
    settled = true;
    const length = res.headers['content-length'];
    const what = isCloseDelimited(res) ? 'failed before it ended' : `ended before ${length === undefined ? 'its last chunk' : `the ${length} bytes of its Content-Length`}`;
    done({ complete: false, error: new TruncatedResponseError(`the response was cut short: the connection ${what}`) });
  });
}

/** followResponseEnd as a promise. */
export function responseEnd(res: IncomingMessage): Promise<ResponseEnd> {
  return new Promise((resolve) => followResponseEnd(res, resolve));
}
