/**
 * The cipher-suite table (src/ciphers/suites.ts): ids and parameters, every lookup style for
 * every suite, the default and IOS lists, and suite-list parsing with its typed errors.
 */
import { describe, it, expect } from 'vitest';
import { CIPHER_SUITES, DEFAULT_SUITES, IOS_SUITES, parseSuiteList, suiteById, suiteByName, type CipherSuite } from '../../src/ciphers/suites.js';
import { SuiteError } from '../../src/util/errors.js';
import { errorCode, thrown } from './helpers.js';

/** RFC 6101 Appendix A.6 (SSL_*) and RFC 3268 section 3 (TLS_RSA_WITH_AES_*): name -> id. */
const RFC_IDS: Record<string, number> = {
  SSL_RSA_WITH_NULL_MD5: 0x0001,
  SSL_RSA_WITH_NULL_SHA: 0x0002,
  SSL_RSA_WITH_RC4_128_MD5: 0x0004,
  SSL_RSA_WITH_RC4_128_SHA: 0x0005,
  SSL_RSA_WITH_DES_CBC_SHA: 0x0009,
  SSL_RSA_WITH_3DES_EDE_CBC_SHA: 0x000a,
  TLS_RSA_WITH_AES_128_CBC_SHA: 0x002f,
  TLS_RSA_WITH_AES_256_CBC_SHA: 0x0035,
};

/** The OpenSSL names (`openssl ciphers -V`). */
const OPENSSL_NAMES: Record<number, string> = {
  0x0001: 'NULL-MD5',
  0x0002: 'NULL-SHA',
  0x0004: 'RC4-MD5',
  0x0005: 'RC4-SHA',
  0x0009: 'DES-CBC-SHA',
  0x000a: 'DES-CBC3-SHA',
  0x002f: 'AES128-SHA',
  0x0035: 'AES256-SHA',
};

const IOS_KEYWORDS = ['3des-ede-cbc-sha', 'rc4-128-sha', 'rc4-128-md5', 'des-cbc-sha'];

function swapPrefix(rfcName: string): string {
  return rfcName.startsWith('SSL_') ? 'TLS_' + rfcName.slice(4) : 'SSL_' + rfcName.slice(4);
}

/** Every spelling that must find `s`. */
function spellings(s: CipherSuite): string[] {
  const base = [s.rfcName, swapPrefix(s.rfcName), s.opensslName, s.iosKeyword];
  return base.flatMap((n) => [n, n.toLowerCase(), n.toUpperCase(), n.replace(/[a-z]/gi, (ch, i: number) => (i % 2 ? ch.toUpperCase() : ch.toLowerCase())), `  ${n}\t`]);
}

describe('the table', () => {
  it('holds exactly the eight RFC suites with their RFC ids and OpenSSL names', () => {
    expect(CIPHER_SUITES).toHaveLength(8);
    for (const s of CIPHER_SUITES) {
      expect(RFC_IDS[s.rfcName], s.rfcName).toBe(s.id);
      expect(s.opensslName, s.rfcName).toBe(OPENSSL_NAMES[s.id]);
    }
  });

  it('ids are unique, and so is every name across all suites', () => {
    const ids = CIPHER_SUITES.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    const owner = new Map<string, number>();
    for (const s of CIPHER_SUITES) {
      for (const name of new Set([s.rfcName, swapPrefix(s.rfcName), s.opensslName, s.iosKeyword].map((n) => n.toLowerCase()))) {
        expect(owner.get(name), `${name} is used by 0x${s.id.toString(16)} and another suite`).toBeUndefined();
        owner.set(name, s.id);
      }
    }
  });

  it('parameters agree with the cipher and MAC', () => {
    const params: Record<string, [key: number, iv: number, block: number]> = {
      null: [0, 0, 1],
      rc4: [16, 0, 1],
      'des-cbc': [8, 8, 8],
      '3des-ede-cbc': [24, 8, 8],
      'aes-128-cbc': [16, 16, 16],
      'aes-256-cbc': [32, 16, 16],
    };
    for (const s of CIPHER_SUITES) {
      expect([s.keyLength, s.ivLength, s.blockSize], s.rfcName).toEqual(params[s.cipher]);
      expect(s.macLength, s.rfcName).toBe(s.mac === 'md5' ? 16 : 20);
      expect(s.rfcName.endsWith(s.mac === 'md5' ? '_MD5' : '_SHA'), s.rfcName).toBe(true);
      expect(s.exportable).toBe(false);
      expect(Object.isFrozen(s)).toBe(true);
    }
    expect(Object.isFrozen(CIPHER_SUITES)).toBe(true);
  });
});

describe('lookups', () => {
  it('every suite by id, and unknown ids give undefined', () => {
    for (const s of CIPHER_SUITES) expect(suiteById(s.id)).toBe(s);
    for (const id of [0x0000, 0x0003, 0x0006, 0x0008, 0x000b, 0x0030, 0x003c, 0xc02f, 0xffff, -1]) expect(suiteById(id)).toBeUndefined();
  });

  it('every suite by RFC name (SSL_ or TLS_ prefix), OpenSSL name and IOS keyword, in any case, trimmed', () => {
    for (const s of CIPHER_SUITES) {
      for (const name of spellings(s)) expect(suiteByName(name), JSON.stringify(name)).toBe(s);
    }
  });

  it('unknown names: SuiteError UNKNOWN_SUITE naming the word and listing the IOS keywords', () => {
    for (const word of ['rc4-256-sha', 'AES128-GCM-SHA256', 'SSL_RSA_WITH_RC4_128', 'rc4', '', 'x'.repeat(40)]) {
      const e = thrown(() => suiteByName(word));
      expect(e).toBeInstanceOf(SuiteError);
      const err = e as SuiteError;
      expect(err.code).toBe('UNKNOWN_SUITE');
      expect(err.message).toContain(`'${word}'`);
      for (const s of CIPHER_SUITES) expect(err.message).toContain(s.iosKeyword);
    }
  });

  it('names only match whole: prefixes, suffixes and other separators do not', () => {
    for (const word of ['rc4-128', 'rc4-128-sha1', 'rc4_128_sha', 'AES128', 'SSLv3_RSA_WITH_RC4_128_MD5', 'X_RSA_WITH_RC4_128_MD5']) {
      expect(errorCode(() => suiteByName(word)), word).toBe('UNKNOWN_SUITE');
    }
  });
});

describe('DEFAULT_SUITES and IOS_SUITES', () => {
  it('the defaults are every suite but the NULL ones, in table order', () => {
    expect(DEFAULT_SUITES).toEqual(CIPHER_SUITES.filter((s) => s.cipher !== 'null'));
    expect(DEFAULT_SUITES.some((s) => s.cipher === 'null')).toBe(false);
    for (const s of CIPHER_SUITES) expect(s.defaultEnabled, s.rfcName).toBe(s.cipher !== 'null');
    expect(DEFAULT_SUITES.map((s) => s.id)).toEqual([0x0035, 0x002f, 0x000a, 0x0005, 0x0004, 0x0009]);
    expect(Object.isFrozen(DEFAULT_SUITES)).toBe(true);
  });

  it('the NULL suites exist and are found by name, though never by default', () => {
    expect(suiteByName('null-md5').id).toBe(0x0001);
    expect(suiteByName('NULL-SHA').id).toBe(0x0002);
  });

  it('IOS_SUITES are the four IOS suites, in IOS order', () => {
    expect(IOS_SUITES.map((s) => s.iosKeyword)).toEqual(IOS_KEYWORDS);
    expect(IOS_SUITES.map((s) => s.id)).toEqual([0x000a, 0x0005, 0x0004, 0x0009]);
    for (const s of IOS_SUITES) expect(IOS_SUITES.filter((x) => x === s)).toHaveLength(1);
    for (const s of IOS_SUITES) expect(CIPHER_SUITES).toContain(s);
    expect(Object.isFrozen(IOS_SUITES)).toBe(true);
  });
});

describe('parseSuiteList', () => {
  const ids = (list: CipherSuite[]) => list.map((s) => s.id);

  it('keeps the given order, whatever the separators', () => {
    const want = [0x0004, 0x000a, 0x002f];
    for (const input of [
      'rc4-128-md5,3des-ede-cbc-sha,aes-128-cbc-sha',
      'rc4-128-md5:3des-ede-cbc-sha:aes-128-cbc-sha',
      'rc4-128-md5 3des-ede-cbc-sha aes-128-cbc-sha',
      '  RC4-MD5 ,\t DES-CBC3-SHA ::  TLS_RSA_WITH_AES_128_CBC_SHA ,, ',
      'SSL_RSA_WITH_RC4_128_MD5\nSSL_RSA_WITH_3DES_EDE_CBC_SHA\nAES128-SHA',
    ]) {
      expect(ids(parseSuiteList(input)), JSON.stringify(input)).toEqual(want);
    }
    expect(ids(parseSuiteList('des-cbc-sha aes-256-cbc-sha'))).toEqual([0x0009, 0x0035]);
  });

  it('drops repeats, also under other spellings, keeping the first position', () => {
    expect(ids(parseSuiteList('rc4-128-sha, aes-256-cbc-sha, RC4-SHA, SSL_RSA_WITH_RC4_128_SHA, TLS_RSA_WITH_RC4_128_SHA, aes256-sha'))).toEqual([0x0005, 0x0035]);
  });

  it('takes arrays, whose items may themselves hold separated lists', () => {
    expect(ids(parseSuiteList(['aes-128-cbc-sha', 'rc4-128-md5:des-cbc-sha', ' ', 'AES128-SHA']))).toEqual([0x002f, 0x0004, 0x0009]);
    expect(ids(parseSuiteList(IOS_KEYWORDS))).toEqual(ids([...IOS_SUITES]));
  });

  it('returns the table objects themselves', () => {
    const [s] = parseSuiteList('rc4-128-md5');
    expect(s).toBe(suiteById(0x0004));
  });

  it('an empty list: SuiteError EMPTY_SUITE_LIST', () => {
    for (const input of ['', '   ', ' , : ,\t', [], [''], [' ', ',']]) {
      const e = thrown(() => parseSuiteList(input));
      expect(e, JSON.stringify(input)).toBeInstanceOf(SuiteError);
      expect((e as SuiteError).code).toBe('EMPTY_SUITE_LIST');
    }
  });

  it('an unknown word: SuiteError UNKNOWN_SUITE naming that word', () => {
    const e = thrown(() => parseSuiteList('rc4-128-md5, rc4-40-md5, des-cbc-sha'));
    expect(e).toBeInstanceOf(SuiteError);
    expect((e as SuiteError).code).toBe('UNKNOWN_SUITE');
    expect((e as SuiteError).message).toContain("'rc4-40-md5'");
    expect((e as SuiteError).message).toContain('3des-ede-cbc-sha');
    expect(errorCode(() => parseSuiteList(['aes-128-cbc-sha', 'bogus']))).toBe('UNKNOWN_SUITE');
  });
});
