/**
 * The certificates the client checks present (RFC 6101 5.6.2; RFC 5280 for what makes one
 * good): a test CA that the clients under test are told to trust, and one server key with
 * certificates for it: a good one from that CA, one from no CA the client knows (self-signed),
 * an expired one and one for another name from the CA, and bytes that are no certificate at
 * all. All share the key, so a client that wrongly accepts one goes on with a handshake the
 * harness can finish, and the report shows how far it went.
 */
import { buildCertificate } from '../../pki/x509-build.js';
import { generateRsaKey } from '../../pki/rsa.js';
import type { Certificate } from '../../pki/certificate.js';
import type { RsaPrivateKey } from '../../pki/rsa-key.js';
import { parseIpAddress } from '../../pki/hostname.js';

export interface ClientCheckPki {
  readonly ca: Certificate;
  readonly caKey: RsaPrivateKey;
  /** The server key every certificate below carries. */
  readonly key: RsaPrivateKey;
  readonly good: Certificate;
  readonly untrusted: Certificate;
  readonly expired: Certificate;
  readonly wrongName: Certificate;
  /** A Certificate message entry that is not DER X.509. */
  readonly garbage: Uint8Array;
}

const DAY_MS = 86_400_000;

/** The CA's certificate for `caKey`: a root valid for a year, for signing the test certificates. */
export function testCa(caKey: RsaPrivateKey, now = Date.now()): Certificate {
  return buildCertificate({
    subject: 'CN=ssl3 check test CA',
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    publicKey: caKey,
    signingKey: caKey,
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
}

/**
 * The certificates for `hostname` (a name or an IP literal; `ips` go into the
 * subjectAltName as well), under the CA given, or a new one. `key` is the server key
 * (a new RSA-2048 key when not given).
 */
export function clientCheckPki(o: { hostname: string; ips?: readonly string[]; ca?: { cert: Certificate; key: RsaPrivateKey }; key?: RsaPrivateKey; now?: number }): ClientCheckPki {
  const now = o.now ?? Date.now();
  const caKey = o.ca?.key ?? generateRsaKey(2048);
  const ca = o.ca?.cert ?? testCa(caKey, now);
  const key = o.key ?? generateRsaKey(2048);
  const leaf = (name: string, ips: readonly string[], from: number, to: number, issuer?: { cert: Certificate; key: RsaPrivateKey }) => {
    const ip = parseIpAddress(name) ? [name, ...ips] : [...ips];
    return buildCertificate({
      subject: `CN=${name}`,
      notBefore: new Date(from),
      notAfter: new Date(to),
      publicKey: key,
      signingKey: issuer?.key ?? key,
      issuerCertificate: issuer?.cert,
      ca: false,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['serverAuth'],
      subjectAltName: { dns: parseIpAddress(name) ? [] : [name], ip: [...new Set(ip)] },
    });
  };
  const issuer = { cert: ca, key: caKey };
  const valid = [now - DAY_MS, now + 30 * DAY_MS] as const;
  return {
    ca,
    caKey,
    key,
    good: leaf(o.hostname, o.ips ?? [], ...valid, issuer),
    untrusted: leaf(o.hostname, o.ips ?? [], ...valid),
    expired: leaf(o.hostname, o.ips ?? [], now - 60 * DAY_MS, now - 30 * DAY_MS, issuer),
    wrongName: leaf('wrong-name.invalid', [], ...valid, issuer),
    garbage: Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00),
  };
}
