/**
 * `ssl3 get URL`: a curl-like HTTPS client over SSL 3.0, for reaching devices that speak
 * nothing newer. Prints the body (or writes it with -o), exits 0 on 2xx/3xx, and otherwise
 * prints one line saying what failed: unreachable, the handshake alert and its reason, or
 * the certificate problem (expired, self-signed, wrong host...) with how to accept it.
 */
import { appendFileSync, createWriteStream, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';
import { parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { request } from '../../http/https-client.js';
import { TRACE_FLAGS, TRACE_USAGE, tracerFromFlags } from '../trace-option.js';
import { parsePin } from '../../pki/pin.js';
import type { SSLSocket } from '../../socket/ssl-socket.js';
import { openPcapFile } from '../pcap-file.js';

/** Resolves when every connection's TCP socket has closed, or after `ms`. */
async function allClosed(sockets: readonly SSLSocket[], ms: number): Promise<void> {
  const open = sockets.filter((s) => !s.socket.closed).map((s) => new Promise((resolve) => s.socket.once('close', resolve)));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(open), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

const USAGE = `ssl3 get URL [-o FILE] [-i] [-X METHOD] [-H 'Name: value']... [-d DATA] [-L]
          [--ciphers LIST] [--ca FILE] [--pin SHA256] [--insecure] [--cert F --key F]
          [--keylog F] [--pcap F] [--trace | --trace-json] [--trace-keys]
  -o FILE          write the body to FILE instead of standard output
  -i               print the response status line and headers first
  -X METHOD        request method (default GET, or POST with -d)
  -H 'N: V'        extra request header (repeatable)
  -d DATA          request body (@FILE reads it from a file)
  -L               follow redirects (up to 10)
  --ciphers LIST   suites to offer (IOS keywords or OpenSSL/RFC names)
  --ca FILE        CA certificates (PEM) to trust
  --pin FP         trust the server certificate with this SHA-256 (or SHA-1) fingerprint
  --insecure       accept any server certificate (prints a warning)
  --cert/--key F   client certificate and key (PEM), for servers that ask
  --keylog F       append NSS key log lines to F (secrets: for Wireshark)
  --pcap F         write the connection's TCP/IP packets to F, a pcap capture file that
                   Wireshark/tshark read and decrypt with the --keylog file
${TRACE_USAGE}`;

function readOrFail(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 1);
  }
}

/** One line for a failed request: the cause a user can act on. */
export function describeFailure(err: Error & { code?: string }, url: URL): string {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return `cannot connect to ${url.host}: connection refused`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve ${url.hostname}`;
  if (code === 'ETIMEDOUT' || code === 'ERR_SSL_HANDSHAKE_TIMEOUT') return `${url.host}: ${err.message}`;
  if (code === 'ECONNRESET') return `${url.host} closed the connection during the SSL 3.0 handshake (does it speak SSL 3.0?)`;
  if (/certificate rejected/.test(err.message)) return `${err.message} (use --ca FILE, --pin FINGERPRINT, or --insecure)`;
  if (code.startsWith('ERR_SSL_')) return err.message;
  return `${url.host}: ${err.message}`;
}

export const getCommand: Command = {
  name: 'get',
  summary: 'fetch an https:// URL over SSL 3.0 (curl-like)',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(() =>
      parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          output: { type: 'string', short: 'o' },
          include: { type: 'boolean', short: 'i' },
          request: { type: 'string', short: 'X' },
          header: { type: 'string', short: 'H', multiple: true },
          data: { type: 'string', short: 'd' },
          location: { type: 'boolean', short: 'L' },
          ciphers: { type: 'string' },
          ca: { type: 'string' },
          pin: { type: 'string' },
          insecure: { type: 'boolean', short: 'k' },
          cert: { type: 'string' },
          key: { type: 'string' },
          keylog: { type: 'string' },
          pcap: { type: 'string' },
          ...TRACE_FLAGS,
        },
      }),
    );
    if (positionals.length !== 1) throw new UsageError('give exactly one URL');
    let url: URL;
    try {
      url = new URL(positionals[0]);
    } catch {
      throw new UsageError(`not a URL: '${positionals[0]}'`);
    }
    if (url.protocol !== 'https:') throw new UsageError(`only https:// URLs (SSL 3.0), got ${url.protocol}//`);
    if ((values.cert === undefined) !== (values.key === undefined)) throw new UsageError('--cert and --key go together');
    if (values.pin) parsePin(values.pin);
    const headers: Record<string, string> = {};
    for (const h of values.header ?? []) {
      const i = h.indexOf(':');
      if (i <= 0) throw new UsageError(`bad header '${h}' (expected 'Name: value')`);
      headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
    }
    const body = values.data === undefined ? undefined : values.data.startsWith('@') ? readFileSync(values.data.slice(1)) : Buffer.from(values.data);
    const method = values.request ?? (body ? 'POST' : 'GET');
    if (values.insecure) io.stderr('ssl3 get: warning: --insecure: the server certificate is not checked; anyone on the path can read and change this connection\n');
    const ssl = {
      ciphers: values.ciphers,
      ca: values.ca ? readOrFail('ca', values.ca) : undefined,
      pin: values.pin,
      rejectUnauthorized: !values.insecure,
      cert: values.cert ? readOrFail('cert', values.cert) : undefined,
      key: values.key ? readOrFail('key', values.key) : undefined,
      trace: tracerFromFlags(values, io, 'client'),
      traceSecrets: values['trace-keys'],
      pcap: openPcapFile(values.pcap, 'get', io),
    };
    const sockets: SSLSocket[] = [];
    try {
      return await fetchFollowingRedirects();
    } finally {
      // The capture ends with each connection's FIN exchange: wait for it before returning.
      if (ssl.pcap) await allClosed(sockets, 2_000);
    }

    async function fetchFollowingRedirects(): Promise<number> {
      for (let redirects = 0; ; redirects++) {
        const res = await new Promise<IncomingMessage>((resolve, reject) => {
          const req = request(url, { ...ssl, method, headers: body ? { 'content-length': String(body.length), ...headers } : headers }, resolve);
          req.on('error', reject);
          const keylog = values.keylog;
          req.on('socket', (s) => {
            const socket = s as unknown as SSLSocket;
            sockets.push(socket);
            if (keylog) socket.on('keylog', (line: Buffer) => appendFileSync(keylog, line, { mode: 0o600 }));
          });
          req.end(body);
        }).catch((e: Error) => {
          throw new UsageError(describeFailure(e, url), 1);
        });
        const status = res.statusCode ?? 0;
        if (values.location && status >= 300 && status < 400 && res.headers.location && redirects < 10) {
          res.resume();
          url = new URL(res.headers.location, url);
          if (url.protocol !== 'https:') throw new UsageError(`redirected to ${url.href}, which is not https://`, 1);
          continue;
        }
        if (values.include) {
          io.stdout(`HTTP/${res.httpVersion} ${status} ${res.statusMessage ?? ''}\n`);
          for (let i = 0; i < res.rawHeaders.length; i += 2) io.stdout(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\n`);
          io.stdout('\n');
        }
        if (values.output) {
          const out = createWriteStream(values.output);
          await new Promise<void>((resolve, reject) => {
            res.pipe(out);
            out.on('finish', resolve);
            out.on('error', reject);
            res.on('error', reject);
          });
        } else {
          for await (const chunk of res) io.stdout(chunk as Buffer);
        }
        if (status >= 400) {
          io.stderr(`ssl3 get: ${url.href}: HTTP ${status} ${res.statusMessage ?? ''}\n`);
          return 22;
        }
        return 0;
      }
    }
  },
};
