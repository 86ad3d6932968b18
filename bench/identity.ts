/**
 * The RSA-2048 server identity the engine rows share: one key and self-signed certificate
 * (for 127.0.0.1), made by our own code and handed as PEM to our server and node:tls alike
 * (in the server thread, via workerData), and what else both ends agree on.
 */
import { generateRsaKey } from '../src/pki/rsa.js';
import { privateKeyToPem } from '../src/pki/keys.js';
import { selfSignedCertificate } from '../src/pki/selfsign.js';
import { certificateToPem } from '../src/pki/x509.js';

export interface Identity {
  keyPem: string;
  certPem: string;
}

let cached: Identity | undefined;

export function benchIdentity(): Identity {
  if (!cached) {
    const key = generateRsaKey(2048);
    const cert = selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'], days: 10 });
    cached = { keyPem: privateKeyToPem(key), certPem: certificateToPem(cert) };
  }
  return cached;
}

export const HOST = '127.0.0.1';

/** node:tls's settings, server and client: TLS 1.2, AES128-SHA. */
export const NATIVE_TLS = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA' } as const;

/** What the https-* servers (http.ts rows) answer to every request, with its content-length. */
export const HTTP_BODY = 'hello';
