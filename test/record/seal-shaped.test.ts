/**
 * RecordProtection.sealShaped, the record layer's seam for the misbehaving-peer harness: laid
 * out as the correct parts (content, MAC, padding, RFC 6101 5.2.3.2) it seals exactly what
 * seal() seals, and it continues the sequence number and the cipher state like seal().
 */
import { describe, expect, it } from 'vitest';
import { RecordProtection } from '../../src/record/record-protection.js';
import { suiteByName } from '../../src/ciphers/suites.js';
import { concatBytes } from '../../src/util/bytes.js';

const protections = (keyword: string) => {
  const suite = suiteByName(keyword);
  const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);
  const make = () => RecordProtection.create(suite, bytes(suite.macLength, 1), bytes(suite.keyLength, 2), bytes(suite.ivLength, 3), 'encrypt');
  return [make(), make()];
};

describe('sealShaped', () => {
  it.each(['rc4-128-sha', 'aes-128-cbc-sha', '3des-ede-cbc-sha', 'null-md5'])('%s: the correct layout seals what seal() seals, record after record', (keyword) => {
    const [a, b] = protections(keyword);
    for (const text of ['first', '', 'x'.repeat(100)]) {
      const fragment = new TextEncoder().encode(text);
      const shaped = b.sealShaped(23, 0x0300, fragment, (p) => {
        expect(p.fragment).toEqual(fragment);
        return concatBytes(p.fragment, p.mac, p.padding);
      });
      expect(shaped).toEqual(a.seal(23, 0x0300, fragment));
    }
    expect(b.sequenceNumber).toBe(3n);
  });

  it('without keys the shaper gets no MAC or padding and its bytes are the body', () => {
    const r = RecordProtection.initial().sealShaped(22, 0x0300, Uint8Array.of(1, 2), (p) => {
      expect(p.mac.length + p.padding.length).toBe(0);
      return Uint8Array.of(9, 9, 9);
    });
    expect([...r]).toEqual([22, 3, 0, 0, 3, 9, 9, 9]);
  });
});
