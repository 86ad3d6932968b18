/**
 * One plain-HTTP request for the PKI's helpers (SCEP operations, RFC 8894 section 4.1; CRL
 * downloads, RFC 5280 section 4.2.1.13), directly or through an HTTP proxy (an absolute URI in
 * the request line, RFC 9112 section 3.2.2), with a deadline and a size limit so that a CA that
 * hangs or floods cannot hold or exhaust the device. Failures are one-sentence FetchErrors.
 */
import * as http from 'node:http';
import { Ssl3Error } from '../util/errors.js';

export class FetchError extends Ssl3Error {}

export interface FetchOptions {
  readonly method?: 'GET' | 'POST';
  readonly body?: Uint8Array;
  readonly contentType?: string;
  /** `enrollment http-proxy HOST PORT`. */
  readonly proxy?: { readonly host: string; readonly port: number };
  /** Default 30 s for the whole exchange. */
  readonly timeoutMs?: number;
  /** Default 4 MiB. */
  readonly maxBytes?: number;
}

export interface FetchResult {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 4 << 20;

/** Sends the request and reads the whole answer, whatever its status; rejects only when no answer came. */
export function fetchHttp(url: URL, opts: FetchOptions = {}): Promise<FetchResult> {
  if (url.protocol !== 'http:') return Promise.reject(new FetchError('BAD_URL', `${url.href}: only http:// URLs can be fetched here`));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const target = opts.proxy ? `${opts.proxy.host}:${opts.proxy.port} (proxy for ${url.host})` : url.host;
  const headers: Record<string, string> = { Host: url.host, Connection: 'close' };
  if (opts.body) {
    headers['Content-Type'] = opts.contentType ?? 'application/octet-stream';
    headers['Content-Length'] = String(opts.body.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: opts.proxy?.host ?? url.hostname.replace(/^\[|\]$/g, ''),
      port: opts.proxy?.port ?? (url.port || 80),
      method: opts.method ?? 'GET',
      path: opts.proxy ? url.href : `${url.pathname}${url.search}`,
      headers,
      agent: false,
    });
    const fail = (e: FetchError) => {
      req.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new FetchError('TIMEOUT', `${target} did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} seconds` : `${timeoutMs} ms`}`)), timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new FetchError('UNREACHABLE', `${target} cannot be reached: ${e.code ?? e.message}`));
    });
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (declared > maxBytes) return fail(new FetchError('TOO_LARGE', `${target} sent ${declared} bytes, more than the ${maxBytes} allowed`));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) fail(new FetchError('TOO_LARGE', `${target} sent more than the ${maxBytes} bytes allowed`));
        else chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: new Uint8Array(Buffer.concat(chunks)) });
      });
      res.on('error', () => undefined); // 'aborted' after fail(); the promise is settled already
    });
    req.end(opts.body);
  });
}
