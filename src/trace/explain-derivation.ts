/**
 * SSL 3.0's key derivation shown step by step for `ssl3 explain`, computed with the engine's
 * own functions (src/handshake/ssl3-prf.ts), never a copy of them:
 * - RFC 6101 6.1: master_secret from pre_master_secret and the two hello randoms, three
 *   rounds of MD5(secret + SHA(label + secret + seed)) with labels 'A', 'BB', 'CCC';
 * - RFC 6101 6.2.2: the key_block from master_secret (randoms in the other order), cut into
 *   MAC secrets, keys and IVs in the order the RFC gives;
 * - RFC 6101 5.6.9: the Finished hashes over handshake_messages.
 */
import type { CipherSuite } from '../ciphers/suites.js';
import { KEY_BLOCK_LAYOUT, keyBlock, masterSecret, ssl3ExpandRound, type KeyBlock, type Transcript } from '../handshake/ssl3-prf.js';
import { bytesEqual, concatBytes, toHex } from '../util/bytes.js';
import type { ExpansionRound, FinishedCheck, KeyDerivation } from './explain-model.js';
import { keyPartText, versionName } from './handshake-fields.js';

export const MASTER_SECRET_FORMULA =
  "master_secret = MD5(pre_master_secret + SHA('A' + pre_master_secret + ClientHello.random + ServerHello.random)) + MD5(pre_master_secret + SHA('BB' + ...)) + MD5(pre_master_secret + SHA('CCC' + ...))   [RFC 6101 6.1]";
export const KEY_BLOCK_FORMULA =
  "key_block = MD5(master_secret + SHA('A' + master_secret + ServerHello.random + ClientHello.random)) + MD5(master_secret + SHA('BB' + ...)) + MD5(master_secret + SHA('CCC' + ...)) + ...   [RFC 6101 6.2.2]";
export const FINISHED_FORMULA =
  "md5_hash = MD5(master_secret + pad_2 + MD5(handshake_messages + Sender + master_secret + pad_1)), sha_hash = SHA(master_secret + pad_2 + SHA(handshake_messages + Sender + master_secret + pad_1)), Sender 'CLNT' or 'SRVR'   [RFC 6101 5.6.9]";

function rounds(secret: Uint8Array, seed: Uint8Array, length: number): ExpansionRound[] {
  return Array.from({ length: Math.ceil(length / 16) }, (_, i) => {
    const r = ssl3ExpandRound(secret, seed, i);
    return { label: r.label, sha: toHex(r.sha), md5: toHex(r.md5) };
  });
}

export interface SecretSource {
  /** Where the secret came from, in words. */
  source: string;
  master?: Uint8Array;
  premaster?: Uint8Array;
  /** The ClientKeyExchange block the pre_master_secret was decrypted from. */
  encrypted?: Uint8Array;
}

/** Everything derived from one handshake's secret, explained, and the key block to decrypt with. */
export function deriveKeys(suite: CipherSuite, secret: SecretSource, clientRandom: Uint8Array, serverRandom: Uint8Array, record: number): { keys: KeyDerivation; master: Uint8Array; keyBlock: KeyBlock } {
  const master = secret.premaster ? masterSecret(secret.premaster, clientRandom, serverRandom) : secret.master!;
  const kb = keyBlock(master, clientRandom, serverRandom, suite);
  const length = KEY_BLOCK_LAYOUT.reduce((n, p) => n + suite[p.size], 0);
  let offset = 0;
  const parts = KEY_BLOCK_LAYOUT.map((p) => {
    const part = { name: p.name, offset, length: suite[p.size], hex: keyPartText(p.size, kb[p.field]) };
    offset += part.length;
    return part;
  });
  const keys: KeyDerivation = {
    record,
    source: secret.source,
    ...(secret.premaster
      ? {
          pre_master_secret: {
            ...(secret.encrypted ? { encrypted: toHex(secret.encrypted) } : {}),
            hex: toHex(secret.premaster),
            client_version: versionName((secret.premaster[0] << 8) | secret.premaster[1]),
          },
        }
      : {}),
    master_secret: {
      formula: MASTER_SECRET_FORMULA,
      ...(secret.premaster ? { rounds: rounds(secret.premaster, concatBytes(clientRandom, serverRandom), 48) } : {}),
      hex: toHex(master),
    },
    key_block: { formula: KEY_BLOCK_FORMULA, length, rounds: rounds(master, concatBytes(serverRandom, clientRandom), length), parts },
  };
  return { keys, master, keyBlock: kb };
}

/** The Finished check: the hashes recomputed over the transcript so far, against the ones received. */
export function checkFinished(transcript: Transcript, master: Uint8Array, sender: 'client' | 'server', received: Uint8Array, record: number): FinishedCheck {
  const expected = transcript.finished(master, sender);
  const split = (b: Uint8Array) => ({ md5_hash: toHex(b.subarray(0, 16)), sha_hash: toHex(b.subarray(16)) });
  return { sender, record, formula: FINISHED_FORMULA, expected: split(expected), received: split(received), ok: bytesEqual(expected, received) };
}
