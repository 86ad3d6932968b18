/**
 * What `crypto ca authenticate` and `crypto ca enrollment` do once their questions are
 * answered (the feature guide's steps 12 and 13, docs/ios-configuration.md): fetch the CA's
 * certificate over SCEP (RFC 8894 section 4.2), and request a certificate for each RSA key
 * pair (section 4.3), printing IOS's progress lines while the CA answers.
 *
 * A request is all or nothing: with usage keys both certificates must be issued before either
 * is kept, and nothing in the running configuration or the key ring changes on a failure.
 */
import type { Certificate, KeyUsage as CertKeyUsage } from '../pki/certificate.js';
import { DIGESTS } from '../pki/digests.js';
import { enroll, fetchCaCaps, fetchCaCertificates } from '../pki/scep-client.js';
import type { CaCertificates } from '../pki/scep.js';
import { rsaSignatureValid } from '../pki/rsa-signature.js';
import { keyIdentifier, parseNameString, type NameInput } from '../pki/x509-build.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { Ssl3Error } from '../util/errors.js';
import { CommandError, type ConfigContext } from './context.js';
import { iosFingerprint } from './show.js';
import { ENROLL_RETRY_COUNT, ENROLL_RETRY_PERIOD_MINUTES, fqdn, type CertificateRecord, type KeyPairRecord, type KeyUsage, type Trustpoint } from './model.js';

const MINUTE_MS = 60_000;

/** The trustpoint `name`, or the one-line error IOS users expect when it is not declared. */
export function trustpointNamed(ctx: ConfigContext, name: string): Trustpoint {
  const tp = ctx.config.trustpoints.get(name);
  if (!tp) throw new CommandError(`% Trustpoint ${name} is not defined; declare it with crypto ca trustpoint ${name}.`);
  return tp;
}

function enrollmentUrlOf(tp: Trustpoint): string {
  if (tp.enrollmentUrl === undefined) throw new CommandError(`% Trustpoint ${tp.name} has no enrollment URL; set one in its mode with enrollment url http://ca-host[:port][/path].`);
  return tp.enrollmentUrl;
}

function reason(e: unknown): string {
  if (e instanceof Ssl3Error) return e.message;
  throw e;
}

/** GetCACert for the trustpoint (IOS sends the trustpoint's name as the CA identifier). */
export async function fetchTrustpointCa(ctx: ConfigContext, tp: Trustpoint): Promise<CaCertificates> {
  enrollmentUrlOf(tp);
  try {
    return await fetchCaCertificates(ctx.ca.transport(tp), tp.name);
  } catch (e) {
    throw new CommandError(`% Error in receiving Certificate Authority certificate: ${reason(e)}`);
  }
}

/** The lines `crypto ca authenticate` shows before asking. */
export function fingerprintLines(cert: Certificate): string {
  return `Certificate has the following attributes:\n       Fingerprint MD5: ${iosFingerprint(DIGESTS.md5(cert.raw))}\n      Fingerprint SHA1: ${iosFingerprint(DIGESTS.sha1(cert.raw))}\n`;
}

/** Keeps the accepted CA certificate (and any above it) as the trustpoint's, replacing what it had. */
export function storeCaCertificates(ctx: ConfigContext, tp: Trustpoint, ca: CaCertificates): void {
  const others = ctx.keys.certificates.filter((c) => !(c.trustpoint === tp.name && c.usage === 'ca'));
  ctx.keys.certificates = [...others, ...[ca.ca, ...ca.chain].map((certificate): CertificateRecord => ({ trustpoint: tp.name, usage: 'ca', certificate }))];
}

/** The trustpoint's authenticated CA certificate, if `crypto ca authenticate` stored one. */
export function trustpointCa(ctx: ConfigContext, tp: Trustpoint): Certificate | undefined {
  return ctx.keys.certificates.find((c) => c.trustpoint === tp.name && c.usage === 'ca')?.certificate;
}

/** Device certificates enrolled with the trustpoint. */
export function enrolledCertificates(ctx: ConfigContext, tp: Trustpoint): CertificateRecord[] {
  return ctx.keys.certificates.filter((c) => c.trustpoint === tp.name && c.usage !== 'ca');
}

/**
 * The device's serial number for `Include the router serial number`: software has no chassis
 * number, so ours is the first 32 bits of the RSA key's identifier, which stays the same for
 * as long as the key does.
 */
export function deviceSerialNumber(keys: readonly KeyPairRecord[]): string {
  const key = keys.find((k) => k.usage !== 'encryption') ?? keys[0];
  return key ? toHex(keyIdentifier(key.key).subarray(0, 4)).toUpperCase() : '00000000';
}

export interface EnrollmentAnswers {
  readonly challengePassword: string;
  readonly includeSerial: boolean;
  readonly ipAddress?: string;
}

/**
 * The requested subject, in IOS's order: `subject-name` when set, then the FQDN as
 * unstructuredName (`hostname=` in IOS's listing) and, asked for, serialNumber and
 * unstructuredAddress. A commonName with the FQDN comes first when there is no subject-name:
 * IOS leaves it out, but CAs that keep only the attributes they know (Go's, for one) would
 * otherwise issue a certificate with an empty subject.
 */
export function requestSubject(ctx: ConfigContext, tp: Trustpoint, answers: EnrollmentAnswers): NameInput {
  const name = fqdn(ctx.config);
  const pairs: [string, string][] = [];
  if (tp.subjectName !== undefined) {
    for (const rdn of parseNameString(tp.subjectName)) for (const [t, v] of rdn) if (typeof v === 'string') pairs.push([t, v]);
  } else {
    pairs.push(['CN', name]);
  }
  pairs.push(['unstructuredName', name]);
  if (answers.includeSerial) pairs.push(['serialNumber', deviceSerialNumber(ctx.keys.keys)]);
  if (answers.ipAddress !== undefined) pairs.push(['unstructuredAddress', answers.ipAddress]);
  return pairs;
}

/** What each pair's certificate is asked to allow: SSL's RSA key exchange needs keyEncipherment, client authentication digitalSignature. */
const REQUESTED_USAGE: Readonly<Record<KeyUsage, CertKeyUsage[]>> = {
  general: ['digitalSignature', 'keyEncipherment'],
  signature: ['digitalSignature'],
  encryption: ['keyEncipherment'],
};

/** A `%` warning when the issued certificate cannot do what its pair is for, in the eyes of clients that check usages (NSS, Java). */
function usageWarning(cert: Certificate, usage: KeyUsage): string | undefined {
  const problems: string[] = [];
  if (usage !== 'signature') {
    if (cert.keyUsage && !cert.keyUsage.has('keyEncipherment')) problems.push('its keyUsage lacks keyEncipherment');
    if (cert.extendedKeyUsage && !cert.extendedKeyUsage.includes('1.3.6.1.5.5.7.3.1')) problems.push('its extendedKeyUsage lacks serverAuth');
  }
  if (!problems.length) return undefined;
  return `% Warning: the CA issued a certificate that SSL clients checking key usage will refuse for ip http secure-server: ${problems.join(' and ')}.\n`;
}

function issuedBy(cert: Certificate, ca: Certificate): boolean {
  const key = ca.publicKey.rsa;
  return key !== undefined && cert.signatureAlgorithm.hash !== undefined && bytesEqual(cert.issuer.raw, ca.subject.raw) && rsaSignatureValid(key, cert.signatureAlgorithm.hash, cert.tbsRaw, cert.signature);
}

/**
 * Requests a certificate for each key pair, prints IOS's progress lines, and keeps the
 * certificates when all were issued. Throws CommandError with one line on any failure.
 */
export async function enrollTrustpoint(ctx: ConfigContext, tp: Trustpoint, answers: EnrollmentAnswers): Promise<void> {
  const caCert = trustpointCa(ctx, tp);
  if (!caCert) throw new CommandError('% You must authenticate the Certificate Authority before you can enroll with it.');
  enrollmentUrlOf(tp);
  const transport = ctx.ca.transport(tp);
  let ca: CaCertificates;
  let caps;
  try {
    caps = await fetchCaCaps(transport);
    ca = await fetchCaCertificates(transport, tp.name);
  } catch (e) {
    throw new CommandError(`% Certificate enrollment failed: ${reason(e)}`);
  }
  // The RA certificates come fresh with each enrollment; the CA must be the one the user accepted.
  if (!bytesEqual(ca.ca.raw, caCert.raw)) throw new CommandError(`% Certificate enrollment failed: the CA now sends another certificate than the one accepted; run crypto ca authenticate ${tp.name} again.`);

  const subject = requestSubject(ctx, tp, answers);
  const intervalMs = (tp.retryPeriod ?? ENROLL_RETRY_PERIOD_MINUTES) * MINUTE_MS;
  const maxPolls = tp.retryCount ?? ENROLL_RETRY_COUNT;
  const issued: CertificateRecord[] = [];
  for (const pair of ctx.keys.keys) {
    let result;
    try {
      result = await enroll({
        transport,
        ca,
        caps,
        key: pair.key,
        subject,
        challengePassword: answers.challengePassword,
        subjectAltName: { dns: [fqdn(ctx.config)], ip: answers.ipAddress !== undefined ? [answers.ipAddress] : [] },
        keyUsage: REQUESTED_USAGE[pair.usage],
        poll: { intervalMs, maxPolls },
        sleep: (ms) => ctx.ca.sleep(ms),
        now: () => ctx.ca.now(),
        onEvent: (e) => {
          if (e.kind === 'request') {
            ctx.print(`CRYPTO_PKI:  Certificate Request Fingerprint MD5: ${iosFingerprint(e.md5)}\nCRYPTO_PKI:  Certificate Request Fingerprint SHA1: ${iosFingerprint(e.sha1)}\n`);
          } else if (e.kind === 'pending') {
            ctx.print(`%PKI-6-CERTPENDING: Enrollment pending at the CA; polling again in ${Math.round(intervalMs / 1000)} seconds (${e.attempt} of ${maxPolls})\n`);
          }
        },
      });
    } catch (e) {
      throw new CommandError(`% Certificate enrollment failed: ${reason(e)}`);
    }
    if (result.status === 'failed') throw new CommandError(`%PKI-6-CERTREJECT: Certificate enrollment request was rejected by Certificate Authority: ${result.reason}`);
    if (result.status === 'pending') {
      throw new CommandError(`% Certificate enrollment still pending at the CA after ${result.polls} polls; nothing was stored. Run crypto ca enrollment ${tp.name} again once the CA has approved it.`);
    }
    if (!issuedBy(result.certificate, caCert)) throw new CommandError(`% Certificate enrollment failed: the certificate received is not signed by trustpoint ${tp.name}'s CA.`);
    ctx.print('%PKI-6-CERTRET: Certificate received from Certificate Authority\n');
    const warning = usageWarning(result.certificate, pair.usage);
    if (warning) ctx.print(warning);
    issued.push({ trustpoint: tp.name, usage: pair.usage, certificate: result.certificate });
  }
  // The trustpoint's earlier device certificates give way to the new ones; its CA certificates stay.
  ctx.keys.certificates = [...ctx.keys.certificates.filter((c) => c.trustpoint !== tp.name || c.usage === 'ca'), ...issued];
}
