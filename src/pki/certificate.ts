/**
 * The parsed form of an X.509 certificate (RFC 5280 section 4.1), the unit SSL 3.0's
 * Certificate message carries (RFC 6101 section 5.6.2). x509.ts fills it from DER; the chain
 * validator, host checks and the dump read it. `raw` and `tbsRaw` keep the exact bytes so a
 * signature is always checked over what was received, never over a re-encoding.
 */
import type { RsaPublicKey } from './rsa-key.js';

/** One attribute of a distinguished name: `type` is the dotted OID, `tag` the ASN.1 string tag. */
export interface NameAttribute {
  readonly type: string;
  readonly value: string;
  readonly tag: number;
}

export interface DistinguishedName {
  /** RDNs in encoding order; each RDN is a set of attributes (almost always one). */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** The exact DER of the Name, used for issuer/subject chaining comparisons. */
  readonly raw: Uint8Array;
}

export type SignatureHash = 'md2' | 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface SignatureAlgorithm {
  readonly oid: string;
  /** The digest for RSA PKCS#1 v1.5 signatures; undefined for algorithms we cannot check. */
  readonly hash?: SignatureHash;
}

export interface SubjectPublicKey {
  readonly algorithmOid: string;
  /** Present for rsaEncryption keys; other key types are kept as raw bytes only. */
  readonly rsa?: RsaPublicKey;
  /** The exact DER of SubjectPublicKeyInfo (pinning and key identifiers hash parts of it). */
  readonly raw: Uint8Array;
}

export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLength?: number;
}

/** keyUsage bit names, in bit order (RFC 5280 section 4.2.1.3). */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING contents. */
  readonly value: Uint8Array;
}

export interface Certificate {
  /** The whole certificate DER. */
  readonly raw: Uint8Array;
  /** The exact DER of tbsCertificate, over which the signature is computed. */
  readonly tbsRaw: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  /** Signed: old devices emit zero and negative serials. */
  readonly serialNumber: bigint;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: SubjectPublicKey;
  readonly extensions: readonly Extension[];
  // Decoded extensions (undefined when absent).
  readonly basicConstraints?: BasicConstraints;
  readonly keyUsage?: ReadonlySet<KeyUsage>;
  /** Dotted OIDs. */
  readonly extendedKeyUsage?: readonly string[];
  readonly subjectAltName?: { readonly dns: readonly string[]; readonly ip: readonly string[]; readonly email: readonly string[]; readonly uri: readonly string[] };
  readonly subjectKeyIdentifier?: Uint8Array;
  readonly authorityKeyIdentifier?: Uint8Array;
  readonly crlDistributionPoints?: readonly string[];
}
