/**
 * The parts of CMS (RFC 5652; PKCS #7 v1.5, RFC 2315, is its wire-compatible ancestor) that
 * SCEP is made of (RFC 8894 section 3): ContentInfo, SignedData with one RSA signer and
 * signed attributes, the degenerate "certificates only" SignedData, and EnvelopedData with
 * RSA key transport to one recipient.
 *
 * Built on the project's DER (der.ts), RSA (pkcs1.ts) and content ciphers (content-cipher.ts):
 * no second ASN.1 stack. Readers are strict DER with two leniencies real CAs need: the
 * encrypted content may come as a constructed [0] of OCTET STRING pieces (BER streaming
 * encoders write it so), and a SignerInfo's signature algorithm may be rsaEncryption or a
 * sha*WithRSAEncryption OID. Every failure is a CmsError.
 */
import type { Certificate, DistinguishedName } from './certificate.js';
import { contentCipherByName, contentCipherByOid, padContent, unpadContent, type ContentCipherName } from './content-cipher.js';
import { CONSTRUCTED, CONTEXT, contextConstructed, contextPrimitive, der, DerReader, readSingle, Tag, tlv, type Tlv } from './der.js';
import { DIGESTS, type DigestName } from './digests.js';
import { OID } from './oid.js';
import { rsaDecryptPkcs1, rsaEncryptPkcs1, rsaSignPkcs1 } from './pkcs1.js';
import type { RsaPrivateKey } from './rsa-key.js';
import { rsaSignatureValid } from './rsa-signature.js';
import { readAlgorithmIdentifier } from './algorithm-identifier.js';
import { parseCertificate, readName, signatureHashOf } from './x509.js';
import { bytesEqual } from '../util/bytes.js';
import { Ssl3Error } from '../util/errors.js';
import { ctBytesEqual } from '../util/ct.js';
import { systemRandom, type RandomSource } from '../util/random.js';

export class CmsError extends Ssl3Error {}

/** A certificate and its private key: a signer, or the recipient of an envelope. */
export interface KeyAndCertificate {
  readonly certificate: Certificate;
  readonly key: RsaPrivateKey;
}

/** One attribute (RFC 5652 section 5.3): a type and its values, each value a whole DER encoding. */
export interface CmsAttribute {
  readonly oid: string;
  readonly values: readonly Uint8Array[];
}

const DIGEST_OIDS: Readonly<Record<DigestName, string>> = {
  md5: OID.md5,
  sha1: OID.sha1,
  sha224: OID.sha224,
  sha256: OID.sha256,
  sha384: OID.sha384,
  sha512: OID.sha512,
};

function digestByOid(oid: string): DigestName | undefined {
  return (Object.keys(DIGEST_OIDS) as DigestName[]).find((d) => DIGEST_OIDS[d] === oid);
}

/** Runs a parse; a DER or other Ssl3Error becomes a CmsError naming `what`. */
function parsing<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CmsError) throw e;
    if (e instanceof Ssl3Error) throw new CmsError('MALFORMED', `${what}: ${e.message.replace(/^DER: /, '')}`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// ContentInfo (section 3)

export function encodeContentInfo(contentType: string, content: Uint8Array): Uint8Array {
  return der.sequence(der.oid(contentType), der.explicit(0, content));
}

/** The content type and the DER of the content inside [0] EXPLICIT. */
export function readContentInfo(bytes: Uint8Array, what = 'ContentInfo'): { contentType: string; content: Uint8Array } {
  return parsing(what, () => {
    const r = new DerReader(readSingle(bytes).raw).sequence(what);
    const contentType = r.oid();
    const inner = r.optionalExplicit(0);
    r.end(what);
    if (!inner) throw new CmsError('MALFORMED', `${what}: the content is missing`);
    const content = inner.readTlv().raw;
    inner.end(`${what} content`);
    return { contentType, content };
  });
}

function issuerAndSerialNumber(cert: Certificate): Uint8Array {
  return der.sequence(cert.issuer.raw, der.integer(cert.serialNumber));
}

// ---------------------------------------------------------------------------------------------
// SignedData (section 5)

export interface SignedDataOptions {
  /** The eContent, of type id-data; absent for a signature over nothing (SCEP's FAILURE and PENDING replies). */
  readonly content?: Uint8Array;
  readonly signer: KeyAndCertificate;
  /** Default sha256. */
  readonly digest?: DigestName;
  /** Signed attributes besides contentType and messageDigest, which are always added. */
  readonly attributes?: readonly CmsAttribute[];
  /** Default: the signer's certificate alone. */
  readonly certificates?: readonly Certificate[];
  readonly random?: RandomSource;
}

function encodeAttribute(a: CmsAttribute): Uint8Array {
  return der.sequence(der.oid(a.oid), der.setOf(...a.values));
}

/** A ContentInfo holding a SignedData with one signer (version 1: issuerAndSerialNumber, id-data). */
export function buildSignedData(opts: SignedDataOptions): Uint8Array {
  const digest = opts.digest ?? 'sha256';
  const digestAlg = der.sequence(der.oid(DIGEST_OIDS[digest]), der.null());
  const content = opts.content ?? new Uint8Array(0);
  const attributes = [
    { oid: OID.contentType, values: [der.oid(OID.data)] },
    { oid: OID.messageDigest, values: [der.octetString(DIGESTS[digest](content))] },
    ...(opts.attributes ?? []),
  ].map(encodeAttribute);
  // The signature covers the attributes' DER with the SET tag (section 5.4), sent as [0] IMPLICIT.
  const signedAttrs = der.setOf(...attributes);
  const signature = rsaSignPkcs1(opts.signer.key, digest, DIGESTS[digest](signedAttrs), opts.random ?? systemRandom);
  const signerInfo = der.sequence(
    der.integer(1),
    issuerAndSerialNumber(opts.signer.certificate),
    digestAlg,
    der.taggedSetOf(contextConstructed(0), ...attributes),
    der.sequence(der.oid(OID.rsaEncryption), der.null()),
    der.octetString(signature),
  );
  const certificates = opts.certificates ?? [opts.signer.certificate];
  const signedData = der.sequence(
    der.integer(1),
    der.setOf(digestAlg),
    der.sequence(der.oid(OID.data), ...(opts.content ? [der.explicit(0, der.octetString(opts.content))] : [])),
    ...(certificates.length ? [tlv(contextConstructed(0), ...certificates.map((c) => c.raw))] : []),
    der.setOf(signerInfo),
  );
  return encodeContentInfo(OID.signedData, signedData);
}

/** The degenerate SignedData that carries certificates and no signature (RFC 8894 section 3.4). */
export function certificatesOnly(certificates: readonly Certificate[]): Uint8Array {
  return encodeContentInfo(
    OID.signedData,
    der.sequence(der.integer(1), der.setOf(), der.sequence(der.oid(OID.data)), tlv(contextConstructed(0), ...certificates.map((c) => c.raw)), der.setOf()),
  );
}

export interface SignerInfo {
  /** issuerAndSerialNumber, or the subjectKeyIdentifier of a version 3 SignerInfo. */
  readonly sid: { readonly issuer: DistinguishedName; readonly serialNumber: bigint } | { readonly subjectKeyIdentifier: Uint8Array };
  readonly digest: DigestName;
  /** Signed attributes by OID: each value's whole DER. */
  readonly attributes: ReadonlyMap<string, readonly Tlv[]>;
  /** The DER the signature covers (the attributes with the SET tag); undefined without attributes. */
  readonly signedAttributes?: Uint8Array;
  readonly signatureHash: DigestName;
  readonly signature: Uint8Array;
}

export interface SignedData {
  readonly contentType: string;
  /** The eContent OCTET STRING's bytes, when present. */
  readonly content?: Uint8Array;
  readonly certificates: readonly Certificate[];
  readonly signers: readonly SignerInfo[];
}

/** OCTET STRING contents, primitive or (BER) constructed from primitive pieces. */
function octets(t: Tlv, reader: DerReader, what: string): Uint8Array {
  if (!(t.tag & CONSTRUCTED)) return t.value;
  const parts: Uint8Array[] = [];
  const r = reader.child(t);
  while (!r.done) parts.push(r.octetString());
  if (!parts.length) throw new CmsError('MALFORMED', `${what}: an empty constructed string`);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function readAttributes(r: DerReader): Map<string, Tlv[]> {
  const out = new Map<string, Tlv[]>();
  while (!r.done) {
    const a = r.sequence('Attribute');
    const oid = a.oid();
    const set = a.set('AttributeValues');
    a.end('Attribute');
    if (out.has(oid)) throw new CmsError('MALFORMED', `signed attribute ${oid} appears twice`);
    const values: Tlv[] = [];
    while (!set.done) values.push(set.readTlv());
    out.set(oid, values);
  }
  return out;
}

function readSignerInfo(r: DerReader): SignerInfo {
  const s = r.sequence('SignerInfo');
  const version = s.smallInteger();
  let sid: SignerInfo['sid'];
  if (version === 1) {
    const ias = s.sequence('IssuerAndSerialNumber');
    sid = { issuer: readName(ias), serialNumber: ias.integer() };
    ias.end('IssuerAndSerialNumber');
  } else if (version === 3) {
    sid = { subjectKeyIdentifier: s.octetString(contextPrimitive(0)) };
  } else {
    throw new CmsError('MALFORMED', `SignerInfo version ${version} is neither 1 nor 3`);
  }
  const digestAlg = readAlgorithmIdentifier(s, 'digestAlgorithm');
  const digest = digestByOid(digestAlg.oid);
  if (!digest) throw new CmsError('UNSUPPORTED', `SignerInfo digest ${digestAlg.oid} is not supported`);
  let attributes = new Map<string, Tlv[]>();
  let signedAttributes: Uint8Array | undefined;
  const attrsTlv = s.optional(contextConstructed(0));
  if (attrsTlv) {
    attributes = readAttributes(s.child(attrsTlv));
    signedAttributes = new Uint8Array(attrsTlv.raw);
    signedAttributes[0] = Tag.SET;
  }
  const sigAlg = readAlgorithmIdentifier(s, 'signatureAlgorithm');
  const signatureHash = sigAlg.oid === OID.rsaEncryption ? digest : signatureHashOf(sigAlg.oid);
  if (!signatureHash || signatureHash === 'md2') throw new CmsError('UNSUPPORTED', `SignerInfo signature algorithm ${sigAlg.oid} is not RSA PKCS #1 v1.5`);
  const signature = s.octetString();
  s.optional(contextConstructed(1)); // unsignedAttrs: nothing SCEP needs
  s.end('SignerInfo');
  return { sid, digest, attributes, signedAttributes, signatureHash, signature };
}

/** Parses a ContentInfo holding a SignedData. */
export function parseSignedData(bytes: Uint8Array): SignedData {
  const info = readContentInfo(bytes, 'SignedData ContentInfo');
  if (info.contentType !== OID.signedData) throw new CmsError('WRONG_TYPE', `expected a PKCS #7 signedData, got content type ${info.contentType}`);
  return parsing('SignedData', () => {
    const r = new DerReader(info.content).sequence('SignedData');
    r.smallInteger(); // version: 1, 3, 4 or 5 depending on what is inside; nothing here depends on it
    const digests = r.set('digestAlgorithms');
    while (!digests.done) digests.readTlv();
    const encap = r.sequence('EncapsulatedContentInfo');
    const contentType = encap.oid();
    const wrapped = encap.optionalExplicit(0);
    encap.end('EncapsulatedContentInfo');
    let content: Uint8Array | undefined;
    if (wrapped) {
      const t = wrapped.readTlv();
      if (t.tag !== Tag.OCTET_STRING && t.tag !== (Tag.OCTET_STRING | CONSTRUCTED)) throw new CmsError('MALFORMED', 'SignedData eContent is not an OCTET STRING');
      content = octets(t, wrapped, 'eContent');
      wrapped.end('eContent');
    }
    const certificates: Certificate[] = [];
    const certs = r.optional(contextConstructed(0));
    if (certs) {
      const c = r.child(certs);
      while (!c.done) {
        const t = c.readTlv();
        // Other choices ([0] extendedCertificate, [1..3] attribute certificates, [3] other) are skipped.
        if (t.tag === Tag.SEQUENCE) certificates.push(parseCertificate(t.raw));
      }
    }
    r.optional(contextConstructed(1)); // crls
    const signerSet = r.set('signerInfos');
    const signers: SignerInfo[] = [];
    while (!signerSet.done) signers.push(readSignerInfo(signerSet));
    r.end('SignedData');
    return { contentType, content, certificates, signers };
  });
}

/** Whether `cert` is the one a SignerInfo names. */
export function signerMatches(signer: SignerInfo, cert: Certificate): boolean {
  if ('subjectKeyIdentifier' in signer.sid) return cert.subjectKeyIdentifier !== undefined && bytesEqual(cert.subjectKeyIdentifier, signer.sid.subjectKeyIdentifier);
  return bytesEqual(cert.issuer.raw, signer.sid.issuer.raw) && cert.serialNumber === signer.sid.serialNumber;
}

/**
 * Checks one signer's signature with `cert`'s key (section 5.6): with signed attributes, the
 * messageDigest attribute must equal the content's digest and the signature must cover the
 * attributes; without them, the signature covers the content itself.
 */
export function signerVerifies(sd: SignedData, signer: SignerInfo, cert: Certificate): boolean {
  const key = cert.publicKey.rsa;
  if (!key) return false;
  const content = sd.content ?? new Uint8Array(0);
  if (!signer.signedAttributes) return rsaSignatureValid(key, signer.signatureHash, content, signer.signature);
  const md = signer.attributes.get(OID.messageDigest);
  if (md?.length !== 1 || md[0].tag !== Tag.OCTET_STRING) return false;
  if (!ctBytesEqual(md[0].value, DIGESTS[signer.digest](content))) return false;
  const ct = signer.attributes.get(OID.contentType);
  if (ct?.length !== 1 || !bytesEqual(ct[0].raw, der.oid(sd.contentType))) return false;
  return rsaSignatureValid(key, signer.signatureHash, signer.signedAttributes, signer.signature);
}

/** The certificates of a degenerate SignedData (or of any SignedData). */
export function readCertificatesOnly(bytes: Uint8Array): Certificate[] {
  return [...parseSignedData(bytes).certificates];
}

// ---------------------------------------------------------------------------------------------
// EnvelopedData (section 6) with KeyTransRecipientInfo (section 6.2.1)

export interface EnvelopeOptions {
  readonly content: Uint8Array;
  /** The recipient: its RSA key wraps the content-encryption key. */
  readonly recipient: Certificate;
  readonly cipher: ContentCipherName;
  readonly random?: RandomSource;
}

/** A ContentInfo holding an EnvelopedData (version 0) of id-data content for one recipient. */
export function buildEnvelopedData(opts: EnvelopeOptions): Uint8Array {
  const random = opts.random ?? systemRandom;
  const cipher = contentCipherByName(opts.cipher);
  if (!cipher) throw new CmsError('BAD_OPTION', `unknown content cipher '${opts.cipher}'`);
  const key = opts.recipient.publicKey.rsa;
  if (!key) throw new CmsError('BAD_OPTION', 'the recipient certificate does not hold an RSA key');
  const cek = random(cipher.keyLength);
  const iv = random(cipher.ivLength);
  const encrypted = cipher.encrypt(cek, iv, padContent(opts.content, cipher.ivLength));
  const recipientInfo = der.sequence(
    der.integer(0),
    issuerAndSerialNumber(opts.recipient),
    der.sequence(der.oid(OID.rsaEncryption), der.null()),
    der.octetString(rsaEncryptPkcs1(key, cek, random)),
  );
  cek.fill(0);
  const encryptedContentInfo = der.sequence(der.oid(OID.data), der.sequence(der.oid(cipher.oid), der.octetString(iv)), tlv(contextPrimitive(0), encrypted));
  return encodeContentInfo(OID.envelopedData, der.sequence(der.integer(0), der.setOf(recipientInfo), encryptedContentInfo));
}

/**
 * Decrypts an EnvelopedData addressed to `recipient` and returns the content. CmsError
 * 'NOT_FOR_US' when no RecipientInfo names the certificate, 'DECRYPT_FAILED' when the key or
 * the padding is wrong.
 */
export function openEnvelopedData(bytes: Uint8Array, recipient: KeyAndCertificate): Uint8Array {
  const info = readContentInfo(bytes, 'EnvelopedData ContentInfo');
  if (info.contentType !== OID.envelopedData) throw new CmsError('WRONG_TYPE', `expected a PKCS #7 envelopedData, got content type ${info.contentType}`);
  const { encryptedKey, cipherOid, iv, encrypted } = parsing('EnvelopedData', () => {
    const r = new DerReader(info.content).sequence('EnvelopedData');
    r.smallInteger();
    r.optional(contextConstructed(0)); // originatorInfo
    const recipients = r.set('recipientInfos');
    let encryptedKey: Uint8Array | undefined;
    while (!recipients.done) {
      const t = recipients.readTlv();
      if (t.tag !== Tag.SEQUENCE) continue; // kari, kekri, pwri, ori: not RSA key transport
      const ri = recipients.child(t);
      const version = ri.smallInteger();
      let mine: boolean;
      if (version === 0) {
        const ias = ri.sequence('IssuerAndSerialNumber');
        const issuer = readName(ias);
        const serial = ias.integer();
        ias.end('IssuerAndSerialNumber');
        mine = bytesEqual(issuer.raw, recipient.certificate.issuer.raw) && serial === recipient.certificate.serialNumber;
      } else {
        const ski = ri.octetString(contextPrimitive(0));
        mine = recipient.certificate.subjectKeyIdentifier !== undefined && bytesEqual(ski, recipient.certificate.subjectKeyIdentifier);
      }
      const alg = readAlgorithmIdentifier(ri, 'keyEncryptionAlgorithm');
      const ek = ri.octetString();
      ri.end('KeyTransRecipientInfo');
      if (mine && alg.oid !== OID.rsaEncryption) throw new CmsError('UNSUPPORTED', `key transport ${alg.oid} is not supported (only rsaEncryption)`);
      if (mine) encryptedKey = ek;
    }
    const eci = r.sequence('EncryptedContentInfo');
    eci.oid();
    const alg = readAlgorithmIdentifier(eci, 'contentEncryptionAlgorithm');
    const body = eci.readTlv();
    if (body.tag !== contextPrimitive(0) && body.tag !== (CONTEXT | CONSTRUCTED)) throw new CmsError('MALFORMED', 'EnvelopedData has no encryptedContent');
    const encrypted = octets(body, eci, 'encryptedContent');
    eci.end('EncryptedContentInfo');
    r.optional(contextConstructed(1)); // unprotectedAttrs
    r.end('EnvelopedData');
    if (!encryptedKey) throw new CmsError('NOT_FOR_US', 'the envelope is not addressed to our certificate');
    let iv: Uint8Array | undefined;
    if (alg.params) {
      const p = new DerReader(alg.params);
      iv = p.octetString();
      p.end('IV');
    }
    return { encryptedKey, cipherOid: alg.oid, iv, encrypted };
  });
  const cipher = contentCipherByOid(cipherOid);
  if (!cipher) throw new CmsError('UNSUPPORTED', `content cipher ${cipherOid} is not supported (AES-CBC, 3DES-CBC or DES-CBC)`);
  if (!iv || iv.length !== cipher.ivLength) throw new CmsError('MALFORMED', `${cipher.name} IV must be ${cipher.ivLength} bytes`);
  if (encrypted.length === 0 || encrypted.length % cipher.ivLength) throw new CmsError('MALFORMED', `encrypted content is not whole ${cipher.name} blocks`);
  let cek: Uint8Array;
  try {
    cek = rsaDecryptPkcs1(recipient.key, encryptedKey);
  } catch {
    throw new CmsError('DECRYPT_FAILED', 'the content-encryption key does not decrypt with our key');
  }
  if (cek.length !== cipher.keyLength) throw new CmsError('DECRYPT_FAILED', `the content-encryption key is ${cek.length} bytes, not ${cipher.keyLength} for ${cipher.name}`);
  const plain = cipher.decrypt(cek, iv, encrypted);
  cek.fill(0);
  const content = unpadContent(plain, cipher.ivLength);
  if (!content) throw new CmsError('DECRYPT_FAILED', 'the decrypted content has bad padding');
  return content.slice();
}
