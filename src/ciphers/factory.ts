/**
 * Builds one direction's bulk cipher for a suite or algorithm (RFC 6101 section 6.2.3):
 * the stream cipher or a CBC chain over the right block cipher.
 */
import type { BulkAlgorithm, BulkCipher, CipherDirection } from './types.js';
import type { CipherSuite } from './suites.js';
import { Rc4 } from './rc4.js';
import { Des, TripleDes } from './des.js';
import { Aes } from './aes.js';
import { CbcCipher } from './cbc.js';
import { checkKey } from './check.js';

/** SSL_RSA_WITH_NULL_*: no encryption, for tracing and teaching only. */
class NullCipher implements BulkCipher {
  readonly kind = 'stream';
  readonly blockSize = 1;
  update(data: Uint8Array): Uint8Array {
    return data.slice();
  }
}

export function createBulkCipher(suiteOrAlgorithm: CipherSuite | BulkAlgorithm, key: Uint8Array, iv: Uint8Array, direction: CipherDirection): BulkCipher {
  const algorithm = typeof suiteOrAlgorithm === 'string' ? suiteOrAlgorithm : suiteOrAlgorithm.cipher;
  switch (algorithm) {
    case 'null':
      return new NullCipher();
    case 'rc4':
      return new Rc4(key);
    case 'des-cbc':
      return new CbcCipher(new Des(key), iv, direction);
    case '3des-ede-cbc':
      checkKey('3DES-EDE', key, [24]);
      return new CbcCipher(new TripleDes(key), iv, direction);
    case 'aes-128-cbc':
      checkKey('AES-128', key, [16]);
      return new CbcCipher(new Aes(key), iv, direction);
    case 'aes-256-cbc':
      checkKey('AES-256', key, [32]);
      return new CbcCipher(new Aes(key), iv, direction);
  }
}
