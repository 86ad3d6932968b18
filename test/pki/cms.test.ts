/**
 * CMS as SCEP uses it (RFC 5652): our SignedData and EnvelopedData checked by OpenSSL's cms
 * command, and OpenSSL's read by ours, for every content cipher; tampering and misaddressing
 * refused.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEnvelopedData, buildSignedData, certificatesOnly, CmsError, openEnvelopedData, parseSignedData, readCertificatesOnly, signerMatches, signerVerifies } from '../../src/pki/cms.js';
import { CONTENT_CIPHERS } from '../../src/pki/content-cipher.js';
import { der } from '../../src/pki/der.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { asciiBytes } from '../../src/util/bytes.js';
import { nodeRsaKey } from '../helpers/keys.js';
import { findPeer } from '../helpers/peers.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';

const openssl = findPeer('openssl', 'openssl');
const key = nodeRsaKey(1024);
const cert = selfSignedCertificate({ key, hostname: 'cms.example', now: new Date() });
const other = nodeRsaKey(1024);
const otherCert = selfSignedCertificate({ key: other, hostname: 'other.example', now: new Date() });
const content = asciiBytes('a PKCS #10 request would go here');

afterAll(() => removeTempDirs());

function files(): { dir: string; keyFile: string; certFile: string } {
  const dir = tempDir('cms');
  writeFileSync(join(dir, 'key.pem'), privateKeyToPem(key));
  writeFileSync(join(dir, 'cert.pem'), certificateToPem(cert));
  return { dir, keyFile: join(dir, 'key.pem'), certFile: join(dir, 'cert.pem') };
}

describe('SignedData', () => {
  it('round-trips: content, certificates, signed attributes, signature', () => {
    const extra = { oid: '2.16.840.1.113733.1.9.7', values: [der.printableString('TX1')] };
    const sd = parseSignedData(buildSignedData({ content, signer: { key, certificate: cert }, attributes: [extra] }));
    expect(sd.content).toEqual(content);
    expect(sd.certificates.map((c) => c.raw)).toEqual([cert.raw]);
    const signer = sd.signers[0];
    expect(signerMatches(signer, cert)).toBe(true);
    expect(signerVerifies(sd, signer, cert)).toBe(true);
    expect(signerVerifies(sd, signer, otherCert)).toBe(false);
    expect(signer.attributes.get(extra.oid)?.[0].raw).toEqual(extra.values[0]);
  });

  it('a changed content byte breaks the messageDigest check', () => {
    const bytes = buildSignedData({ content, signer: { key, certificate: cert } });
    const at = Buffer.from(bytes).indexOf(Buffer.from(content));
    bytes[at] ^= 1;
    const sd = parseSignedData(bytes);
    expect(signerVerifies(sd, sd.signers[0], cert)).toBe(false);
  });

  it('degenerate certificates-only form holds the certificates and no signer', () => {
    const bytes = certificatesOnly([cert, otherCert]);
    expect(readCertificatesOnly(bytes).map((c) => c.raw)).toEqual([cert.raw, otherCert.raw]);
    expect(parseSignedData(bytes).signers).toHaveLength(0);
  });

  it('rejects what is not a SignedData, truncated or with trailing bytes', () => {
    const bytes = buildSignedData({ content, signer: { key, certificate: cert } });
    expect(() => parseSignedData(bytes.subarray(0, bytes.length - 3))).toThrow(CmsError);
    expect(() => parseSignedData(Uint8Array.from([...bytes, 0]))).toThrow(CmsError);
    expect(() => parseSignedData(cert.raw)).toThrow(CmsError);
  });

  it.skipIf(!openssl)('openssl cms -verify accepts ours; ours verifies openssl cms -sign', () => {
    const { dir, keyFile, certFile } = files();
    const ours = join(dir, 'ours.der');
    writeFileSync(ours, buildSignedData({ content, signer: { key, certificate: cert }, digest: 'sha1' }));
    const out = execFileSync(openssl!, ['cms', '-verify', '-inform', 'DER', '-in', ours, '-CAfile', certFile, '-purpose', 'any'], { stdio: ['ignore', 'pipe', 'pipe'] });
    expect(Buffer.from(out).toString()).toBe('a PKCS #10 request would go here');

    const dataFile = join(dir, 'data');
    writeFileSync(dataFile, content);
    const theirs = join(dir, 'theirs.der');
    execFileSync(openssl!, ['cms', '-sign', '-nodetach', '-binary', '-outform', 'DER', '-in', dataFile, '-signer', certFile, '-inkey', keyFile, '-md', 'sha256', '-out', theirs]);
    const sd = parseSignedData(new Uint8Array(readFileSync(theirs)));
    expect(sd.content).toEqual(content);
    expect(signerVerifies(sd, sd.signers[0], cert)).toBe(true);
  });
});

describe('EnvelopedData', () => {
  for (const cipher of CONTENT_CIPHERS) {
    it(`round-trips with ${cipher.name}`, () => {
      const env = buildEnvelopedData({ content, recipient: cert, cipher: cipher.name });
      expect(openEnvelopedData(env, { key, certificate: cert })).toEqual(content);
    });
  }

  it('refuses an envelope for someone else, and one whose key does not decrypt', () => {
    const env = buildEnvelopedData({ content, recipient: cert, cipher: 'aes-128-cbc' });
    expect(() => openEnvelopedData(env, { key: other, certificate: otherCert })).toThrow(expect.objectContaining({ code: 'NOT_FOR_US' }));
    expect(() => openEnvelopedData(env, { key: other, certificate: cert })).toThrow(expect.objectContaining({ code: 'DECRYPT_FAILED' }));
  });

  for (const [ours, theirs] of [
    ['aes-128-cbc', '-aes128'],
    ['des-ede3-cbc', '-des3'],
    ['aes-256-cbc', '-aes256'],
  ] as const) {
    it.skipIf(!openssl)(`openssl cms -decrypt opens ours, and ours opens openssl's (${ours})`, () => {
      const { dir, keyFile, certFile } = files();
      const oursFile = join(dir, 'env.der');
      writeFileSync(oursFile, buildEnvelopedData({ content, recipient: cert, cipher: ours }));
      const plain = execFileSync(openssl!, ['cms', '-decrypt', '-inform', 'DER', '-in', oursFile, '-recip', certFile, '-inkey', keyFile]);
      expect(Buffer.from(plain)).toEqual(Buffer.from(content));

      const dataFile = join(dir, 'data');
      writeFileSync(dataFile, content);
      const theirsFile = join(dir, 'theirs.der');
      execFileSync(openssl!, ['cms', '-encrypt', '-binary', '-outform', 'DER', '-in', dataFile, theirs, '-out', theirsFile, certFile]);
      expect(openEnvelopedData(readFileSync(theirsFile), { key, certificate: cert })).toEqual(content);
    });
  }
});
