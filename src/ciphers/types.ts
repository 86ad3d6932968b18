/**
 * The shapes every bulk cipher takes, so the record layer (RFC 6101 section 5.2.3) can treat
 * RC4, DES, 3DES and AES alike.
 */

/**
 * A raw block cipher in CBC mode over whole blocks, without padding and without state:
 * `iv` is read, never modified; `data.length` must be a multiple of `blockSize`.
 * Implementations run the CBC loop themselves so the per-block cost stays low.
 */
export interface CbcEngine {
  readonly blockSize: number;
  /** `out`, when given, receives the result and is returned; it may be `data` itself (in place). */
  encryptCbc(data: Uint8Array, iv: Uint8Array, out?: Uint8Array): Uint8Array;
  decryptCbc(data: Uint8Array, iv: Uint8Array, out?: Uint8Array): Uint8Array;
}

/**
 * One direction of a record-layer cipher with its running state: for RC4 the keystream
 * position, for CBC the residue IV (the last ciphertext block of the previous record,
 * RFC 6101 section 5.2.3.2). Each call continues where the previous one stopped.
 */
export interface BulkCipher {
  readonly kind: 'stream' | 'block';
  /** 1 for stream ciphers. */
  readonly blockSize: number;
  /**
   * Encrypts or decrypts (as constructed) and returns a new array, or `out` when given: an
   * array of data.length bytes that may be `data` itself, so the record layer can work in
   * place on a record it already owns. Block ciphers require whole blocks.
   */
  update(data: Uint8Array, out?: Uint8Array): Uint8Array;
}

export type CipherDirection = 'encrypt' | 'decrypt';

/** The bulk ciphers SSL 3.0 suites use here. */
export type BulkAlgorithm = 'null' | 'rc4' | 'des-cbc' | '3des-ede-cbc' | 'aes-128-cbc' | 'aes-256-cbc';

export type MacAlgorithm = 'md5' | 'sha1';
