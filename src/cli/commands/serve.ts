/**
 * `ssl3 serve`: the HTTPS server over SSL 3.0 (the IOS `ip http secure-server`). Without a
 * key and certificate it makes a self-signed pair on first start and keeps it in the data
 * directory (default ./.ssl3/), so the fingerprint clients pin stays stable. Prints one line
 * when it listens (other tools script against it; a second one for the plain HTTP port if
 * enabled) and shuts down gracefully on SIGINT/SIGTERM, letting requests in flight finish and
 * sending close_notify.
 *
 * The IOS server policies (access class, max connections, timeout policy, authentication,
 * access log) apply to both ports through one ServerPolicy, with IOS's defaults: at most 5
 * connections, idle 180 s, life 180 s, one request per connection.
 */
import { createWriteStream, openSync, closeSync, readFileSync, type WriteStream } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { intFlag, parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { createServer } from '../../http/https-server.js';
import { HttpServer } from '../../http/http-server.js';
import { ServerPolicy, type RequestHandler, type ServerPolicyOptions } from '../../http/server-policy.js';
import { parseAccessList } from '../../http/access-list.js';
import { parseTimeoutPolicy } from '../../http/timeout-policy.js';
import { parseUsersFile } from '../../http/basic-auth.js';
import { loadOrCreateIdentity } from '../../http/identity-store.js';
import { serveStatic } from '../../http/static-files.js';
import { statusPage } from '../../http/status-page.js';
import { loadSuites } from '../../socket/options.js';
import { TRACE_FLAGS, TRACE_USAGE, tracerFromFlags } from '../trace-option.js';
import { SEED_FLAG, SEED_USAGE, seededOptions } from '../seed-option.js';
import { fingerprint, parseCertificates } from '../../pki/x509.js';
import { serveFromConfig } from './serve-config.js';
import { openPcapFile } from '../pcap-file.js';
import { keylogAppender } from '../keylog-file.js';
import { stopOnSignal } from '../signals.js';
import { isWorker, joinPrimary, runPrimary, type WorkerRole } from '../workers.js';
import { serviceForwarder } from '../../http/forwarder.js';
import { parseLdapUrl } from '../../http/crl-fetch.js';
import { crlFreshness, crlProblem, describeCrl, parseCrls } from '../../pki/crl.js';
import { REVOCATION_MODES, type RevocationMode } from '../../pki/revocation.js';
import type { RevocationInput } from '../../socket/options.js';
import { liveLesson, VIEWER_FLAG, VIEWER_USAGE, writeFirst } from '../viewer-option.js';
import { teeRecorders } from '../../viewer/live-lesson.js';
import { parsePrivateKey } from '../../pki/keys.js';
import type { ServerKey } from '../../trace/explain-keys.js';

const USAGE = `ssl3 serve --config FILE [--data-dir DIR] [--bind ADDR] [--keylog F] [--pcap F] [--trace | --trace-json] [--workers N]
       ssl3 serve [--port N] [--bind ADDR] [--root DIR | --upstream URL] [--ciphers LIST] [--key F --cert F] [--workers N]
           [--client-auth --ca F [--crl FILE|URL] [--crl-mode M]] [--allow-renegotiation] [--data-dir DIR] [--hostname NAME]
           [--keylog F] [--pcap F] [--trace | --trace-json] [--trace-keys] [--no-record-split] [--seed S] [--viewer FILE]
           [--http-port N] [--access-list LIST] [--max-connections N] [--timeout-policy P]
           [--auth-password P | --auth-users F] [--access-log F|-]
  --config FILE    run the servers an IOS startup-config describes (ip http secure-server,
                   ip http secure-port, ip http secure-ciphersuite, access-list...; see
                   'ssl3 console'); keys and certificates live in the data directory;
                   SIGHUP reloads the file
  --workers N      run the servers in N processes (1..64, default 1), one per core: one
                   connection limit, session cache and access log for all; SIGINT/SIGTERM stop
                   all gracefully, SIGHUP reloads all (--config)
  --port N         secure port: 443 or 1025..65535 (default 4433, or 443 as root)
  --bind ADDR      address to listen on (default 0.0.0.0)
  --root DIR       serve files from DIR (default: a page describing the connection)
  --upstream URL   forward every request to the http:// or https:// service at URL (a reverse
                   proxy: legacy SSL 3.0 clients reach a modern service); adds X-Forwarded-For,
                   -Proto and -Host; an https:// service is checked against node's CA store
                   (NODE_EXTRA_CA_CERTS adds a private CA)
  --ciphers LIST   suites, IOS keywords or OpenSSL/RFC names, comma separated
                   (default aes-256-cbc-sha,aes-128-cbc-sha,3des-ede-cbc-sha,rc4-128-sha,rc4-128-md5,des-cbc-sha)
  --key F --cert F server key and certificate (PEM); default: self-signed, kept in the data directory
  --client-auth    request a client certificate and refuse clients without a valid one (needs --ca)
  --ca F           CA certificates (PEM) that client certificates must chain to
  --allow-renegotiation  let clients renegotiate (RFC 5746 secure renegotiation only; for
                   protocol testers); without it a client's renegotiation is refused with
                   handshake_failure (IOS has no such setting)
  --crl FILE|URL   check client certificates against CRLs: a CRL file (PEM or DER) from a --ca
                   CA, or the http:// or ldap:// URL to fetch them from instead of each
                   certificate's CRL distribution points (IOS crl query); a revoked
                   certificate is refused with certificate_revoked
  --crl-mode M     required (default: no valid CRL, no connection), optional (use a CRL only
                   when one is at hand, fetch none) or best-effort (fetch, accept when none
                   can be had); alone, it checks the distribution points
  --data-dir DIR   where the generated key and certificate live (default ./.ssl3)
  --hostname NAME  name for the generated certificate (default: this machine's host name)
  --keylog F       append NSS key log lines (CLIENT_RANDOM ...) to F: secrets, for Wireshark
  --pcap F         write every HTTPS connection's TCP/IP packets to F, a pcap capture file
                   that Wireshark/tshark read and decrypt with the --keylog file
${TRACE_USAGE}
${SEED_USAGE}
${VIEWER_USAGE}
 IOS server policies (they apply to both ports):
  --http-port N    also serve plain HTTP on port N, same content (ip http server, ip http port)
  --access-list L  clients allowed, IOS standard ACL entries separated by ',' or ';', first match
                   wins, implicit deny at the end: 'permit 10.0.0.0 0.0.0.255, deny any'
                   (ip http access-class; default: everyone)
  --max-connections N  connections open at once, more are closed at once (default 5)
  --timeout-policy P   idle=S,life=S,requests=N: idle seconds (1..600), connection lifetime
                   (1..86400), requests per connection (1..86400) (default idle=180,life=180,requests=1)
  --auth-password P    HTTP Basic authentication, any user name with password P
                   (ip http authentication enable)
  --auth-users F   HTTP Basic authentication against F, lines user:password
                   (ip http authentication local)
  --access-log F   one line per request (client, suite, method, path, status, bytes, ms),
                   appended to F, or '-' for stdout`;

/** IOS's rule for `ip http secure-port`. */
export function checkSecurePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n === 443 || (n >= 1025 && n <= 65535))) throw new UsageError('Invalid secure port value.');
  return n;
}

function readBytesOrFail(flag: string, path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new UsageError(`--${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 1);
  }
}

function readFileOrFail(flag: string, path: string): string {
  return new TextDecoder().decode(readBytesOrFail(flag, path));
}

/** Turns a parser's error into a usage error naming the flag. */
function flagValue<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError(`--${flag}: ${(e as Error).message.replace(/^(access list|timeout-policy):? /, '')}`);
  }
}

/** An open access log: `--access-log FILE` (appended) or `-` (standard output). */
interface AccessLogFile {
  write: (line: string) => void;
  /** Flushes and closes it (a file), once nothing writes to it any more. */
  close: () => Promise<void>;
}

/** Opens the access log named by `--access-log`; a file that cannot be opened is one clear line. */
function openAccessLog(path: string | undefined, io: CliIo): AccessLogFile | undefined {
  if (path === undefined) return undefined;
  if (path === '-') return { write: (line) => io.stdout(line), close: async () => {} };
  try {
    closeSync(openSync(path, 'a'));
  } catch (e) {
    throw new UsageError(`--access-log ${path}: ${(e as Error).message}`, 1);
  }
  const stream: WriteStream = createWriteStream(path, { flags: 'a' });
  return { write: (line) => stream.write(line), close: () => new Promise<void>((resolve) => stream.end(resolve)) };
}

/**
 * The IOS server policy from the flags, and the access log to close at shutdown. In a worker
 * of `--workers N`, the connection limit and the access log are the primary's.
 */
function policyFromFlags(values: Record<string, string | boolean | undefined>, io: CliIo, role: WorkerRole | undefined): { policy: ServerPolicy; log?: AccessLogFile } {
  const str = (k: string) => values[k] as string | undefined;
  if (str('auth-password') !== undefined && str('auth-users') !== undefined) throw new UsageError('--auth-password and --auth-users exclude each other');
  const options: ServerPolicyOptions = {
    maxConnections: intFlag('max-connections', str('max-connections'), 1, 10000, 5),
    limit: role?.link.limit(),
  };
  const acl = str('access-list');
  if (acl !== undefined) options.accessList = flagValue('access-list', () => parseAccessList(acl));
  const tp = str('timeout-policy');
  if (tp !== undefined) options.timeout = flagValue('timeout-policy', () => parseTimeoutPolicy(tp));
  const password = str('auth-password');
  if (password !== undefined) {
    if (!password) throw new UsageError('--auth-password must not be empty');
    options.auth = { password };
  }
  const usersFile = str('auth-users');
  if (usersFile !== undefined) {
    const text = readFileOrFail('auth-users', usersFile);
    const users = flagValue(`auth-users ${usersFile}`, () => parseUsersFile(text));
    if (!users.size) throw new UsageError(`--auth-users ${usersFile}: no users in the file`);
    options.auth = { users };
  }
  if (role) {
    if (str('access-log') !== undefined) options.accessLog = role.link.accessLog;
    return { policy: new ServerPolicy(options) };
  }
  const log = openAccessLog(str('access-log'), io);
  if (log) options.accessLog = { write: log.write };
  return { policy: new ServerPolicy(options), log };
}

/**
 * --crl FILE|URL and --crl-mode: the revocation check of client certificates. A file must
 * hold a CRL that a --ca certificate issued and signed (checked now, so a wrong file is one
 * clear line, not every client refused later); a stale one is accepted with a warning, since
 * a current one may still be fetched from the distribution points.
 */
function revocationFromFlags(crl: string | undefined, modeFlag: string | undefined, clientAuth: boolean, caPem: string | undefined, io: CliIo): RevocationInput | undefined {
  if (crl === undefined && modeFlag === undefined) return undefined;
  if (!clientAuth) throw new UsageError(`--${crl === undefined ? 'crl-mode' : 'crl'} checks client certificates: it needs --client-auth --ca FILE`);
  const mode = modeFlag ?? 'required';
  if (!(REVOCATION_MODES as readonly string[]).includes(mode)) throw new UsageError(`--crl-mode must be ${REVOCATION_MODES.join(', ')}, got '${mode}'`);
  const revocation: RevocationInput = { mode: mode as RevocationMode };
  if (crl === undefined) return revocation;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(crl)) {
    const url = flagValue('crl', () => new URL(crl));
    if (url.protocol !== 'http:' && url.protocol !== 'ldap:') throw new UsageError(`--crl: CRLs are fetched over http:// or ldap://, not ${url.protocol}//`);
    if (url.protocol === 'ldap:') flagValue('crl', () => parseLdapUrl(url));
    return { ...revocation, queryUrl: crl };
  }
  const bytes = readBytesOrFail('crl', crl);
  const crls = flagValue(`crl ${crl}`, () => parseCrls(bytes));
  const cas = caPem === undefined ? [] : flagValue('ca', () => parseCertificates(caPem));
  for (const c of crls) {
    const problems = cas.map((issuer) => crlProblem(c, issuer));
    if (!problems.some((p) => p === undefined)) {
      const why = problems.find((p) => p && p.code !== 'OTHER_ISSUER')?.reason ?? `${describeCrl(c)} is not from a --ca certificate`;
      throw new UsageError(`--crl ${crl}: ${why}`);
    }
    if (crlFreshness(c, Date.now()) === 'stale') io.stderr(`ssl3 serve: warning: --crl ${crl}: ${describeCrl(c)} is stale (nextUpdate ${c.nextUpdate!.toISOString()}); it is not used\n`);
  }
  return { ...revocation, crls };
}

/** --upstream URL: the forwarder to the service, each failed request reported in one line. */
function upstreamOf(text: string, io: CliIo): ReturnType<typeof serviceForwarder> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--upstream: not a URL: '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--upstream: only http:// or https:// services, got ${url.protocol}//`);
  return serviceForwarder(url, { onUpstreamError: (err, req) => io.stderr(`ssl3 serve: ${req.method} ${req.url}: upstream ${url.host}: ${err.message}\n`) });
}

/** The server's key for a --viewer lesson, so it shows the derivation from the pre_master_secret (a bad key is createServer's to report). */
function lessonKeys(keyPem: string, name: string): ServerKey[] | undefined {
  try {
    return [{ name, key: parsePrivateKey(keyPem) }];
  } catch {
    return undefined;
  }
}

function listenError(bind: string, port: number, e: unknown): UsageError {
  const err = e as NodeJS.ErrnoException;
  return new UsageError(`cannot listen on ${bind}:${port}: ${err.code === 'EADDRINUSE' ? 'address in use' : err.code === 'EACCES' ? 'permission denied' : err.message}`, 1);
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
          upstream: { type: 'string' },
          ciphers: { type: 'string' },
          key: { type: 'string' },
          cert: { type: 'string' },
          'client-auth': { type: 'boolean' },
          'allow-renegotiation': { type: 'boolean' },
          ca: { type: 'string' },
          crl: { type: 'string' },
          'crl-mode': { type: 'string' },
          'data-dir': { type: 'string' },
          hostname: { type: 'string' },
          keylog: { type: 'string' },
          pcap: { type: 'string' },
          ...TRACE_FLAGS,
          ...SEED_FLAG,
          ...VIEWER_FLAG,
          'http-port': { type: 'string' },
          'access-list': { type: 'string' },
          'max-connections': { type: 'string' },
          'timeout-policy': { type: 'string' },
          'auth-password': { type: 'string' },
          'auth-users': { type: 'string' },
          'access-log': { type: 'string' },
          config: { type: 'string' },
          workers: { type: 'string' },
        },
        strict: true,
      }),
    );
    const workers = intFlag('workers', values.workers, 1, 64, 1);
    if (workers > 1) {
      // Each worker would write its own capture or lesson page into the one file, or replay the same randomness.
      if (values.pcap !== undefined) throw new UsageError('--pcap writes one process\'s capture file; it cannot be combined with --workers');
      if (values.seed !== undefined) throw new UsageError('--seed replays one process\'s handshakes byte for byte; it cannot be combined with --workers');
      if (values.viewer !== undefined) throw new UsageError('--viewer writes one process\'s lesson page; it cannot be combined with --workers');
    }
    if (workers > 1 && !isWorker()) {
      // The primary: it runs no server; each worker runs this same command line.
      const log = values.config === undefined ? openAccessLog(values['access-log'], io) : undefined;
      return runPrimary({ workers, argv: ['serve', ...argv], accessLog: log?.write, closeLog: log?.close }, io);
    }
    const role = workers > 1 ? joinPrimary(io) : undefined;
    // A trace goes straight to this process's standard error (every worker's connections);
    // other output goes through the primary, which prints one worker's.
    const traceIo = io;
    if (role) io = role.io;
    if (values.config !== undefined) {
      const clash = Object.keys(values).filter((k) => !['config', 'data-dir', 'bind', 'keylog', 'pcap', 'trace', 'trace-json', 'workers'].includes(k));
      if (clash.length) throw new UsageError(`--config takes the server settings from the file; --${clash[0]} cannot be combined with it`);
      return serveFromConfig({ configFile: values.config, dataDir: values['data-dir'] ?? '.ssl3', bind: values.bind ?? '0.0.0.0', keylog: values.keylog, pcap: values.pcap, trace: tracerFromFlags(values, traceIo, 'server'), role }, io);
    }
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const port = checkSecurePort(values.port, isRoot ? 443 : 4433);
    const bind = values.bind ?? '0.0.0.0';
    if ((values.key === undefined) !== (values.cert === undefined)) throw new UsageError('--key and --cert go together');
    if (values['client-auth'] && !values.ca) throw new UsageError('--client-auth needs --ca FILE (the CA that issues client certificates)');
    const ciphers = values.ciphers === undefined ? undefined : loadSuites(values.ciphers).map((s) => s.iosKeyword);
    const httpPort = values['http-port'] === undefined ? undefined : intFlag('http-port', values['http-port'], 1, 65535, 80);
    if (httpPort === port) throw new UsageError(`--http-port ${httpPort} is also the secure port`);
    if (values.root !== undefined && values.upstream !== undefined) throw new UsageError('--root and --upstream: choose one');
    const upstream = values.upstream === undefined ? undefined : upstreamOf(values.upstream, io);
    // Before anything is created (the identity, the access log): a bad path changes nothing.
    const ca = values.ca ? readFileOrFail('ca', values.ca) : undefined;
    const revocation = revocationFromFlags(values.crl, values['crl-mode'], !!values['client-auth'], ca, io);
    const { pcapRandom, ...seeded } = seededOptions(values.seed, 'server', 'serve', io);
    const capture = openPcapFile(values.pcap, 'serve', io, pcapRandom);
    const { policy, log } = policyFromFlags(values, io, role);

    let keyPem: string;
    let certPem: string;
    let keyFile: string;
    let note = '';
    if (values.key && values.cert) {
      keyPem = readFileOrFail('key', values.key);
      keyFile = values.key;
      certPem = readFileOrFail('cert', values.cert);
    } else {
      const dataDir = values['data-dir'] ?? '.ssl3';
      const id = await loadOrCreateIdentity({ dataDir, hostname: values.hostname ?? osHostname() });
      keyPem = id.keyPem;
      keyFile = id.keyFile;
      certPem = id.certPem;
      note = id.created ? ` (new self-signed certificate in ${dataDir})` : ` (self-signed certificate from ${dataDir})`;
    }
    const keylog = keylogAppender(values.keylog);
    const trace = tracerFromFlags(values, traceIo, 'server');
    const root = values.root;
    const lesson = liveLesson(values.viewer, `ssl3 serve on port ${port}`, 'serve', io, values.viewer ? lessonKeys(keyPem, keyFile) : undefined);
    const pcap = teeRecorders(capture, lesson);

    const handler: RequestHandler = (req, res) => {
      if (upstream) upstream.forwarder.handle(req, res);
      else if (root) void serveStatic(root, req, res);
      else statusPage(req, res);
    };
    const server = createServer(
      { key: keyPem, cert: certPem, ca, ciphers, requestCert: values['client-auth'], requireCert: values['client-auth'], allowRenegotiation: values['allow-renegotiation'], revocation, trace, traceSecrets: values['trace-keys'], splitCbcRecords: !values['no-record-split'], pcap, policy, sessionCache: role?.link.sessions(), rsaThreads: true, ...seeded },
      handler,
    );
    if (keylog) server.ssl.on('keylog', keylog);
    if (lesson) server.ssl.on('keylog', (line: Buffer) => lesson.keylog(line));
    try {
      await writeFirst(lesson, values.viewer);
    } catch (e) {
      await log?.close();
      throw e;
    }
    const plain = httpPort === undefined ? undefined : new HttpServer({ policy }, handler);
    try {
      await server.listen(port, bind);
    } catch (e) {
      await log?.close();
      throw listenError(bind, port, e);
    }
    if (plain && httpPort !== undefined) {
      try {
        await plain.listen(httpPort, bind);
      } catch (e) {
        await log?.close();
        await server.close(0);
        throw listenError(bind, httpPort, e);
      }
    }
    const addr = server.address() as AddressInfo;
    const fp = fingerprint(parseCertificates(certPem)[0], 'sha256');
    const host = (a: AddressInfo) => (a.family === 'IPv6' ? `[${a.address}]` : a.address);
    const close = async () => {
      await Promise.all([server.close(), plain?.close()]);
      upstream?.close();
      await log?.close();
      await lesson?.close();
    };
    const stopped = role ? role.stopped(close) : stopOnSignal(io, close);
    role?.ready();
    io.stdout(`ssl3: serving HTTPS over SSL 3.0 on https://${host(addr)}:${addr.port}/ certificate SHA-256 ${fp}${note}\n`);
    if (plain) {
      const a = plain.address() as AddressInfo;
      io.stdout(`ssl3: serving plain HTTP on http://${host(a)}:${a.port}/\n`);
    }
    if (values.viewer) io.stdout(`ssl3: the lesson page of these connections is ${values.viewer} (reload it to see new ones)\n`);
    await stopped;
    return 0;
  },
};
