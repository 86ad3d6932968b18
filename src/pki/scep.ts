/**
 * SCEP messages (RFC 8894): what the operations return (GetCACaps section 3.5.2, GetCACert
 * section 4.2), and the pkiMessage a client sends (PKCSReq section 3.3.1, CertPoll section
 * 3.3.3) and the CertRep it gets back (section 3.3.2). A pkiMessage is a CMS SignedData
 * (section 3.2) signed with the requester's certificate, whose content is an EnvelopedData
 * (section 3.2.2) to the CA or RA, with the SCEP attributes of section 3.2.1 signed with it.
 *
 * Pure: no I/O and no clock; scep-client.ts runs the exchanges over a transport it is given.
 */
import type { Certificate, DistinguishedName } from './certificate.js';
import { buildEnvelopedData, buildSignedData, openEnvelopedData, parseSignedData, readCertificatesOnly, signerMatches, signerVerifies, CmsError, type KeyAndCertificate } from './cms.js';
import type { ContentCipherName } from './content-cipher.js';
import { der, Tag, type Tlv } from './der.js';
import type { DigestName } from './digests.js';
import { OID } from './oid.js';
import { pemDecode, isPem } from './pem.js';
import { parseCertificate } from './x509.js';
import { namesEqual } from './verify.js';
import { rsaSignatureValid } from './rsa-signature.js';
import { asciiBytes, bytesEqual, toHex, utf8String } from '../util/bytes.js';
import { Ssl3Error } from '../util/errors.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { DIGESTS } from './digests.js';

/** A SCEP exchange that went wrong on the CA's side or on the wire: one sentence for the user. */
export class ScepError extends Ssl3Error {}

/** messageType values (section 3.2.1.2). */
export const MessageType = {
  CertRep: 3,
  RenewalReq: 17,
  PKCSReq: 19,
  CertPoll: 20,
  GetCert: 21,
  GetCRL: 22,
} as const;

/** pkiStatus values (section 3.2.1.3). */
export const PKI_STATUS = { '0': 'SUCCESS', '2': 'FAILURE', '3': 'PENDING' } as const;

/** failInfo values (section 3.2.1.4), with what each means to the user. */
export const FAIL_INFO: Readonly<Record<string, { name: string; text: string }>> = {
  '0': { name: 'badAlg', text: 'unrecognized or unsupported algorithm' },
  '1': { name: 'badMessageCheck', text: 'integrity check (signature) failed' },
  '2': { name: 'badRequest', text: 'transaction not permitted or supported (a wrong challenge password, or a request the CA\'s policy refuses)' },
  '3': { name: 'badTime', text: 'the message time was not close enough to the CA\'s time' },
  '4': { name: 'badCertId', text: 'no certificate could be identified matching the criteria' },
};

/** id-scep-failInfoText (RFC 8894 section 3.2.1.4): a free-text reason some CAs add. */
const FAIL_INFO_TEXT_OID = '1.3.6.1.5.5.7.24.1';

// ---------------------------------------------------------------------------------------------
// GetCACaps (section 3.5.2)

export interface CaCapabilities {
  /** The keywords as the CA sent them, one per line. */
  readonly keywords: readonly string[];
  readonly postPkiOperation: boolean;
  readonly renewal: boolean;
  readonly getNextCaCert: boolean;
  /** The strongest content cipher both sides have. */
  readonly cipher: ContentCipherName;
  /** The strongest digest both sides have. */
  readonly digest: DigestName;
}

/**
 * Reads a GetCACaps answer and picks the strongest cipher and digest the CA names. A CA that
 * names none (or predates GetCACaps and answers nothing) gets SCEP's original algorithms,
 * single DES and MD5, since those are all such a CA is sure to take.
 */
export function parseCaCaps(text: string): CaCapabilities {
  const keywords = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const has = (k: string) => keywords.some((w) => w.toLowerCase() === k.toLowerCase());
  const standard = has('SCEPStandard'); // section 3.5.2: implies AES, POSTPKIOperation and SHA-256
  const digest: DigestName = has('SHA-512') ? 'sha512' : has('SHA-256') || standard ? 'sha256' : has('SHA-1') ? 'sha1' : 'md5';
  const cipher: ContentCipherName = has('AES') || standard ? 'aes-128-cbc' : has('DES3') ? 'des-ede3-cbc' : 'des-cbc';
  return { keywords, postPkiOperation: has('POSTPKIOperation') || standard, renewal: has('Renewal'), getNextCaCert: has('GetNextCACert'), cipher, digest };
}

// ---------------------------------------------------------------------------------------------
// GetCACert (section 4.2)

export interface CaCertificates {
  /** The CA certificate: what `crypto ca authenticate` shows and stores. */
  readonly ca: Certificate;
  /** Further CA certificates of the chain above `ca` (a subordinate CA's issuers). */
  readonly chain: readonly Certificate[];
  /** The certificate request envelopes are encrypted to: the RA's encryption certificate, else the CA. */
  readonly recipient: Certificate;
  /** Certificates whose signature on a CertRep is accepted: the CA and its RA(s). */
  readonly signers: readonly Certificate[];
}

function isCa(c: Certificate): boolean {
  return c.basicConstraints?.ca === true || (c.basicConstraints === undefined && namesEqual(c.subject, c.issuer));
}

/**
 * Reads a GetCACert answer: `application/x-x509-ca-cert` is one DER (some CAs send PEM)
 * certificate; `application/x-x509-ca-ra-cert` is a degenerate SignedData with the RA's
 * certificate(s) and the CA's (section 4.2.1.2). The content type decides, with the body's
 * own form as a fallback for CAs that label it wrongly.
 */
export function parseCaCertResponse(contentType: string, body: Uint8Array): CaCertificates {
  let certs: Certificate[];
  try {
    if (isPem(body)) certs = pemDecode(body).filter((b) => b.label === 'CERTIFICATE').map((b) => parseCertificate(b.der));
    else if (/x-x509-ca-ra-cert/i.test(contentType) || /pkcs7/i.test(contentType)) certs = readCertificatesOnly(body);
    else {
      try {
        certs = [parseCertificate(body)];
      } catch {
        certs = readCertificatesOnly(body);
      }
    }
  } catch (e) {
    if (e instanceof Ssl3Error) throw new ScepError('BAD_RESPONSE', `the CA's GetCACert answer is not a certificate or a PKCS #7 of certificates (${contentType || 'no content type'}): ${e.message}`);
    throw e;
  }
  if (!certs.length) throw new ScepError('BAD_RESPONSE', "the CA's GetCACert answer holds no certificate");
  if (certs.length === 1) return { ca: certs[0], chain: [], recipient: certs[0], signers: certs };
  const cas = certs.filter(isCa);
  const ras = certs.filter((c) => !isCa(c));
  // The issuing CA is the one the RA certificates name as issuer; else the lowest CA in the chain.
  const ca = cas.find((c) => ras.some((r) => namesEqual(r.issuer, c.subject))) ?? cas.find((c) => !cas.some((o) => o !== c && namesEqual(o.issuer, c.subject))) ?? cas[0];
  if (!ca) throw new ScepError('BAD_RESPONSE', "the CA's GetCACert answer holds RA certificates but no CA certificate");
  // The RA speaks for the CA only with the CA's signature on its certificate; the user accepts the CA's fingerprint, not the RA's.
  for (const ra of ras) {
    const key = ca.publicKey.rsa;
    if (!key || ra.signatureAlgorithm.hash === undefined || !namesEqual(ra.issuer, ca.subject) || !rsaSignatureValid(key, ra.signatureAlgorithm.hash, ra.tbsRaw, ra.signature)) {
      throw new ScepError('BAD_RESPONSE', "the CA's GetCACert answer holds an RA certificate that the CA did not sign");
    }
  }
  const chain = cas.filter((c) => c !== ca);
  const encryptor = ras.find((r) => r.keyUsage?.has('keyEncipherment')) ?? ras.find((r) => !r.keyUsage) ?? ras[0] ?? ca;
  return { ca, chain, recipient: encryptor, signers: [ca, ...ras] };
}

// ---------------------------------------------------------------------------------------------
// pkiMessage (section 3.2)

export interface RequestContext {
  /** The requester's signing identity: the key being enrolled and its self-signed certificate (section 2.3). */
  readonly requester: KeyAndCertificate;
  readonly ca: CaCertificates;
  readonly cipher: ContentCipherName;
  readonly digest: DigestName;
  readonly transactionId: string;
  readonly random?: RandomSource;
}

export interface SentMessage {
  readonly der: Uint8Array;
  readonly senderNonce: Uint8Array;
}

/** transactionID (section 3.2.1.1): the hex SHA-256 of the request's public key, the same for every message of one enrollment. */
export function transactionIdFor(publicKeyInfo: Uint8Array): string {
  return toHex(DIGESTS.sha256(publicKeyInfo)).toUpperCase();
}

function printable(s: string): Uint8Array {
  return der.tlv(Tag.PRINTABLE_STRING, asciiBytes(s));
}

function pkiMessage(ctx: RequestContext, type: number, content: Uint8Array): SentMessage {
  const random = ctx.random ?? systemRandom;
  const senderNonce = random(16);
  const envelope = buildEnvelopedData({ content, recipient: ctx.ca.recipient, cipher: ctx.cipher, random });
  const message = buildSignedData({
    content: envelope,
    signer: ctx.requester,
    digest: ctx.digest,
    attributes: [
      { oid: OID.scepTransactionId, values: [printable(ctx.transactionId)] },
      { oid: OID.scepMessageType, values: [printable(String(type))] },
      { oid: OID.scepSenderNonce, values: [der.octetString(senderNonce)] },
    ],
    random,
  });
  return { der: message, senderNonce };
}

/** PKCSReq (section 3.3.1): the PKCS #10 request, enveloped to the CA and signed. */
export function buildPkcsReq(ctx: RequestContext, csr: Uint8Array): SentMessage {
  return pkiMessage(ctx, MessageType.PKCSReq, csr);
}

/** CertPoll, once GetCertInitial (section 3.3.3): asks again about a PENDING request by issuer and subject. */
export function buildCertPoll(ctx: RequestContext, subject: DistinguishedName): SentMessage {
  return pkiMessage(ctx, MessageType.CertPoll, der.sequence(ctx.ca.ca.subject.raw, subject.raw));
}

export type CertRep =
  | { readonly status: 'SUCCESS'; readonly certificates: readonly Certificate[] }
  | { readonly status: 'FAILURE'; readonly failInfo?: string; readonly reason: string }
  | { readonly status: 'PENDING' };

function attributeText(values: readonly Tlv[] | undefined, what: string): string {
  if (values?.length !== 1) throw new ScepError('BAD_RESPONSE', `CertRep: the ${what} attribute is missing`);
  return utf8String(values[0].value);
}

/**
 * Checks and opens a CertRep (section 3.3.2): signed by the CA or its RA, for our transaction,
 * answering our nonce; on SUCCESS the issued certificates, decrypted with the requester's key.
 */
export function readCertRep(ctx: RequestContext, sent: SentMessage, body: Uint8Array): CertRep {
  let sd;
  try {
    sd = parseSignedData(body);
  } catch (e) {
    if (e instanceof CmsError) throw new ScepError('BAD_RESPONSE', `the CA's reply is not a SCEP CertRep: ${e.message}`);
    throw e;
  }
  const signer = sd.signers[0];
  if (!signer || sd.signers.length !== 1) throw new ScepError('BAD_RESPONSE', `CertRep has ${sd.signers.length} signers, not one`);
  const cert = [...ctx.ca.signers, ...sd.certificates].find((c) => signerMatches(signer, c));
  if (!cert) throw new ScepError('BAD_SIGNER', 'CertRep is signed by a certificate that is neither the CA\'s nor its RA\'s');
  // The signer must be one we authenticated, not merely one the reply carries with it.
  if (!ctx.ca.signers.some((s) => bytesEqual(s.raw, cert.raw) || (namesEqual(s.subject, cert.subject) && s.publicKey.raw.length === cert.publicKey.raw.length && bytesEqual(s.publicKey.raw, cert.publicKey.raw)))) {
    throw new ScepError('BAD_SIGNER', `CertRep is signed by "${cert.subject.rdns.length ? cert.subject.rdns.flat().map((a) => a.value).join(', ') : '(no name)'}", which is not the authenticated CA or its RA`);
  }
  if (!signerVerifies(sd, signer, cert)) throw new ScepError('BAD_SIGNATURE', "CertRep's signature does not verify with the CA's key");
  const a = signer.attributes;
  const type = attributeText(a.get(OID.scepMessageType), 'messageType');
  if (type !== String(MessageType.CertRep)) throw new ScepError('BAD_RESPONSE', `the CA answered with messageType ${type}, not CertRep (3)`);
  if (attributeText(a.get(OID.scepTransactionId), 'transactionID') !== ctx.transactionId) throw new ScepError('BAD_RESPONSE', 'CertRep is for another transaction');
  const nonce = a.get(OID.scepRecipientNonce);
  if (nonce?.length !== 1 || !bytesEqual(nonce[0].value, sent.senderNonce)) throw new ScepError('BAD_RESPONSE', 'CertRep does not answer our request (recipientNonce differs from our senderNonce)');
  const status = attributeText(a.get(OID.scepPkiStatus), 'pkiStatus');
  if (status === '3') return { status: 'PENDING' };
  if (status === '2') {
    const failInfo = a.get(OID.scepFailInfo)?.[0] && utf8String(a.get(OID.scepFailInfo)![0].value);
    const text = a.get(FAIL_INFO_TEXT_OID)?.[0] && utf8String(a.get(FAIL_INFO_TEXT_OID)![0].value);
    const known = failInfo !== undefined ? FAIL_INFO[failInfo] : undefined;
    const reason = [known ? `${known.name}: ${known.text}` : failInfo !== undefined ? `failInfo ${failInfo}` : 'no reason given', text].filter(Boolean).join('; ');
    return { status: 'FAILURE', failInfo: known?.name ?? failInfo, reason };
  }
  if (status !== '0') throw new ScepError('BAD_RESPONSE', `CertRep has pkiStatus ${status}, which is none of SUCCESS (0), FAILURE (2), PENDING (3)`);
  if (!sd.content) throw new ScepError('BAD_RESPONSE', 'CertRep SUCCESS carries no certificate');
  let certificates: Certificate[];
  try {
    certificates = readCertificatesOnly(openEnvelopedData(sd.content, ctx.requester));
  } catch (e) {
    if (e instanceof Ssl3Error) throw new ScepError('BAD_RESPONSE', `the certificate in the CA's reply cannot be read: ${e.message}`);
    throw e;
  }
  return { status: 'SUCCESS', certificates };
}

/** The certificate issued for `key` among a CertRep's certificates. */
export function issuedCertificate(certificates: readonly Certificate[], publicKeyInfo: Uint8Array): Certificate | undefined {
  return certificates.find((c) => bytesEqual(c.publicKey.raw, publicKeyInfo));
}
