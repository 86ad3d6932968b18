/**
 * The server's own key and certificate when none is configured: as the IOS feature does
 * without a CA trustpoint, generate an RSA key pair and a self-signed certificate on first
 * start, and keep them in the data directory so the certificate (and its fingerprint, which
 * clients may have pinned) stays the same across restarts. Files are written atomically.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateRsaKey } from '../pki/rsa.js';
import { privateKeyToPem } from '../pki/keys.js';
import { selfSignedCertificate } from '../pki/selfsign.js';
import { certificateToPem, fingerprint, parseCertificates } from '../pki/x509.js';
import { writeFileAtomic } from '../util/atomic-file.js';

export interface StoredIdentity {
  keyPem: string;
  certPem: string;
  keyFile: string;
  certFile: string;
  /** SHA-256 fingerprint of the certificate, uppercase hex with colons. */
  fingerprint256: string;
  created: boolean;
}

export interface IdentityStoreOptions {
  dataDir: string;
  /** The FQDN for the certificate's CN and SAN (IOS: hostname.domain). */
  hostname: string;
  ips?: string[];
  bits?: number;
  days?: number;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export async function loadOrCreateIdentity(opts: IdentityStoreOptions): Promise<StoredIdentity> {
  const keyFile = join(opts.dataDir, 'server-key.pem');
  const certFile = join(opts.dataDir, 'server-cert.pem');
  const [keyPem, certPem] = await Promise.all([readIfExists(keyFile), readIfExists(certFile)]);
  if (keyPem && certPem) {
    return { keyPem, certPem, keyFile, certFile, fingerprint256: fingerprint(parseCertificates(certPem)[0], 'sha256'), created: false };
  }
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const key = generateRsaKey(opts.bits ?? 2048);
  const cert = selfSignedCertificate({ key, hostname: opts.hostname, ips: opts.ips, days: opts.days ?? 3650 });
  const newKeyPem = privateKeyToPem(key);
  const newCertPem = certificateToPem(cert);
  // Key first: a crash between the two writes leaves a key without a certificate, which the
  // next start replaces, never a certificate whose key is lost.
  await writeFileAtomic(keyFile, newKeyPem, 0o600);
  await writeFileAtomic(certFile, newCertPem, 0o644);
  return { keyPem: newKeyPem, certPem: newCertPem, keyFile, certFile, fingerprint256: fingerprint(cert, 'sha256'), created: true };
}
