// Chain validation logic (RFC 5280 section 6, simplified) over synthetic Certificate values:
// the fields verifyChain reads are filled in directly, and each signature is a real RSA
// PKCS#1 v1.5 signature over a unique tbs blob, so every code path can be reached without
// depending on the X.509 encoder. verify-x509.test.ts repeats the main cases with real DER.
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Certificate, DistinguishedName, Extension, KeyUsage, SignatureHash } from '../../src/pki/certificate.js';
import { der } from '../../src/pki/der.js';
import { encodeSubjectPublicKeyInfo } from '../../src/pki/keys.js';
import { OID } from '../../src/pki/oid.js';
import { generateRsaKey, rsaSignPkcs1, type Pkcs1HashAlg, type RsaPrivateKey } from '../../src/pki/rsa.js';
import { assertChain, CHAIN_ERRORS, ChainError, describeName, namesEqual, supportedSignatureHashes, verifyChain, type ChainResult } from '../../src/pki/verify.js';

function dn(cn: string, extra: { o?: string; tag?: number } = {}): DistinguishedName {
  const tag = extra.tag ?? 0x0c;
  const str = (s: string): Uint8Array => (tag === 0x13 ? der.printableString(s) : der.utf8String(s));
  const rdns = [...(extra.o ? [[{ type: OID.organizationName, value: extra.o, tag }]] : []), [{ type: OID.commonName, value: cn, tag }]];
  const raw = der.sequence(...rdns.map((r) => der.setOf(der.sequence(der.oid(r[0].type), str(r[0].value)))));
  return { rdns, raw };
}

const DAY = 86_400_000;
const NOW = new Date('2030-06-15T12:00:00Z');
let serial = 1n;

interface Spec {
  cn: string;
  key: RsaPrivateKey;
  /** The issuing certificate; absent = self-signed with `key`. */
  issuer?: Certificate;
  /** Overrides the issuer name written into the certificate. */
  issuerName?: DistinguishedName;
  /** Signs with this key instead of the issuer's. */
  signer?: RsaPrivateKey;
  subject?: DistinguishedName;
  version?: number;
  ca?: boolean;
  pathLength?: number;
  keyUsage?: KeyUsage[];
  eku?: string[];
  hash?: SignatureHash;
  notBefore?: Date;
  notAfter?: Date;
  extraExtensions?: Extension[];
  ski?: Uint8Array;
  aki?: Uint8Array;
}

const keyOf = new WeakMap<Certificate, RsaPrivateKey>();

function make(s: Spec): Certificate {
  const subject = s.subject ?? dn(s.cn);
  const issuer = s.issuerName ?? s.issuer?.subject ?? subject;
  const signer = s.signer ?? (s.issuer ? keyOf.get(s.issuer)! : s.key);
  const hash = s.hash ?? 'sha256';
  const extensions: Extension[] = [...(s.extraExtensions ?? [])];
  // Only the flags verifyChain reads matter here; the extension list is what the critical check sees.
  if (s.ca !== undefined) extensions.push({ oid: OID.basicConstraints, critical: true, value: new Uint8Array(0) });
  if (s.keyUsage) extensions.push({ oid: OID.keyUsage, critical: true, value: new Uint8Array(0) });
  if (s.eku) extensions.push({ oid: OID.extKeyUsage, critical: false, value: new Uint8Array(0) });
  const spki = encodeSubjectPublicKeyInfo({ n: s.key.n, e: s.key.e });
  const notBefore = s.notBefore ?? new Date(NOW.getTime() - 30 * DAY);
  const notAfter = s.notAfter ?? new Date(NOW.getTime() + 365 * DAY);
  const tbsRaw = der.sequence(der.integer(serial++), issuer.raw, der.sequence(der.time(notBefore), der.time(notAfter)), subject.raw, spki);
  const digest = { md5, sha1, sha256, sha384 }[hash as 'md5' | 'sha1' | 'sha256' | 'sha384'](tbsRaw);
  const signature = rsaSignPkcs1(signer, (hash === 'sha384' ? 'sha256' : hash) as Pkcs1HashAlg, hash === 'sha384' ? sha256(tbsRaw) : digest);
  const sigOid = { md2: OID.md2WithRSAEncryption, md5: OID.md5WithRSAEncryption, sha1: OID.sha1WithRSAEncryption, sha224: OID.sha224WithRSAEncryption, sha256: OID.sha256WithRSAEncryption, sha384: OID.sha384WithRSAEncryption, sha512: OID.sha512WithRSAEncryption }[hash];
  const cert: Certificate = {
    raw: der.sequence(tbsRaw, der.sequence(der.oid(sigOid), der.null()), der.bitString(signature)),
    tbsRaw,
    version: s.version ?? 3,
    serialNumber: serial,
    signatureAlgorithm: { oid: sigOid, hash },
    signature,
    issuer,
    subject,
    notBefore,
    notAfter,
    publicKey: { algorithmOid: OID.rsaEncryption, rsa: { n: s.key.n, e: s.key.e }, raw: spki },
    extensions: (s.version ?? 3) < 3 ? [] : extensions,
    basicConstraints: s.ca === undefined ? undefined : { ca: s.ca, pathLength: s.pathLength },
    keyUsage: s.keyUsage ? new Set(s.keyUsage) : undefined,
    extendedKeyUsage: s.eku,
    subjectKeyIdentifier: s.ski,
    authorityKeyIdentifier: s.aki,
  };
  keyOf.set(cert, s.key);
  return cert;
}

function expectFail(r: ChainResult, code: keyof typeof CHAIN_ERRORS, depth?: number): string {
  if (r.ok) throw new Error(`expected ${code}, chain verified`);
  expect(r.code).toBe(code);
  if (depth !== undefined) expect(r.depth).toBe(depth);
  expect(r.reason).not.toMatch(/\n/);
  return r.reason;
}

let kRoot: RsaPrivateKey, kInter: RsaPrivateKey, kLeaf: RsaPrivateKey, kOther: RsaPrivateKey;
let root: Certificate, inter: Certificate, leaf: Certificate;

beforeAll(() => {
  [kRoot, kInter, kLeaf, kOther] = [1, 2, 3, 4].map(() => generateRsaKey(1024));
  root = make({ cn: 'Test Root CA', key: kRoot, ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  inter = make({ cn: 'Test Intermediate CA', key: kInter, issuer: root, ca: true, pathLength: 0, keyUsage: ['keyCertSign'] });
  leaf = make({ cn: 'www.example.com', key: kLeaf, issuer: inter, ca: false, keyUsage: ['digitalSignature', 'keyEncipherment'], eku: [OID.serverAuth] });
});

describe('verifyChain: good chains', () => {
  it('root -> intermediate -> leaf', () => {
    const r = verifyChain([leaf, inter], { trustAnchors: [root], now: NOW, purpose: 'serverAuth' });
    expect(r).toEqual({ ok: true, path: [leaf, inter, root], warnings: [] });
  });

  it('with the root included, and with intermediates out of order', () => {
    expect(verifyChain([leaf, inter, root], { trustAnchors: [root], now: NOW }).ok).toBe(true);
    const r = verifyChain([leaf, root, inter], { trustAnchors: [root], now: NOW });
    expect(r.ok && r.path).toEqual([leaf, inter, root]);
    // Two intermediates, sent top first.
    const i1 = make({ cn: 'I1', key: kOther, issuer: root, ca: true });
    const i2 = make({ cn: 'I2', key: kInter, issuer: i1, ca: true });
    const l = make({ cn: 'leaf2', key: kLeaf, issuer: i2 });
    const r2 = verifyChain([l, i1, i2], { trustAnchors: [root], now: NOW });
    expect(r2.ok && r2.path).toEqual([l, i2, i1, root]);
  });

  it('stops at an intermediate that is itself an anchor', () => {
    const r = verifyChain([leaf, inter, root], { trustAnchors: [inter], now: NOW });
    expect(r.ok && r.path).toEqual([leaf, inter]);
  });

  it('a self-signed leaf pinned as its own anchor (the device case)', () => {
    const dev = make({ cn: '192.168.1.1', key: kLeaf });
    expect(verifyChain([dev], { trustAnchors: [dev], now: NOW })).toEqual({ ok: true, path: [dev], warnings: [] });
    // Unpinned, it names itself.
    expect(expectFail(verifyChain([dev], { trustAnchors: [root], now: NOW }), 'UNTRUSTED_ROOT', 0)).toBe(
      "self-signed certificate '192.168.1.1' is not among the trust anchors",
    );
    // Still the end entity: its own validity is checked.
    const old = make({ cn: 'old device', key: kLeaf, notBefore: new Date('2005-01-01Z'), notAfter: new Date('2010-01-01Z') });
    expectFail(verifyChain([old], { trustAnchors: [old], now: NOW }), 'EXPIRED', 0);
  });

  it('a v1 root as anchor may issue; a v1 intermediate may not', () => {
    const v1root = make({ cn: 'Old Root', key: kRoot, version: 1 });
    const l = make({ cn: 'legacy', key: kLeaf, issuer: v1root, version: 1 });
    expect(verifyChain([l], { trustAnchors: [v1root], now: NOW }).ok).toBe(true);
    const v1inter = make({ cn: 'Old Inter', key: kInter, issuer: root, version: 1 });
    const l2 = make({ cn: 'legacy2', key: kLeaf, issuer: v1inter, version: 1 });
    expect(expectFail(verifyChain([l2, v1inter], { trustAnchors: [root], now: NOW }), 'ISSUER_NOT_CA', 1)).toMatch(
      /'Old Inter' issued 'legacy2' but is a v1 certificate/,
    );
  });

  it('an anchor re-sent by the peer with other dates but the same key and name still anchors', () => {
    const rootCopy = make({ cn: 'Test Root CA', key: kRoot, ca: true, notAfter: new Date(NOW.getTime() + 9000 * DAY) });
    const r = verifyChain([leaf, inter, rootCopy], { trustAnchors: [root], now: NOW });
    expect(r.ok && r.path).toEqual([leaf, inter, root]);
  });

  it('prefers the issuer whose key identifier matches, and the one that verifies', () => {
    const ski = Uint8Array.of(1, 2, 3);
    const oldInter = make({ cn: 'Rollover CA', key: kOther, issuer: root, ca: true, ski: Uint8Array.of(9) });
    const newInter = make({ cn: 'Rollover CA', key: kInter, issuer: root, ca: true, ski });
    const l = make({ cn: 'rolled', key: kLeaf, issuer: newInter, aki: ski });
    for (const order of [[l, oldInter, newInter], [l, newInter, oldInter]]) {
      const r = verifyChain(order, { trustAnchors: [root], now: NOW });
      expect(r.ok && r.path[1]).toBe(newInter);
    }
    // Without key identifiers the signature decides.
    const l2 = make({ cn: 'rolled2', key: kLeaf, issuer: newInter });
    const r2 = verifyChain([l2, oldInter, newInter], { trustAnchors: [root], now: NOW });
    expect(r2.ok && r2.path[1]).toBe(newInter);
  });

  it('no EKU allows any purpose; anyExtendedKeyUsage too', () => {
    const l = make({ cn: 'any', key: kLeaf, issuer: inter });
    expect(verifyChain([l, inter], { trustAnchors: [root], now: NOW, purpose: 'clientAuth' }).ok).toBe(true);
    const l2 = make({ cn: 'any2', key: kLeaf, issuer: inter, eku: [OID.anyExtendedKeyUsage] });
    expect(verifyChain([l2, inter], { trustAnchors: [root], now: NOW, purpose: 'serverAuth' }).ok).toBe(true);
  });

  it('validity bounds are inclusive', () => {
    expect(verifyChain([leaf, inter], { trustAnchors: [root], now: leaf.notAfter }).ok).toBe(true);
    expect(verifyChain([leaf, inter], { trustAnchors: [root], now: leaf.notBefore }).ok).toBe(true);
  });
});

describe('verifyChain: warnings for legacy material', () => {
  it('md5 signatures are accepted with a warning', () => {
    const l = make({ cn: 'md5 device', key: kLeaf, issuer: inter, hash: 'md5' });
    const r = verifyChain([l, inter], { trustAnchors: [root], now: NOW });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.warnings.join('\n')).toMatch(/'md5 device' is signed with md5WithRSAEncryption/);
  });

  it('md5 can be refused by policy', () => {
    const l = make({ cn: 'md5 device', key: kLeaf, issuer: inter, hash: 'md5' });
    const reason = expectFail(
      verifyChain([l, inter], { trustAnchors: [root], now: NOW, allowedSignatureHashes: ['sha1', 'sha256'] }),
      'UNSUPPORTED_SIGNATURE_ALGORITHM',
      0,
    );
    expect(reason).toMatch(/md5 is not among the allowed/);
  });

  it('keys under 1024 bits give a warning', () => {
    const small = generateRsaKey(512);
    const l = make({ cn: 'tiny', key: small, issuer: inter, hash: 'sha1' });
    const r = verifyChain([l, inter], { trustAnchors: [root], now: NOW });
    expect(r.ok && r.warnings).toEqual(["certificate 'tiny' has a weak 512-bit RSA key (accepted for legacy devices)"]);
  });

  it('an expired anchor above the leaf is accepted with a warning (RFC 5280 6.1.1 d)', () => {
    const oldRoot = make({ cn: 'Expired Root', key: kRoot, ca: true, notAfter: new Date(NOW.getTime() - DAY) });
    const l = make({ cn: 'fine', key: kLeaf, issuer: oldRoot });
    const r = verifyChain([l], { trustAnchors: [oldRoot], now: NOW });
    expect(r.ok && r.warnings[0]).toMatch(/trust anchor 'Expired Root' is outside its validity period/);
  });

  it('the default hashes are those rsaVerifyPkcs1 supports, md5 included', () => {
    expect(supportedSignatureHashes()).toEqual(expect.arrayContaining(['md5', 'sha1', 'sha256']));
    expect(supportedSignatureHashes()).not.toContain('md2');
  });
});

describe('verifyChain: each failure code', () => {
  it('EMPTY_CHAIN', () => {
    expectFail(verifyChain([], { trustAnchors: [root] }), 'EMPTY_CHAIN');
  });

  it('EXPIRED and NOT_YET_VALID, for the leaf and an intermediate', () => {
    const r = verifyChain([leaf, inter], { trustAnchors: [root], now: new Date(leaf.notAfter.getTime() + 1) });
    expect(expectFail(r, 'EXPIRED', 0)).toMatch(/^certificate 'www.example.com' expired at /);
    const r2 = verifyChain([leaf, inter], { trustAnchors: [root], now: new Date(leaf.notBefore.getTime() - 1) });
    expect(expectFail(r2, 'NOT_YET_VALID', 0)).toMatch(/^certificate 'www.example.com' is not valid before /);
    const shortInter = make({ cn: 'Short CA', key: kInter, issuer: root, ca: true, notAfter: new Date(NOW.getTime() - DAY) });
    const l = make({ cn: 'x', key: kLeaf, issuer: shortInter });
    expectFail(verifyChain([l, shortInter], { trustAnchors: [root], now: NOW }), 'EXPIRED', 1);
  });

  it('ISSUER_NOT_CA: CA:FALSE, or no basicConstraints', () => {
    const notCa = make({ cn: 'Not A CA', key: kInter, issuer: root, ca: false });
    const l = make({ cn: 'victim', key: kLeaf, issuer: notCa });
    expect(expectFail(verifyChain([l, notCa], { trustAnchors: [root], now: NOW }), 'ISSUER_NOT_CA', 1)).toBe(
      "certificate 'Not A CA' issued 'victim' but its basicConstraints say CA:FALSE",
    );
    // The classic: a server certificate used to sign another one.
    const l2 = make({ cn: 'evil.example', key: kOther, issuer: leaf });
    expectFail(verifyChain([l2, leaf, inter], { trustAnchors: [root], now: NOW }), 'ISSUER_NOT_CA', 1);
    const noBc = make({ cn: 'No BC', key: kInter, issuer: root });
    const l3 = make({ cn: 'victim3', key: kLeaf, issuer: noBc });
    expect(expectFail(verifyChain([l3, noBc], { trustAnchors: [root], now: NOW }), 'ISSUER_NOT_CA', 1)).toMatch(/no basicConstraints/);
    // A v3 anchor with CA:FALSE may not issue either.
    const badRoot = make({ cn: 'Bad Root', key: kRoot, ca: false });
    const l4 = make({ cn: 'victim4', key: kLeaf, issuer: badRoot });
    expectFail(verifyChain([l4], { trustAnchors: [badRoot], now: NOW }), 'ISSUER_NOT_CA', 1);
  });

  it('ISSUER_NO_KEYCERTSIGN', () => {
    const ca = make({ cn: 'CRL-only CA', key: kInter, issuer: root, ca: true, keyUsage: ['cRLSign', 'digitalSignature'] });
    const l = make({ cn: 'victim', key: kLeaf, issuer: ca });
    expect(expectFail(verifyChain([l, ca], { trustAnchors: [root], now: NOW }), 'ISSUER_NO_KEYCERTSIGN', 1)).toBe(
      "certificate 'CRL-only CA' issued 'victim' but its keyUsage does not include keyCertSign",
    );
  });

  it('PATH_LENGTH_EXCEEDED: pathLen 0 with a CA below it; self-issued CAs do not count', () => {
    // inter has pathLength 0; a further CA below it breaks that.
    const sub = make({ cn: 'Sub CA', key: kOther, issuer: inter, ca: true });
    const l = make({ cn: 'deep', key: kLeaf, issuer: sub });
    expect(expectFail(verifyChain([l, sub, inter], { trustAnchors: [root], now: NOW }), 'PATH_LENGTH_EXCEEDED', 2)).toMatch(
      /'Test Intermediate CA' allows 0 intermediate CA certificate\(s\) below it \(pathLenConstraint\) but the chain has 1/,
    );
    // The same constraint on the root anchor.
    const root0 = make({ cn: 'Root0', key: kRoot, ca: true, pathLength: 0 });
    const i = make({ cn: 'I', key: kInter, issuer: root0, ca: true });
    const l2 = make({ cn: 'l2', key: kLeaf, issuer: i });
    expectFail(verifyChain([l2, i], { trustAnchors: [root0], now: NOW }), 'PATH_LENGTH_EXCEEDED', 2);
    // pathLen 0 directly above the leaf is fine (the leaf is not a CA below it).
    const l3 = make({ cn: 'l3', key: kLeaf, issuer: root0 });
    expect(verifyChain([l3], { trustAnchors: [root0], now: NOW }).ok).toBe(true);
    // A self-issued CA (key rollover: same name, new key) below a pathLen-1 root is not counted.
    const root1 = make({ cn: 'Root1', key: kRoot, ca: true, pathLength: 1 });
    const a = make({ cn: 'A', key: kInter, issuer: root1, ca: true });
    const aNew = make({ cn: 'A', key: kOther, issuer: a, ca: true });
    const l4 = make({ cn: 'l4', key: kLeaf, issuer: aNew });
    const r = verifyChain([l4, aNew, a], { trustAnchors: [root1], now: NOW });
    expect(r.ok && r.path).toEqual([l4, aNew, a, root1]);
  });

  it('PATH_LENGTH_EXCEEDED: maxDepth', () => {
    expectFail(verifyChain([leaf, inter], { trustAnchors: [root], now: NOW, maxDepth: 2 }), 'PATH_LENGTH_EXCEEDED');
    expect(verifyChain([leaf, inter], { trustAnchors: [root], now: NOW, maxDepth: 3 }).ok).toBe(true);
  });

  it('BAD_SIGNATURE: tampered signature byte, tampered tbs', () => {
    const sig = leaf.signature.slice();
    sig[sig.length - 1] ^= 1;
    const badSig = { ...leaf, signature: sig };
    expect(expectFail(verifyChain([badSig, inter], { trustAnchors: [root], now: NOW }), 'BAD_SIGNATURE', 0)).toBe(
      "the signature of 'www.example.com' does not verify with the key of its issuer 'Test Intermediate CA'",
    );
    const tbs = inter.tbsRaw.slice();
    tbs[tbs.length - 3] ^= 0x40;
    expectFail(verifyChain([leaf, { ...inter, tbsRaw: tbs }], { trustAnchors: [root], now: NOW }), 'BAD_SIGNATURE', 1);
    // Signed by a key that is not the named issuer's.
    const forged = make({ cn: 'forged', key: kLeaf, issuer: inter, signer: kOther });
    expectFail(verifyChain([forged, inter], { trustAnchors: [root], now: NOW }), 'BAD_SIGNATURE', 0);
  });

  it('UNSUPPORTED_SIGNATURE_ALGORITHM: unknown algorithm, md2, a digest pkcs1 lacks, a non-RSA issuer key', () => {
    const pss = { ...leaf, signatureAlgorithm: { oid: OID.rsassaPss } };
    expect(expectFail(verifyChain([pss, inter], { trustAnchors: [root], now: NOW }), 'UNSUPPORTED_SIGNATURE_ALGORITHM', 0)).toMatch(/rsassaPss/);
    const md2 = { ...leaf, signatureAlgorithm: { oid: OID.md2WithRSAEncryption, hash: 'md2' as const } };
    expect(expectFail(verifyChain([md2, inter], { trustAnchors: [root], now: NOW }), 'UNSUPPORTED_SIGNATURE_ALGORITHM', 0)).toMatch(/md2/);
    if (!supportedSignatureHashes().includes('sha384')) {
      const s384 = make({ cn: 'sha384 leaf', key: kLeaf, issuer: inter, hash: 'sha384' });
      expect(expectFail(verifyChain([s384, inter], { trustAnchors: [root], now: NOW }), 'UNSUPPORTED_SIGNATURE_ALGORITHM', 0)).toMatch(
        /sha384WithRSAEncryption/,
      );
    }
    const ecInter = { ...inter, publicKey: { algorithmOid: OID.ecPublicKey, raw: inter.publicKey.raw } };
    expect(expectFail(verifyChain([leaf, ecInter], { trustAnchors: [root], now: NOW }), 'UNSUPPORTED_SIGNATURE_ALGORITHM', 0)).toMatch(
      /has a ecPublicKey key; only RSA keys are supported/,
    );
  });

  it('UNTRUSTED_ROOT: wrong anchor, missing intermediate, self-signed root not trusted', () => {
    const otherRoot = make({ cn: 'Other Root', key: kOther, ca: true });
    expect(expectFail(verifyChain([leaf, inter, root], { trustAnchors: [otherRoot], now: NOW }), 'UNTRUSTED_ROOT', 2)).toBe(
      "self-signed root 'Test Root CA' is not among the trust anchors",
    );
    expect(expectFail(verifyChain([leaf], { trustAnchors: [root], now: NOW }), 'UNTRUSTED_ROOT', 0)).toBe(
      "issuer 'Test Intermediate CA' of certificate 'www.example.com' was not found among the supplied certificates or the trust anchors",
    );
    expectFail(verifyChain([leaf, inter], { trustAnchors: [], now: NOW }), 'UNTRUSTED_ROOT', 1);
    // An impostor root with the right name but another key: found by name, fails the signature.
    const impostor = make({ cn: 'Test Root CA', key: kOther, ca: true });
    expectFail(verifyChain([leaf, inter], { trustAnchors: [impostor], now: NOW }), 'BAD_SIGNATURE', 1);
  });

  it('NAME_MISMATCH: issuer name differs from the subject of the key that signed it', () => {
    const l = make({ cn: 'misnamed', key: kLeaf, issuer: inter, issuerName: dn('Test Intermediate CA', { o: 'Other Org' }) });
    expect(expectFail(verifyChain([l, inter], { trustAnchors: [root], now: NOW }), 'NAME_MISMATCH', 0)).toBe(
      "certificate 'misnamed' names its issuer 'O=Other Org, CN=Test Intermediate CA' but was signed by 'Test Intermediate CA', whose subject is 'CN=Test Intermediate CA'",
    );
  });

  it('names compare by DER first, then normalized (case, whitespace, string type)', () => {
    expect(namesEqual(dn('Test CA'), dn('Test CA'))).toBe(true);
    expect(namesEqual(dn('Test CA'), dn('test  ca '))).toBe(true);
    expect(namesEqual(dn('Test CA', { tag: 0x13 }), dn('TEST CA'))).toBe(true);
    expect(namesEqual(dn('Test CA'), dn('Test CB'))).toBe(false);
    expect(namesEqual(dn('Test CA', { o: 'X' }), dn('Test CA'))).toBe(false);
    // A leaf whose issuer was re-encoded as PrintableString with other case still chains.
    const l = make({ cn: 'reencoded', key: kLeaf, issuer: inter, issuerName: dn('TEST intermediate  CA', { tag: 0x13 }) });
    expect(verifyChain([l, inter], { trustAnchors: [root], now: NOW }).ok).toBe(true);
    expect(describeName(dn('x', { o: 'Org' }))).toBe('x');
    expect(describeName({ rdns: [[{ type: OID.organizationName, value: 'Org', tag: 0x0c }]], raw: new Uint8Array(0) })).toBe('O=Org');
  });

  it('WRONG_PURPOSE: a clientAuth-only leaf used for serverAuth', () => {
    const l = make({ cn: 'client only', key: kLeaf, issuer: inter, eku: [OID.clientAuth, OID.emailProtection] });
    expect(expectFail(verifyChain([l, inter], { trustAnchors: [root], now: NOW, purpose: 'serverAuth' }), 'WRONG_PURPOSE', 0)).toBe(
      "certificate 'client only' is not allowed for serverAuth (its extendedKeyUsage allows: clientAuth, emailProtection)",
    );
    expect(verifyChain([l, inter], { trustAnchors: [root], now: NOW, purpose: 'clientAuth' }).ok).toBe(true);
    expect(verifyChain([l, inter], { trustAnchors: [root], now: NOW }).ok).toBe(true);
  });

  it('UNKNOWN_CRITICAL_EXTENSION, on the leaf or an intermediate; known or non-critical ones pass', () => {
    const weird: Extension = { oid: '1.2.3.4.5', critical: true, value: new Uint8Array(0) };
    const l = make({ cn: 'odd', key: kLeaf, issuer: inter, extraExtensions: [weird] });
    expect(expectFail(verifyChain([l, inter], { trustAnchors: [root], now: NOW }), 'UNKNOWN_CRITICAL_EXTENSION', 0)).toBe(
      "certificate 'odd' has a critical 1.2.3.4.5 extension that is not supported",
    );
    const nc = make({ cn: 'NC CA', key: kInter, issuer: root, ca: true, extraExtensions: [{ oid: OID.nameConstraints, critical: true, value: new Uint8Array(0) }] });
    const l2 = make({ cn: 'under nc', key: kLeaf, issuer: nc });
    expect(expectFail(verifyChain([l2, nc], { trustAnchors: [root], now: NOW }), 'UNKNOWN_CRITICAL_EXTENSION', 1)).toMatch(/nameConstraints/);
    const fine = make({
      cn: 'fine',
      key: kLeaf,
      issuer: inter,
      extraExtensions: [
        { oid: '1.2.3.4.5', critical: false, value: new Uint8Array(0) },
        { oid: OID.certificatePolicies, critical: true, value: new Uint8Array(0) },
      ],
    });
    expect(verifyChain([fine, inter], { trustAnchors: [root], now: NOW }).ok).toBe(true);
  });

  it('loops in the supplied chain end (two CAs naming each other)', () => {
    const a0 = make({ cn: 'Loop A', key: kInter, subject: dn('Loop A'), issuerName: dn('Loop B'), signer: kOther, ca: true });
    const b = make({ cn: 'Loop B', key: kOther, issuer: a0, ca: true });
    const l = make({ cn: 'looped', key: kLeaf, issuer: a0 });
    expect(expectFail(verifyChain([l, a0, b, a0, b], { trustAnchors: [root], now: NOW }), 'UNTRUSTED_ROOT', 2)).toBe(
      "the chain loops from 'Loop B' back to 'Loop A' without reaching a trust anchor",
    );
  });
});

describe('assertChain', () => {
  it('returns the path or throws ChainError with the code', () => {
    expect(assertChain([leaf, inter], { trustAnchors: [root], now: NOW }).path).toEqual([leaf, inter, root]);
    let caught: unknown;
    try {
      assertChain([leaf, inter], { trustAnchors: [root], now: new Date(NOW.getTime() + 4000 * DAY) });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ChainError);
    const err = caught as ChainError;
    expect(err.code).toBe('EXPIRED');
    expect(err.depth).toBe(0);
    expect(err.certificate).toBe(leaf);
    expect(err.name).toBe('ChainError');
  });
});
