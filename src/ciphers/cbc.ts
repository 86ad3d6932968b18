/**
 * CBC as the SSL 3.0 record layer uses it (RFC 6101 section 5.2.3.2): the IV from the key
 * block starts the chain, and each record continues from the last ciphertext block of the
 * previous one (the "residue"), in each direction. Predictable IVs are why SSL 3.0 CBC is
 * open to BEAST-style attacks; peers such as NSS counter with 1/n-1 record splitting.
 */
import type { BulkCipher, CbcEngine, CipherDirection } from './types.js';
import { checkBlocks, checkIv, checkOutput } from './check.js';

export class CbcCipher implements BulkCipher {
  readonly kind = 'block';
  readonly blockSize: number;
  private iv: Uint8Array;

  constructor(
    private readonly engine: CbcEngine,
    iv: Uint8Array,
    readonly direction: CipherDirection,
  ) {
    this.blockSize = engine.blockSize;
    checkIv('CBC', iv, engine.blockSize);
    this.iv = iv.slice();
  }

  update(data: Uint8Array, out?: Uint8Array): Uint8Array {
    checkBlocks('CBC', data, this.blockSize);
    checkOutput('CBC', data, out);
    if (data.length === 0) return out ?? new Uint8Array(0);
    const bs = this.blockSize;
    if (this.direction === 'encrypt') {
      const result = this.engine.encryptCbc(data, this.iv, out);
      this.iv = result.slice(result.length - bs);
      return result;
    }
    // Taken first: decrypting in place overwrites the last ciphertext block.
    const residue = data.slice(data.length - bs);
    const result = this.engine.decryptCbc(data, this.iv, out);
    this.iv = residue;
    return result;
  }
}
