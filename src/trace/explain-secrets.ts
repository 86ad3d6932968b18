/**
 * Where `ssl3 explain` finds a handshake's secret, as Wireshark would: the server's RSA private
 * key decrypting the ClientKeyExchange (RFC 6101 5.6.7.1), a full handshake earlier in the
 * same capture for a resumed session (5.6.1.3: the session ID names its master_secret), or
 * the key log (explain-keys.ts). Each failure on the way is a note for the learner (a key that
 * is not this server's, a block that does not decrypt, a client_version that differs).
 */
import type { ClientHello, ServerHello } from '../handshake/messages.js';
import { rsaDecryptPkcs1 } from '../pki/rsa.js';
import { formatName, parseCertificate } from '../pki/x509.js';
import { toHex } from '../util/bytes.js';
import { premasterForEncrypted, type ExplainKeys } from './explain-keys.js';
import type { SecretSource } from './explain-derivation.js';
import { versionName } from './handshake-fields.js';

/** Sessions made by full handshakes earlier in the capture, by session ID (hex): how resumed ones are decrypted. */
export type SessionTable = Map<string, { master: Uint8Array; tcpStream: number }>;

/** What the search needs to know of one handshake. */
export interface SecretQuery {
  readonly clientHello: ClientHello;
  readonly serverHello: ServerHello;
  readonly resumed: boolean;
  readonly serverChain?: readonly Uint8Array[];
  /** The ClientKeyExchange's encrypted pre_master_secret. */
  readonly encrypted?: Uint8Array;
  /** Where the search's remarks go. */
  readonly notes: string[];
}

/** The secret, from the best source: the server's RSA key, an earlier full handshake in the capture, the key log. */
export function findSecret(hs: SecretQuery, keys: ExplainKeys, sessions: SessionTable): SecretSource | undefined {
  const clientRandom = toHex(hs.clientHello.random);
  const log = keys.keyLog;
  if (hs.resumed) {
    const session = sessions.get(toHex(hs.serverHello.sessionId));
    if (session) return { source: `resumed session: the master_secret made by the full handshake in TCP stream ${session.tcpStream} of this capture`, master: session.master };
  } else {
    const rsa = rsaPremaster(hs, keys);
    if (rsa) return rsa;
  }
  const master = log.masterByClientRandom.get(clientRandom);
  if (master) return { source: 'the key log (its CLIENT_RANDOM line for this client random gives master_secret)', master };
  const bySession = hs.serverHello.sessionId.length ? log.masterBySessionId.get(toHex(hs.serverHello.sessionId)) : undefined;
  if (bySession) return { source: 'the key log (its RSA Session-ID line for this session gives master_secret)', master: bySession };
  if (hs.resumed) return undefined;
  const premaster = log.premasterByClientRandom.get(clientRandom) ?? (hs.encrypted && premasterForEncrypted(log, hs.encrypted));
  if (premaster) return { source: 'the key log (a PMS_CLIENT_RANDOM or RSA line gives pre_master_secret)', premaster };
  return undefined;
}

/** The pre_master_secret decrypted from the ClientKeyExchange with a --key that is this server's. */
function rsaPremaster(hs: SecretQuery, keys: ExplainKeys): SecretSource | undefined {
  const encrypted = hs.encrypted;
  if (!encrypted) return undefined;
  const cert = hs.serverChain?.length ? parseCertificate(hs.serverChain[0]) : undefined;
  const serverModulus = cert?.publicKey.rsa?.n;
  for (const { name, key } of keys.serverKeys) {
    if (serverModulus !== undefined && key.n !== serverModulus) continue;
    let premaster: Uint8Array;
    try {
      premaster = rsaDecryptPkcs1(key, encrypted);
    } catch {
      hs.notes.push(`the ClientKeyExchange does not decrypt with ${name} (no valid PKCS #1 block): not this server's key, or a damaged message`);
      continue;
    }
    if (premaster.length !== 48) {
      hs.notes.push(`the ClientKeyExchange decrypts with ${name} to ${premaster.length} bytes, not the 48 of a pre_master_secret`);
      continue;
    }
    const version = (premaster[0] << 8) | premaster[1];
    if (version !== hs.clientHello.version) hs.notes.push(`pre_master_secret.client_version is ${versionName(version)}, but the ClientHello offered ${versionName(hs.clientHello.version)} (RFC 6101 5.6.7.1 wants the offered one; a server checking it would fail this handshake)`);
    return { source: `the server's RSA key ${name} decrypts the ClientKeyExchange to pre_master_secret [RFC 6101 5.6.7.1]`, premaster, encrypted };
  }
  if (keys.serverKeys.length && serverModulus !== undefined && !keys.serverKeys.some((k) => k.key.n === serverModulus)) {
    hs.notes.push(`no --key is this server's key (its certificate, ${formatName(cert!.subject)}, holds another RSA modulus)`);
  }
  return undefined;
}

/** The line for a handshake whose keys are nowhere: what was looked for. */
export function missingKey(hs: Omit<SecretQuery, 'notes'>, keys: ExplainKeys, record: number, traced = false): string {
  const at = traced
    ? `the trace shows the messages as its side saw them, but without the secret the derivation and the Finished checks from record ${record} on are not shown`
    : `from record ${record} on, its records are encrypted under keys ssl3 explain does not have, so they are listed, not decrypted`;
  if (!keys.serverKeys.length && ![...Object.values(keys.keyLog)].some((m: Map<string, Uint8Array>) => m.size)) {
    return traced ? `no keys: the trace has no keys event (record it with --trace-keys), and no --keylog or --key was given; ${at}` : `no keys given (--keylog FILE or --key SERVER-KEY.pem): ${at}`;
  }
  if (hs.resumed) {
    return `missing key: this handshake resumes session ${toHex(hs.serverHello.sessionId)}, whose full handshake is not in this capture, and the key log has no line for client random ${toHex(hs.clientHello.random)}; ${at}`;
  }
  return `missing key: the key log has no line for client random ${toHex(hs.clientHello.random)} and no --key decrypts its ClientKeyExchange; ${at}`;
}
