/**
 * SSL 3.0's key derivation and handshake hashes (RFC 6101 sections 6.1, 6.2.2, 5.6.8, 5.6.9).
 * SSL 3.0 has no PRF; it salts MD5-of-SHA cascades with the labels 'A', 'BB', 'CCC', ...:
 *
 *   block_i = MD5(secret + SHA(label_i + secret + seed))
 *
 * Each round yields 16 bytes and the labels run from 'A' to 'Z', so at most 26 rounds
 * (416 bytes) exist. The largest key block any suite here needs is 136 bytes (AES-256-SHA:
 * two 20-byte MAC secrets, two 32-byte keys, two 16-byte IVs), nine rounds, so the bound is
 * never reached.
 */
import { md5 } from '../ciphers/md5.js';
import { sha1 } from '../ciphers/sha1.js';
import { asciiBytes, concatBytes } from '../util/bytes.js';
import type { CipherSuite } from '../ciphers/suites.js';

const MAX_ROUNDS = 26;

/** Round i (from 0) of the expansion: its label, SHA(label + secret + seed), and the 16 bytes MD5(secret + that). */
export function ssl3ExpandRound(secret: Uint8Array, seed: Uint8Array, i: number): { label: string; sha: Uint8Array; md5: Uint8Array } {
  const label = new Uint8Array(i + 1).fill(0x41 + i); // 'A', 'BB', 'CCC', ...
  const inner = sha1.create().update(label).update(secret).update(seed).digest();
  return { label: String.fromCharCode(...label), sha: inner, md5: md5.create().update(secret).update(inner).digest() };
}

/** The A/BB/CCC expansion: `length` bytes from a secret and a seed. */
export function ssl3Expand(secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const rounds = Math.ceil(length / 16);
  if (rounds > MAX_ROUNDS) throw new RangeError(`SSL 3.0 key expansion is limited to ${MAX_ROUNDS * 16} bytes`);
  const out = new Uint8Array(rounds * 16);
  for (let i = 0; i < rounds; i++) out.set(ssl3ExpandRound(secret, seed, i).md5, i * 16);
  return out.subarray(0, length);
}

/** RFC 6101 section 6.1: the 48-byte master secret from the pre-master secret. */
export function masterSecret(preMaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Uint8Array {
  return ssl3Expand(preMaster, concatBytes(clientRandom, serverRandom), 48);
}

export interface KeyBlock {
  clientMacSecret: Uint8Array;
  serverMacSecret: Uint8Array;
  clientKey: Uint8Array;
  serverKey: Uint8Array;
  clientIv: Uint8Array;
  serverIv: Uint8Array;
}

/** The key block's parts in the order RFC 6101 section 6.2.2 cuts them: the RFC's name, our field, the suite's size. */
export const KEY_BLOCK_LAYOUT = [
  { name: 'client_write_MAC_secret', field: 'clientMacSecret', size: 'macLength' },
  { name: 'server_write_MAC_secret', field: 'serverMacSecret', size: 'macLength' },
  { name: 'client_write_key', field: 'clientKey', size: 'keyLength' },
  { name: 'server_write_key', field: 'serverKey', size: 'keyLength' },
  { name: 'client_write_IV', field: 'clientIv', size: 'ivLength' },
  { name: 'server_write_IV', field: 'serverIv', size: 'ivLength' },
] as const satisfies readonly { name: string; field: keyof KeyBlock; size: keyof CipherSuite }[];

/**
 * RFC 6101 section 6.2.2: the key block, partitioned in the order the RFC gives. Note the
 * seed order is server random first here, the reverse of the master secret's.
 */
export function keyBlock(master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, suite: CipherSuite): KeyBlock {
  const sizes = KEY_BLOCK_LAYOUT.map((p) => suite[p.size]);
  const block = ssl3Expand(master, concatBytes(serverRandom, clientRandom), sizes.reduce((a, b) => a + b, 0));
  let off = 0;
  const [clientMacSecret, serverMacSecret, clientKey, serverKey, clientIv, serverIv] = sizes.map((n) => {
    const part = block.slice(off, off + n);
    off += n;
    return part;
  });
  return { clientMacSecret, serverMacSecret, clientKey, serverKey, clientIv, serverIv };
}

/** Sender constants of the Finished hash, RFC 6101 section 5.6.9. */
export const SENDER_CLIENT = asciiBytes('CLNT');
export const SENDER_SERVER = asciiBytes('SRVR');

/**
 * The running hashes of all handshake messages (RFC 6101 section 5.6.8/5.6.9 "handshake_messages"):
 * both MD5 and SHA-1 are kept, and finished()/certificateVerify() work on clones, so the
 * transcript can keep growing after a hash was taken.
 */
export class Transcript {
  private readonly md5 = md5.create();
  private readonly sha1 = sha1.create();

  update(message: Uint8Array): void {
    this.md5.update(message);
    this.sha1.update(message);
  }

  /**
   * MD5(master + pad_2 + MD5(messages + sender + master + pad_1)) +
   * SHA(master + pad_2 + SHA(messages + sender + master + pad_1)); 36 bytes.
   * Without a sender this is the CertificateVerify hash (section 5.6.8).
   */
  hash(master: Uint8Array, sender?: Uint8Array): Uint8Array {
    const parts: [typeof this.md5, number, typeof md5][] = [
      [this.md5, 48, md5],
      [this.sha1, 40, sha1],
    ];
    const out = parts.map(([state, padLength, fn]) => {
      const inner = state.clone();
      if (sender) inner.update(sender);
      const innerDigest = inner.update(master).update(new Uint8Array(padLength).fill(0x36)).digest();
      return fn.create().update(master).update(new Uint8Array(padLength).fill(0x5c)).update(innerDigest).digest();
    });
    return concatBytes(out[0], out[1]);
  }

  finished(master: Uint8Array, sender: 'client' | 'server'): Uint8Array {
    return this.hash(master, sender === 'client' ? SENDER_CLIENT : SENDER_SERVER);
  }

  certificateVerify(master: Uint8Array): Uint8Array {
    return this.hash(master);
  }
}
