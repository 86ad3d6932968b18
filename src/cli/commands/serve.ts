/**
 * `ssl3 serve`: the HTTPS server over SSL 3.0 (the IOS `ip http secure-server`). Without a
 * key and certificate it makes a self-signed pair on first start and keeps it in the data
 * directory (default ./.ssl3/), so the fingerprint clients pin stays stable. Prints one line
 * when it listens (other tools script against it) and shuts down gracefully on SIGINT/SIGTERM,
 * letting requests in flight finish and sending close_notify.
 */
import { appendFileSync, openSync, closeSync, readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { createServer } from '../../http/https-server.js';
import { loadOrCreateIdentity } from '../../http/identity-store.js';
import { serveStatic } from '../../http/static-files.js';
import { statusPage } from '../../http/status-page.js';
import { loadSuites } from '../../socket/options.js';
import { textTracer } from '../../trace/text-trace.js';
import { fingerprint, parseCertificates } from '../../pki/x509.js';

const USAGE = `ssl3 serve [--port N] [--bind ADDR] [--root DIR] [--ciphers LIST] [--key F --cert F]
           [--client-auth --ca F] [--data-dir DIR] [--hostname NAME] [--keylog F] [--trace]
  --port N         secure port: 443 or 1025..65535 (default 4433, or 443 as root)
  --bind ADDR      address to listen on (default 0.0.0.0)
  --root DIR       serve files from DIR (default: a page describing the connection)
  --ciphers LIST   suites, IOS keywords or OpenSSL/RFC names, comma separated
                   (default aes-256-cbc-sha,aes-128-cbc-sha,3des-ede-cbc-sha,rc4-128-sha,rc4-128-md5,des-cbc-sha)
  --key F --cert F server key and certificate (PEM); default: self-signed, kept in the data directory
  --client-auth    request a client certificate and refuse clients without a valid one (needs --ca)
  --ca F           CA certificates (PEM) that client certificates must chain to
  --data-dir DIR   where the generated key and certificate live (default ./.ssl3)
  --hostname NAME  name for the generated certificate (default: this machine's host name)
  --keylog F       append NSS key log lines (CLIENT_RANDOM ...) to F: secrets, for Wireshark
  --trace          print every record and handshake message to stderr`;

/** IOS's rule for `ip http secure-port`. */
export function checkSecurePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n === 443 || (n >= 1025 && n <= 65535))) throw new UsageError('Invalid secure port value.');
  return n;
}

function readFileOrFail(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 1);
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the HTTPS server over SSL 3.0',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values } = parseFlags(() =>
      parseArgs({
        args: argv,
        options: {
          port: { type: 'string' },
          bind: { type: 'string' },
          root: { type: 'string' },
          ciphers: { type: 'string' },
          key: { type: 'string' },
          cert: { type: 'string' },
          'client-auth': { type: 'boolean' },
          ca: { type: 'string' },
          'data-dir': { type: 'string' },
          hostname: { type: 'string' },
          keylog: { type: 'string' },
          trace: { type: 'boolean' },
        },
        strict: true,
      }),
    );
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const port = checkSecurePort(values.port, isRoot ? 443 : 4433);
    const bind = values.bind ?? '0.0.0.0';
    if ((values.key === undefined) !== (values.cert === undefined)) throw new UsageError('--key and --cert go together');
    if (values['client-auth'] && !values.ca) throw new UsageError('--client-auth needs --ca FILE (the CA that issues client certificates)');
    const ciphers = values.ciphers === undefined ? undefined : loadSuites(values.ciphers).map((s) => s.iosKeyword);

    let keyPem: string;
    let certPem: string;
    let note = '';
    if (values.key && values.cert) {
      keyPem = readFileOrFail('key', values.key);
      certPem = readFileOrFail('cert', values.cert);
    } else {
      const dataDir = values['data-dir'] ?? '.ssl3';
      const id = await loadOrCreateIdentity({ dataDir, hostname: values.hostname ?? osHostname() });
      keyPem = id.keyPem;
      certPem = id.certPem;
      note = id.created ? ` (new self-signed certificate in ${dataDir})` : ` (self-signed certificate from ${dataDir})`;
    }
    const ca = values.ca ? readFileOrFail('ca', values.ca) : undefined;
    if (values.keylog) closeSync(openSync(values.keylog, 'a', 0o600));
    const trace = values.trace ? textTracer((l) => io.stderr(l)) : undefined;
    const root = values.root;

    const server = createServer(
      { key: keyPem, cert: certPem, ca, ciphers, requestCert: values['client-auth'], requireCert: values['client-auth'], trace },
      (req, res) => {
        if (root) void serveStatic(root, req, res);
        else statusPage(req, res);
      },
    );
    const keylog = values.keylog;
    if (keylog) server.ssl.on('keylog', (line: Buffer) => appendFileSync(keylog, line, { mode: 0o600 }));
    try {
      await server.listen(port, bind);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new UsageError(`cannot listen on ${bind}:${port}: ${err.code === 'EADDRINUSE' ? 'address in use' : err.code === 'EACCES' ? 'permission denied' : err.message}`, 1);
    }
    const addr = server.address() as AddressInfo;
    const fp = fingerprint(parseCertificates(certPem)[0], 'sha256');
    io.stdout(`ssl3: serving HTTPS over SSL 3.0 on https://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}/ certificate SHA-256 ${fp}${note}\n`);

    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        io.stderr('ssl3: shutting down\n');
        void server.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
