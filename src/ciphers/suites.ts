/**
 * The cipher-suite table: the one place that knows each suite (RFC 6101 Appendix A.6 for
 * the SSL 3.0 suites; RFC 3268 for the AES suites some SSLv3-only devices such as iLO
 * offer). Every other part of the project looks suites up here by id or by name.
 */
import type { BulkAlgorithm, MacAlgorithm } from './types.js';
import { SuiteError } from '../util/errors.js';

export interface CipherSuite {
  readonly id: number;
  /** The name in the RFC: SSL_ for the SSL 3.0 suites, TLS_ for the AES ones. */
  readonly rfcName: string;
  readonly opensslName: string;
  /** The Cisco IOS keyword (`ip http secure-ciphersuite`); the AES and NULL ones are ours, in the same style. */
  readonly iosKeyword: string;
  readonly cipher: BulkAlgorithm;
  readonly keyLength: number;
  readonly ivLength: number;
  /** 1 for stream ciphers. */
  readonly blockSize: number;
  readonly mac: MacAlgorithm;
  readonly macLength: number;
  readonly exportable: false;
  /** NULL suites never are: they exist for tracing and teaching, enabled only by name. */
  readonly defaultEnabled: boolean;
}

type Row = [id: number, rfc: string, openssl: string, ios: string, cipher: BulkAlgorithm, key: number, iv: number, block: number, mac: MacAlgorithm];

const ROWS: Row[] = [
  [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA', 'aes-256-cbc-sha', 'aes-256-cbc', 32, 16, 16, 'sha1'],
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA', 'aes-128-cbc-sha', 'aes-128-cbc', 16, 16, 16, 'sha1'],
  [0x000a, 'SSL_RSA_WITH_3DES_EDE_CBC_SHA', 'DES-CBC3-SHA', '3des-ede-cbc-sha', '3des-ede-cbc', 24, 8, 8, 'sha1'],
  [0x0005, 'SSL_RSA_WITH_RC4_128_SHA', 'RC4-SHA', 'rc4-128-sha', 'rc4', 16, 0, 1, 'sha1'],
  [0x0004, 'SSL_RSA_WITH_RC4_128_MD5', 'RC4-MD5', 'rc4-128-md5', 'rc4', 16, 0, 1, 'md5'],
  [0x0009, 'SSL_RSA_WITH_DES_CBC_SHA', 'DES-CBC-SHA', 'des-cbc-sha', 'des-cbc', 8, 8, 8, 'sha1'],
  [0x0002, 'SSL_RSA_WITH_NULL_SHA', 'NULL-SHA', 'null-sha', 'null', 0, 0, 1, 'sha1'],
  [0x0001, 'SSL_RSA_WITH_NULL_MD5', 'NULL-MD5', 'null-md5', 'null', 0, 0, 1, 'md5'],
];

/** All suites, in default server preference: AES-256, AES-128, 3DES, then RC4 and single DES (weakest last). */
export const CIPHER_SUITES: readonly CipherSuite[] = Object.freeze(
  ROWS.map(([id, rfcName, opensslName, iosKeyword, cipher, keyLength, ivLength, blockSize, mac]) =>
    Object.freeze({
      id,
      rfcName,
      opensslName,
      iosKeyword,
      cipher,
      keyLength,
      ivLength,
      blockSize,
      mac,
      macLength: mac === 'md5' ? 16 : 20,
      exportable: false as const,
      defaultEnabled: cipher !== 'null',
    }),
  ),
);

/** The four IOS suites plus the AES ones, in preference order. */
export const DEFAULT_SUITES: readonly CipherSuite[] = Object.freeze(CIPHER_SUITES.filter((s) => s.defaultEnabled));

/** The suites IOS itself knows (`ip http secure-ciphersuite`), in IOS's listing order. */
export const IOS_SUITES: readonly CipherSuite[] = Object.freeze(
  ['3des-ede-cbc-sha', 'rc4-128-sha', 'rc4-128-md5', 'des-cbc-sha'].map((k) => CIPHER_SUITES.find((s) => s.iosKeyword === k)!),
);

const BY_NAME = new Map<string, CipherSuite>();
for (const s of CIPHER_SUITES) {
  for (const name of [s.rfcName, s.opensslName, s.iosKeyword, s.rfcName.replace(/^SSL_/, 'TLS_'), s.rfcName.replace(/^TLS_/, 'SSL_')]) {
    BY_NAME.set(name.toLowerCase(), s);
  }
}

export function suiteById(id: number): CipherSuite | undefined {
  return CIPHER_SUITES.find((s) => s.id === id);
}

export function suiteByName(name: string): CipherSuite {
  const s = BY_NAME.get(name.trim().toLowerCase());
  if (!s) {
    throw new SuiteError('UNKNOWN_SUITE', `unknown cipher suite '${name}'; valid IOS keywords: ${CIPHER_SUITES.map((x) => x.iosKeyword).join(', ')} (OpenSSL and RFC names also work)`);
  }
  return s;
}

/** Parses a suite list: an array, or a string separated by commas, colons or spaces. Order is kept, duplicates dropped. */
export function parseSuiteList(input: string | readonly string[]): CipherSuite[] {
  const words = (typeof input === 'string' ? input.split(/[\s,:]+/) : input.flatMap((w) => w.split(/[\s,:]+/))).filter((w) => w.length > 0);
  if (words.length === 0) throw new SuiteError('EMPTY_SUITE_LIST', 'the cipher suite list is empty');
  const out: CipherSuite[] = [];
  for (const w of words) {
    const s = suiteByName(w);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}
