/**
 * Object identifiers used in certificates and keys (RFC 5280, RFC 8017, RFC 8018, RFC 2986),
 * as one table: code names an OID by its key, never by its dotted string.
 */
import { DerError } from './der.js';

export const OID = {
  // Public keys and signature algorithms (RFC 8017 Appendix A, RFC 3279).
  rsaEncryption: '1.2.840.113549.1.1.1',
  md2WithRSAEncryption: '1.2.840.113549.1.1.2',
  md5WithRSAEncryption: '1.2.840.113549.1.1.4',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  sha224WithRSAEncryption: '1.2.840.113549.1.1.14',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  dsa: '1.2.840.10040.4.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  // Digests (DigestInfo, RFC 8017 section 9.2).
  md5: '1.2.840.113549.2.5',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // Name attributes (RFC 5280 Appendix A.1, RFC 4519).
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  streetAddress: '2.5.4.9',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  title: '2.5.4.12',
  givenName: '2.5.4.42',
  unstructuredName: '1.2.840.113549.1.9.2',
  unstructuredAddress: '1.2.840.113549.1.9.8',
  emailAddress: '1.2.840.113549.1.9.1',
  domainComponent: '0.9.2342.19200300.100.1.25',
  userId: '0.9.2342.19200300.100.1.1',
  // PKCS #9 attributes for requests (RFC 2985).
  challengePassword: '1.2.840.113549.1.9.7',
  extensionRequest: '1.2.840.113549.1.9.14',
  // Certificate extensions (RFC 5280 section 4.2).
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  cRLNumber: '2.5.29.20',
  cRLReason: '2.5.29.21',
  // CRL and CRL entry extensions (RFC 5280 sections 5.2 and 5.3).
  invalidityDate: '2.5.29.24',
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  certificateIssuer: '2.5.29.29',
  freshestCRL: '2.5.29.46',
  nameConstraints: '2.5.29.30',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  netscapeCertType: '2.16.840.1.113730.1.1',
  netscapeComment: '2.16.840.1.113730.1.13',
  // Extended key usages (RFC 5280 section 4.2.1.12).
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
  // Access methods (RFC 5280 section 4.2.2.1).
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  // Password-based encryption of PKCS #8 keys (RFC 8018).
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA256: '1.2.840.113549.2.9',
  desEde3Cbc: '1.2.840.113549.3.7',
  desCbc: '1.3.14.3.2.7',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  pbeWithSHA1And3DES: '1.2.840.113549.1.12.1.3',
  // PKCS #7 / CMS content types (RFC 5652), used by SCEP.
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  // CMS signed attributes (RFC 5652 section 11).
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  // SCEP message attributes (RFC 8894 section 3.2.1: id-VeriSign pki attributes).
  scepMessageType: '2.16.840.1.113733.1.9.2',
  scepPkiStatus: '2.16.840.1.113733.1.9.3',
  scepFailInfo: '2.16.840.1.113733.1.9.4',
  scepSenderNonce: '2.16.840.1.113733.1.9.5',
  scepRecipientNonce: '2.16.840.1.113733.1.9.6',
  scepTransactionId: '2.16.840.1.113733.1.9.7',
} as const;

export type OidName = keyof typeof OID;

const NAME_BY_OID = new Map<string, OidName>(Object.entries(OID).map(([k, v]) => [v, k as OidName]));

/** The table's name for a dotted OID, or undefined. */
export function oidName(oid: string): OidName | undefined {
  return NAME_BY_OID.get(oid);
}

/** The table's name, or the dotted form when unknown: for display. */
export function describeOid(oid: string): string {
  return NAME_BY_OID.get(oid) ?? oid;
}

/** Looks up a dotted OID by name; throws for names not in the table. */
export function oidOf(name: string): string {
  const v = (OID as Record<string, string>)[name];
  if (!v) throw new DerError('UNKNOWN_OID', `unknown OID name '${name}'`);
  return v;
}

/** Short attribute labels for distinguished names, as OpenSSL and RFC 4514 print them. */
export const NAME_ATTRIBUTE_LABELS: ReadonlyMap<string, string> = new Map([
  [OID.commonName, 'CN'],
  [OID.surname, 'SN'],
  [OID.serialNumber, 'serialNumber'],
  [OID.countryName, 'C'],
  [OID.localityName, 'L'],
  [OID.stateOrProvinceName, 'ST'],
  [OID.streetAddress, 'street'],
  [OID.organizationName, 'O'],
  [OID.organizationalUnitName, 'OU'],
  [OID.title, 'title'],
  [OID.givenName, 'GN'],
  [OID.emailAddress, 'emailAddress'],
  [OID.domainComponent, 'DC'],
  [OID.userId, 'UID'],
  [OID.unstructuredName, 'unstructuredName'],
  [OID.unstructuredAddress, 'unstructuredAddress'],
]);
