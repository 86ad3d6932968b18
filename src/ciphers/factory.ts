/**
 * Builds one direction's bulk cipher for a suite or algorithm (RFC 6101 section 5.2.3): the
 * stream cipher, or a CBC chain over the right block cipher. The key sizes are the suites'
 * (RFC 6101 Appendix A.6, RFC 3268): the engines accept more (AES-192, two-key 3DES) for
 * their own tests and for PEM encryption, but a record key of another length is a bug.
 */
import type { BulkAlgorithm, BulkCipher, CipherDirection } from './types.js';
import type { CipherSuite } from './suites.js';
import { Rc4 } from './rc4.js';
import { Des, TripleDes } from './des.js';
import { Aes } from './aes.js';
import { CbcCipher } from './cbc.js';
import { checkKey, checkOutput } from './check.js';
import { CipherError } from '../util/errors.js';

/** SSL_RSA_WITH_NULL_*: no encryption, for tracing and teaching only. */
class NullCipher implements BulkCipher {
  readonly kind = 'stream';
  readonly blockSize = 1;
  update(data: Uint8Array, out?: Uint8Array): Uint8Array {
    if (!out) return data.slice();
    checkOutput('NULL', data, out);
    out.set(data);
    return out;
  }
}

/**
 * A cipher for `suiteOrAlgorithm` in `direction`. `iv` starts the CBC chain and is ignored by
 * stream ciphers (SSL 3.0 derives no IV for them). Throws CipherError BAD_KEY_LENGTH or
 * BAD_IV_LENGTH; for a suite, the key must also have the suite's own length.
 */
export function createBulkCipher(suiteOrAlgorithm: CipherSuite | BulkAlgorithm, key: Uint8Array, iv: Uint8Array, direction: CipherDirection): BulkCipher {
  let algorithm: BulkAlgorithm;
  if (typeof suiteOrAlgorithm === 'string') {
    algorithm = suiteOrAlgorithm;
  } else {
    algorithm = suiteOrAlgorithm.cipher;
    // RC4 takes 1..256-byte keys, but the RC4_128 suites mean exactly 16.
    if (algorithm !== 'null') checkKey(suiteOrAlgorithm.rfcName, key, [suiteOrAlgorithm.keyLength]);
  }
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
    default: {
      // Unreachable from TypeScript; a JavaScript caller may still pass any string.
      const unknown: never = algorithm;
      throw new CipherError('UNKNOWN_ALGORITHM', `unknown bulk cipher '${String(unknown)}'`);
    }
  }
}
