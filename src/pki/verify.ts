/**
 * Certificate chain validation: RFC 5280 section 6 (basic path validation), simplified for
 * what SSL 3.0 peers send. The Certificate message carries the sender's chain leaf first
 * (RFC 6101 section 5.6.2), but real devices send intermediates out of order, include or omit
 * the root, or send a lone self-signed certificate; so the path is built here from the leaf
 * upward rather than taken as given.
 *
 * Path building is greedy, without backtracking: at each step the issuer is chosen among
 * the anchors and the unused supplied certificates with the same name, preferring an anchor,
 * then a matching key identifier, then one valid now, and taking the first whose key verifies
 * the signature. That covers out-of-order chains, roots sent along and key rollover; a
 * cross-certified mesh where the first verifying choice is a dead end is not explored.
 *
 * What is checked, per certificate of the built path:
 * - the signature of every link (tbsCertificate hashed with the certificate's own digest,
 *   PKCS#1 v1.5 with the issuer's RSA key), RFC 5280 6.1.3 (a)(1);
 * - the validity period of every certificate below the trust anchor, 6.1.3 (a)(2);
 * - issuer/subject name chaining, 6.1.3 (a)(4): exact DER first, then a normalized
 *   comparison (case-insensitive, whitespace-collapsed strings; a simplification of
 *   RFC 5280 7.1 / RFC 4518) because old CAs re-encode names (PrintableString vs UTF8String);
 * - basicConstraints cA, keyUsage keyCertSign and pathLenConstraint on every issuer,
 *   6.1.4 (k), (l), (m), (n); these are enforced on the trust anchor too (as OpenSSL does),
 *   except that a v1 anchor (or one without any extensions) may issue: such roots predate
 *   extensions and were trusted explicitly by the caller. A v1 certificate that is not an
 *   anchor never may act as an issuer;
 * - unrecognized critical extensions, 6.1.4 (o) / 6.1.5 (f);
 * - extendedKeyUsage of the leaf against the requested purpose (RFC 5280 4.2.1.12).
 *
 * What is deliberately not checked: the trust anchor's own signature and validity period
 * (RFC 5280 6.1.1 (d): an anchor is an input, not a link; an expired anchor gives a warning).
 * The exception is a leaf that is itself an anchor (a pinned self-signed device certificate):
 * it is still the end entity, so its validity, critical extensions and purpose are checked.
 * Also not checked: certificate policies (we run with any-policy and no explicit policy
 * required, so a critical certificatePolicies extension restricts nothing), name constraints
 * (a critical one fails closed as unknown), and revocation. Legacy algorithms are accepted: md5 signatures and RSA
 * keys under 1024 bits are reported as warnings, not errors (docs/architecture.md, "Principles": "Legacy devices").
 */
import { digestFor } from './digests.js';
import { bytesEqual } from '../util/bytes.js';
import { Ssl3Error } from '../util/errors.js';
import type { Certificate, DistinguishedName, SignatureAlgorithm, SignatureHash } from './certificate.js';
import { describeOid, OID } from './oid.js';
import { bitLength, PKCS1_DIGEST_LENGTH, rsaVerifyPkcs1, type Pkcs1HashAlg } from './rsa.js';
import { commonName, formatName } from './x509.js';

/** Every way a chain can fail, with what it means (one table: the codes are its keys). */
export const CHAIN_ERRORS = {
  EMPTY_CHAIN: 'the peer sent no certificate',
  UNTRUSTED_ROOT: 'no path from the certificate to a trust anchor (an issuer was not found)',
  BAD_SIGNATURE: "a certificate's signature does not verify with its issuer's key",
  UNSUPPORTED_SIGNATURE_ALGORITHM: 'a signature or key algorithm we cannot or may not check',
  EXPIRED: 'a certificate is past its notAfter time',
  NOT_YET_VALID: 'a certificate is before its notBefore time',
  ISSUER_NOT_CA: 'an issuing certificate is not marked as a CA (basicConstraints)',
  ISSUER_NO_KEYCERTSIGN: 'an issuing certificate has keyUsage without keyCertSign',
  PATH_LENGTH_EXCEEDED: 'a pathLenConstraint, or the maximum chain depth, is exceeded',
  NAME_MISMATCH: "a certificate's issuer name differs from the subject name of the key that signed it",
  WRONG_PURPOSE: "the leaf's extendedKeyUsage does not allow the requested purpose",
  UNKNOWN_CRITICAL_EXTENSION: 'a certificate has a critical extension we do not process',
} as const;

export type ChainErrorCode = keyof typeof CHAIN_ERRORS;

export type ChainPurpose = 'serverAuth' | 'clientAuth';

export interface VerifyChainOptions {
  /** Certificates trusted by configuration (root CAs, or pinned self-signed device certificates). */
  readonly trustAnchors: readonly Certificate[];
  /** The clock; defaults to the current time. */
  readonly now?: Date;
  /** Checked against the leaf's extendedKeyUsage when given. */
  readonly purpose?: ChainPurpose;
  /**
   * Digests accepted in certificate signatures (the anchor's own signature is never checked).
   * Default: every digest rsaVerifyPkcs1 supports, md5 included (it gives a warning).
   */
  readonly allowedSignatureHashes?: readonly SignatureHash[];
  /** Most certificates in a path, leaf and anchor included. Default 10. */
  readonly maxDepth?: number;
}

export type ChainResult =
  | {
      readonly ok: true;
      /** Leaf first, ending with the trust anchor (just the leaf when it is the anchor itself). */
      readonly path: Certificate[];
      readonly warnings: string[];
    }
  | {
      readonly ok: false;
      readonly code: ChainErrorCode;
      /** One sentence naming the certificate and what failed. */
      readonly reason: string;
      readonly certificate?: Certificate;
      /** Position in the built path, 0 = leaf. */
      readonly depth?: number;
    };

export type ChainFailure = Extract<ChainResult, { ok: false }>;

/** For callers that prefer exceptions: a failed validation, with the result's code. */
export class ChainError extends Ssl3Error {
  declare readonly code: ChainErrorCode;
  readonly certificate?: Certificate;
  readonly depth?: number;

  constructor(failure: ChainFailure) {
    super(failure.code, failure.reason);
    this.certificate = failure.certificate;
    this.depth = failure.depth;
  }
}

export const DEFAULT_MAX_DEPTH = 10;


/**
 * Whether rsaVerifyPkcs1 knows the DigestInfo for this digest. Asked of pkcs1's own table so
 * that adding a digest there (sha384, ...) enables it here without an edit.
 */
function pkcs1Supports(hash: SignatureHash): boolean {
  return Object.prototype.hasOwnProperty.call(PKCS1_DIGEST_LENGTH, hash) && digestFor(hash) !== undefined;
}

/** The default for allowedSignatureHashes: all digests both noble and rsaVerifyPkcs1 handle. */
export function supportedSignatureHashes(): SignatureHash[] {
  return (['md2', 'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as SignatureHash[]).filter(pkcs1Supports);
}

/**
 * Extensions whose meaning this validator applies, or may safely ignore when critical
 * (see the header for certificatePolicies). Anything else marked critical fails the chain.
 */
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.issuerAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.cRLDistributionPoints,
  OID.authorityInfoAccess,
  OID.certificatePolicies,
]);

// ---------------------------------------------------------------------------------------
// Names

function normalizeValue(v: string): string {
  return v.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Issuer/subject equality: identical DER, or the same RDNs in the same order whose attributes
 * (compared as sets within each RDN) have the same types and normalized values. Normalizing is
 * case-insensitive and collapses whitespace, the part of RFC 4518 string preparation that old
 * CAs actually need; string tags (PrintableString vs UTF8String) are ignored.
 */
export function namesEqual(a: DistinguishedName, b: DistinguishedName): boolean {
  if (bytesEqual(a.raw, b.raw)) return true;
  if (a.rdns.length !== b.rdns.length) return false;
  for (let i = 0; i < a.rdns.length; i++) {
    const x = a.rdns[i].map((t) => `${t.type}=${normalizeValue(t.value)}`).sort();
    const y = b.rdns[i].map((t) => `${t.type}=${normalizeValue(t.value)}`).sort();
    if (x.length !== y.length || x.some((v, j) => v !== y[j])) return false;
  }
  return true;
}

/** A short label for messages: the subject CN, else the whole name, else '(empty name)'. */
export function describeName(dn: DistinguishedName): string {
  return commonName(dn) ?? fullName(dn);
}

/** Every attribute, for messages where the CN alone does not show the difference. */
function fullName(dn: DistinguishedName): string {
  return formatName(dn) || '(empty name)';
}

function label(cert: Certificate): string {
  return `'${describeName(cert.subject)}'`;
}

function isSelfIssued(cert: Certificate): boolean {
  return namesEqual(cert.subject, cert.issuer);
}

// ---------------------------------------------------------------------------------------
// Signatures

export type LinkCheck = { ok: true; warning?: string } | { ok: false; code: 'BAD_SIGNATURE' | 'UNSUPPORTED_SIGNATURE_ALGORITHM'; reason: string };

/** What an issuer signs: a certificate (RFC 5280 4.1.1) or a CRL (5.1.1), each over its exact TBS bytes. */
export interface SignedData {
  readonly tbsRaw: Uint8Array;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
}

/** Verifies that `issuer`'s key signed `cert` (RFC 5280 6.1.3 (a)(1)). */
function checkSignature(cert: Certificate, issuer: Certificate, allowed: ReadonlySet<SignatureHash>): LinkCheck {
  return checkSignedBy(cert, issuer, allowed, { subject: `certificate ${label(cert)}`, name: label(cert) });
}

/**
 * Verifies that `issuer`'s RSA key made `signed`'s PKCS#1 v1.5 signature, with a digest in
 * `allowed`. `what.subject` starts the messages ("certificate 'x'", "the CRL of 'y'"),
 * `what.name` names the signed object inside them. Shared by chains and CRLs (RFC 5280 6.3.3 (g)).
 */
export function checkSignedBy(signed: SignedData, issuer: Certificate, allowed: ReadonlySet<SignatureHash>, what: { subject: string; name: string }): LinkCheck {
  const alg = signed.signatureAlgorithm;
  const hash = alg.hash;
  if (hash === undefined) {
    return {
      ok: false,
      code: 'UNSUPPORTED_SIGNATURE_ALGORITHM',
      reason: `${what.subject} is signed with ${describeOid(alg.oid)}, which cannot be verified (only RSA PKCS#1 v1.5 signatures are supported)`,
    };
  }
  const algName = describeOid(alg.oid);
  if (!pkcs1Supports(hash)) {
    return {
      ok: false,
      code: 'UNSUPPORTED_SIGNATURE_ALGORITHM',
      reason: `${what.subject} is signed with ${algName}, and the ${hash} digest is not supported for RSA signatures`,
    };
  }
  if (!allowed.has(hash)) {
    return {
      ok: false,
      code: 'UNSUPPORTED_SIGNATURE_ALGORITHM',
      reason: `${what.subject} is signed with ${algName}, and ${hash} is not among the allowed signature hashes`,
    };
  }
  const key = issuer.publicKey.rsa;
  if (!key) {
    return {
      ok: false,
      code: 'UNSUPPORTED_SIGNATURE_ALGORITHM',
      reason: `issuer ${label(issuer)} of ${what.name} has a ${describeOid(issuer.publicKey.algorithmOid)} key; only RSA keys are supported`,
    };
  }
  const digest = digestFor(hash)!(signed.tbsRaw);
  let good: boolean;
  try {
    good = rsaVerifyPkcs1(key, hash as Pkcs1HashAlg, digest, signed.signature);
  } catch (e) {
    // rsaVerifyPkcs1 throws for keys it cannot use at all (too small for the DigestInfo,
    // even modulus, ...): from the chain's point of view the signature does not verify.
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, code: 'BAD_SIGNATURE', reason: `the signature of ${what.name} cannot be verified with the key of ${label(issuer)}: ${why}` };
  }
  if (!good) {
    return { ok: false, code: 'BAD_SIGNATURE', reason: `the signature of ${what.name} does not verify with the key of its issuer ${label(issuer)}` };
  }
  if (hash === 'md5') return { ok: true, warning: `${what.subject} is signed with ${algName}, a broken digest (accepted for legacy devices)` };
  return { ok: true };
}

// ---------------------------------------------------------------------------------------
// Path building

function isAnchorCopy(cert: Certificate, anchor: Certificate): boolean {
  // Byte-equal, or the same name and key: a server that sends a re-issued copy of our root
  // (new validity dates, same key) still chains to the anchor we configured.
  return bytesEqual(cert.raw, anchor.raw) || (bytesEqual(cert.publicKey.raw, anchor.publicKey.raw) && namesEqual(cert.subject, anchor.subject));
}

function fail(code: ChainErrorCode, reason: string, certificate?: Certificate, depth?: number): ChainFailure {
  return { ok: false, code, reason, certificate, depth };
}

interface Candidate {
  cert: Certificate;
  anchor: boolean;
  /** Index into the supplied chain, for supplied certificates. */
  index?: number;
}

function keyIdMatches(child: Certificate, parent: Certificate): boolean | undefined {
  if (!child.authorityKeyIdentifier || !parent.subjectKeyIdentifier) return undefined;
  return bytesEqual(child.authorityKeyIdentifier, parent.subjectKeyIdentifier);
}

function inValidity(cert: Certificate, now: Date): boolean {
  const t = now.getTime();
  return cert.notBefore.getTime() <= t && t <= cert.notAfter.getTime();
}

/**
 * Validates `chain` (leaf first, as the Certificate message carries it; RFC 6101 5.6.2) up to
 * one of `options.trustAnchors`. Never throws for a bad chain: the result says what failed.
 */
export function verifyChain(chain: readonly Certificate[], options: VerifyChainOptions): ChainResult {
  if (chain.length === 0) return fail('EMPTY_CHAIN', 'the certificate chain is empty: the peer sent no certificate');
  const now = options.now ?? new Date();
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const allowed = new Set(options.allowedSignatureHashes ?? supportedSignatureHashes());
  const anchors = options.trustAnchors;
  const warnings: string[] = [];

  // 1. Build the path: from the leaf, repeatedly find the issuer among the anchors and the
  //    not-yet-used supplied certificates, until a certificate is (a copy of) an anchor.
  const leaf = chain[0];
  const path: Certificate[] = [leaf];
  const used = new Set<number>([0]);
  let current = leaf;
  // A leaf that is itself an anchor (a pinned self-signed device certificate) is the whole
  // path; it stays in the path as sent, since the end-entity checks apply to what was sent.
  let anchorReached = anchors.some((a) => isAnchorCopy(leaf, a));

  while (!anchorReached) {
    const depth = path.length - 1;
    if (path.length >= maxDepth) {
      return fail('PATH_LENGTH_EXCEEDED', `no trust anchor within ${maxDepth} certificates above ${label(leaf)}`, current, depth);
    }
    const candidates: Candidate[] = [];
    for (const a of anchors) if (namesEqual(current.issuer, a.subject)) candidates.push({ cert: a, anchor: true });
    chain.forEach((c, i) => {
      // A duplicate of a certificate already in the path would only make a loop.
      if (used.has(i) || path.some((p) => bytesEqual(p.raw, c.raw))) return;
      if (namesEqual(current.issuer, c.subject)) candidates.push({ cert: c, anchor: false, index: i });
    });

    if (candidates.length === 0) {
      return noIssuerFound(chain, used, path, anchors, current, depth, allowed);
    }

    // Prefer anchors (a shorter path), then a key-identifier match, then a certificate valid
    // now (rollover: an old and a new intermediate with the same name). Array.sort is stable,
    // so ties keep the order the peer sent.
    const score = (c: Candidate): number =>
      (c.anchor ? 4 : 0) + (keyIdMatches(current, c.cert) === false ? 0 : 2) + (inValidity(c.cert, now) ? 1 : 0);
    candidates.sort((x, y) => score(y) - score(x));

    let chosen: Candidate | undefined;
    let firstFailure: LinkCheck | undefined;
    for (const c of candidates) {
      const r = checkSignature(current, c.cert, allowed);
      if (r.ok) {
        if (r.warning) warnings.push(r.warning);
        chosen = c;
        break;
      }
      firstFailure ??= r;
    }
    if (!chosen) {
      const r = firstFailure as Exclude<LinkCheck, { ok: true }>;
      return fail(r.code, r.reason, current, depth);
    }

    if (chosen.anchor) {
      path.push(chosen.cert);
      anchorReached = true;
    } else {
      used.add(chosen.index!);
      const copyOf = anchors.find((a) => isAnchorCopy(chosen.cert, a));
      // A supplied copy of an anchor ends the path at the configured anchor itself.
      path.push(copyOf ?? chosen.cert);
      anchorReached = copyOf !== undefined;
      current = chosen.cert;
    }
  }

  // 2. Check each certificate of the path. The last element is the trust anchor; it is
  //    checked only in its role as an issuer (and fully when it is the leaf itself).
  const top = path.length - 1;
  for (let depth = 0; depth < path.length; depth++) {
    const cert = path[depth];
    const isAnchor = depth === top;
    const isLeaf = depth === 0;

    if (!isAnchor || isLeaf) {
      if (now.getTime() < cert.notBefore.getTime()) {
        return fail('NOT_YET_VALID', `certificate ${label(cert)} is not valid before ${cert.notBefore.toISOString()} (now ${now.toISOString()})`, cert, depth);
      }
      if (now.getTime() > cert.notAfter.getTime()) {
        return fail('EXPIRED', `certificate ${label(cert)} expired at ${cert.notAfter.toISOString()} (now ${now.toISOString()})`, cert, depth);
      }
      const unknown = cert.extensions.find((e) => e.critical && !KNOWN_EXTENSIONS.has(e.oid));
      if (unknown) {
        return fail('UNKNOWN_CRITICAL_EXTENSION', `certificate ${label(cert)} has a critical ${describeOid(unknown.oid)} extension that is not supported`, cert, depth);
      }
    } else if (now.getTime() > cert.notAfter.getTime() || now.getTime() < cert.notBefore.getTime()) {
      warnings.push(`trust anchor ${label(cert)} is outside its validity period (${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}); accepted as configured`);
    }

    if (!isLeaf) {
      const issuerFailure = checkIssuer(cert, depth, isAnchor, path);
      if (issuerFailure) return issuerFailure;
    }

    const bits = cert.publicKey.rsa ? bitLength(cert.publicKey.rsa.n) : undefined;
    if (bits !== undefined && bits < 1024) {
      warnings.push(`certificate ${label(cert)} has a weak ${bits}-bit RSA key (accepted for legacy devices)`);
    }
  }

  // 3. The leaf's purpose (RFC 5280 4.2.1.12): an EKU without the purpose or
  //    anyExtendedKeyUsage forbids it; no EKU at all allows every purpose.
  if (options.purpose && leaf.extendedKeyUsage) {
    const want = OID[options.purpose];
    if (!leaf.extendedKeyUsage.includes(want) && !leaf.extendedKeyUsage.includes(OID.anyExtendedKeyUsage)) {
      const has = leaf.extendedKeyUsage.map(describeOid).join(', ') || 'none';
      return fail('WRONG_PURPOSE', `certificate ${label(leaf)} is not allowed for ${options.purpose} (its extendedKeyUsage allows: ${has})`, leaf, 0);
    }
  }

  return { ok: true, path, warnings };
}

/** The constraints on a certificate acting as an issuer (RFC 5280 6.1.4 (k)-(n)). */
function checkIssuer(cert: Certificate, depth: number, isAnchor: boolean, path: readonly Certificate[]): ChainFailure | undefined {
  const below = path[depth - 1];
  const bc = cert.basicConstraints;
  // v1 roots (and v3 ones without any extension) say nothing about being a CA; they issue
  // only when the caller configured them as anchors.
  const legacyAnchor = isAnchor && (cert.version < 3 || cert.extensions.length === 0);
  if (!legacyAnchor) {
    if (!bc) {
      const why = cert.version < 3 ? `is a v${cert.version} certificate (no basicConstraints) and not a trust anchor` : 'has no basicConstraints extension';
      return fail('ISSUER_NOT_CA', `certificate ${label(cert)} issued ${label(below)} but ${why}`, cert, depth);
    }
    if (!bc.ca) {
      return fail('ISSUER_NOT_CA', `certificate ${label(cert)} issued ${label(below)} but its basicConstraints say CA:FALSE`, cert, depth);
    }
  }
  if (cert.keyUsage && !cert.keyUsage.has('keyCertSign')) {
    return fail('ISSUER_NO_KEYCERTSIGN', `certificate ${label(cert)} issued ${label(below)} but its keyUsage does not include keyCertSign`, cert, depth);
  }
  if (bc?.pathLength !== undefined) {
    // Intermediate CAs between this one and the leaf; self-issued ones (key rollover) do not
    // count (RFC 5280 6.1.4 (l)).
    let intermediates = 0;
    for (let i = 1; i < depth; i++) if (!isSelfIssued(path[i])) intermediates++;
    if (intermediates > bc.pathLength) {
      return fail(
        'PATH_LENGTH_EXCEEDED',
        `certificate ${label(cert)} allows ${bc.pathLength} intermediate CA certificate(s) below it (pathLenConstraint) but the chain has ${intermediates}`,
        cert,
        depth,
      );
    }
  }
  return undefined;
}

/**
 * No certificate is named as `current`'s issuer. Before reporting an unknown issuer, look for
 * a certificate whose key did sign it (matching key identifier, or a verifying signature):
 * then the problem is the name, and saying so helps whoever built the chain.
 */
function noIssuerFound(
  chain: readonly Certificate[],
  used: ReadonlySet<number>,
  path: readonly Certificate[],
  anchors: readonly Certificate[],
  current: Certificate,
  depth: number,
  allowed: ReadonlySet<SignatureHash>,
): ChainFailure {
  const inPath = (c: Certificate): boolean => path.some((p) => bytesEqual(p.raw, c.raw));
  const others = [...anchors, ...chain.filter((_, i) => !used.has(i))].filter((c) => !inPath(c));
  const signer = others.find(
    (c) => !namesEqual(current.issuer, c.subject) && keyIdMatches(current, c) !== false && checkSignature(current, c, allowed).ok,
  );
  if (signer) {
    return fail(
      'NAME_MISMATCH',
      `certificate ${label(current)} names its issuer '${fullName(current.issuer)}' but was signed by ${label(signer)}, whose subject is '${fullName(signer.subject)}'`,
      current,
      depth,
    );
  }
  const loop = path.find((p) => p !== current && namesEqual(current.issuer, p.subject));
  if (loop) {
    return fail('UNTRUSTED_ROOT', `the chain loops from ${label(current)} back to ${label(loop)} without reaching a trust anchor`, current, depth);
  }
  if (isSelfIssued(current)) {
    const what = depth === 0 ? 'self-signed certificate' : 'self-signed root';
    return fail('UNTRUSTED_ROOT', `${what} ${label(current)} is not among the trust anchors`, current, depth);
  }
  return fail(
    'UNTRUSTED_ROOT',
    `issuer '${describeName(current.issuer)}' of certificate ${label(current)} was not found among the supplied certificates or the trust anchors`,
    current,
    depth,
  );
}

/** verifyChain for callers that prefer exceptions: returns the path, throws ChainError. */
export function assertChain(chain: readonly Certificate[], options: VerifyChainOptions): { path: Certificate[]; warnings: string[] } {
  const r = verifyChain(chain, options);
  if (!r.ok) throw new ChainError(r);
  return { path: r.path, warnings: r.warnings };
}
