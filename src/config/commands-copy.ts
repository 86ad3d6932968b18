/**
 * `copy https://HOST[:PORT]/PATH flash:NAME`: the console's use of the HTTPS client, which the
 * feature guide configures with `ip http client secure-trustpoint` and `ip http client
 * secure-ciphersuite` (docs/ios-configuration.md): the server's certificate must chain to that
 * trustpoint's CA (the primary trustpoint when none is named) and pass its CRL check, the
 * trustpoint's certificate is presented when the server asks for one, and only the configured
 * suites are offered. The file lands in the data directory's flash/ folder, with IOS's
 * `Destination filename`, `Loading` and byte-count lines.
 */
import type { IncomingMessage } from 'node:http';
import { request } from '../http/https-client.js';
import type { Args } from './grammar.js';
import type { Session } from './commands.js';
import { CommandError } from './context.js';
import { clientSettingsOf } from './effective.js';

/** The largest file copied: far above any device's configuration or firmware page, below what would hurt us. */
const MAX_BYTES = 256 << 20;
/** One `!` per this many bytes received, as IOS marks progress per block. */
const BANG_BYTES = 64 << 10;
const TIMEOUT_MS = 60_000;

function defaultName(url: URL): string {
  const last = url.pathname.split('/').filter(Boolean).pop();
  return last ? decodeURIComponent(last) : 'index.html';
}

/** Fetches `url` with the client settings and stores it; throws CommandError with IOS's `%Error opening` line. */
async function copyToFlash(s: Session, url: URL, name: string): Promise<void> {
  const settings = clientSettingsOf(s.ctx.config, s.ctx.keys);
  const fail = (why: string) => new CommandError(`%Error opening ${url.href} (${why})`);
  if (!settings.ca.length) {
    throw fail(
      settings.trustpoint === undefined
        ? 'no trustpoint to verify the server: ip http client secure-trustpoint NAME, or a primary trustpoint'
        : `trustpoint ${settings.trustpoint} has no CA certificate: crypto ca authenticate ${settings.trustpoint}`,
    );
  }
  s.ctx.print(`Accessing ${url.href}...\n`);
  const started = Date.now();
  const body = await new Promise<Buffer>((resolve, reject) => {
    let req: ReturnType<typeof request>;
    try {
      req = request(url, {
        method: 'GET',
        ca: settings.ca.map((c) => c.raw),
        ciphers: settings.suites.map((x) => x.iosKeyword),
        rejectUnauthorized: true,
        servername: url.hostname.replace(/^\[|\]$/g, ''),
        handshakeTimeout: TIMEOUT_MS,
        ...(settings.identity ? { key: settings.identity.key, cert: settings.identity.chain.map((c) => c.raw) } : {}),
        ...(settings.revocation ? { revocation: settings.revocation } : {}),
        headers: { 'user-agent': 'ssl3 (IOS copy)', connection: 'close' },
      });
    } catch (e) {
      reject(fail((e as Error).message));
      return;
    }
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} seconds`)), TIMEOUT_MS);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(fail(e.message));
    });
    req.on('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        res.resume();
        reject(fail(`HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
        return;
      }
      s.ctx.print(`Loading ${url.href} `);
      const chunks: Buffer[] = [];
      let size = 0;
      let bangs = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BYTES) {
          req.destroy(new Error(`the file is larger than ${MAX_BYTES} bytes`));
          return;
        }
        chunks.push(c);
        for (; bangs < Math.ceil(size / BANG_BYTES); bangs++) s.ctx.print('!');
      });
      res.on('end', () => {
        clearTimeout(timer);
        s.ctx.print('\n');
        resolve(Buffer.concat(chunks));
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        s.ctx.print('\n');
        reject(fail(e.message));
      });
    });
    req.end();
  });
  try {
    await s.ctx.writeFlash(name, new Uint8Array(body));
  } catch (e) {
    throw new CommandError(`%Error copying flash:${name} (${(e as Error).message})`);
  }
  const secs = Math.max((Date.now() - started) / 1000, 0.001);
  s.ctx.print(`[OK - ${body.length} bytes]\n\n${body.length} bytes copied in ${secs.toFixed(3)} secs (${Math.round(body.length / secs)} bytes/sec)\n`);
}

/** `copy URL flash:[NAME]`, asking IOS's `Destination filename [NAME]?`. */
export async function copyUrl(s: Session, a: Args): Promise<void> {
  let url: URL;
  try {
    url = new URL(a.str('source'));
  } catch {
    throw new CommandError(`%Error parsing ${a.str('source')} (Invalid URL)`);
  }
  if (url.protocol !== 'https:') throw new CommandError(`%Error opening ${url.href} (only https:// sources are supported)`);
  const dest = a.str('destination');
  if (!/^flash:/i.test(dest)) throw new CommandError(`%Error opening ${dest} (only flash: destinations are supported)`);
  const given = dest.slice('flash:'.length);
  const suggested = given || defaultName(url);
  if (!s.interactive) return copyToFlash(s, url, suggested);
  s.ask({
    prompt: `Destination filename [${suggested}]? `,
    secret: false,
    answer: (line) => copyToFlash(s, url, line.trim() || suggested),
  });
}
