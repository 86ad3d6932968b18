/**
 * The device's RSA key pairs and its self-signed certificates, made the way IOS makes them
 * (docs/ios-configuration.md; the Cisco feature guide "HTTPS - HTTP Server and Client with SSL 3.0"):
 * `crypto key generate rsa [usage-keys] [modulus N]` makes one general-purpose pair or a
 * signature pair and an encryption pair, all named after the FQDN; without a CA trustpoint
 * "the server will certify itself and generate the needed RSA key pair", under the trustpoint
 * TP-self-signed-N. Nothing here touches the disk: keys and certificates live only in memory
 * until `copy running-config startup-config` hands them to store.ts ("If not used, the
 * certificates would be lost at router reload").
 *
 * Choices, and why:
 * - N in TP-self-signed-N comes from the anchor key's SHA-1 key identifier (IOS derives it
 *   from the device): the same key always gives the same name, so a reload finds the
 *   certificates again, and a new key gives a new name, so an old certificate never passes
 *   for a new key's.
 * - Usage keys (model.ts KeyRing): the signature key certifies itself (CA:TRUE, pathLen 0)
 *   and issues the encryption key's server certificate. SSL 3.0's RSA key exchange encrypts
 *   the premaster secret to the server certificate's key, so that certificate must hold the
 *   encryption key; a client that trusts the signature certificate verifies the chain
 *   [encryption, signature] like any CA-issued one (`openssl verify -CAfile sig.pem enc.pem`).
 * - The signature certificate's subject carries OU=IOS-Self-Signed-Certificate-N besides the
 *   FQDN, so it never has the same name as the certificate it issues: a chain builder must
 *   not mistake the encryption certificate for a self-issued one.
 * - Its extendedKeyUsage lists serverAuth and clientAuth: OpenSSL holds a CA to the purposes
 *   it lists, and the same certificate is the client certificate of a usage-keys device.
 */
import type { Certificate } from '../pki/certificate.js';
import { rsaSignatureValid } from '../pki/rsa-signature.js';
import { parseIpAddress } from '../pki/hostname.js';
import { bitLength, generateRsaKey, type RsaPrivateKey, type RsaPublicKey } from '../pki/rsa.js';
import { DEFAULT_SELF_SIGNED_DAYS, selfSignedCertificate } from '../pki/selfsign.js';
import { buildCertificate, keyIdentifier } from '../pki/x509-build.js';
import { namesEqual } from '../pki/verify.js';
import { DEFAULT_MODULUS, type CertificateRecord, type KeyPairRecord, type KeyRing, type KeyUsage } from './model.js';

export const SELF_SIGNED_TRUSTPOINT_PREFIX = 'TP-self-signed-';

const DAY_MS = 86_400_000;

/** The key and chain a server presents, or a client when asked for a certificate. */
export interface DeviceIdentity {
  readonly key: RsaPrivateKey;
  /** Leaf first, as the SSL 3.0 Certificate message carries it. */
  readonly chain: Certificate[];
  /** The trustpoint the leaf belongs to (TP-self-signed-N for the device's own). */
  readonly trustpoint: string;
}

/** `crypto key generate rsa [usage-keys] [modulus N]`: the new pair(s), all named `name` (the FQDN). */
export function generateKeyPairs(name: string, options: { usageKeys: boolean; modulus: number; now?: Date }): KeyPairRecord[] {
  const generatedAt = options.now ?? new Date();
  const pair = (usage: KeyUsage): KeyPairRecord => ({ name, usage, key: generateRsaKey(options.modulus), generatedAt });
  return options.usageKeys ? [pair('signature'), pair('encryption')] : [pair('general')];
}

export function sameKey(a: RsaPublicKey, b: RsaPublicKey): boolean {
  return a.n === b.n && a.e === b.e;
}

/** Whether `cert` certifies `key` (holds its public half). */
export function certifies(cert: Certificate, key: RsaPublicKey): boolean {
  const pub = cert.publicKey.rsa;
  return pub !== undefined && sameKey(pub, key);
}

function keyOf(keys: readonly KeyPairRecord[], usage: KeyUsage): KeyPairRecord | undefined {
  return keys.find((k) => k.usage === usage);
}

/** The key the self-signed certificates hang from: the general one, else the signature one. */
function anchorKey(keys: readonly KeyPairRecord[]): KeyPairRecord | undefined {
  return keyOf(keys, 'general') ?? keyOf(keys, 'signature') ?? keys[0];
}

/** TP-self-signed-N, N the first 32 bits of the anchor key's identifier as a decimal number. Throws without keys. */
export function selfSignedTrustpointName(keys: readonly KeyPairRecord[]): string {
  const anchor = anchorKey(keys);
  if (!anchor) throw new Error('there is no RSA key pair to name a self-signed trustpoint after');
  const id = keyIdentifier(anchor.key);
  const n = ((id[0] << 24) | (id[1] << 16) | (id[2] << 8) | id[3]) >>> 0;
  return `${SELF_SIGNED_TRUSTPOINT_PREFIX}${n}`;
}

/** The validity every self-signed certificate gets (selfsign.ts's reasons: a day back, ten years on). */
function validity(now: Date): { notBefore: Date; notAfter: Date } {
  const start = Math.floor(now.getTime() / 1000) * 1000;
  return { notBefore: new Date(start - DAY_MS), notAfter: new Date(start + DEFAULT_SELF_SIGNED_DAYS * DAY_MS) };
}

/** The FQDN as the subjectAltName carries it: an IP literal as iPAddress, a name as dNSName. */
function altName(fqdn: string): { dns: string[]; ip: string[] } {
  const host = fqdn.trim();
  return parseIpAddress(host) ? { dns: [], ip: [host.replace(/^\[(.*)\]$/, '$1')] } : { dns: [host.replace(/\.$/, '')], ip: [] };
}

function signatureCertificate(sig: RsaPrivateKey, fqdn: string, tpNumber: string, now: Date): Certificate {
  return buildCertificate({
    subject: [
      ['OU', `IOS-Self-Signed-Certificate-${tpNumber}`],
      ['CN', fqdn.trim().replace(/\.$/, '')],
    ],
    ...validity(now),
    publicKey: sig,
    signingKey: sig,
    signatureHash: 'sha256',
    ca: true,
    pathLength: 0,
    keyUsage: ['digitalSignature', 'keyCertSign'],
    extendedKeyUsage: ['serverAuth', 'clientAuth'],
    subjectKeyIdentifier: true,
    authorityKeyIdentifier: true,
  });
}

function encryptionCertificate(enc: RsaPrivateKey, sig: RsaPrivateKey, sigCert: Certificate, fqdn: string, now: Date): Certificate {
  const san = altName(fqdn);
  return buildCertificate({
    subject: [['CN', san.dns[0] ?? san.ip[0]]],
    ...validity(now),
    publicKey: enc,
    signingKey: sig,
    issuerCertificate: sigCert,
    signatureHash: 'sha256',
    ca: false,
    keyUsage: ['keyEncipherment'],
    extendedKeyUsage: ['serverAuth', 'clientAuth'],
    subjectAltName: san,
    subjectKeyIdentifier: true,
    authorityKeyIdentifier: true,
  });
}

/**
 * The device's self-signed certificates for `keys`, under selfSignedTrustpointName(keys):
 * for a general pair selfsign.ts's certificate; for usage keys the signature key's own CA
 * certificate and the encryption key's certificate issued by it. Throws for usage keys that
 * are not a complete signature + encryption set.
 */
export function selfSignedCertificates(keys: readonly KeyPairRecord[], fqdn: string, now: Date = new Date()): CertificateRecord[] {
  const trustpoint = selfSignedTrustpointName(keys);
  const general = keyOf(keys, 'general');
  if (general) return [{ trustpoint, usage: 'general', certificate: selfSignedCertificate({ key: general.key, hostname: fqdn, now }) }];
  const sig = keyOf(keys, 'signature');
  const enc = keyOf(keys, 'encryption');
  if (!sig || !enc) throw new Error('usage keys need both a signature and an encryption key pair');
  const sigCert = signatureCertificate(sig.key, fqdn, trustpoint.slice(SELF_SIGNED_TRUSTPOINT_PREFIX.length), now);
  return [
    { trustpoint, usage: 'signature', certificate: sigCert },
    { trustpoint, usage: 'encryption', certificate: encryptionCertificate(enc.key, sig.key, sigCert, fqdn, now) },
  ];
}

/** Whether `key` made the signature on `cert` (an exact check, not a chain validation: dates do not matter here). */
function signedBy(cert: Certificate, key: RsaPublicKey): boolean {
  const hash = cert.signatureAlgorithm.hash;
  return hash !== undefined && rsaSignatureValid(key, hash, cert.tbsRaw, cert.signature);
}

function deviceCertificate(ring: KeyRing, trustpoint: string, usage: KeyUsage, key: RsaPublicKey): Certificate | undefined {
  return ring.certificates.find((c) => c.trustpoint === trustpoint && c.usage === usage && certifies(c.certificate, key))?.certificate;
}

/**
 * The self-signed identity: key and chain for `role`. A server's is the general or the
 * encryption key (the premaster secret is encrypted to it) with the signature certificate
 * after its own; a client's is the general or the signature key (it signs CertificateVerify).
 */
function selfSignedIdentity(ring: KeyRing, role: 'server' | 'client'): DeviceIdentity | undefined {
  if (!ring.keys.length) return undefined;
  const trustpoint = selfSignedTrustpointName(ring.keys);
  const general = keyOf(ring.keys, 'general');
  if (general) {
    const cert = deviceCertificate(ring, trustpoint, 'general', general.key);
    return cert && { key: general.key, chain: [cert], trustpoint };
  }
  const sig = keyOf(ring.keys, 'signature');
  if (!sig) return undefined;
  const sigCert = deviceCertificate(ring, trustpoint, 'signature', sig.key);
  if (!sigCert) return undefined;
  if (role === 'client') return { key: sig.key, chain: [sigCert], trustpoint };
  const enc = keyOf(ring.keys, 'encryption');
  const encCert = enc && deviceCertificate(ring, trustpoint, 'encryption', enc.key);
  return enc && encCert ? { key: enc.key, chain: [encCert, sigCert], trustpoint } : undefined;
}

/** A certificate enrolled with a CA trustpoint (`crypto ca enrollment`) whose key the ring holds, followed by that trustpoint's CA certificates. */
function enrolledIdentity(ring: KeyRing, trustpoint: string, usages: readonly KeyUsage[]): DeviceIdentity | undefined {
  for (const usage of usages) {
    for (const record of ring.certificates) {
      if (record.trustpoint !== trustpoint || record.usage !== usage) continue;
      const key = ring.keys.find((k) => certifies(record.certificate, k.key));
      if (!key) continue;
      const cas = ring.certificates.filter((c) => c.trustpoint === trustpoint && c.usage === 'ca').map((c) => c.certificate);
      return { key: key.key, chain: [record.certificate, ...cas], trustpoint };
    }
  }
  return undefined;
}

function identity(ring: KeyRing, trustpoint: string | undefined, role: 'server' | 'client'): DeviceIdentity | undefined {
  const selfName = ring.keys.length ? selfSignedTrustpointName(ring.keys) : undefined;
  if (trustpoint !== undefined && trustpoint !== selfName) {
    const enrolled = enrolledIdentity(ring, trustpoint, role === 'server' ? ['general', 'encryption'] : ['general', 'signature']);
    if (enrolled) return enrolled;
  }
  return selfSignedIdentity(ring, role);
}

/**
 * What the HTTPS server presents (`ip http secure-trustpoint`): the certificate enrolled with
 * `trustpoint` when the ring holds its key, else the self-signed one. The result's trustpoint
 * tells which was chosen; undefined when the device has neither.
 */
export function serverIdentity(ring: KeyRing, trustpoint?: string): DeviceIdentity | undefined {
  return identity(ring, trustpoint, 'server');
}

/** What the HTTPS client presents when a server asks (`ip http client secure-trustpoint`); as serverIdentity, but the signature key of usage keys. */
export function clientIdentity(ring: KeyRing, trustpoint?: string): DeviceIdentity | undefined {
  return identity(ring, trustpoint, 'client');
}

/**
 * What IOS does when `ip http secure-server` needs keys: generate a general-purpose pair
 * when there is none, complete a usage-keys set that lost one half, and (re)issue the
 * self-signed certificates that are missing or do not belong to the keys, as after a crash
 * between two file writes. Certificates that are still good are kept, since clients may
 * have pinned them. Returns whether the ring changed.
 */
export function ensureDeviceIdentity(ring: KeyRing, fqdn: string, modulus: number = DEFAULT_MODULUS): boolean {
  let changed = false;
  const now = new Date();
  if (!ring.keys.length) {
    ring.keys = generateKeyPairs(fqdn, { usageKeys: false, modulus, now });
    changed = true;
  } else if (!keyOf(ring.keys, 'general')) {
    const sig = keyOf(ring.keys, 'signature');
    const enc = keyOf(ring.keys, 'encryption');
    const lone = sig ?? enc;
    if (lone && !(sig && enc)) {
      // Half a usage-keys set serves nothing; its partner is made like it, so the half that survived keeps working.
      const usage: KeyUsage = sig ? 'encryption' : 'signature';
      ring.keys = [...ring.keys, { name: lone.name, usage, key: generateRsaKey(bitLength(lone.key.n)), generatedAt: now }];
      changed = true;
    }
  }

  const trustpoint = selfSignedTrustpointName(ring.keys);
  const general = keyOf(ring.keys, 'general');
  const keep: CertificateRecord[] = [];
  const add: CertificateRecord[] = [];
  if (general) {
    const cert = deviceCertificate(ring, trustpoint, 'general', general.key);
    if (cert) keep.push({ trustpoint, usage: 'general', certificate: cert });
    else add.push(...selfSignedCertificates([general], fqdn, now));
  } else {
    const sig = keyOf(ring.keys, 'signature')!;
    const enc = keyOf(ring.keys, 'encryption')!;
    let sigCert = deviceCertificate(ring, trustpoint, 'signature', sig.key);
    if (sigCert && !signedBy(sigCert, sig.key)) sigCert = undefined;
    if (sigCert) keep.push({ trustpoint, usage: 'signature', certificate: sigCert });
    else {
      sigCert = signatureCertificate(sig.key, fqdn, trustpoint.slice(SELF_SIGNED_TRUSTPOINT_PREFIX.length), now);
      add.push({ trustpoint, usage: 'signature', certificate: sigCert });
    }
    const encCert = deviceCertificate(ring, trustpoint, 'encryption', enc.key);
    if (encCert && signedBy(encCert, sig.key) && namesEqual(encCert.issuer, sigCert.subject)) {
      keep.push({ trustpoint, usage: 'encryption', certificate: encCert });
    } else {
      add.push({ trustpoint, usage: 'encryption', certificate: encryptionCertificate(enc.key, sig.key, sigCert, fqdn, now) });
    }
  }
  if (!add.length) return changed;
  // The trustpoint's other device certificates are the ones being replaced; other trustpoints' stay.
  const others = ring.certificates.filter((c) => c.trustpoint !== trustpoint || c.usage === 'ca');
  ring.certificates = [...others, ...keep, ...add];
  return true;
}
