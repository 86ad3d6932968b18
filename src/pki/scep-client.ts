/**
 * A SCEP client's exchanges (RFC 8894 section 4): GetCACaps, GetCACert, and enrollment with
 * PKCSReq followed, while the CA answers PENDING, by CertPoll at an interval (section 3.3.3,
 * "manual enrolment"). The transport (HTTP GET/POST, through a proxy or not), the clock and
 * the waiting are given by the caller, so this file stays free of I/O.
 */
import type { Certificate } from './certificate.js';
import type { KeyAndCertificate } from './cms.js';
import { DIGESTS } from './digests.js';
import { encodeSubjectPublicKeyInfo } from './keys.js';
import type { KeyUsage } from './certificate.js';
import { buildCertificationRequest } from './pkcs10.js';
import type { RsaPrivateKey } from './rsa-key.js';
import { buildCertPoll, buildPkcsReq, issuedCertificate, parseCaCaps, parseCaCertResponse, readCertRep, ScepError, transactionIdFor, type CaCapabilities, type CaCertificates, type RequestContext, type SentMessage } from './scep.js';
import { buildCertificate, type NameInput, type SubjectAltNameInput } from './x509-build.js';
import { utf8String } from '../util/bytes.js';
import { systemRandom, type RandomSource } from '../util/random.js';

/** What a SCEP server answered: HTTP status already checked (2xx) by the transport. */
export interface ScepResponse {
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** One operation over HTTP (section 4.1): `message` goes in the query for GET, as the body for POST. */
export interface ScepTransport {
  request(operation: string, message: Uint8Array | string | undefined, method: 'GET' | 'POST'): Promise<ScepResponse>;
}

/** GetCACaps; a CA that does not answer it (an old one) has no capabilities, which is not an error. */
export async function fetchCaCaps(transport: ScepTransport): Promise<CaCapabilities> {
  try {
    const res = await transport.request('GetCACaps', undefined, 'GET');
    return parseCaCaps(utf8String(res.body));
  } catch (e) {
    if (e instanceof ScepError && e.code === 'HTTP_STATUS') return parseCaCaps('');
    throw e;
  }
}

/** GetCACert; `identifier` is the CA name some servers use to pick a CA (IOS sends the trustpoint name). */
export async function fetchCaCertificates(transport: ScepTransport, identifier?: string): Promise<CaCertificates> {
  const res = await transport.request('GetCACert', identifier, 'GET');
  return parseCaCertResponse(res.contentType, res.body);
}

export type EnrollEvent =
  | { readonly kind: 'request'; readonly md5: Uint8Array; readonly sha1: Uint8Array; readonly transactionId: string }
  | { readonly kind: 'pending'; readonly attempt: number }
  | { readonly kind: 'issued'; readonly certificate: Certificate };

export interface EnrollOptions {
  readonly transport: ScepTransport;
  /** From fetchCaCertificates, authenticated by the user. */
  readonly ca: CaCertificates;
  readonly caps: CaCapabilities;
  readonly key: RsaPrivateKey;
  readonly subject: NameInput;
  readonly challengePassword?: string;
  readonly subjectAltName?: SubjectAltNameInput;
  readonly keyUsage?: readonly KeyUsage[];
  /** While PENDING: ask again every intervalMs, at most maxPolls times (IOS: every minute, for a long while). */
  readonly poll: { readonly intervalMs: number; readonly maxPolls: number };
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
  readonly random?: RandomSource;
  readonly onEvent?: (event: EnrollEvent) => void;
}

export type EnrollResult =
  | { readonly status: 'issued'; readonly certificate: Certificate; readonly others: readonly Certificate[] }
  | { readonly status: 'failed'; readonly reason: string; readonly failInfo?: string }
  | { readonly status: 'pending'; readonly polls: number; readonly transactionId: string };

const HOUR_MS = 3_600_000;

/**
 * The requester's self-signed certificate (section 2.3): it signs the pkiMessage and receives
 * the CA's envelope. A day of validity either side of now absorbs clock differences.
 */
function transientCertificate(key: RsaPrivateKey, subject: NameInput, now: Date, random: RandomSource): Certificate {
  return buildCertificate({
    subject,
    notBefore: new Date(now.getTime() - 24 * HOUR_MS),
    notAfter: new Date(now.getTime() + 24 * HOUR_MS),
    publicKey: key,
    signingKey: key,
    signatureHash: 'sha256',
    random,
  });
}

/** PKCSReq, then CertPoll while PENDING, until the CA issues, refuses, or the polls run out. */
export async function enroll(opts: EnrollOptions): Promise<EnrollResult> {
  const random = opts.random ?? systemRandom;
  const spki = encodeSubjectPublicKeyInfo({ n: opts.key.n, e: opts.key.e });
  const csr = buildCertificationRequest({
    subject: opts.subject,
    key: opts.key,
    challengePassword: opts.challengePassword,
    subjectAltName: opts.subjectAltName,
    keyUsage: opts.keyUsage,
    random,
  });
  const requester: KeyAndCertificate = { key: opts.key, certificate: transientCertificate(opts.key, opts.subject, opts.now(), random) };
  const ctx: RequestContext = { requester, ca: opts.ca, cipher: opts.caps.cipher, digest: opts.caps.digest, transactionId: transactionIdFor(spki), random };
  const method = opts.caps.postPkiOperation ? 'POST' : 'GET';
  const exchange = async (sent: SentMessage) => readCertRep(ctx, sent, (await opts.transport.request('PKIOperation', sent.der, method)).body);

  opts.onEvent?.({ kind: 'request', md5: DIGESTS.md5(csr), sha1: DIGESTS.sha1(csr), transactionId: ctx.transactionId });
  let rep = await exchange(buildPkcsReq(ctx, csr));
  let polls = 0;
  while (rep.status === 'PENDING') {
    if (polls >= opts.poll.maxPolls) return { status: 'pending', polls, transactionId: ctx.transactionId };
    opts.onEvent?.({ kind: 'pending', attempt: ++polls });
    await opts.sleep(opts.poll.intervalMs);
    rep = await exchange(buildCertPoll(ctx, requester.certificate.subject));
  }
  if (rep.status === 'FAILURE') return { status: 'failed', reason: rep.reason, failInfo: rep.failInfo };
  const certificate = issuedCertificate(rep.certificates, spki);
  if (!certificate) throw new ScepError('BAD_RESPONSE', 'the CA answered SUCCESS, but none of the certificates it sent holds our key');
  opts.onEvent?.({ kind: 'issued', certificate });
  return { status: 'issued', certificate, others: rep.certificates.filter((c) => c !== certificate) };
}
