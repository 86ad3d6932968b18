/**
 * PKCS #10 certification requests (RFC 2986), as a device sends them to a CA in SCEP's
 * PKCSReq (RFC 8894 section 3.3.1): the subject, the public key, the challenge password
 * (PKCS #9 challengePassword, RFC 2985 section 5.4.1) that authorises the request, and the
 * extensions asked for (PKCS #9 extensionRequest, RFC 2985 section 5.4.2), signed with the
 * key being certified, which proves its possession.
 *
 * The parser is there for the CA side of tests and for `ssl3` to check what it built; it
 * verifies the self-signature, so a request that does not prove its key is refused.
 */
import type { DistinguishedName, Extension, KeyUsage } from './certificate.js';
import { DIGESTS, type DigestName } from './digests.js';
import { contextConstructed, der, DerError, DerReader, isPrintableString, readSingle, Tag, type Tlv } from './der.js';
import { encodeSubjectPublicKeyInfo, readSubjectPublicKeyInfo, type SubjectPublicKeyInfo } from './keys.js';
import { OID } from './oid.js';
import { rsaSignPkcs1 } from './pkcs1.js';
import type { RsaPrivateKey } from './rsa-key.js';
import { rsaSignatureValid } from './rsa-signature.js';
import { readAlgorithmIdentifier } from './algorithm-identifier.js';
import { encodeGeneralNames, encodeKeyUsage, encodeName, extension, type NameInput, type SubjectAltNameInput } from './x509-build.js';
import { readExtensions, readName, rsaSignatureOid, signatureHashOf } from './x509.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { utf8String } from '../util/bytes.js';
import { Ssl3Error } from '../util/errors.js';

export class CsrError extends Ssl3Error {}

export interface CsrOptions {
  readonly subject: NameInput;
  /** The key to certify; it also signs the request. */
  readonly key: RsaPrivateKey;
  /** Authorises the request at the CA (SCEP's shared secret, RFC 8894 section 2.3). */
  readonly challengePassword?: string;
  readonly subjectAltName?: SubjectAltNameInput;
  readonly keyUsage?: readonly KeyUsage[];
  /** Default sha256. */
  readonly signatureHash?: DigestName;
  readonly random?: RandomSource;
}

export interface CertificationRequest {
  /** The whole request's DER. */
  readonly raw: Uint8Array;
  readonly subject: DistinguishedName;
  readonly publicKey: SubjectPublicKeyInfo;
  readonly challengePassword?: string;
  /** The requested extensions, as the certificate would carry them (extnValue contents). */
  readonly extensions: readonly Extension[];
}

/** challengePassword is a DirectoryString: PrintableString where it fits, else UTF8String (RFC 2985 5.4.1). */
function directoryString(s: string): Uint8Array {
  return isPrintableString(s) ? der.printableString(s) : der.utf8String(s);
}

function attribute(oid: string, value: Uint8Array): Uint8Array {
  return der.sequence(der.oid(oid), der.setOf(value));
}

/** Builds and signs a request. */
export function buildCertificationRequest(opts: CsrOptions): Uint8Array {
  const hash = opts.signatureHash ?? 'sha256';
  const attributes: Uint8Array[] = [];
  if (opts.challengePassword !== undefined) attributes.push(attribute(OID.challengePassword, directoryString(opts.challengePassword)));
  const extensions: Uint8Array[] = [];
  if (opts.keyUsage?.length) extensions.push(extension(OID.keyUsage, true, encodeKeyUsage(opts.keyUsage)));
  if (opts.subjectAltName) {
    const names = encodeGeneralNames(opts.subjectAltName);
    if (names.length) extensions.push(extension(OID.subjectAltName, false, der.sequence(...names)));
  }
  if (extensions.length) attributes.push(attribute(OID.extensionRequest, der.sequence(...extensions)));

  const info = der.sequence(
    der.integer(0),
    encodeName(opts.subject),
    encodeSubjectPublicKeyInfo({ n: opts.key.n, e: opts.key.e }),
    der.taggedSetOf(contextConstructed(0), ...attributes), // [0] IMPLICIT SET OF Attribute
  );
  const algorithm = der.sequence(der.oid(rsaSignatureOid(hash)), der.null());
  const signature = rsaSignPkcs1(opts.key, hash, DIGESTS[hash](info), opts.random ?? systemRandom);
  return der.sequence(info, algorithm, der.bitString(signature));
}

function readDirectoryString(t: Tlv): string {
  if (t.tag === Tag.BMP_STRING || t.tag === Tag.UNIVERSAL_STRING) throw new DerError('BAD_VALUE', 'challengePassword: BMP and universal strings are not supported');
  if (t.tag !== Tag.PRINTABLE_STRING && t.tag !== Tag.UTF8_STRING && t.tag !== Tag.T61_STRING && t.tag !== Tag.IA5_STRING) {
    throw new DerError('BAD_TAG', 'challengePassword: not a DirectoryString');
  }
  return utf8String(t.value);
}

/** Parses a DER request and checks its signature with the key it carries. Throws CsrError. */
export function parseCertificationRequest(input: Uint8Array): CertificationRequest {
  try {
    const raw = new Uint8Array(input);
    const top = new DerReader(readSingle(raw).raw).sequence('CertificationRequest');
    const infoTlv = top.expect(Tag.SEQUENCE, 'CertificationRequestInfo');
    const algorithm = readAlgorithmIdentifier(top, 'signatureAlgorithm');
    const { bytes: signature, unusedBits } = top.bitString();
    top.end('CertificationRequest');
    if (unusedBits !== 0) throw new DerError('BAD_VALUE', 'signature: unused bits in an RSA signature');

    const info = top.child(infoTlv);
    const version = info.smallInteger();
    if (version !== 0) throw new CsrError('BAD_VERSION', `certification request version ${version} is not v1 (0)`);
    const subject = readName(info);
    const publicKey = readSubjectPublicKeyInfo(info);
    const attrs = info.child(info.expect(contextConstructed(0), 'attributes [0]'));
    info.end('CertificationRequestInfo');

    let challengePassword: string | undefined;
    const extensions: Extension[] = [];
    while (!attrs.done) {
      const a = attrs.sequence('Attribute');
      const type = a.oid();
      const values = a.set('Attribute values');
      a.end('Attribute');
      if (type === OID.challengePassword) {
        challengePassword = readDirectoryString(values.readTlv());
        values.end('challengePassword');
      } else if (type === OID.extensionRequest) {
        extensions.push(...readExtensions(values));
        values.end('extensionRequest');
      }
    }

    const hash = signatureHashOf(algorithm.oid);
    if (!hash) throw new CsrError('UNSUPPORTED_SIGNATURE', `certification request signed with ${algorithm.oid}, not an RSA PKCS #1 v1.5 algorithm`);
    if (!publicKey.rsa || !rsaSignatureValid(publicKey.rsa, hash, infoTlv.raw, signature)) {
      throw new CsrError('BAD_SIGNATURE', 'the certification request is not signed by the key it carries');
    }
    return { raw, subject, publicKey, challengePassword, extensions };
  } catch (e) {
    if (e instanceof CsrError) throw e;
    if (e instanceof Ssl3Error) throw new CsrError('MALFORMED', `certification request: ${e.message.replace(/^DER: /, '')}`);
    throw e;
  }
}
