/**
 * From a handshake's master secret to the record protection of both directions, RFC 6101
 * 6.2.2: the key block cut into MAC secrets, keys and IVs, and each direction's cipher state
 * made from its part. The one derivation the connection uses at each handshake, exported so
 * the misbehaving-peer harness (src/harness) derives its side's keys with the same code, and
 * an encrypted misbehaviour it makes differs from a correct record only where it meant to.
 */
import type { CipherSuite } from '../ciphers/suites.js';
import { keyBlock, type KeyBlock } from '../handshake/ssl3-prf.js';
import { RecordProtection } from '../record/record-protection.js';

export interface PendingKeys {
  readonly keyBlock: KeyBlock;
  /** What this end seals with after its ChangeCipherSpec. */
  readonly write: RecordProtection;
  /** What this end opens the peer's records with after the peer's ChangeCipherSpec. */
  readonly read: RecordProtection;
}

/** The pending cipher states of the end playing `role` (the client writes with the client's keys). */
export function pendingKeys(role: 'client' | 'server', suite: CipherSuite, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): PendingKeys {
  const kb = keyBlock(master, clientRandom, serverRandom, suite);
  const client = RecordProtection.create(suite, kb.clientMacSecret, kb.clientKey, kb.clientIv, role === 'client' ? 'encrypt' : 'decrypt');
  const server = RecordProtection.create(suite, kb.serverMacSecret, kb.serverKey, kb.serverIv, role === 'server' ? 'encrypt' : 'decrypt');
  return { keyBlock: kb, write: role === 'client' ? client : server, read: role === 'client' ? server : client };
}
