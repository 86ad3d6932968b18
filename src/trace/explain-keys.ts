/**
 * The keys `ssl3 explain` decrypts with, as Wireshark takes them:
 * - an NSS key log (https://firefox-source-docs.mozilla.org/security/nss/legacy/key_log_format/):
 *   `CLIENT_RANDOM <client random> <master secret>` (what our --keylog and NSS's SSLKEYLOGFILE
 *   write), `RSA <first 8 bytes of the encrypted pre-master secret> <pre-master secret>`,
 *   `PMS_CLIENT_RANDOM <client random> <pre-master secret>`, and Wireshark's own
 *   `RSA Session-ID:<session id> Master-Key:<master secret>` (what tshark
 *   --export-tls-session-keys writes beside CLIENT_RANDOM); other labels (TLS 1.3) and
 *   comments are skipped;
 * - the server's RSA private keys (Wireshark's RSA key list): SSL 3.0's RSA key exchange
 *   sends the pre_master_secret encrypted to the server's key (RFC 6101 5.6.7.1), so whoever
 *   holds that key can decrypt a captured ClientKeyExchange.
 */
import type { RsaPrivateKey } from '../pki/rsa-key.js';
import { fromHex, toHex } from '../util/bytes.js';

export interface KeyLog {
  /** client random (hex) -> master_secret */
  readonly masterByClientRandom: Map<string, Uint8Array>;
  /** client random (hex) -> pre_master_secret */
  readonly premasterByClientRandom: Map<string, Uint8Array>;
  /** first 8 bytes of the encrypted pre_master_secret (hex) -> pre_master_secret */
  readonly premasterByEncrypted: Map<string, Uint8Array>;
  /** session ID (hex) -> master_secret */
  readonly masterBySessionId: Map<string, Uint8Array>;
}

export interface ServerKey {
  /** How the user named it (a file name), for the explanation. */
  readonly name: string;
  readonly key: RsaPrivateKey;
}

export interface ExplainKeys {
  readonly keyLog: KeyLog;
  readonly serverKeys: readonly ServerKey[];
}

export function emptyKeyLog(): KeyLog {
  return { masterByClientRandom: new Map(), premasterByClientRandom: new Map(), premasterByEncrypted: new Map(), masterBySessionId: new Map() };
}

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Adds a key log's lines to `into`; returns how many lines were used and the line numbers of
 * malformed ones (a label we know with values of the wrong length).
 */
export function readKeyLog(text: string, into: KeyLog = emptyKeyLog()): { used: number; malformed: number[] } {
  let used = 0;
  const malformed: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const [label, a, b, ...rest] = line.trim().split(/\s+/);
    if (!label || label.startsWith('#')) return;
    const bySession = label === 'RSA' && a?.startsWith('Session-ID:') ? /^Session-ID:([0-9a-fA-F]{2,64}) Master-Key:([0-9a-fA-F]{96})$/.exec(`${a} ${b}`) : undefined;
    if (bySession !== undefined) {
      if (!bySession || rest.length) malformed.push(i + 1);
      else {
        into.masterBySessionId.set(bySession[1].toLowerCase(), fromHex(bySession[2]));
        used++;
      }
      return;
    }
    const table =
      label === 'CLIENT_RANDOM'
        ? { map: into.masterByClientRandom, aLength: 32, bLength: 48 }
        : label === 'PMS_CLIENT_RANDOM'
          ? { map: into.premasterByClientRandom, aLength: 32, bLength: 48 }
          : label === 'RSA'
            ? { map: into.premasterByEncrypted, aLength: 8, bLength: 48 }
            : undefined;
    if (!table) return;
    if (rest.length || !a || !b || !HEX.test(a) || !HEX.test(b) || a.length !== 2 * table.aLength || b.length !== 2 * table.bLength) {
      malformed.push(i + 1);
      return;
    }
    table.map.set(a.toLowerCase(), fromHex(b));
    used++;
  });
  return { used, malformed };
}

/** The key log's pre_master_secret for an encrypted one (Wireshark's `RSA` lines: its first 8 bytes name it). */
export function premasterForEncrypted(log: KeyLog, encrypted: Uint8Array): Uint8Array | undefined {
  return log.premasterByEncrypted.get(toHex(encrypted.subarray(0, 8)));
}
