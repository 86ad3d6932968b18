/** weaknessesOf: each weakness follows from what a server accepts, and only from that. */
import { describe, expect, it } from 'vitest';
import { suiteByName } from '../../src/ciphers/suites.js';
import { weaknessesOf } from '../../src/harness/probe/probe.js';

const suites = (...names: string[]) => names.map((n) => suiteByName(n));

describe('weaknessesOf', () => {
  it('RC4 alone: RC4 only (a stream cipher has no CBC padding and no 64-bit blocks)', () => {
    expect(weaknessesOf(suites('rc4-128-md5'), ['null'])).toEqual(['RC4: biased keystream (RFC 7465)']);
  });

  it('AES: POODLE only', () => {
    expect(weaknessesOf(suites('aes-128-cbc-sha', 'aes-256-cbc-sha'), ['null'])).toEqual(['POODLE: CBC suites under SSL 3.0 (CVE-2014-3566)']);
  });

  it('3DES: POODLE and 64-bit blocks, naming the suites that have them', () => {
    expect(weaknessesOf(suites('3des-ede-cbc-sha', 'aes-128-cbc-sha'), ['null'])).toEqual([
      'POODLE: CBC suites under SSL 3.0 (CVE-2014-3566)',
      '64-bit blocks: 3des-ede-cbc-sha (SWEET32, CVE-2016-2183)',
    ]);
  });

  it('NULL suites and DEFLATE', () => {
    expect(weaknessesOf(suites('null-sha'), ['null', 'deflate'])).toEqual(['NULL suites: no encryption at all', 'compression: CRIME (CVE-2012-4929)']);
  });

  it('nothing accepted: nothing to say', () => {
    expect(weaknessesOf([], ['null'])).toEqual([]);
  });
});
