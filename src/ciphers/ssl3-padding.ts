/**
 * SSL 3.0 block-cipher padding, RFC 6101 section 5.2.3.2 (GenericBlockCipher):
 *
 *   content, MAC, padding[padding_length], padding_length
 *
 * with the total a multiple of the block size and padding_length < block size. Unlike TLS,
 * SSL 3.0 does not fix the padding bytes' values, so a receiver must not check them (peers
 * send zeros, random bytes or TLS-style repeats); we send padding_length repeated, the value
 * TLS requires, which every SSL 3.0 receiver accepts. That unchecked padding is what POODLE
 * (RFC 7568) exploits: it is in the protocol, not in this code.
 */
import { CipherError } from '../util/errors.js';
import { ctLtMask, ctSelect } from '../util/ct.js';

/** The length of `length` bytes once padded: content, padding and the length byte, in whole blocks. */
export function ssl3PaddedLength(length: number, blockSize: number): number {
  return length + 1 + ((blockSize - ((length + 1) % blockSize)) % blockSize);
}

/** Appends the padding and its length byte so that the result is a whole number of blocks. */
export function ssl3Pad(data: Uint8Array, blockSize: number): Uint8Array {
  const out = new Uint8Array(ssl3PaddedLength(data.length, blockSize));
  out.set(data);
  ssl3PadInPlace(out, data.length);
  return out;
}

/** Pads in place: `buffer` holds `length` bytes of content and is ssl3PaddedLength() long. */
export function ssl3PadInPlace(buffer: Uint8Array, length: number): void {
  buffer.fill(buffer.length - length - 1, length);
}

/**
 * Checks decrypted GenericBlockCipher bytes without branching on the padding_length byte.
 * `goodMask` is -1 when the padding is acceptable, 0 when not; `contentEnd` is where the
 * content stops (the MAC follows it). When the padding is bad, contentEnd is computed as if
 * padding_length were 0, so the caller can still compute a MAC and fail in the same time.
 * The input's length is public and checked with ordinary branches.
 */
export function ssl3PaddingCheck(decrypted: Uint8Array, blockSize: number, macLength: number): { goodMask: number; contentEnd: number } {
  const n = decrypted.length;
  if (n === 0 || n % blockSize !== 0 || n < macLength + 1) {
    return { goodMask: 0, contentEnd: Math.max(0, n - macLength - 1) };
  }
  const padLength = decrypted[n - 1];
  // padding_length must be < blockSize, and content + MAC + padding + 1 must fit.
  const good = ctLtMask(padLength, blockSize) & ~ctLtMask(n - macLength - 1, padLength);
  const contentEnd = ctSelect(good, n - 1 - padLength - macLength, n - 1 - macLength);
  return { goodMask: good, contentEnd };
}

/** Removes the padding (and `macLength` MAC bytes) or throws CipherError 'BAD_PADDING'. */
export function ssl3Unpad(decrypted: Uint8Array, blockSize: number, macLength = 0): Uint8Array {
  const { goodMask, contentEnd } = ssl3PaddingCheck(decrypted, blockSize, macLength);
  if (goodMask === 0) throw new CipherError('BAD_PADDING', 'SSL 3.0 block padding is invalid');
  return decrypted.subarray(0, contentEnd);
}
