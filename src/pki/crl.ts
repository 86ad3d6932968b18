/**
 * Certificate revocation lists: parsing (RFC 5280 section 5.1, v1 and v2, with the CRL and
 * entry extensions of 5.2 and 5.3 that matter here) and checking one against the issuer
 * certificate (5.1.1.3 signature, 6.3.3 (f) cRLSign, (g) the signature). Pure: no I/O, no
 * clock; revocation.ts decides what a CRL means for a handshake, crl-cache.ts keeps them.
 *
 * Strict like the certificate parser (x509.ts), on the same DER reader: trailing bytes
 * anywhere, a version other than v2 when present, extensions in a v1 CRL, the outer
 * signatureAlgorithm differing from the inner one (5.1.1.2), the same extension twice. A
 * critical extension we do not process (an issuingDistributionPoint, a delta-CRL indicator,
 * an indirect CRL's certificateIssuer) makes the CRL unusable rather than half understood:
 * parsing keeps it, crlProblem() says why it may not be used (5.2, 5.3: "MUST NOT use").
 */
import { Ssl3Error } from '../util/errors.js';
import type { Certificate, DistinguishedName, Extension, SignatureAlgorithm } from './certificate.js';
import { contextPrimitive, DerReader, Tag, readSingle } from './der.js';
import { describeOid, OID } from './oid.js';
import { isPem, pemDecode } from './pem.js';
import { checkSignedBy, describeName, namesEqual, supportedSignatureHashes } from './verify.js';
import { readAlgorithm, readExtensions, readName } from './x509.js';
import { bytesEqual } from '../util/bytes.js';

/** A CRL we cannot read. Codes: MALFORMED, BAD_VERSION, ALGORITHM_MISMATCH, DUPLICATE_EXTENSION, BAD_EXTENSION, NO_CRL, BAD_PEM. */
export class CrlError extends Ssl3Error {}

/** CRLReason (RFC 5280 5.3.1), the one table: code -> name; 7 is not used. */
export const CRL_REASONS = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
} as const;

export type CrlReason = (typeof CRL_REASONS)[keyof typeof CRL_REASONS];

export interface RevokedCertificate {
  readonly serialNumber: bigint;
  readonly revocationDate: Date;
  /** From the reasonCode entry extension (v2); absent means unspecified. */
  readonly reason?: CrlReason;
  readonly invalidityDate?: Date;
  readonly extensions: readonly Extension[];
}

export interface Crl {
  /** The whole CertificateList DER. */
  readonly raw: Uint8Array;
  /** The exact DER of tbsCertList, over which the signature is computed. */
  readonly tbsRaw: Uint8Array;
  /** 1 or 2. */
  readonly version: number;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  readonly issuer: DistinguishedName;
  readonly thisUpdate: Date;
  /** RFC 5280 5.1.2.5 requires it; an old CA may leave it out. */
  readonly nextUpdate?: Date;
  readonly revoked: readonly RevokedCertificate[];
  /** cRLNumber (5.2.3), a v2 extension. */
  readonly crlNumber?: bigint;
  /** authorityKeyIdentifier keyIdentifier (5.2.1), a v2 extension. */
  readonly authorityKeyIdentifier?: Uint8Array;
  readonly extensions: readonly Extension[];
}

/** CRL extensions we apply (5.2): anything else critical makes the CRL unusable. */
const KNOWN_CRL_EXTENSIONS: ReadonlySet<string> = new Set([OID.cRLNumber, OID.authorityKeyIdentifier, OID.issuerAltName]);
/** Entry extensions we apply (5.3); certificateIssuer (indirect CRLs) is deliberately not one. */
const KNOWN_ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([OID.cRLReason, OID.invalidityDate]);

/** Runs one step of the parse; a lower-level error becomes a CrlError naming `field`. */
function field<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CrlError) throw e;
    if (e instanceof Ssl3Error) {
      const code = e.code === 'DUPLICATE_EXTENSION' ? e.code : 'MALFORMED';
      throw new CrlError(code, `CRL ${name}: ${e.message.replace(/^DER: /, '')}`);
    }
    throw e;
  }
}

/**
 * Parses one DER CRL (CertificateList, 5.1). The input is copied, so the bytes whose
 * signature is checked cannot change afterwards. Throws CrlError; nothing else escapes.
 */
export function parseCrlDer(input: Uint8Array): Crl {
  const bytes = new Uint8Array(input);
  const top = field('encoding', () => readSingle(bytes));
  if (top.tag !== Tag.SEQUENCE) throw new CrlError('MALFORMED', 'CRL encoding: not a DER SEQUENCE');
  const outer = new DerReader(top.value, 1);
  const tbsTlv = field('tbsCertList', () => outer.expect(Tag.SEQUENCE, 'tbsCertList'));
  const tbs = outer.child(tbsTlv);

  // version Version OPTIONAL: "if present, MUST be v2" (5.1.2.1).
  let version = 1;
  if (tbs.peekTag() === Tag.INTEGER) {
    const v = field('version', () => tbs.integer());
    if (v !== 1n) throw new CrlError('BAD_VERSION', `CRL version: ${v} is not v2 (1)`);
    version = 2;
  }
  const inner = field('signature algorithm', () => readAlgorithm(tbs));
  const issuer = field('issuer', () => readName(tbs));
  const thisUpdate = field('thisUpdate', () => tbs.time());
  const next = tbs.peekTag();
  const nextUpdate = next === Tag.UTC_TIME || next === Tag.GENERALIZED_TIME ? field('nextUpdate', () => tbs.time()) : undefined;

  const revoked: RevokedCertificate[] = [];
  if (tbs.peekTag() === Tag.SEQUENCE) {
    const list = field('revokedCertificates', () => tbs.sequence('revokedCertificates'));
    while (!list.done) revoked.push(field(`revokedCertificates entry ${revoked.length + 1}`, () => readEntry(list, version)));
  }
  let extensions: Extension[] = [];
  const extReader = field('crlExtensions', () => tbs.optionalExplicit(0));
  if (extReader) {
    if (version !== 2) throw new CrlError('MALFORMED', 'CRL crlExtensions: present in a v1 CRL');
    extensions = field('crlExtensions', () => {
      const list = readExtensions(extReader, 'CRL');
      extReader.end('crlExtensions');
      return list;
    });
  }
  field('tbsCertList', () => tbs.end('tbsCertList'));

  const outerAlg = field('signatureAlgorithm', () => readAlgorithm(outer));
  const signature = field('signatureValue', () => outer.bitString().bytes);
  field('CertificateList', () => outer.end('CertificateList'));
  if (!bytesEqual(inner.raw, outerAlg.raw)) {
    throw new CrlError('ALGORITHM_MISMATCH', `CRL signatureAlgorithm: the outer ${describeOid(outerAlg.algorithm.oid)} differs from the ${describeOid(inner.algorithm.oid)} inside tbsCertList`);
  }
  return {
    raw: top.raw,
    tbsRaw: tbsTlv.raw,
    version,
    signatureAlgorithm: inner.algorithm,
    signature,
    issuer,
    thisUpdate,
    nextUpdate,
    revoked,
    extensions,
    ...decodeCrlExtensions(extensions),
  };
}

/** One revokedCertificates entry: SEQUENCE { userCertificate, revocationDate, crlEntryExtensions OPTIONAL } (5.1.2.6). */
function readEntry(list: DerReader, version: number): RevokedCertificate {
  const e = list.sequence('revoked certificate');
  const serialNumber = e.integer();
  const revocationDate = e.time();
  let extensions: Extension[] = [];
  if (!e.done) {
    if (version !== 2) throw new CrlError('MALFORMED', 'CRL entry extensions: present in a v1 CRL');
    extensions = readExtensions(e, 'CRL entry');
  }
  e.end('revoked certificate');
  let reason: CrlReason | undefined;
  let invalidityDate: Date | undefined;
  for (const ext of extensions) {
    const r = new DerReader(ext.value, 3);
    if (ext.oid === OID.cRLReason) {
      const code = Number(r.integer(Tag.ENUMERATED));
      reason = (CRL_REASONS as Record<number, CrlReason>)[code];
      if (reason === undefined) throw new CrlError('BAD_EXTENSION', `CRL entry reasonCode: ${code} is not a CRLReason`);
    } else if (ext.oid === OID.invalidityDate) {
      invalidityDate = r.time();
    } else continue;
    r.end(describeOid(ext.oid));
  }
  return { serialNumber, revocationDate, reason, invalidityDate, extensions };
}

function decodeCrlExtensions(extensions: readonly Extension[]): Pick<Crl, 'crlNumber' | 'authorityKeyIdentifier'> {
  const out: { crlNumber?: bigint; authorityKeyIdentifier?: Uint8Array } = {};
  for (const ext of extensions) {
    const r = new DerReader(ext.value, 2);
    if (ext.oid === OID.cRLNumber) {
      out.crlNumber = field('cRLNumber', () => r.integer());
    } else if (ext.oid === OID.authorityKeyIdentifier) {
      // SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, ... } (4.2.1.1)
      out.authorityKeyIdentifier = field('authorityKeyIdentifier', () => {
        const s = r.sequence('AuthorityKeyIdentifier');
        const id = s.optional(contextPrimitive(0))?.value;
        while (!s.done) s.readTlv();
        return id;
      });
    } else continue;
    field(describeOid(ext.oid), () => r.end(describeOid(ext.oid)));
  }
  return out;
}

/** PEM labels of a CRL (RFC 7468 section 6). */
const CRL_LABELS = new Set(['X509 CRL', 'CRL']);

/**
 * Every CRL in `input`: the X509 CRL blocks of a PEM text (other blocks are ignored), or one
 * DER CRL, as HTTP servers and LDAP directories hand them out. Throws CrlError NO_CRL when there is none.
 */
export function parseCrls(input: string | Uint8Array): Crl[] {
  if (typeof input === 'string' || isPem(input)) {
    let blocks;
    try {
      blocks = pemDecode(input);
    } catch (e) {
      throw new CrlError('BAD_PEM', e instanceof Error ? e.message : String(e));
    }
    const crls = blocks.filter((b) => CRL_LABELS.has(b.label)).map((b) => parseCrlDer(b.der));
    if (!crls.length) {
      const labels = blocks.map((b) => b.label);
      throw new CrlError('NO_CRL', labels.length ? `no X509 CRL block in the PEM data (found ${labels.join(', ')})` : 'no PEM block in the text');
    }
    return crls;
  }
  if (input.length === 0) throw new CrlError('NO_CRL', 'empty CRL data');
  if (input[0] !== Tag.SEQUENCE) throw new CrlError('NO_CRL', 'neither PEM (no -----BEGIN line) nor DER (does not start with a SEQUENCE)');
  return [parseCrlDer(input)];
}

/** The one CRL in `input` (the first, for a PEM file with several). */
export function parseCrl(input: string | Uint8Array): Crl {
  return parseCrls(input)[0];
}

/** The entry revoking `serial`, if the CRL lists it (5.1.2.6). */
export function findRevoked(crl: Crl, serial: bigint): RevokedCertificate | undefined {
  return crl.revoked.find((r) => r.serialNumber === serial);
}

/** 'the CRL of 'Test CA'' for messages. */
export function describeCrl(crl: Crl): string {
  return `the CRL of '${describeName(crl.issuer)}'`;
}

/**
 * Why a CRL may not decide about an issuer's certificates; OTHER_ISSUER means it is simply
 * someone else's. STALE and NOT_YET_VALID come from the caller's freshness check (crlFreshness).
 */
export interface CrlProblem {
  readonly code: 'OTHER_ISSUER' | 'OTHER_KEY' | 'NO_CRL_SIGN' | 'CRITICAL_EXTENSION' | 'BAD_SIGNATURE' | 'STALE' | 'NOT_YET_VALID';
  readonly reason: string;
}

/**
 * Why `crl` may not be used to decide about certificates `issuer` issued, or undefined when
 * it may (RFC 5280 6.3.3): the issuer's name (b), the key identifier when both carry one,
 * keyUsage cRLSign when the issuer has keyUsage (f), the signature with the issuer's key (g),
 * and no critical extension we do not process. Freshness is the caller's (it has the clock).
 */
export function crlProblem(crl: Crl, issuer: Certificate): CrlProblem | undefined {
  const what = describeCrl(crl);
  if (!namesEqual(crl.issuer, issuer.subject)) return { code: 'OTHER_ISSUER', reason: `${what} is not from '${describeName(issuer.subject)}'` };
  if (crl.authorityKeyIdentifier && issuer.subjectKeyIdentifier && !bytesEqual(crl.authorityKeyIdentifier, issuer.subjectKeyIdentifier)) {
    return { code: 'OTHER_KEY', reason: `${what} is signed by another key of its issuer (authorityKeyIdentifier differs)` };
  }
  if (issuer.keyUsage && !issuer.keyUsage.has('cRLSign')) {
    return { code: 'NO_CRL_SIGN', reason: `the keyUsage of '${describeName(issuer.subject)}' does not allow cRLSign` };
  }
  const critical = crl.extensions.find((e) => e.critical && !KNOWN_CRL_EXTENSIONS.has(e.oid));
  if (critical) return { code: 'CRITICAL_EXTENSION', reason: `${what} has a critical ${describeOid(critical.oid)} extension, which is not supported` };
  for (const entry of crl.revoked) {
    const ext = entry.extensions.find((e) => e.critical && !KNOWN_ENTRY_EXTENSIONS.has(e.oid));
    if (ext) return { code: 'CRITICAL_EXTENSION', reason: `${what} has an entry with a critical ${describeOid(ext.oid)} extension, which is not supported` };
  }
  const sig = checkSignedBy(crl, issuer, new Set(supportedSignatureHashes()), { subject: what, name: what });
  return sig.ok ? undefined : { code: 'BAD_SIGNATURE', reason: sig.reason };
}

/** Whether the CRL is current at `now`: thisUpdate reached, nextUpdate (when given) not passed (5.1.2.4, 5.1.2.5). */
export function crlFreshness(crl: Crl, now: number): 'current' | 'stale' | 'not-yet-valid' {
  if (now < crl.thisUpdate.getTime()) return 'not-yet-valid';
  if (crl.nextUpdate && now > crl.nextUpdate.getTime()) return 'stale';
  return 'current';
}
