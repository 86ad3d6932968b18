import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Ssl3Mac, macLength } from '../../src/record/ssl3-mac.js';

// RFC 6101 section 5.2.3.1, computed with node's native MD5/SHA-1 as an independent hash.
function reference(hash: 'md5' | 'sha1', secret: Uint8Array, seq: bigint, type: number, content: Uint8Array): Buffer {
  const pad = hash === 'md5' ? 48 : 40;
  const header = Buffer.alloc(11);
  header.writeBigUInt64BE(seq);
  header[8] = type;
  header.writeUInt16BE(content.length, 9);
  const inner = createHash(hash).update(secret).update(Buffer.alloc(pad, 0x36)).update(header).update(content).digest();
  return createHash(hash).update(secret).update(Buffer.alloc(pad, 0x5c)).update(inner).digest();
}

describe('SSL 3.0 record MAC', () => {
  for (const alg of ['md5', 'sha1'] as const) {
    it(`${alg}: matches the RFC 6101 construction for random records`, () => {
      const secret = randomBytes(macLength(alg));
      const mac = new Ssl3Mac(alg, secret);
      expect(mac.length).toBe(alg === 'md5' ? 16 : 20);
      for (const [seq, len] of [
        [0n, 0],
        [1n, 1],
        [0xffffffffn + 1n, 300],
        [0xfffffffffffffffen, 16384],
      ] as const) {
        const content = randomBytes(len);
        // The same object is used for every record: the cached pad states must not be mutated.
        expect(Buffer.from(mac.compute(seq, 23, content))).toEqual(reference(alg, secret, seq, 23, content));
      }
    });
  }

  it('covers the content type, the sequence number and a prefix length', () => {
    const mac = new Ssl3Mac('sha1', new Uint8Array(20).fill(7));
    const content = new Uint8Array(40).fill(1);
    const base = mac.compute(5n, 23, content);
    expect(mac.compute(5n, 22, content)).not.toEqual(base);
    expect(mac.compute(6n, 23, content)).not.toEqual(base);
    expect(mac.compute(5n, 23, content, 30)).toEqual(mac.compute(5n, 23, content.subarray(0, 30)));
  });
});
