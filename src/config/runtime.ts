/**
 * The live device: a ConfigContext (context.ts) whose configuration runs. apply() makes the
 * HTTP and HTTPS servers match the running configuration (docs/ios-configuration.md; the feature
 * guide's "Configuring the HTTPS Server with SSL 3.0" and "Providing Additional Security and
 * Efficiency"), the way IOS applies each `ip http ...` command as it is entered:
 *
 * - `ip http secure-server` starts the HTTPS server on `ip http secure-port`, with a
 *   self-signed identity generated on first need (the guide: "the server will certify itself
 *   and generate the needed RSA key pair"); `ip http server` the plain one on `ip http port`.
 * - Both share one ServerPolicy, so one `ip http max-connections` limit spans them and the
 *   access class, timeout policy and authentication apply to both ("The configuration of the
 *   standard HTTP server applies to the secure HTTP server as well").
 * - Changes reach new connections; open ones finish with what they started with. A port
 *   change opens the new port before closing the old one, which lets its requests finish.
 * - A port that cannot be opened is reported on one `%` line and tried again at the next
 *   apply; the configuration keeps what the user set, as IOS keeps a command it cannot act on.
 *
 * Keys and certificates live in the KeyRing; save() writes it with the startup-config.
 */
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TraceEvent } from '../connection/connection.js';
import type { FlowRecorder } from '../trace/pcap.js';
import { HttpServer } from '../http/http-server.js';
import { HttpsServer } from '../http/https-server.js';
import { ServerPolicy, type PolicyServer, type RequestHandler } from '../http/server-policy.js';
import { serveStatic } from '../http/static-files.js';
import { statusPage } from '../http/status-page.js';
import type { Certificate } from '../pki/certificate.js';
import type { RsaPrivateKey } from '../pki/rsa-key.js';
import type { CaServices, ConfigContext, RuntimeStatus } from './context.js';
import { httpScepTransport } from '../http/scep-transport.js';
import { fetchCrl } from '../http/crl-fetch.js';
import { CrlCache } from '../pki/crl-cache.js';
import type { ClientAuthOptions, SessionStoreProvider } from '../socket/index.js';
import type { ConnectionGate } from '../http/connection-limit.js';
import { clientAuthOf, decoySecret, policyOptionsOf, serverSuites, type ClientAuthSettings } from './effective.js';
import { ensureDeviceIdentity, generateKeyPairs, selfSignedCertificates, serverIdentity } from './keyring.js';
import { defaultConfig, DEFAULT_MODULUS, fqdn, type KeyRing, type RunningConfig, type StoredPassword } from './model.js';
import { renderConfig } from './render.js';
import { DataDirectory } from './store.js';

export interface RouterOptions {
  /** Keys, certificates and startup-config. */
  dataDir: string;
  /** The address the servers listen on (default 0.0.0.0, as IOS listens on every interface). */
  bind?: string;
  /** Where the device's own messages go (`%` lines); default: nowhere. */
  print?: (text: string) => void;
  /** NSS key log lines of every HTTPS connection (secrets, for Wireshark). */
  keylog?: (line: Buffer) => void;
  /** A capture file (src/trace/pcap.ts) recording every HTTPS connection's packets. */
  pcap?: FlowRecorder;
  /** Every record and handshake message of HTTPS connections: true for stderr, or a function. */
  trace?: boolean | ((event: TraceEvent) => void);
  /** The clock for key and certificate dates (tests). */
  now?: () => Date;
  /** Modulus of the key pair generated on first need (default DEFAULT_MODULUS; tests use small ones for speed). */
  selfSignedModulus?: number;
  /** How SCEP reaches CAs (default: HTTP to the trustpoint's enrollment URL and proxy) and how polls wait. */
  ca?: Partial<CaServices>;
  /**
   * The connection limit and session cache to use instead of the device's own: those of a
   * cluster's primary process, shared by all its workers (`ssl3 serve --config --workers N`).
   */
  shared?: { limit: ConnectionGate; sessionCache: SessionStoreProvider };
  /** The HTTPS server's RSA private-key operations in worker threads (src/socket/rsa-pool.ts); default on the event loop. */
  rsaThreads?: boolean;
}

/** The listeners the running servers are bound to (only those that are running). */
export interface RouterAddresses {
  https?: AddressInfo;
  http?: AddressInfo;
}

/** What the HTTPS server runs with, to tell what changed. */
interface SecureSettings {
  key: RsaPrivateKey;
  chain: Certificate[];
  suites: string[];
  clientAuth: ClientAuthSettings;
}

interface Running<S extends PolicyServer> {
  server: S;
  port: number;
}

type Kind = 'https' | 'http';

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;
const sameCerts = (a: readonly Certificate[], b: readonly Certificate[]) => a.length === b.length && a.every((c, i) => sameBytes(c.raw, b[i].raw));

function listenReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE') return 'address in use';
  if (err.code === 'EACCES') return 'permission denied';
  if (err.code === 'EADDRNOTAVAIL') return 'address not available';
  return err.message;
}

export class Router implements ConfigContext {
  readonly config: RunningConfig = defaultConfig();
  private readonly decoy: StoredPassword = decoySecret();
  /** One policy for both servers: one connection limit and one set of counters, as in IOS. */
  readonly policy: ServerPolicy;
  private readonly bind: string;
  private readonly printer: (text: string) => void;
  private readonly store: DataDirectory;
  private https?: Running<HttpsServer> & { settings: SecureSettings };
  private http?: Running<HttpServer>;
  /** Old listeners closing gracefully (port changes, servers turned off). */
  private readonly retiring = new Set<Promise<void>>();
  /** Applies run one at a time, in order; a failure does not stop the next. */
  private queue: Promise<void> = Promise.resolve();
  /** Each server's standing problems as last told, so one is printed when it arises, not after every command. */
  private told: Record<Kind, Set<string>> = { https: new Set(), http: new Set() };
  private basePath?: string;
  private closed = false;
  readonly ca: CaServices;
  /**
   * The device's CRLs, kept until their nextUpdate: one cache for the device, as IOS has, so a
   * CRL outlives the HTTPS server it was fetched for (a port change starts a new one) and
   * `show crypto ca crls` lists it.
   */
  readonly crlCache = new CrlCache();

  private constructor(
    private readonly options: RouterOptions,
    readonly keys: KeyRing,
    store: DataDirectory,
  ) {
    this.policy = new ServerPolicy({ ...policyOptionsOf(this.config, this.decoy), limit: options.shared?.limit });
    this.bind = options.bind ?? '0.0.0.0';
    this.printer = options.print ?? (() => {});
    this.store = store;
    this.ca = {
      transport: (tp) => httpScepTransport(tp.enrollmentUrl ?? '', { proxy: tp.httpProxy }),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: () => options.now?.() ?? new Date(),
      ...options.ca,
    };
  }

  /** Opens the data directory and loads its keys; the configuration starts as IOS's defaults and no server runs until apply(). */
  static async open(options: RouterOptions): Promise<Router> {
    const store = new DataDirectory(options.dataDir);
    const keys = await store.loadKeyRing();
    return new Router(options, keys, store);
  }

  print(text: string): void {
    this.printer(text);
  }

  async generateKeys(options: { usageKeys: boolean; modulus: number }): Promise<void> {
    const name = fqdn(this.config);
    const now = this.options.now?.();
    const pairs = generateKeyPairs(name, { usageKeys: options.usageKeys, modulus: options.modulus, now });
    const certs = selfSignedCertificates(pairs, name, now);
    // The device certificates certify the old keys and go with them; the CA certificates of the trustpoints stay.
    this.keys.keys = pairs;
    this.keys.certificates = [...this.keys.certificates.filter((c) => c.usage === 'ca'), ...certs];
    await this.serialize(() => this.reconcileSecure());
  }

  save(): Promise<void> {
    return this.store.save(renderConfig(this.config, this.keys), this.keys);
  }

  /**
   * Keys and certificates only, for a device whose configuration comes from a file that is
   * the user's (`ssl3 serve --config`): the startup-config in the data directory is left as
   * it is, and a generated identity survives a restart.
   */
  async saveKeys(): Promise<void> {
    await this.store.save(undefined, this.keys);
  }

  readStartupConfig(): Promise<string | undefined> {
    return this.store.readStartupConfig();
  }

  writeFlash(name: string, data: Uint8Array): Promise<string> {
    return this.store.writeFlashFile(name, data);
  }

  apply(): Promise<void> {
    return this.serialize(async () => {
      this.policy.update(policyOptionsOf(this.config, this.decoy));
      this.basePath = this.config.http.path;
      await this.reconcileSecure();
      await this.reconcilePlain();
    });
  }

  /** The shared policy's counters (both servers), for `show ip http server ...`, and the CRLs held now. */
  status(): RuntimeStatus {
    return { connections: { ...this.policy.counters }, crls: this.crlCache.list(this.ca.now().getTime()) };
  }

  /** Where the running servers listen. */
  addresses(): RouterAddresses {
    return {
      https: this.https?.server.address() as AddressInfo | undefined,
      http: this.http?.server.address() as AddressInfo | undefined,
    };
  }

  /** Stops both servers gracefully (requests in flight finish, SSL connections get close_notify). */
  async close(): Promise<void> {
    // Applies queued from now on start nothing; one under way finishes first.
    this.closed = true;
    await this.queue;
    if (this.https) this.retire(this.https.server);
    if (this.http) this.retire(this.http.server);
    this.https = undefined;
    this.http = undefined;
    await Promise.all([...this.retiring]);
  }

  /** Runs `step` after the steps before it; errors become a `%` line, never an exception out of the console. */
  private serialize(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.closed) return;
      try {
        await step();
      } catch (e) {
        this.print(`% ${(e as Error).message}\n`);
      }
    });
    this.queue = run;
    return run;
  }

  /**
   * Starts a new round of a server's standing problems (a port that cannot be opened, a
   * trustpoint without a certificate): the returned function prints a `%` line only if the
   * previous round did not, so a problem is told when it arises, and again if it comes back.
   */
  private notes(kind: Kind): (line: string) => void {
    const before = this.told[kind];
    const now = new Set<string>();
    this.told[kind] = now;
    return (line) => {
      if (!before.has(line)) this.print(`${line}\n`);
      now.add(line);
    };
  }

  private readonly handler: RequestHandler = (req: IncomingMessage, res: ServerResponse) => {
    const base = this.basePath;
    if (base === undefined) {
      statusPage(req, res);
      return;
    }
    serveStatic(base, req, res).catch((e: NodeJS.ErrnoException) => {
      // The base directory itself is missing or unreadable: nothing under it can be served.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const missing = e.code === 'ENOENT' || e.code === 'ENOTDIR';
      const body = missing ? 'Not Found\n' : 'Internal Server Error\n';
      res.writeHead(missing ? 404 : 500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  };

  /** The HTTPS server follows `ip http secure-server`, `secure-port`, the suites, the identity and client authentication. */
  private async reconcileSecure(): Promise<void> {
    const http = this.config.http;
    const tell = this.notes('https');
    if (!http.secureServer) {
      if (this.https) this.retire(this.https.server);
      this.https = undefined;
      return;
    }
    const settings = this.secureSettings(tell);
    if (!settings) return;
    const running = this.https;
    if (running && running.port === http.securePort) {
      const ssl = running.server.ssl;
      const before = running.settings;
      if (before.suites.join() !== settings.suites.join()) ssl.setSuites(settings.suites);
      if (before.key !== settings.key || !sameCerts(before.chain, settings.chain)) ssl.setIdentity(identityOf(settings));
      const a = before.clientAuth;
      const b = settings.clientAuth;
      const sameRevocation = a.revocation?.mode === b.revocation?.mode && a.revocation?.queryUrl === b.revocation?.queryUrl;
      if (a.requestCert !== b.requestCert || a.requireCert !== b.requireCert || !sameCerts(a.ca, b.ca) || !sameRevocation) ssl.setClientAuth(this.clientAuthOptions(b));
      running.settings = settings;
      return;
    }
    const server = new HttpsServer(
      {
        ...identityOf(settings),
        ciphers: settings.suites,
        ...this.clientAuthOptions(settings.clientAuth),
        trace: this.options.trace,
        pcap: this.options.pcap,
        policy: this.policy,
        sessionCache: this.options.shared?.sessionCache,
        rsaThreads: this.options.rsaThreads,
      },
      this.handler,
    );
    const keylog = this.options.keylog;
    if (keylog) server.ssl.on('keylog', (line: Buffer) => keylog(line));
    if (!(await this.listen(server, 'https', http.securePort, tell))) return;
    if (running) this.retire(running.server);
    this.https = { server, port: http.securePort, settings };
  }

  /** The plain HTTP server follows `ip http server` and `ip http port`. */
  private async reconcilePlain(): Promise<void> {
    const http = this.config.http;
    const tell = this.notes('http');
    if (!http.server) {
      if (this.http) this.retire(this.http.server);
      this.http = undefined;
      return;
    }
    const running = this.http;
    if (running && running.port === http.port) return;
    const server = new HttpServer({ policy: this.policy }, this.handler);
    if (!(await this.listen(server, 'http', http.port, tell))) return;
    if (running) this.retire(running.server);
    this.http = { server, port: http.port };
  }

  /**
   * What the HTTPS server should run with now, generating the self-signed identity when the
   * device has none; undefined (told on a `%` line) when there is no identity to serve with.
   */
  private secureSettings(tell: (line: string) => void): SecureSettings | undefined {
    const http = this.config.http;
    const name = fqdn(this.config);
    const modulus = this.options.selfSignedModulus ?? DEFAULT_MODULUS;
    if (!this.keys.keys.length) this.print(`% Generating ${modulus} bit RSA keys for the self-signed certificate of ${name}...\n`);
    ensureDeviceIdentity(this.keys, name, modulus);
    const tp = http.secureTrustpoint;
    let id = serverIdentity(this.keys, tp);
    if (tp !== undefined && id?.trustpoint !== tp) {
      tell(`% Warning: ip http secure-trustpoint ${tp}: no certificate enrolled for it (crypto ca enrollment ${tp}); the self-signed certificate is used`);
      id ??= serverIdentity(this.keys);
    }
    if (!id) {
      tell('% The HTTPS server has no key and certificate to serve with (crypto key generate rsa)');
      return undefined;
    }
    const clientAuth = clientAuthOf(this.config, this.keys);
    if (clientAuth.warning) tell(`% Warning: ${clientAuth.warning}`);
    return { key: id.key, chain: id.chain, suites: serverSuites(http).map((s) => s.iosKeyword), clientAuth };
  }

  /** Opens the port; a failure is one `%` line naming address, port and reason, and false. */
  private async listen(server: PolicyServer, kind: Kind, port: number, tell: (line: string) => void): Promise<boolean> {
    try {
      await server.listen(port, this.bind);
      return true;
    } catch (e) {
      void server.close(0);
      const what = kind === 'https' ? 'HTTPS server (ip http secure-port)' : 'HTTP server (ip http port)';
      tell(`% Cannot listen on ${this.bind}:${port} for the ${what}: ${listenReason(e)}; will retry`);
      return false;
    }
  }

  /** The SSL server's client authentication; a trustpoint's CRLs are fetched over http:// and ldap:// (crl-fetch.ts) into the device's cache. */
  private clientAuthOptions(c: ClientAuthSettings): ClientAuthOptions {
    const revocation = c.revocation && { ...c.revocation, fetch: fetchCrl, cache: this.crlCache };
    return { requestCert: c.requestCert, requireCert: c.requireCert, ca: c.ca.map((x) => x.raw), ...(revocation ? { revocation } : {}) };
  }

  /** Closes a server gracefully in the background; close() waits for it. */
  private retire(server: PolicyServer): void {
    const done: Promise<void> = server.close().finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }
}

function identityOf(s: SecureSettings): { key: RsaPrivateKey; cert: Uint8Array[] } {
  return { key: s.key, cert: s.chain.map((c) => c.raw) };
}
