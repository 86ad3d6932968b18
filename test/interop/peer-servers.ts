/**
 * Three independent SSL 3.0 servers on 127.0.0.1 for the harness and `ssl3 check` tests: ours
 * (createServer, answering one HTTP request per connection), NSS selfserv (its HTTP echo page)
 * and OpenJDK's JSSE (test/interop/java/Ssl3Peer.java), each with every suite it has under
 * SSL 3.0 enabled and the same RSA-2048 identity for localhost. A peer that is missing is
 * skipped with a message (or fails the run under SSL3_REQUIRE_PEERS=1), as elsewhere.
 */
import { makeIdentity, P12_PASSWORD, type IdentityFiles } from '../helpers/identity.js';
import { SUITES, findTools, makeNssDb, nssImportP12, startHttpServer, startSelfserv } from './nss-helpers.js';
import { JSSE_SUITES, compilePeer, findJavaTools, startJavaServer } from './jsse-helpers.js';

export type PeerName = 'ours' | 'selfserv' | 'jsse';

export interface PeerServer {
  readonly name: PeerName;
  readonly port: number;
  /** IOS keywords of the suites it has enabled. */
  readonly suites: readonly string[];
  /** For assertion messages: what the server printed. */
  output(): string;
  stop(): Promise<void>;
}

/** Which peers the environment has (findTools/findJavaTools say what is missing). */
export function availablePeers(): { selfserv: boolean; jsse: boolean } {
  const nss = findTools({ selfserv: 'libnss3-tools', certutil: 'libnss3-tools', pk12util: 'libnss3-tools', openssl: 'openssl' });
  return { selfserv: !!nss, jsse: !!findJavaTools() };
}

/** The identity every server here presents (made once per test file). */
export function serverIdentity(): IdentityFiles {
  const openssl = findTools({ openssl: 'openssl' })?.openssl;
  return makeIdentity('localhost', 2048, openssl);
}

export async function startOurs(id: IdentityFiles): Promise<PeerServer> {
  const server = await startHttpServer({ key: id.keyPem, cert: id.certPem, ciphers: SUITES.map((s) => s.keyword) });
  return {
    name: 'ours',
    port: server.port,
    suites: SUITES.map((s) => s.keyword),
    output: () => server.errors.map((e) => e.message).join('\n'),
    stop: () => server.close(),
  };
}

/** Which suites a peer enables (IOS keywords, in its order; default every suite it has under SSL 3.0), and, for JSSE, whose order decides. */
export interface PeerSuites {
  readonly suites?: readonly string[];
  /** JSSE: the client's order decides instead of the server's (SSLParameters.setUseCipherSuitesOrder(false)). */
  readonly clientOrder?: boolean;
}

/** The rows of `table` for `keywords`, in that order (all of them without). */
function pick<T extends { keyword: string }>(table: readonly T[], keywords: readonly string[] | undefined): T[] {
  return keywords ? keywords.map((k) => table.find((row) => row.keyword === k) ?? missingSuite(k)) : [...table];
}

function missingSuite(keyword: string): never {
  throw new Error(`no peer suite ${keyword}`);
}

export async function startSelfservPeer(id: IdentityFiles, options: PeerSuites = {}): Promise<PeerServer> {
  const t = findTools({ selfserv: 'libnss3-tools', certutil: 'libnss3-tools', pk12util: 'libnss3-tools' })!;
  const db = makeNssDb(t.certutil, 'harness-selfserv');
  nssImportP12(t.pk12util, db, id.p12File!, P12_PASSWORD);
  const suites = pick(SUITES, options.suites);
  const s = await startSelfserv(t.selfserv, ['-d', db, '-n', 'localhost', '-V', 'ssl3:ssl3', '-c', suites.map((x) => x.nss).join(''), '-v']);
  return { name: 'selfserv', port: s.port, suites: suites.map((x) => x.keyword), output: () => s.daemon.output.slice(-3000), stop: () => s.daemon.stop() };
}

export async function startJssePeer(id: IdentityFiles, options: PeerSuites & { lifetimeMs?: number } = {}): Promise<PeerServer> {
  const tools = findJavaTools()!;
  const classpath = compilePeer(tools);
  const suites = pick(JSSE_SUITES, options.suites);
  const args = ['--keystore', id.p12File!, '--storepass', P12_PASSWORD, '--suites', suites.map((s) => s.jsse).join(',')];
  if (options.clientOrder) args.push('--client-order');
  if (options.lifetimeMs) args.push('--lifetime-ms', String(options.lifetimeMs));
  // Resumption of SSL 3.0 sessions needs extended master secret off (docs/interop.md).
  const { peer, port } = await startJavaServer(tools, classpath, args, ['-Djdk.tls.useExtendedMasterSecret=false']);
  return { name: 'jsse', port, suites: suites.map((s) => s.keyword), output: () => peer.describe(), stop: () => peer.stop() };
}
