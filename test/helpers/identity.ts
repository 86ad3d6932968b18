/**
 * Key material for interop tests: an RSA key and a self-signed certificate made by our own
 * PKI code, written as PEM files, plus a PKCS#12 file (made with the openssl command line)
 * for peers that import keys that way (NSS pk12util, JSSE keystores).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRsaKey } from '../../src/pki/rsa.js';
import type { RsaPrivateKey } from '../../src/pki/rsa-key.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import type { Certificate } from '../../src/pki/certificate.js';

export interface IdentityFiles {
  dir: string;
  key: RsaPrivateKey;
  cert: Certificate;
  keyPem: string;
  certPem: string;
  keyFile: string;
  certFile: string;
  /** PKCS#12 with password P12_PASSWORD, or undefined when openssl is not installed. */
  p12File?: string;
}

export const P12_PASSWORD = 'changeit';

/** Makes a key and certificate for `hostname` (SAN DNS and 127.0.0.1) in a fresh temp directory. */
export function makeIdentity(hostname: string, bits = 2048, openssl?: string): IdentityFiles {
  const dir = mkdtempSync(join(tmpdir(), `ssl3-${hostname}-`));
  const key = generateRsaKey(bits);
  const cert = selfSignedCertificate({ key, hostname, ips: ['127.0.0.1'], days: 30 });
  const keyPem = privateKeyToPem(key);
  const certPem = certificateToPem(cert);
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  writeFileSync(certFile, certPem);
  let p12File: string | undefined;
  if (openssl) {
    p12File = join(dir, 'identity.p12');
    execFileSync(openssl, ['pkcs12', '-export', '-inkey', keyFile, '-in', certFile, '-name', hostname, '-out', p12File, '-passout', `pass:${P12_PASSWORD}`]);
  }
  return { dir, key, cert, keyPem, certPem, keyFile, certFile, p12File };
}
