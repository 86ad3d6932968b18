/**
 * `ssl3 get URL`: a curl-like HTTPS client over SSL 3.0, for reaching devices that speak
 * nothing newer. Prints the body (or writes it with -o), exits 0 on 2xx/3xx, and otherwise
 * prints one line saying what failed: unreachable, the handshake alert and its reason, or
 * the certificate problem (expired, self-signed, wrong host...) with how to accept it.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';
import { parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { request } from '../../http/https-client.js';
import { responseEnd } from '../../http/response-end.js';
import type { SSLSocket } from '../../socket/ssl-socket.js';
import { CLIENT_FLAGS, CLIENT_SYNOPSIS, CLIENT_USAGE, clientOptionsFromFlags, describeFailure } from '../client-flags.js';
import { liveLesson, VIEWER_FLAG, VIEWER_USAGE, writeFirst } from '../viewer-option.js';
import { teeRecorders } from '../../viewer/live-lesson.js';

/** Resolves when every connection's TCP socket has closed, or after `ms`. */
async function allClosed(sockets: readonly SSLSocket[], ms: number): Promise<void> {
  const open = sockets.filter((s) => !s.socket.closed).map((s) => new Promise((resolve) => s.socket.once('close', resolve)));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(open), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

const USAGE = `ssl3 get URL [-o FILE] [-i] [-X METHOD] [-H 'Name: value']... [-d DATA] [-L]
          ${CLIENT_SYNOPSIS} [--viewer FILE]
  -o FILE          write the body to FILE instead of standard output
  -i               print the response status line and headers first
  -X METHOD        request method (default GET, or POST with -d)
  -H 'N: V'        extra request header (repeatable)
  -d DATA          request body (@FILE reads it from a file)
  -L               follow redirects (up to 10)
${CLIENT_USAGE}
${VIEWER_USAGE}`;

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
          ...CLIENT_FLAGS,
          ...VIEWER_FLAG,
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
    const headers: Record<string, string> = {};
    for (const h of values.header ?? []) {
      const i = h.indexOf(':');
      if (i <= 0) throw new UsageError(`bad header '${h}' (expected 'Name: value')`);
      headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
    }
    const body = values.data === undefined ? undefined : values.data.startsWith('@') ? readFileSync(values.data.slice(1)) : Buffer.from(values.data);
    const method = values.request ?? (body ? 'POST' : 'GET');
    const { ssl, keylog } = clientOptionsFromFlags(values, io, 'get');
    const lesson = liveLesson(values.viewer, `ssl3 get ${url.href}`, 'get', io);
    await writeFirst(lesson, values.viewer);
    ssl.pcap = teeRecorders(ssl.pcap, lesson);
    const sockets: SSLSocket[] = [];
    try {
      return await fetchFollowingRedirects();
    } finally {
      // The capture ends with each connection's FIN exchange: wait for it before returning.
      if (ssl.pcap) await allClosed(sockets, 2_000);
      await lesson?.close();
    }

    async function fetchFollowingRedirects(): Promise<number> {
      for (let redirects = 0; ; redirects++) {
        const res = await new Promise<IncomingMessage>((resolve, reject) => {
          const req = request(url, { ...ssl, method, headers: body ? { 'content-length': String(body.length), ...headers } : headers }, resolve);
          req.on('error', reject);
          req.on('socket', (s) => {
            const socket = s as unknown as SSLSocket;
            sockets.push(socket);
            if (keylog) socket.on('keylog', keylog);
            if (lesson) socket.on('keylog', (line: Buffer) => lesson.keylog(line));
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
        // response-end.ts decides whether a body that stopped was complete or cut short.
        const ended = responseEnd(res);
        try {
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
        } catch (e) {
          if (!res.destroyed) {
            res.destroy(); // the output failed, not the response
            throw e;
          }
          const end = await ended;
          if (!end.complete) throw new UsageError(describeFailure(end.error, url), 1);
          throw e;
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
