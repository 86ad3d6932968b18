/**
 * The parsers of untrusted PKI bytes, one target each so a failure names its parser: DER
 * (X.690), X.509 certificates and their text form (RFC 5280), PEM (RFC 7468), PKCS #1 and
 * PKCS #8 keys, encrypted ones included (RFC 8017, RFC 5958, RFC 8018), CRLs (RFC 5280
 * section 5), CMS SignedData and EnvelopedData (RFC 5652), PKCS #10 requests (RFC 2986), and
 * SCEP's GetCACert, GetCACaps and CertRep replies (RFC 8894). Seeds are real encodings made
 * once per process with small keys; each parser must return or throw the project's typed
 * error, never anything else, and never take long.
 */
import { DerReader, Tag, decodeInteger, decodeOid, der } from '../../src/pki/der.js';
import { OID } from '../../src/pki/oid.js';
import type { Certificate } from '../../src/pki/certificate.js';
import { buildCertificate } from '../../src/pki/x509-build.js';
import { certificateToPem, fingerprint, formatName, parseCertificate, parseCertificates } from '../../src/pki/x509.js';
import { describeCertificate } from '../../src/pki/x509-text.js';
import { pemDecode, pemEncode } from '../../src/pki/pem.js';
import {
  decodePrivateKeyInfo,
  decodeRsaPrivateKey,
  decodeRsaPublicKey,
  decodeSubjectPublicKeyInfo,
  decryptPrivateKeyInfo,
  encodePrivateKeyInfo,
  encodeRsaPrivateKey,
  encodeRsaPublicKey,
  encodeSubjectPublicKeyInfo,
  encryptPrivateKeyInfo,
  encryptedPrivateKeyToPem,
  parsePrivateKey,
  parsePublicKey,
  privateKeyToPem,
  publicKeyToPem,
} from '../../src/pki/keys.js';
import { publicKeyOf, rsaSignPkcs1 } from '../../src/pki/rsa.js';
import type { RsaPrivateKey } from '../../src/pki/rsa-key.js';
import { DIGESTS } from '../../src/pki/digests.js';
import { describeCrl, findRevoked, parseCrls } from '../../src/pki/crl.js';
import { buildEnvelopedData, buildSignedData, certificatesOnly, openEnvelopedData, parseSignedData, readCertificatesOnly } from '../../src/pki/cms.js';
import { buildCertificationRequest, parseCertificationRequest } from '../../src/pki/pkcs10.js';
import { buildPkcsReq, parseCaCaps, parseCaCertResponse, readCertRep, transactionIdFor, type RequestContext, type SentMessage } from '../../src/pki/scep.js';
import { asciiBytes } from '../../src/util/bytes.js';
import { nodeRsaKey } from '../../test/helpers/keys.js';
import { scriptedCertRep } from '../../test/helpers/scep-ca.js';
import { bytesInput, type Seeds } from '../mutate.js';
import { expectTypedFailure, type FuzzTarget } from '../target.js';

interface Material {
  caKey: RsaPrivateKey;
  ca: Certificate;
  leafKey: RsaPrivateKey;
  leaf: Certificate;
  crl: Uint8Array;
  encryptedKey: Uint8Array;
  csr: Uint8Array;
  signedData: Uint8Array;
  envelope: Uint8Array;
  scep: { ctx: RequestContext; sent: SentMessage; replies: Uint8Array[] };
}

const day = 86_400_000;

/** A v2 CRL signed by the CA: two revoked serials with reasons, a CRL number (RFC 5280 5.1, 5.2.3, 5.3.1). */
function buildCrl(caKey: RsaPrivateKey, ca: Certificate): Uint8Array {
  const alg = der.sequence(der.oid(OID.sha256WithRSAEncryption), der.null());
  const now = Date.now();
  const entry = (serial: bigint, reason: number) =>
    der.sequence(der.integer(serial), der.time(new Date(now - day)), der.sequence(der.sequence(der.oid(OID.cRLReason), der.octetString(der.tlv(Tag.ENUMERATED, Uint8Array.of(reason))))));
  const tbs = der.sequence(
    der.integer(1),
    alg,
    ca.subject.raw,
    der.time(new Date(now - day)),
    der.time(new Date(now + 7 * day)),
    der.sequence(entry(5n, 1), entry(0x1234567890n, 4)),
    der.explicit(0, der.sequence(der.sequence(der.oid('2.5.29.20'), der.octetString(der.integer(42))))),
  );
  return der.sequence(tbs, alg, der.bitString(rsaSignPkcs1(caKey, 'sha256', DIGESTS.sha256(tbs))));
}

let material: Material | undefined;

/** Keys, certificates and messages made once: 1024-bit keys (the size does not matter to a parser). */
function make(): Material {
  if (material) return material;
  const caKey = nodeRsaKey(1024);
  const leafKey = nodeRsaKey(1024);
  const now = Date.now();
  const ca = buildCertificate({
    subject: 'C=US, O=ssl3 fuzz, CN=Fuzz CA',
    notBefore: new Date(now - day),
    notAfter: new Date(now + 30 * day),
    publicKey: caKey,
    signingKey: caKey,
    ca: true,
    pathLength: 1,
    keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature', 'keyEncipherment'],
  });
  const leaf = buildCertificate({
    subject: 'C=US, ST=Somewhere, O=ssl3 fuzz, OU=leaf, CN=device.example',
    issuerCertificate: ca,
    signingKey: caKey,
    publicKey: leafKey,
    notBefore: new Date(now - day),
    notAfter: new Date(now + 30 * day),
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth', 'clientAuth'],
    subjectAltName: { dns: ['device.example', '*.example.org'], ip: ['127.0.0.1', '::1'] },
  });
  const requester = { key: leafKey, certificate: leaf };
  const ctx: RequestContext = {
    requester,
    ca: { ca, chain: [], recipient: ca, signers: [ca] },
    cipher: 'aes-128-cbc',
    digest: 'sha256',
    transactionId: transactionIdFor(leaf.publicKey.raw),
  };
  const csr = buildCertificationRequest({ subject: 'CN=device.example', key: leafKey, challengePassword: 'secret', subjectAltName: { dns: ['device.example'] } });
  const sent = buildPkcsReq(ctx, csr);
  const replies = (['issue', 'pending', 'reject'] as const).map((a, i) => scriptedCertRep({ key: caKey, cert: ca }, sent.der, a, 100n + BigInt(i)));
  material = {
    caKey,
    ca,
    leafKey,
    leaf,
    crl: buildCrl(caKey, ca),
    encryptedKey: encryptPrivateKeyInfo(leafKey, 'pw', { iterations: 16, cipher: 'aes-128-cbc' }),
    csr,
    signedData: buildSignedData({ content: asciiBytes('signed content'), signer: { key: caKey, certificate: ca }, certificates: [ca, leaf] }),
    envelope: buildEnvelopedData({ content: certificatesOnly([leaf, ca]), recipient: leaf, cipher: 'des-ede3-cbc' }),
    scep: { ctx, sent, replies },
  };
  return material;
}

/** Reads every TLV, descending into constructed ones, decoding INTEGER and OID values. */
function walk(bytes: Uint8Array, depth = 0): void {
  const r = new DerReader(bytes, depth);
  while (!r.done) {
    const t = r.readTlv();
    if (t.tag & 0x20) walk(t.value, depth + 1);
    else if (t.tag === Tag.INTEGER) decodeInteger(t.value);
    else if (t.tag === Tag.OID) decodeOid(t.value);
  }
}

/** Iterations a fuzzed encrypted key may ask for: the seed uses 16; the file decides the count, so the caller bounds it. */
const FUZZ_MAX_ITERATIONS = 4096;

function parserTarget(name: string, what: string, seeds: () => Seeds, parse: (bytes: Uint8Array, m: Material) => void, slowMs?: number): FuzzTarget {
  return {
    name,
    what,
    input: () => bytesInput(seeds()),
    check: (input) => expectTypedFailure(name, () => parse(input.chunks[0], make())),
    slowMs,
  };
}

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

export const PKI_TARGETS: readonly FuzzTarget[] = [
  parserTarget(
    'der',
    'DER walked to the leaves (INTEGER and OID values decoded): DerError only',
    () => {
      const m = make();
      return { seeds: [m.leaf.raw, m.ca.raw, m.crl, m.csr, m.signedData, encodePrivateKeyInfo(m.leafKey)], der: true };
    },
    (b) => walk(b),
  ),
  parserTarget(
    'x509',
    'certificates: parsed, then named, fingerprinted and printed as ssl3 x509 prints them',
    () => {
      const m = make();
      return { seeds: [m.leaf.raw, m.ca.raw], der: true };
    },
    (b) => {
      const cert = parseCertificate(b);
      formatName(cert.subject);
      fingerprint(cert, 'sha256');
      describeCertificate(cert);
    },
  ),
  parserTarget(
    'pem',
    'PEM text (certificates, keys, CRLs, with and without legacy encryption headers) through pemDecode and parseCertificates',
    () => {
      const m = make();
      const legacy = 'Proc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,0011223344556677\n\n';
      return {
        seeds: [
          certificateToPem(m.leaf) + certificateToPem(m.ca),
          privateKeyToPem(m.leafKey, 'pkcs1').replace('-----\n', `-----\n${legacy}`),
          encryptedPrivateKeyToPem(m.leafKey, 'pw', { iterations: 16 }),
          pemEncode('X509 CRL', m.crl),
        ].map(asciiBytes),
        dictionary: ['-----BEGIN ', '-----END ', '-----', 'CERTIFICATE', '\n', '\r\n', '=', ': '].map(asciiBytes),
      };
    },
    (b) => {
      pemDecode(text(b));
      parseCertificates(b);
    },
  ),
  parserTarget(
    'keys',
    'PKCS #1 / #8 / SPKI keys, DER and PEM, and PBES2-encrypted PKCS #8 (iterations bounded by the caller): KeyError, DerError, PemError only',
    () => {
      const m = make();
      const pub = publicKeyOf(m.leafKey);
      return {
        seeds: [encodeRsaPrivateKey(m.leafKey), encodePrivateKeyInfo(m.leafKey), m.encryptedKey, encodeRsaPublicKey(pub), encodeSubjectPublicKeyInfo(pub), asciiBytes(privateKeyToPem(m.leafKey)), asciiBytes(publicKeyToPem(pub))],
        der: true,
      };
    },
    (b) => {
      for (const decode of [decodeRsaPrivateKey, decodePrivateKeyInfo, decodeRsaPublicKey, decodeSubjectPublicKeyInfo, parsePublicKey, (x: Uint8Array) => parsePrivateKey(x)]) {
        expectTypedFailure(decode.name || 'parsePrivateKey', () => decode(b));
      }
      decryptPrivateKeyInfo(b, 'pw', { maxIterations: FUZZ_MAX_ITERATIONS });
    },
  ),
  parserTarget(
    'crl',
    'CRLs (DER and PEM), then described and searched: CrlError and the DER/PEM errors only',
    () => ({ seeds: [make().crl], der: true }),
    (b) => {
      for (const crl of parseCrls(b)) {
        describeCrl(crl);
        findRevoked(crl, 5n);
      }
    },
  ),
  parserTarget(
    'cms',
    'CMS SignedData (parsed, certificates read) and EnvelopedData (opened with the recipient key): CmsError and below only',
    () => {
      const m = make();
      return { seeds: [m.signedData, m.envelope, certificatesOnly([m.leaf, m.ca])], der: true };
    },
    (b, m) => {
      expectTypedFailure('parseSignedData', () => parseSignedData(b));
      expectTypedFailure('readCertificatesOnly', () => readCertificatesOnly(b));
      openEnvelopedData(b, { key: m.leafKey, certificate: m.leaf });
    },
  ),
  parserTarget(
    'pkcs10',
    'PKCS #10 certification requests: CsrError and below only',
    () => ({ seeds: [make().csr], der: true }),
    (b) => void parseCertificationRequest(b),
  ),
  parserTarget(
    'scep',
    "SCEP replies: CertRep (SUCCESS, PENDING, FAILURE) read for our request, GetCACert as an RA chain, GetCACaps text: ScepError and below only",
    () => {
      const m = make();
      return { seeds: [...m.scep.replies, certificatesOnly([m.ca, m.leaf]), asciiBytes('POSTPKIOperation\nSHA-256\nAES\nDES3\nRenewal\n')], der: true };
    },
    (b, m) => {
      expectTypedFailure('readCertRep', () => readCertRep(m.scep.ctx, m.scep.sent, b));
      expectTypedFailure('parseCaCertResponse', () => parseCaCertResponse('application/x-x509-ca-ra-cert', b));
      parseCaCaps(text(b));
    },
  ),
];

