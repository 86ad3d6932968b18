/** Argument checks shared by the cipher classes: one place for the typed errors they raise. */
import { CipherError } from '../util/errors.js';

export function checkKey(name: string, key: unknown, lengths: readonly number[]): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || !lengths.includes(key.length)) {
    const got = key instanceof Uint8Array ? `${key.length} bytes` : typeof key;
    throw new CipherError('BAD_KEY_LENGTH', `${name} key must be ${lengths.join(' or ')} bytes, got ${got}`);
  }
}

export function checkIv(name: string, iv: unknown, length: number): asserts iv is Uint8Array {
  if (!(iv instanceof Uint8Array) || iv.length !== length) {
    const got = iv instanceof Uint8Array ? `${iv.length} bytes` : typeof iv;
    throw new CipherError('BAD_IV_LENGTH', `${name} IV must be ${length} bytes, got ${got}`);
  }
}

export function checkBlocks(name: string, data: unknown, blockSize: number): asserts data is Uint8Array {
  if (!(data instanceof Uint8Array) || data.length % blockSize !== 0) {
    const got = data instanceof Uint8Array ? `${data.length} bytes` : typeof data;
    throw new CipherError('BAD_INPUT_LENGTH', `${name} input must be a whole number of ${blockSize}-byte blocks, got ${got}`);
  }
}

/** An output array, when one is given, must be a Uint8Array exactly as long as the input. */
export function checkOutput(name: string, data: Uint8Array, out: unknown): void {
  if (out !== undefined && (!(out instanceof Uint8Array) || out.length !== data.length)) {
    const got = out instanceof Uint8Array ? `${out.length} bytes` : typeof out;
    throw new CipherError('BAD_OUTPUT_LENGTH', `${name} output must be ${data.length} bytes like the input, got ${got}`);
  }
}
