/**
 * An inventory of what an SSL 3.0 server speaks, from real handshakes (harness conversations
 * as a client): whether it answers SSL 3.0 (RFC 6101), which version it answers TLS-range
 * hellos with and the SSLv2-format hello (Appendix E), each of the eight SSL 3.0 suites of our
 * table offered alone (Appendix A.6, RFC 3268 for AES), whose preference decides and the
 * server's order when it has one (found as nmap's ssl-enum-ciphers finds it: offer what is
 * left, take away its choice), the certificate chain, session resumption (5.6.1.2), RFC 5746
 * secure renegotiation, compression (5.6.1.3), and the weaknesses that follow from what it
 * accepts: POODLE (CBC under SSL 3.0, CVE-2014-3566), RC4 (RFC 7465), 64-bit blocks (SWEET32,
 * CVE-2016-2183), no encryption at all (the NULL suites).
 */
import { CIPHER_SUITES, suiteById, type CipherSuite } from '../../ciphers/suites.js';
import { decodeCertificate, findRenegotiationInfo, HandshakeType } from '../../handshake/messages.js';
import { SSL3_VERSION } from '../../record/content-types.js';
import { formatHostPort } from '../../util/host-port.js';
import { runAgainst, type Target } from '../transport.js';
import type { ConversationResult } from '../runner.js';
import { clientHandshake, clientResumption } from '../scripts.js';
import type { Conversation, Step } from '../steps.js';
import { summarizeCertificate, type CertificateSummary } from './certificate-summary.js';

/** The TLS versions a probe offers, with the names reports use. */
const TLS_VERSIONS = [
  { name: '1.0', version: 0x0301 },
  { name: '1.1', version: 0x0302 },
  { name: '1.2', version: 0x0303 },
] as const;

export interface ProbeReport {
  readonly target: string;
  /** The server completes an SSL 3.0 ServerHello for at least one suite. */
  readonly ssl3: boolean;
  /** For each TLS hello (1.0, 1.1, 1.2): the version of the ServerHello that answered it ("3.0", "3.1"...), or "refused". */
  readonly tls: Readonly<Record<string, string>>;
  /** An SSLv2-format ClientHello is answered with an SSL 3.0 ServerHello. */
  readonly sslv2Hello: boolean;
  /** IOS keywords of the accepted suites: in the server's order when it has one, else in our table's. */
  readonly suites: readonly string[];
  /** IOS keywords of the suites it refused. */
  readonly refused: readonly string[];
  /** Whose order decides; null with fewer than two suites, where nothing can tell. */
  readonly preference: 'server' | 'client' | null;
  /** The leaf certificate, and the whole chain as sent (leaf first). */
  readonly certificate: CertificateSummary | { readonly error: string } | null;
  readonly chain: readonly (CertificateSummary | { readonly error: string })[];
  /** A session of a full handshake is resumed when offered again. */
  readonly resumption: boolean;
  /** The ServerHello answers the RFC 5746 SCSV with renegotiation_info. */
  readonly secureRenegotiation: boolean;
  /** Compression methods it chooses when offered: "null", and "deflate" when it picks DEFLATE (CRIME). */
  readonly compression: readonly string[];
  readonly weaknesses: readonly string[];
}

export interface ProbeOptions {
  /** Seconds each answer may take (default 5). */
  timeoutSeconds?: number;
}

/** The weaknesses the accepted suites (and compression) bring, one line each. */
export function weaknessesOf(suites: readonly CipherSuite[], compression: readonly string[]): string[] {
  const out: string[] = [];
  if (suites.some((s) => s.blockSize > 1)) out.push('POODLE: CBC suites under SSL 3.0 (CVE-2014-3566)');
  if (suites.some((s) => s.cipher === 'rc4')) out.push('RC4: biased keystream (RFC 7465)');
  const small = suites.filter((s) => s.blockSize === 8).map((s) => s.iosKeyword);
  if (small.length) out.push(`64-bit blocks: ${small.join(', ')} (SWEET32, CVE-2016-2183)`);
  if (suites.some((s) => s.cipher === 'null')) out.push('NULL suites: no encryption at all');
  if (compression.includes('deflate')) out.push('compression: CRIME (CVE-2012-4929)');
  return out;
}

/** Probes host:port; never throws for what the server does (an unreachable target has error set by the caller's first conversation). */
export async function probeServer(target: Target, options: ProbeOptions = {}): Promise<ProbeReport> {
  const timeoutMs = (options.timeoutSeconds ?? 5) * 1000;
  const run = (name: string, steps: Step[], suites?: readonly number[], session?: ConversationResult['session']) =>
    runAgainst({ name, role: 'client', steps, suites, timeoutMs } satisfies Conversation, target, { session });
  /** The ServerHello a hello gets, or the conversation's failure. */
  const hello = (name: string, first: Step, suites?: readonly number[]) => run(name, [first, { expect: 'server_hello' }, { expect: 'certificate' }], suites);

  // Each suite alone; the first accepted one's ServerHello and Certificate tell the rest.
  const accepted: CipherSuite[] = [];
  const refused: CipherSuite[] = [];
  let first: ConversationResult | undefined;
  for (const suite of CIPHER_SUITES) {
    const r = await hello(`suite ${suite.iosKeyword}`, { send: 'client_hello' }, [suite.id]);
    const ok = r.passed && r.serverHello?.cipherSuite === suite.id && r.serverHello.version === SSL3_VERSION;
    (ok ? accepted : refused).push(suite);
    if (ok) first ??= r;
  }

  const order = await serverOrder(accepted, run);
  const tls: Record<string, string> = {};
  for (const v of TLS_VERSIONS) {
    const r = await hello(`hello ${v.name}`, { send: 'client_hello', version: v.version });
    tls[v.name] = r.serverHello ? `${r.serverHello.version >> 8}.${r.serverHello.version & 0xff}` : 'refused';
  }
  const v2 = await hello('SSLv2-format hello', { send: 'sslv2_client_hello' });
  const deflate = await hello('compression', { send: 'client_hello', compression: [1, 0] });
  const compression = deflate.serverHello?.compressionMethod === 1 ? ['null', 'deflate'] : ['null'];

  const chain = certificatesOf(first);
  let resumption = false;
  if (accepted.length) {
    // The full handshake ends with close_notify, and the server's answer to it (its own, or
    // the close) is waited for: a server caches the session once its Finished is out, and one
    // that does so on another thread (NSS selfserv) may not have it yet for a hello sent the
    // moment our Finished check passed. Its answer comes after that, whatever the threads.
    const close: Step[] = [{ send: 'alert', alert: 'close_notify' }, { expect: 'alert', alert: 'close_notify', orClose: true }];
    const full = await run('full handshake', [...clientHandshake(), ...close], [accepted[0].id]);
    // The session is there once both Finished verified, whatever the server did with close_notify.
    if (full.session?.id.length) resumption = (await run('resumption', clientResumption(), [accepted[0].id], full.session)).passed;
  }
  let secureRenegotiation = false;
  try {
    secureRenegotiation = !!first?.serverHello && findRenegotiationInfo(first.serverHello.extensions) !== undefined;
  } catch {
    // A malformed renegotiation_info is no support.
  }
  return {
    target: formatHostPort(target.host, target.port),
    ssl3: accepted.length > 0,
    tls,
    sslv2Hello: v2.serverHello?.version === SSL3_VERSION,
    suites: (order.suites ?? accepted).map((s) => s.iosKeyword),
    refused: refused.map((s) => s.iosKeyword),
    preference: order.preference,
    certificate: chain[0] ?? null,
    chain,
    resumption,
    secureRenegotiation,
    compression,
    weaknesses: weaknessesOf(accepted, compression),
  };
}

/** The certificates of a conversation's Certificate message, summarized. */
function certificatesOf(r: ConversationResult | undefined): ReturnType<typeof summarizeCertificate>[] {
  const message = r?.arrivals.find((a) => a.kind === 'handshake' && a.type === HandshakeType.certificate);
  if (message?.kind !== 'handshake') return [];
  try {
    return decodeCertificate(message.body).map(summarizeCertificate);
  } catch (e) {
    return [{ error: `the Certificate message does not decode: ${(e as Error).message}` }];
  }
}

type Run = (name: string, steps: Step[], suites?: readonly number[]) => Promise<ConversationResult>;

/**
 * Whose preference decides, and the server's order: offer every accepted suite in our order
 * and reversed; the same choice both times is the server's preference, and its order is found
 * by offering what is left and taking away its choice each time.
 */
async function serverOrder(accepted: readonly CipherSuite[], run: Run): Promise<{ preference: 'server' | 'client' | null; suites?: CipherSuite[] }> {
  if (accepted.length < 2) return { preference: null };
  const choose = async (offer: readonly CipherSuite[]) => {
    const r = await run('preference', [{ send: 'client_hello' }, { expect: 'server_hello' }], offer.map((s) => s.id));
    return r.serverHello ? suiteById(r.serverHello.cipherSuite) : undefined;
  };
  const forward = await choose(accepted);
  const backward = await choose([...accepted].reverse());
  if (!forward || !backward) return { preference: null };
  if (forward !== backward) return { preference: forward === accepted[0] && backward === accepted.at(-1) ? 'client' : null };
  const order = [forward];
  let left = accepted.filter((s) => s !== forward);
  while (left.length > 1) {
    const next = await choose(left);
    if (!next || !left.includes(next)) break;
    order.push(next);
    left = left.filter((s) => s !== next);
  }
  return { preference: 'server', suites: [...order, ...left] };
}
