/**
 * Building and signing X.509 v3 certificates (RFC 5280 section 4.1, extensions from section
 * 4.2.1), signed with RSA PKCS #1 v1.5 (RFC 8017 section 8.2; algorithm identifiers from
 * RFC 3279 section 2.2.1 and RFC 4055 section 5). Used for self-signed device certificates,
 * the small CA, and tests that need certificates with particular properties.
 *
 * The result is always re-read with parseCertificate, so what the builder returns is exactly
 * what a peer will parse from the same bytes.
 */
import { DIGESTS, type DigestName } from './digests.js';
import { utf8Bytes } from '../util/bytes.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import type { Certificate, DistinguishedName, KeyUsage } from './certificate.js';
import { KEY_USAGE_BITS } from './certificate.js';
import { contextPrimitive, der, DerError, isPrintableString, readSingle, Tag, tlv } from './der.js';
import { parseIpAddress } from './hostname.js';
import { encodeRsaPublicKey, encodeSubjectPublicKeyInfo } from './keys.js';
import { NAME_ATTRIBUTE_LABELS, OID, oidName } from './oid.js';
import { rsaSignPkcs1, type RsaPrivateKey, type RsaPublicKey } from './rsa.js';
import { parseCertificate, rsaSignatureOid, X509Error } from './x509.js';

/** Digests we sign with. md5 and sha1 exist for legacy peers that know nothing newer. */
export type BuildSignatureHash = DigestName;


/**
 * A distinguished name, in one of these forms, always written in encoding order (most general
 * first, as OpenSSL prints names and as formatName returns them):
 * - a string: 'C=US, O=Acme, CN=host' (',' between RDNs, '+' inside a multi-valued RDN,
 *   RFC 4514 backslash escapes) or OpenSSL's `-subj` form '/C=US/O=Acme/CN=host';
 * - pairs: [['C', 'US'], ['O', 'Acme'], ['CN', 'host']], one RDN each;
 * - an object: { C: 'US', O: 'Acme', CN: 'host' } (insertion order);
 * - a parsed DistinguishedName, copied byte for byte (e.g. an issuer certificate's subject).
 * Attribute types are OpenSSL's short labels (CN, O, OU, C, ST, L, emailAddress/E, DC, UID...),
 * the long names (commonName...) or dotted OIDs.
 */
export type NameInput = string | readonly (readonly [string, string])[] | Readonly<Record<string, string>> | DistinguishedName;

export interface SubjectAltNameInput {
  readonly dns?: readonly string[];
  /** IPv4 or IPv6 literals. */
  readonly ip?: readonly string[];
  readonly email?: readonly string[];
  readonly uri?: readonly string[];
}

export interface BuildCertificateOptions {
  /** Default: 16 random bytes, made positive (RFC 5280 4.1.2.2: at most 20 octets). */
  readonly serialNumber?: bigint;
  readonly subject: NameInput;
  /** Default: issuerCertificate's subject, else the subject (self-signed). */
  readonly issuer?: NameInput;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: RsaPublicKey;
  /** The issuer's key (the subject's own key for a self-signed certificate). */
  readonly signingKey: RsaPrivateKey;
  /** Default sha256. Old SSL 3.0 clients (Windows XP before SP3, Java 1.4) need sha1 or md5. */
  readonly signatureHash?: BuildSignatureHash;
  /** basicConstraints: absent when undefined; critical when CA:TRUE (RFC 5280 4.2.1.9). */
  readonly ca?: boolean;
  /** pathLenConstraint; only with ca: true. */
  readonly pathLength?: number;
  /** keyUsage bits, marked critical (RFC 5280 4.2.1.3 says SHOULD). */
  readonly keyUsage?: readonly KeyUsage[];
  /** extendedKeyUsage: OID names from oid.ts ('serverAuth', 'clientAuth'...) or dotted OIDs. */
  readonly extendedKeyUsage?: readonly string[];
  readonly subjectAltName?: SubjectAltNameInput;
  /**
   * true: SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 4.2.1.2 method 1).
   * Default: true for CA certificates (4.2.1.2: MUST appear in CA certificates), else absent.
   */
  readonly subjectKeyIdentifier?: boolean | Uint8Array;
  /**
   * true: the issuer certificate's subjectKeyIdentifier, or else the method-1 identifier of
   * the signing key. Default: included when issuerCertificate has a subjectKeyIdentifier,
   * or for a self-signed certificate that gets a subjectKeyIdentifier.
   */
  readonly authorityKeyIdentifier?: boolean | Uint8Array;
  /** The issuer: its subject becomes our issuer name; its key must match signingKey. */
  readonly issuerCertificate?: Certificate;
  /** Further extensions, appended as given (value = the extnValue contents). */
  readonly extraExtensions?: readonly { readonly oid: string; readonly critical?: boolean; readonly value: Uint8Array }[];
  /** For the serial number and RSA blinding; inject a fixed source for reproducible output. */
  readonly random?: RandomSource;
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the BIT STRING subjectPublicKey (without tag, length, unused-bits byte). */
export function keyIdentifier(pub: RsaPublicKey): Uint8Array {
  return DIGESTS.sha1(encodeRsaPublicKey({ n: pub.n, e: pub.e }));
}

/** A positive serial of `bytes` random bytes: top bit cleared so it stays positive without a pad byte. */
export function randomSerialNumber(random: RandomSource = systemRandom, bytes = 16): bigint {
  const b = random(bytes);
  b[0] &= 0x7f;
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n === 0n ? 1n : n;
}

function bad(message: string): X509Error {
  return new X509Error('BAD_INPUT', message);
}

/** Builds, signs and re-parses a v3 certificate. Throws X509Error 'BAD_INPUT' or 'KEY_MISMATCH'. */
export function buildCertificate(opts: BuildCertificateOptions): Certificate {
  const random = opts.random ?? systemRandom;
  const hash = opts.signatureHash ?? 'sha256';
  if (!Object.prototype.hasOwnProperty.call(DIGESTS, hash)) throw bad(`unsupported signature hash '${String(hash)}'`);
  for (const [name, d] of [['notBefore', opts.notBefore], ['notAfter', opts.notAfter]] as const) {
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw bad(`${name} is not a valid date`);
  }
  if (opts.notAfter.getTime() < opts.notBefore.getTime()) throw bad('notAfter is before notBefore');
  if (opts.pathLength !== undefined && (opts.ca !== true || !Number.isInteger(opts.pathLength) || opts.pathLength < 0)) {
    throw bad('pathLength needs ca: true and a whole number >= 0');
  }
  const issuerCert = opts.issuerCertificate;
  if (issuerCert) {
    const ik = issuerCert.publicKey.rsa;
    if (!ik || ik.n !== opts.signingKey.n || ik.e !== opts.signingKey.e) {
      throw new X509Error('KEY_MISMATCH', 'signingKey is not the key of issuerCertificate');
    }
  }

  const subject = encodeName(opts.subject);
  const issuer = opts.issuer !== undefined ? encodeName(opts.issuer) : issuerCert ? issuerCert.subject.raw : subject;
  const selfSigned = !issuerCert && opts.issuer === undefined;
  const serial = opts.serialNumber ?? randomSerialNumber(random);
  const algorithm = der.sequence(der.oid(rsaSignatureOid(hash)), der.null());

  const extensions = buildExtensions(opts, selfSigned);
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)), // v3
    der.integer(serial),
    algorithm,
    issuer,
    der.sequence(der.time(opts.notBefore), der.time(opts.notAfter)),
    subject,
    encodeSubjectPublicKeyInfo({ n: opts.publicKey.n, e: opts.publicKey.e }),
    ...(extensions.length ? [der.explicit(3, der.sequence(...extensions))] : []),
  );
  const signature = rsaSignPkcs1(opts.signingKey, hash, DIGESTS[hash](tbs), random);
  return parseCertificate(der.sequence(tbs, algorithm, der.bitString(signature)));
}

/** One Extension (RFC 5280 4.1): `critical` written only when TRUE (DER omits the default). */
export function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? der.sequence(der.oid(oid), der.boolean(true), der.octetString(value)) : der.sequence(der.oid(oid), der.octetString(value));
}

function buildExtensions(opts: BuildCertificateOptions, selfSigned: boolean): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (opts.ca !== undefined) {
    const body: Uint8Array[] = [];
    if (opts.ca) body.push(der.boolean(true)); // DEFAULT FALSE is omitted in DER
    if (opts.pathLength !== undefined) body.push(der.integer(opts.pathLength));
    out.push(extension(OID.basicConstraints, opts.ca, der.sequence(...body)));
  }
  if (opts.keyUsage !== undefined) out.push(extension(OID.keyUsage, true, encodeKeyUsage(opts.keyUsage)));
  if (opts.extendedKeyUsage !== undefined) {
    if (opts.extendedKeyUsage.length === 0) throw bad('extendedKeyUsage must name at least one purpose');
    out.push(extension(OID.extKeyUsage, false, der.sequence(...opts.extendedKeyUsage.map((p) => der.oid(purposeOid(p))))));
  }
  if (opts.subjectAltName !== undefined) {
    const names = encodeGeneralNames(opts.subjectAltName);
    if (names.length === 0) throw bad('subjectAltName has no names');
    // RFC 5280 4.2.1.6: critical when the subject name is empty.
    const emptySubject = der.sequence().length === encodeName(opts.subject).length;
    out.push(extension(OID.subjectAltName, emptySubject, der.sequence(...names)));
  }
  const ski = opts.subjectKeyIdentifier ?? opts.ca === true;
  const skiBytes = ski instanceof Uint8Array ? ski : ski ? keyIdentifier(opts.publicKey) : undefined;
  if (skiBytes) out.push(extension(OID.subjectKeyIdentifier, false, der.octetString(skiBytes)));

  let aki: Uint8Array | undefined;
  const want = opts.authorityKeyIdentifier;
  if (want instanceof Uint8Array) aki = want;
  else if (want === true) aki = opts.issuerCertificate?.subjectKeyIdentifier ?? keyIdentifier(opts.signingKey);
  else if (want === undefined) aki = opts.issuerCertificate ? opts.issuerCertificate.subjectKeyIdentifier : selfSigned ? skiBytes : undefined;
  if (aki) out.push(extension(OID.authorityKeyIdentifier, false, der.sequence(tlv(contextPrimitive(0), aki))));

  for (const e of opts.extraExtensions ?? []) out.push(extension(e.oid, e.critical === true, e.value));
  return out;
}

/** KeyUsage BIT STRING, DER-minimal: trailing zero bits dropped and counted as unused (X.690 11.2.2). */
export function encodeKeyUsage(usages: readonly KeyUsage[]): Uint8Array {
  if (usages.length === 0) throw bad('keyUsage must name at least one usage');
  let mask = 0;
  for (const u of usages) {
    const bit = KEY_USAGE_BITS.indexOf(u);
    if (bit < 0) throw bad(`unknown keyUsage '${String(u)}' (one of ${KEY_USAGE_BITS.join(', ')})`);
    mask |= 1 << (15 - bit);
  }
  const bytes = mask & 0xff ? Uint8Array.of(mask >> 8, mask & 0xff) : Uint8Array.of(mask >> 8);
  const last = bytes[bytes.length - 1];
  let unused = 0;
  while (unused < 7 && !(last & (1 << unused))) unused++;
  return der.bitString(bytes, unused);
}

function purposeOid(p: string): string {
  if (/^\d+(\.\d+)+$/.test(p)) return p;
  const known: Record<string, string> = {
    serverAuth: OID.serverAuth,
    clientAuth: OID.clientAuth,
    codeSigning: OID.codeSigning,
    emailProtection: OID.emailProtection,
    timeStamping: OID.timeStamping,
    OCSPSigning: OID.ocspSigning,
    ocspSigning: OID.ocspSigning,
    anyExtendedKeyUsage: OID.anyExtendedKeyUsage,
  };
  const oid = known[p];
  if (!oid) throw bad(`unknown extendedKeyUsage '${p}' (a name such as serverAuth, or a dotted OID)`);
  return oid;
}

function ia5(what: string, s: string): Uint8Array {
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(s)) throw bad(`${what} '${s}' must be ASCII (IA5String); write an IDN in its xn-- form`);
  return utf8Bytes(s);
}

export function encodeGeneralNames(san: SubjectAltNameInput): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const d of san.dns ?? []) {
    if (d === '' || /\s/.test(d)) throw bad(`not a DNS name: '${d}'`);
    out.push(tlv(contextPrimitive(2), ia5('DNS name', d)));
  }
  for (const a of san.ip ?? []) {
    const bytes = parseIpAddress(a);
    if (!bytes || a.includes('%')) throw bad(`not an IP address: '${a}'`);
    out.push(tlv(contextPrimitive(7), bytes));
  }
  for (const e of san.email ?? []) out.push(tlv(contextPrimitive(1), ia5('e-mail address', e)));
  for (const u of san.uri ?? []) out.push(tlv(contextPrimitive(6), ia5('URI', u)));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Names

const LABEL_TO_OID: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const [oid, label] of NAME_ATTRIBUTE_LABELS) m.set(label.toUpperCase(), oid);
  for (const oid of NAME_ATTRIBUTE_LABELS.keys()) {
    const name = oidName(oid);
    if (name) m.set(name.toUpperCase(), oid);
  }
  // Aliases OpenSSL and other tools accept.
  m.set('E', OID.emailAddress);
  m.set('EMAIL', OID.emailAddress);
  m.set('S', OID.stateOrProvinceName);
  m.set('G', OID.givenName);
  return m;
})();

function attributeOid(label: string): string {
  const t = label.trim();
  if (/^\d+(\.\d+)+$/.test(t)) return t;
  const oid = LABEL_TO_OID.get(t.toUpperCase());
  if (!oid) throw bad(`unknown name attribute '${label}' (use CN, O, OU, C, ST, L, emailAddress, DC... or a dotted OID)`);
  return oid;
}

/** A value with its DER string type: what X.520/RFC 5280 ask for each attribute, else the most compatible form. */
function encodeAttributeValue(oid: string, value: string): Uint8Array {
  if (oid === OID.countryName) {
    if (!/^[A-Za-z]{2}$/.test(value)) throw bad(`country (C) must be a two-letter code, got '${value}'`);
    return der.printableString(value);
  }
  if (oid === OID.emailAddress || oid === OID.domainComponent) return tlv(Tag.IA5_STRING, ia5('name attribute', value));
  // PrintableString when it can hold the value (what old parsers know best), else UTF8String
  // (RFC 5280 4.1.2.4: MUST for new certificates when PrintableString cannot).
  return isPrintableString(value) ? der.printableString(value) : der.utf8String(value);
}

function encodeAtv(type: string, value: string | Uint8Array): Uint8Array {
  const oid = attributeOid(type);
  return der.sequence(der.oid(oid), value instanceof Uint8Array ? value : encodeAttributeValue(oid, value));
}

function isDistinguishedName(n: NameInput): n is DistinguishedName {
  return typeof n === 'object' && !Array.isArray(n) && 'raw' in n && 'rdns' in n && (n as DistinguishedName).raw instanceof Uint8Array;
}

/** The DER of a Name from any NameInput form. */
export function encodeName(name: NameInput): Uint8Array {
  if (isDistinguishedName(name)) return name.raw;
  if (typeof name === 'string') {
    return der.sequence(...parseNameString(name).map((rdn) => der.setOf(...rdn.map(([t, v]) => encodeAtv(t, v)))));
  }
  const pairs: (readonly [string, string])[] = Array.isArray(name) ? [...(name as readonly (readonly [string, string])[])] : Object.entries(name);
  return der.sequence(
    ...pairs.map((p) => {
      if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string' || typeof p[1] !== 'string') throw bad('name pairs must be [type, value] strings');
      return der.setOf(encodeAtv(p[0], p[1]));
    }),
  );
}

/** Splits on `sep` where it is not backslash-escaped. */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s[i] === sep) {
      out.push(cur);
      cur = '';
    } else {
      cur += s[i];
    }
  }
  out.push(cur);
  return out;
}

/** RFC 4514 2.4 unescaping: '\,' and friends, and '\XX' hex pairs (bytes of UTF-8). */
function unescapeValue(v: string): string {
  const bytes: number[] = [];
  const flush = (): string => {
    const s = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    bytes.length = 0;
    return s;
  };
  let out = '';
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\' && /^[0-9a-fA-F]{2}$/.test(v.slice(i + 1, i + 3))) {
      bytes.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
      continue;
    }
    if (bytes.length) out += flushOrThrow(flush, v);
    if (v[i] === '\\' && i + 1 < v.length) out += v[++i];
    else out += v[i];
  }
  if (bytes.length) out += flushOrThrow(flush, v);
  return out;
}

function flushOrThrow(flush: () => string, v: string): string {
  try {
    return flush();
  } catch {
    throw bad(`name value '${v}' has \\XX escapes that are not UTF-8`);
  }
}

/**
 * Parses the string form of NameInput into RDNs of [type, value]; a value written '#hex'
 * (RFC 4514 2.4, as formatName prints non-string values) comes back as its DER bytes.
 */
export function parseNameString(s: string): [string, string | Uint8Array][][] {
  // Outer whitespace is padding, except an escaped trailing space (O=x followed by backslash, space).
  const text = s.replace(/^\s+/, '').replace(/(?<!\\)\s+$/, '');
  if (text === '' || text === '/') return [];
  const slashForm = text.startsWith('/');
  const rdnTexts = slashForm ? splitUnescaped(text.slice(1), '/') : splitUnescaped(text, ',');
  return rdnTexts.map((rdnText) =>
    splitUnescaped(rdnText, '+').map((atv): [string, string | Uint8Array] => {
      const eq = atv.indexOf('=');
      if (eq <= 0) throw bad(`name component '${atv.trim()}' is not TYPE=value`);
      const type = atv.slice(0, eq).trim();
      // Unescaped leading/trailing spaces are separators' padding; escaped ones ('\ ') stay.
      let raw = atv.slice(eq + 1).replace(/^\s+/, '');
      raw = raw.replace(/(?<!\\)\s+$/, '');
      if (raw.startsWith('#')) {
        const hex = raw.slice(1);
        if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw bad(`name value '${raw}' is not #hex`);
        const bytes = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
        try {
          readSingle(bytes);
        } catch (e) {
          if (e instanceof DerError) throw bad(`name value '${raw}' is not one DER value`);
          throw e;
        }
        return [type, bytes];
      }
      return [type, unescapeValue(raw)];
    }),
  );
}
