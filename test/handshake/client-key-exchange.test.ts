/**
 * The RSA ClientKeyExchange body (RFC 6101 section 5.6.7): under SSL 3.0 the bare RSA block,
 * plus the one variant the server tolerates. OpenJDK's JSSE (11 and later) encodes the message
 * by the version of its ClientHello, so a Java client offering TLS as well sends TLS's 2-byte
 * length before the block even after the server chose 3.0 (found by the JSSE interop tests,
 * test/interop/jsse-server.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { decodeRsaClientKeyExchange } from '../../src/handshake/messages.js';
import { publicKeyOf, rsaEncryptPkcs1 } from '../../src/pki/rsa.js';
import { concatBytes } from '../../src/util/bytes.js';
import { DecodeError } from '../../src/util/codec.js';
import { systemRandom } from '../../src/util/random.js';
import { ScriptedClient, expectFatal } from '../connection/forge.js';
import { identity } from '../connection/pair.js';

const withLength = (block: Uint8Array) => concatBytes(Uint8Array.of(block.length >> 8, block.length & 0xff), block);

describe('decodeRsaClientKeyExchange', () => {
  const block = Uint8Array.from({ length: 128 }, (_, i) => i + 1);

  it('takes the whole body as the RSA block', () => {
    expect(decodeRsaClientKeyExchange(block)).toEqual(block);
    // Without the modulus length (an SSL 3.0 client) a prefixed body stays as it is.
    expect(decodeRsaClientKeyExchange(withLength(block))).toEqual(withLength(block));
  });

  it('drops a TLS length prefix only when it is exactly the modulus length and covers the rest', () => {
    expect(decodeRsaClientKeyExchange(withLength(block), 128)).toEqual(block);
    expect(decodeRsaClientKeyExchange(block, 128)).toEqual(block);
    expect(decodeRsaClientKeyExchange(withLength(block), 256)).toEqual(withLength(block));
    const wrongPrefix = withLength(block);
    wrongPrefix[1] ^= 1;
    expect(decodeRsaClientKeyExchange(wrongPrefix, 128)).toEqual(wrongPrefix);
  });

  it('refuses an empty body', () => {
    expect(() => decodeRsaClientKeyExchange(new Uint8Array(0), 128)).toThrow(DecodeError);
  });
});

describe('server: a ClientKeyExchange with a TLS length prefix', () => {
  const key = identity().key;

  function handshake(version: number): ScriptedClient {
    const c = new ScriptedClient();
    c.sendHello({ version });
    const premaster = concatBytes(Uint8Array.of(version >> 8, version & 0xff), systemRandom(46));
    c.sendKeyExchange(premaster, withLength(rsaEncryptPkcs1(publicKeyOf(key), premaster)));
    c.sendChangeCipherSpec();
    c.sendFinished();
    return c;
  }

  it('is accepted from a client whose hello offered TLS 1.2 (as JSSE sends it)', () => {
    const c = handshake(0x0303);
    expect(c.server.closed).toBeUndefined();
    expect(c.server.secure).toHaveLength(1);
    expect(c.server.secure[0].clientVersion).toBe(0x0303);
  });

  it('is not from an SSL 3.0 client: the wrong block length gives a random premaster, and the Finished record fails', () => {
    const c = handshake(0x0300);
    expectFatal(c.server, 'bad_record_mac');
    expect(c.server.secure).toEqual([]);
  });
});
