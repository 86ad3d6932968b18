/**
 * The block ciphers that encrypt content under a key of their own: PBES2 for encrypted
 * PKCS #8 keys (RFC 8018 section 6.2, Appendix B.2) and CMS EnvelopedData, which SCEP wraps
 * its requests and replies in (RFC 5652 section 6, RFC 8894 section 3.2.2; algorithm
 * identifiers from RFC 3565 for AES and RFC 8018 B.2 for DES and 3DES). One table, by OID.
 *
 * Both uses pad the content the same way: PKCS #5/#7 padding (RFC 5652 section 6.3), n bytes
 * of value n, 1 <= n <= block size. That is not SSL 3.0's record padding (ciphers/ssl3-padding.ts).
 */
import { cbc } from '@noble/ciphers/aes.js';
import { Des, TripleDes } from '../ciphers/des.js';
import { OID } from './oid.js';

export type ContentCipherName = 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc' | 'des-cbc';

export interface ContentCipher {
  readonly name: ContentCipherName;
  readonly oid: string;
  readonly keyLength: number;
  /** The block size, which is also the IV's length. */
  readonly ivLength: number;
  /** Whole blocks in, whole blocks out; no padding. */
  encrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
}

function aes(name: ContentCipherName, oid: string, keyLength: number): ContentCipher {
  return {
    name,
    oid,
    keyLength,
    ivLength: 16,
    encrypt: (key, iv, data) => cbc(key, iv, { disablePadding: true }).encrypt(data),
    decrypt: (key, iv, data) => cbc(key, iv, { disablePadding: true }).decrypt(data),
  };
}

export const CONTENT_CIPHERS: readonly ContentCipher[] = [
  aes('aes-128-cbc', OID.aes128Cbc, 16),
  aes('aes-192-cbc', OID.aes192Cbc, 24),
  aes('aes-256-cbc', OID.aes256Cbc, 32),
  {
    name: 'des-ede3-cbc',
    oid: OID.desEde3Cbc,
    keyLength: 24,
    ivLength: 8,
    encrypt: (key, iv, data) => new TripleDes(key).encryptCbc(data, iv),
    decrypt: (key, iv, data) => new TripleDes(key).decryptCbc(data, iv),
  },
  {
    name: 'des-cbc',
    oid: OID.desCbc,
    keyLength: 8,
    ivLength: 8,
    encrypt: (key, iv, data) => new Des(key).encryptCbc(data, iv),
    decrypt: (key, iv, data) => new Des(key).decryptCbc(data, iv),
  },
];

export function contentCipherByOid(oid: string): ContentCipher | undefined {
  return CONTENT_CIPHERS.find((c) => c.oid === oid);
}

export function contentCipherByName(name: string): ContentCipher | undefined {
  return CONTENT_CIPHERS.find((c) => c.name === name);
}

/** PKCS #7 padding (RFC 5652 section 6.3): always at least one byte. */
export function padContent(data: Uint8Array, blockSize: number): Uint8Array {
  const pad = blockSize - (data.length % blockSize);
  const out = new Uint8Array(data.length + pad).fill(pad);
  out.set(data);
  return out;
}

/** Removes PKCS #7 padding; undefined when it is wrong (so a caller can tell a wrong key). */
export function unpadContent(data: Uint8Array, blockSize: number): Uint8Array | undefined {
  if (data.length === 0 || data.length % blockSize !== 0) return undefined;
  const n = data[data.length - 1];
  if (n < 1 || n > blockSize) return undefined;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return undefined;
  return data.subarray(0, data.length - n);
}
