/**
 * PKCS #10 (RFC 2986) requests: what we build is what `openssl req -verify` accepts, with the
 * challenge password and requested extensions; what OpenSSL builds we read; a request not
 * signed by its own key is refused.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { OID } from '../../src/pki/oid.js';
import { pemEncode } from '../../src/pki/pem.js';
import { buildCertificationRequest, CsrError, parseCertificationRequest } from '../../src/pki/pkcs10.js';
import { formatName } from '../../src/pki/x509.js';
import { nodeRsaKey } from '../helpers/keys.js';
import { findPeer } from '../helpers/peers.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';

const openssl = findPeer('openssl', 'openssl');
const key = nodeRsaKey(1024);
const request = buildCertificationRequest({
  subject: [
    ['CN', 'r1.example.com'],
    ['unstructuredName', 'r1.example.com'],
  ],
  key,
  challengePassword: 'secret',
  subjectAltName: { dns: ['r1.example.com'], ip: ['10.1.2.3'] },
  keyUsage: ['digitalSignature', 'keyEncipherment'],
});

afterAll(() => removeTempDirs());

describe('PKCS #10', () => {
  it('reads back what it built', () => {
    const csr = parseCertificationRequest(request);
    expect(csr.challengePassword).toBe('secret');
    expect(formatName(csr.subject)).toContain('CN=r1.example.com');
    expect(csr.publicKey.rsa?.n).toBe(key.n);
    expect(csr.extensions.map((e) => e.oid).sort()).toEqual([OID.keyUsage, OID.subjectAltName].sort());
  });

  it('refuses a request whose signature does not match its key, and malformed ones', () => {
    const bad = request.slice();
    bad[bad.length - 5] ^= 1;
    expect(() => parseCertificationRequest(bad)).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }));
    expect(() => parseCertificationRequest(request.subarray(0, 40))).toThrow(CsrError);
    expect(() => parseCertificationRequest(Uint8Array.from([...request, 0]))).toThrow(CsrError);
  });

  it.skipIf(!openssl)('openssl req -verify accepts ours and shows its attributes; ours reads openssl req -new', () => {
    const dir = tempDir('csr');
    const file = join(dir, 'ours.csr');
    writeFileSync(file, pemEncode('CERTIFICATE REQUEST', request));
    const text = execFileSync(openssl!, ['req', '-in', file, '-verify', '-noout', '-text'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    expect(text).toMatch(/challengePassword\s*:\s*secret/);
    expect(text).toMatch(/DNS:r1\.example\.com, IP Address:10\.1\.2\.3/);
    expect(text).toMatch(/Digital Signature, Key Encipherment/);

    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, privateKeyToPem(key));
    const cnf = join(dir, 'req.cnf');
    writeFileSync(cnf, '[req]\nprompt=no\ndistinguished_name=dn\nattributes=attrs\n[dn]\nCN=theirs\n[attrs]\nchallengePassword=s3cret pass\n');
    const theirs = join(dir, 'theirs.der');
    execFileSync(openssl!, ['req', '-new', '-key', keyFile, '-config', cnf, '-outform', 'DER', '-out', theirs]);
    const csr = parseCertificationRequest(readFileSync(theirs));
    expect(csr.challengePassword).toBe('s3cret pass');
    expect(formatName(csr.subject)).toBe('CN=theirs');
  });
});
