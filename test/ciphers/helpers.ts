/**
 * Small helpers shared by the cipher tests: a seeded byte generator (so a failing random case
 * reproduces on every run), typed-error capture, and the native (OpenSSL) side run in a child
 * node with the legacy provider, for RC4 and single DES.
 */
import { spawnSync } from 'node:child_process';
import { Ssl3Error } from '../../src/util/errors.js';

/** xorshift32 bytes from a seed. */
export function seededBytes(seed: number): (n: number) => Uint8Array {
  let s = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[i] = s >>> 24;
    }
    return out;
  };
}

/** A seeded integer in [min, max]. */
export function seededInt(rand: (n: number) => Uint8Array): (min: number, max: number) => number {
  return (min, max) => {
    const b = rand(4);
    const v = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
    return min + (v % (max - min + 1));
  };
}

/** The `code` of the Ssl3Error that fn throws, 'no error', or rethrows anything else. */
export function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof Ssl3Error) return e.code;
    throw e;
  }
  return 'no error';
}

/** The error fn throws (fails the test when it throws nothing). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, none was thrown');
}

/**
 * Runs `script` (CommonJS, reads JSON on stdin, writes JSON on stdout) in a child node started
 * with --openssl-legacy-provider, and returns the parsed output.
 */
export function runLegacyNode<T>(script: string, input: unknown): T {
  const child = spawnSync(process.execPath, ['--openssl-legacy-provider', '-e', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`child node failed (${String(child.status)}): ${child.stderr}`);
  return JSON.parse(child.stdout) as T;
}
