/**
 * A worker thread of the RSA pool (rsa-pool.ts): it holds the keys it was given, by number,
 * and runs the private-key operation (RFC 8017 RSADP/RSASP1 with CRT, blinding and the fault
 * check: pki/rsa-raw.ts) on the blocks it is sent, answering each with the block or the error.
 * The padding, and with it the Bleichenbacher countermeasure, stays in the handshake.
 */
import { parentPort } from 'node:worker_threads';
import { i2osp, os2ip, rsaPrivate } from '../pki/rsa-raw.js';
import { modulusBytes, type RsaPrivateKey } from '../pki/rsa-key.js';
import type { PoolReply, PoolRequest } from './rsa-pool.js';

const port = parentPort;
if (!port) throw new Error('src/socket/rsa-worker.ts runs in a worker thread (rsa-pool.ts starts it)');
const keys = new Map<number, RsaPrivateKey>();

port.on('message', (m: PoolRequest) => {
  switch (m.op) {
    case 'key':
      keys.set(m.keyId, m.key);
      return;
    case 'forget':
      keys.delete(m.keyId);
      return;
    case 'private': {
      let reply: PoolReply;
      try {
        const key = keys.get(m.keyId);
        if (!key) throw new Error(`no key ${m.keyId} in this thread`);
        reply = { id: m.id, output: i2osp(rsaPrivate(key, os2ip(m.input)), modulusBytes(key)) };
      } catch (e) {
        reply = { id: m.id, error: e instanceof Error ? e.message : String(e) };
      }
      port.postMessage(reply);
      return;
    }
  }
});
