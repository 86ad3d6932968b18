/**
 * X.509 certificate parsing (RFC 5280 section 4.1 structure, section 4.2.1 extensions), the
 * certificates SSL 3.0 carries in its Certificate message (RFC 6101 section 5.6.2), plus the
 * small helpers every consumer needs: PEM/DER file reading, name display, fingerprints.
 *
 * Policy, in short:
 * - Lenient where legacy devices are sloppy but harmless: v1 and v2 certificates, an explicit
 *   [0] version of v1, zero and negative serial numbers, T61String/BMPString names, a missing
 *   NULL in an RSA AlgorithmIdentifier, unknown extensions (critical ones included: the
 *   chain validator, not the parser, decides what an unknown critical extension means).
 * - Strict where a lenient reading could make two parties disagree about what was signed or
 *   who is named: trailing bytes anywhere, a version other than 1..3, extensions outside v3,
 *   the outer signatureAlgorithm differing from the one inside tbsCertificate (RFC 5280
 *   4.1.1.2), the same extension twice (RFC 5280 4.2), a malformed extension we decode.
 *
 * Errors: every failure of parseCertificate / parseCertificates is an X509Error. Lower-level
 * DerError, KeyError and PemError are wrapped (kept as `cause`) with the field that failed in
 * the message, so a caller switches on one type and a user reads which part was wrong.
 */
import { sha1 } from '../ciphers/sha1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../util/bytes.js';
import { Ssl3Error } from '../util/errors.js';
import type {
  BasicConstraints,
  Certificate,
  DistinguishedName,
  Extension,
  KeyUsage,
  NameAttribute,
  SignatureAlgorithm,
  SignatureHash,
  SubjectPublicKey,
} from './certificate.js';
import { KEY_USAGE_BITS } from './certificate.js';
import { CONTEXT, contextConstructed, contextPrimitive, DerReader, readSingle, STRING_TAGS, Tag } from './der.js';
import { readSubjectPublicKeyInfo } from './keys.js';
import { describeOid, NAME_ATTRIBUTE_LABELS, OID } from './oid.js';
import { isPem, pemDecode, pemEncode } from './pem.js';

/**
 * A certificate we cannot read. Codes: 'MALFORMED' (structure), 'BAD_VERSION',
 * 'ALGORITHM_MISMATCH', 'DUPLICATE_EXTENSION', 'BAD_EXTENSION', 'NO_CERTIFICATE' (a file with
 * no certificate in it), 'BAD_PEM'; the builder adds 'BAD_INPUT' and 'KEY_MISMATCH'.
 */
export class X509Error extends Ssl3Error {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message);
    // Keeps the DerError/KeyError we wrapped, for debugging; the message already says it.
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

/** Signature algorithms we can name a digest for: RSA PKCS #1 v1.5 (RFC 3279 2.2.1, RFC 4055 5). */
const SIGNATURE_HASHES: ReadonlyMap<string, SignatureHash> = new Map([
  [OID.md2WithRSAEncryption, 'md2'],
  [OID.md5WithRSAEncryption, 'md5'],
  [OID.sha1WithRSAEncryption, 'sha1'],
  [OID.sha224WithRSAEncryption, 'sha224'],
  [OID.sha256WithRSAEncryption, 'sha256'],
  [OID.sha384WithRSAEncryption, 'sha384'],
  [OID.sha512WithRSAEncryption, 'sha512'],
]);

/** The digest of an RSA PKCS #1 v1.5 signature algorithm OID, or undefined for any other algorithm. */
export function signatureHashOf(oid: string): SignatureHash | undefined {
  return SIGNATURE_HASHES.get(oid);
}

/** The dotted OID of sha*WithRSAEncryption for a digest name (the builder's direction). */
export function rsaSignatureOid(hash: SignatureHash): string {
  for (const [oid, h] of SIGNATURE_HASHES) if (h === hash) return oid;
  throw new X509Error('BAD_INPUT', `no RSA signature algorithm for ${String(hash)}`);
}

/**
 * Runs one step of the parse; a DerError/KeyError/other Ssl3Error from below becomes an
 * X509Error naming `field`. X509Errors pass through (they already name their field).
 */
function field<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof X509Error) throw e;
    if (e instanceof Ssl3Error) throw new X509Error('MALFORMED', `certificate ${name}: ${stripDerPrefix(e.message)}`, { cause: e });
    throw e;
  }
}

/** 'DER: unexpected end of data' reads better as 'unexpected end of data' after a field name. */
function stripDerPrefix(message: string): string {
  return message.replace(/^DER: /, '');
}

// ---------------------------------------------------------------------------------------------
// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }  (4.1)

/**
 * Parses one DER certificate. The input is copied first: `raw`, `tbsRaw` and the names'
 * `raw` must not change under a caller that reuses its buffer (a socket's read buffer, say)
 * after the signature over them was checked. They are plain Uint8Arrays even for a Buffer.
 * Throws X509Error (see the class for codes); nothing else escapes for any byte string.
 */
export function parseCertificate(input: Uint8Array): Certificate {
  if (!(input instanceof Uint8Array)) throw new X509Error('BAD_INPUT', 'certificate: expected DER bytes (Uint8Array)');
  const bytes = new Uint8Array(input);
  const top = field('encoding', () => readSingle(bytes));
  if (top.tag !== Tag.SEQUENCE) throw new X509Error('MALFORMED', 'certificate encoding: not a DER SEQUENCE (is it PEM, or not a certificate at all?)');
  const outer = new DerReader(top.value, 1);

  const tbsTlv = field('tbsCertificate', () => outer.expect(Tag.SEQUENCE, 'tbsCertificate'));
  const tbs = outer.child(tbsTlv);

  // version [0] EXPLICIT Version DEFAULT v1 (4.1.2.1). An explicit v1 (INTEGER 0) breaks DER's
  // "omit defaults" rule but old encoders wrote it; it means the same thing, so accept it.
  let version = 1;
  const versionReader = field('version', () => tbs.optionalExplicit(0));
  if (versionReader) {
    const v = field('version', () => {
      const n = versionReader.integer();
      versionReader.end('version');
      return n;
    });
    if (v < 0n || v > 2n) throw new X509Error('BAD_VERSION', `certificate version: ${v} is not v1, v2 or v3 (0, 1 or 2)`);
    version = Number(v) + 1;
  }

  const serialNumber = field('serialNumber', () => tbs.integer());
  const innerAlg = field('signature algorithm', () => readAlgorithm(tbs));
  const issuer = field('issuer', () => readName(tbs));
  const { notBefore, notAfter } = field('validity', () => {
    const s = tbs.sequence('Validity');
    const nb = s.time();
    const na = s.time();
    s.end('Validity');
    return { notBefore: nb, notAfter: na };
  });
  const subject = field('subject', () => readName(tbs));
  const publicKey: SubjectPublicKey = field('subjectPublicKeyInfo', () => readSubjectPublicKeyInfo(tbs));

  // issuerUniqueID [1] IMPLICIT, subjectUniqueID [2] IMPLICIT (4.1.2.8): v2/v3 only, and
  // nothing uses them; skipped. BER allows the constructed form of a BIT STRING, so take both.
  for (const n of [1, 2] as const) {
    const id = field(n === 1 ? 'issuerUniqueID' : 'subjectUniqueID', () => tbs.optional(contextPrimitive(n)) ?? tbs.optional(contextConstructed(n)));
    if (id && version < 2) throw new X509Error('MALFORMED', `certificate ${n === 1 ? 'issuerUniqueID' : 'subjectUniqueID'}: present in a v1 certificate`);
  }

  let extensions: Extension[] = [];
  const extReader = field('extensions', () => tbs.optionalExplicit(3));
  if (extReader) {
    if (version !== 3) throw new X509Error('MALFORMED', `certificate extensions: present in a v${version} certificate (only v3 may have them)`);
    extensions = field('extensions', () => {
      const list = readExtensions(extReader);
      extReader.end('extensions');
      return list;
    });
  }
  field('tbsCertificate', () => tbs.end('tbsCertificate'));

  const outerAlg = field('signatureAlgorithm', () => readAlgorithm(outer));
  const signature = field('signatureValue', () => outer.bitString().bytes);
  field('certificate', () => outer.end('Certificate'));

  // RFC 5280 4.1.1.2: the two MUST be identical. Compared as encodings, as OpenSSL does
  // (X509_ALGOR_cmp), so a signature cannot be re-labelled outside the signed part.
  if (!sameBytes(innerAlg.raw, outerAlg.raw)) {
    throw new X509Error(
      'ALGORITHM_MISMATCH',
      `certificate signatureAlgorithm: the outer ${describeOid(outerAlg.algorithm.oid)} differs from the ${describeOid(innerAlg.algorithm.oid)} inside tbsCertificate`,
    );
  }

  return {
    raw: top.raw,
    tbsRaw: tbsTlv.raw,
    version,
    serialNumber,
    signatureAlgorithm: innerAlg.algorithm,
    signature,
    issuer,
    subject,
    notBefore,
    notAfter,
    publicKey,
    extensions,
    ...decodeExtensions(extensions),
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** AlgorithmIdentifier (4.1.1.2); parameters are kept only as part of `raw`. Exported for the CRL parser. */
export function readAlgorithm(r: DerReader): { algorithm: SignatureAlgorithm; raw: Uint8Array } {
  const tlv = r.expect(Tag.SEQUENCE, 'AlgorithmIdentifier');
  const s = r.child(tlv);
  const oid = s.oid();
  if (!s.done) s.readTlv(); // parameters: NULL for RSA, absent for ECDSA, a SEQUENCE for PSS
  s.end('AlgorithmIdentifier');
  const hash = SIGNATURE_HASHES.get(oid);
  return { algorithm: hash ? { oid, hash } : { oid }, raw: tlv.raw };
}

// ---------------------------------------------------------------------------------------------
// Name (4.1.2.4): SEQUENCE OF RelativeDistinguishedName; RDN ::= SET OF AttributeTypeAndValue

/** Reads a Name at the reader's position. Exported for PKCS #10 and CRL parsers. */
export function readName(r: DerReader): DistinguishedName {
  const tlv = r.expect(Tag.SEQUENCE, 'Name');
  const seq = r.child(tlv);
  const rdns: NameAttribute[][] = [];
  while (!seq.done) {
    const set = seq.set('RelativeDistinguishedName');
    const rdn: NameAttribute[] = [];
    while (!set.done) {
      const atv = set.sequence('AttributeTypeAndValue');
      const type = atv.oid();
      rdn.push({ type, ...readAttributeValue(atv) });
      atv.end('AttributeTypeAndValue');
    }
    rdns.push(rdn);
  }
  return { rdns, raw: tlv.raw };
}


/**
 * A string value, decoded. Attribute values are ANY: a non-string one (rare, never a name
 * anyone matches on) is kept in RFC 4514 2.4's '#hex' form so it still displays and compares.
 */
function readAttributeValue(r: DerReader): { value: string; tag: number } {
  const next = r.peekTag();
  if (next !== undefined && STRING_TAGS.has(next)) return r.string();
  const tlv = r.readTlv();
  return { value: `#${toHex(tlv.raw)}`, tag: tlv.tag };
}

// ---------------------------------------------------------------------------------------------
// Extensions (4.1.2.9, 4.2)

/** Extensions ::= SEQUENCE OF Extension; `owner` names the structure in messages. Exported for the CRL parser. */
export function readExtensions(r: DerReader, owner = 'certificate'): Extension[] {
  const seq = r.sequence('Extensions');
  const out: Extension[] = [];
  const seen = new Set<string>();
  while (!seq.done) {
    const e = seq.sequence('Extension');
    const oid = e.oid();
    // critical BOOLEAN DEFAULT FALSE: an explicit FALSE is not DER but harmless.
    const critical = e.peekTag() === Tag.BOOLEAN ? e.boolean() : false;
    const value = e.octetString();
    e.end('Extension');
    // RFC 5280 4.2: "A certificate MUST NOT include more than one instance of a particular
    // extension." Two subjectAltNames would let two verifiers pick different ones.
    if (seen.has(oid)) throw new X509Error('DUPLICATE_EXTENSION', `${owner} extensions: ${describeOid(oid)} appears more than once`);
    seen.add(oid);
    out.push({ oid, critical, value });
  }
  return out;
}

type DecodedExtensions = Pick<
  Certificate,
  'basicConstraints' | 'keyUsage' | 'extendedKeyUsage' | 'subjectAltName' | 'subjectKeyIdentifier' | 'authorityKeyIdentifier' | 'crlDistributionPoints'
>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Decodes the extensions we understand; a malformed one is an error (BAD_EXTENSION). */
function decodeExtensions(extensions: readonly Extension[]): DecodedExtensions {
  const out: Mutable<DecodedExtensions> = {};
  for (const ext of extensions) {
    const decode = EXTENSION_DECODERS.get(ext.oid);
    if (!decode) continue; // kept raw in `extensions`
    try {
      const r = new DerReader(ext.value, 2);
      decode(r, out);
      r.end(describeOid(ext.oid));
    } catch (e) {
      if (e instanceof X509Error) throw e;
      if (e instanceof Ssl3Error) {
        throw new X509Error('BAD_EXTENSION', `certificate extension ${describeOid(ext.oid)}: ${stripDerPrefix(e.message)}`, { cause: e });
      }
      throw e;
    }
  }
  return out;
}

type ExtensionDecoder = (r: DerReader, out: Mutable<DecodedExtensions>) => void;

const EXTENSION_DECODERS: ReadonlyMap<string, ExtensionDecoder> = new Map<string, ExtensionDecoder>([
  [OID.basicConstraints, (r, out) => (out.basicConstraints = readBasicConstraints(r))],
  [OID.keyUsage, (r, out) => (out.keyUsage = readKeyUsage(r))],
  [OID.extKeyUsage, (r, out) => (out.extendedKeyUsage = readExtendedKeyUsage(r))],
  [OID.subjectAltName, (r, out) => (out.subjectAltName = readSubjectAltName(r))],
  [OID.subjectKeyIdentifier, (r, out) => (out.subjectKeyIdentifier = r.octetString())],
  [OID.authorityKeyIdentifier, (r, out) => {
    const aki = readAuthorityKeyIdentifier(r);
    if (aki) out.authorityKeyIdentifier = aki;
  }],
  [OID.cRLDistributionPoints, (r, out) => (out.crlDistributionPoints = readCrlDistributionPoints(r))],
]);

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } (4.2.1.9) */
function readBasicConstraints(r: DerReader): BasicConstraints {
  const s = r.sequence('BasicConstraints');
  const ca = s.peekTag() === Tag.BOOLEAN ? s.boolean() : false;
  const pathLength = s.peekTag() === Tag.INTEGER ? s.smallInteger() : undefined;
  s.end('BasicConstraints');
  return pathLength === undefined ? { ca } : { ca, pathLength };
}

/** KeyUsage ::= BIT STRING (4.2.1.3); bit 0 is the most significant bit of the first byte. */
function readKeyUsage(r: DerReader): ReadonlySet<KeyUsage> {
  const { bytes } = r.bitString();
  const set = new Set<KeyUsage>();
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && byte & (0x80 >> (bit & 7))) set.add(name);
  });
  return set;
}

/** ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (4.2.1.12) */
function readExtendedKeyUsage(r: DerReader): string[] {
  const s = r.sequence('ExtKeyUsageSyntax');
  const out: string[] = [];
  while (!s.done) out.push(s.oid());
  return out;
}

/** GeneralName tags (4.2.1.6): IMPLICIT, so primitive for the string forms. */
const GN = {
  otherName: contextConstructed(0),
  rfc822Name: contextPrimitive(1),
  dNSName: contextPrimitive(2),
  x400Address: contextConstructed(3),
  directoryName: contextConstructed(4),
  ediPartyName: contextConstructed(5),
  uniformResourceIdentifier: contextPrimitive(6),
  iPAddress: contextPrimitive(7),
  registeredID: contextPrimitive(8),
} as const;

interface GeneralNames {
  dns: string[];
  ip: string[];
  email: string[];
  uri: string[];
}

const latin1 = new TextDecoder('latin1');

/**
 * GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName. Only the forms hosts are named by
 * are decoded; otherName, directoryName and the rest stay in the raw extension.
 */
function readGeneralNames(s: DerReader): GeneralNames {
  const out: GeneralNames = { dns: [], ip: [], email: [], uri: [] };
  while (!s.done) {
    const gn = s.readTlv();
    switch (gn.tag) {
      // IA5String contents; Latin-1 keeps any stray 8-bit byte visible instead of failing.
      case GN.dNSName:
        out.dns.push(latin1.decode(gn.value));
        break;
      case GN.rfc822Name:
        out.email.push(latin1.decode(gn.value));
        break;
      case GN.uniformResourceIdentifier:
        out.uri.push(latin1.decode(gn.value));
        break;
      case GN.iPAddress:
        // In a certificate (unlike name constraints) the address is exactly 4 or 16 bytes.
        if (gn.value.length !== 4 && gn.value.length !== 16) {
          throw new X509Error('BAD_EXTENSION', `certificate extension subjectAltName: iPAddress of ${gn.value.length} bytes (must be 4 or 16)`);
        }
        out.ip.push(formatIpAddress(gn.value));
        break;
      default:
        if ((gn.tag & 0xc0) !== CONTEXT) throw new X509Error('BAD_EXTENSION', `certificate extension: GeneralName with a non-context tag 0x${gn.tag.toString(16)}`);
    }
  }
  return out;
}

function readSubjectAltName(r: DerReader): GeneralNames {
  return readGeneralNames(r.sequence('GeneralNames'));
}

/**
 * AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL,
 * authorityCertIssuer [1] GeneralNames OPTIONAL, authorityCertSerialNumber [2] INTEGER OPTIONAL }
 * (4.2.1.1). Only the key identifier is used for chain building; the rest is skipped.
 */
function readAuthorityKeyIdentifier(r: DerReader): Uint8Array | undefined {
  const s = r.sequence('AuthorityKeyIdentifier');
  const keyId = s.optional(contextPrimitive(0))?.value;
  s.optional(contextConstructed(1));
  s.optional(contextPrimitive(2));
  s.end('AuthorityKeyIdentifier');
  return keyId;
}

/**
 * CRLDistributionPoints ::= SEQUENCE OF DistributionPoint; DistributionPoint ::= SEQUENCE {
 * distributionPoint [0] DistributionPointName OPTIONAL, reasons [1] OPTIONAL, cRLIssuer [2]
 * OPTIONAL }; DistributionPointName ::= CHOICE { fullName [0] GeneralNames, ... } (4.2.1.13).
 * Returns the URIs of the full names, which is what a fetcher can use.
 */
function readCrlDistributionPoints(r: DerReader): string[] {
  const seq = r.sequence('CRLDistributionPoints');
  const uris: string[] = [];
  while (!seq.done) {
    const dp = seq.sequence('DistributionPoint');
    const name = dp.optionalExplicit(0);
    if (name) {
      const full = name.optional(contextConstructed(0));
      if (full) uris.push(...readGeneralNames(name.child(full)).uri);
      else name.optional(contextConstructed(1)); // nameRelativeToCRLIssuer: no URI in it
      name.end('DistributionPointName');
    }
    if (!dp.optional(contextPrimitive(1))) dp.optional(contextConstructed(1)); // reasons
    dp.optional(contextConstructed(2));
    dp.end('DistributionPoint');
  }
  return uris;
}

// ---------------------------------------------------------------------------------------------
// IP addresses as text

/**
 * Text of a 4- or 16-byte address. 'rfc5952' (default): dotted quad, or IPv6 in lower case
 * with the longest run of zero groups shortened to '::' (RFC 5952 section 4), the form users
 * type. 'openssl': IPv6 as eight upper-case groups without shortening, as `openssl x509 -text`
 * and node:tls's getPeerCertificate() print it.
 */
export function formatIpAddress(bytes: Uint8Array, style: 'rfc5952' | 'openssl' = 'rfc5952'): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return toHex(bytes);
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  if (style === 'openssl') return groups.map((g) => g.toString(16).toUpperCase()).join(':');
  // The longest run of two or more zero groups (the first one on a tie) becomes '::'.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

// ---------------------------------------------------------------------------------------------
// Files: PEM or DER

/** PEM labels that hold an X.509 Certificate (RFC 7468 section 5.1 and its legacy aliases). */
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'X.509 CERTIFICATE']);

/**
 * Every certificate in `input`: all CERTIFICATE blocks of a PEM text (other blocks, such as
 * a private key in the same file, are ignored), or one DER certificate. OpenSSL's 'TRUSTED
 * CERTIFICATE' blocks are read too, without their trust settings (which follow the
 * certificate inside the block). Throws X509Error 'NO_CERTIFICATE' when there is none.
 */
export function parseCertificates(input: string | Uint8Array): Certificate[] {
  if (typeof input === 'string' || isPem(input)) {
    let blocks;
    try {
      blocks = pemDecode(input);
    } catch (e) {
      if (e instanceof Ssl3Error) throw new X509Error('BAD_PEM', e.message, { cause: e });
      throw e;
    }
    const certs: Certificate[] = [];
    blocks.forEach((b, i) => {
      const where = blocks.length > 1 ? ` (PEM block ${i + 1})` : '';
      try {
        if (CERTIFICATE_LABELS.has(b.label)) certs.push(parseCertificate(b.der));
        else if (b.label === 'TRUSTED CERTIFICATE') certs.push(parseCertificate(firstTlv(b.der)));
      } catch (e) {
        if (e instanceof X509Error && where) throw new X509Error(e.code, `${e.message}${where}`, { cause: e });
        throw e;
      }
    });
    if (certs.length === 0) {
      const labels = blocks.map((b) => b.label);
      throw new X509Error('NO_CERTIFICATE', labels.length ? `no CERTIFICATE block in the PEM data (found ${labels.join(', ')})` : 'no PEM block in the text');
    }
    return certs;
  }
  if (input.length === 0) throw new X509Error('NO_CERTIFICATE', 'empty input');
  // Say what the data is not, rather than report a DER length error for a text file.
  if (input[0] !== Tag.SEQUENCE) throw new X509Error('NO_CERTIFICATE', 'neither PEM (no -----BEGIN line) nor DER (does not start with a SEQUENCE)');
  return [parseCertificate(input)];
}

function firstTlv(bytes: Uint8Array): Uint8Array {
  return field('encoding', () => new DerReader(bytes).readTlv().raw);
}

export function certificateToPem(cert: Certificate): string {
  return pemEncode('CERTIFICATE', cert.raw);
}

// ---------------------------------------------------------------------------------------------
// Display helpers

/** The label OpenSSL prints for an attribute type: 'CN', 'O'..., or the dotted OID. */
export function attributeLabel(type: string): string {
  return NAME_ATTRIBUTE_LABELS.get(type) ?? type;
}

/**
 * RFC 4514 2.4 escaping of one value: the specials with a backslash, a leading '#' or space
 * and a trailing space, and control characters as \XX. A '#hex' value from a non-string
 * attribute is printed as is, which is what that form is for.
 */
function escapeValue(a: NameAttribute): string {
  if (!STRING_TAGS.has(a.tag)) return a.value;
  let v = a.value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  // eslint-disable-next-line no-control-regex
  v = v.replace(/[\x00-\x1f\x7f]/g, (c) => `\\${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  if (v.startsWith('#') || v.startsWith(' ')) v = `\\${v}`;
  if (v.endsWith(' ') && v.length > 1 && !v.endsWith('\\ ')) v = `${v.slice(0, -1)}\\ `;
  return v;
}

/**
 * 'C=US, O=Acme, CN=host': attributes in encoding order (as OpenSSL shows them, the reverse
 * of RFC 4514's string order), multi-valued RDNs joined with ' + ', values escaped as RFC 4514
 * says. parseNameString in x509-build.ts reads this form back.
 */
export function formatName(dn: DistinguishedName): string {
  return dn.rdns.map((rdn) => rdn.map((a) => `${attributeLabel(a.type)}=${escapeValue(a)}`).join(' + ')).join(', ');
}

/**
 * The RFC 4514 string of a name, the form LDAP takes: RDNs from the last to the first,
 * separated by ',' ('CN=host,O=Acme,C=US'), values escaped as formatName escapes them.
 */
export function formatNameRfc4514(dn: DistinguishedName): string {
  return [...dn.rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${attributeLabel(a.type)}=${escapeValue(a)}`).join('+'))
    .join(',');
}

/** The most specific (last) commonName, or undefined. */
export function commonName(dn: DistinguishedName): string | undefined {
  const cns = dn.rdns.flat().filter((a) => a.type === OID.commonName);
  return cns.length ? cns[cns.length - 1].value : undefined;
}

/** SHA-1 or SHA-256 of the whole DER, 'AB:CD:...' as OpenSSL, IOS and browsers show it. */
export function fingerprint(cert: Certificate, hash: 'sha1' | 'sha256'): string {
  const digest = hash === 'sha1' ? sha1(cert.raw) : sha256(cert.raw);
  return toHex(digest).toUpperCase().replace(/(..)(?!$)/g, '$1:');
}
