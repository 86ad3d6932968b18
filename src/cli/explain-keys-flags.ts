/**
 * `--keylog FILE`... and `--key SERVER-KEY.pem`... of `ssl3 explain` and `ssl3 view`: the keys
 * a capture is decrypted with (src/trace/explain-keys.ts), read before the capture so a bad key
 * file is reported first, in one line.
 */
import { readFileSync } from 'node:fs';
import { UsageError, type CliIo } from './command.js';
import { emptyKeyLog, readKeyLog, type ExplainKeys, type ServerKey } from '../trace/explain-keys.js';
import { parsePrivateKey } from '../pki/keys.js';
import { Ssl3Error } from '../util/errors.js';

export const EXPLAIN_KEY_FLAGS = {
  keylog: { type: 'string', multiple: true },
  key: { type: 'string', multiple: true },
} as const;

export const EXPLAIN_KEY_USAGE = `  --keylog FILE    an NSS key log (CLIENT_RANDOM lines, as --keylog and SSLKEYLOGFILE write;
                   RSA and PMS_CLIENT_RANDOM lines too)
  --key FILE       the server's RSA private key (PEM or DER), to decrypt the pre_master_secret
                   from the ClientKeyExchange, as Wireshark's RSA key list does`;

/** A file's bytes, or one line naming it and what is wrong. */
export function readInputFile(what: string, path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${what}${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`, 1);
  }
}

/** The keys the flags name; warnings about the key logs' lines go to stderr. */
export function explainKeysFromFlags(values: { keylog?: string[]; key?: string[] }, io: CliIo, command: string): ExplainKeys {
  const keyLog = emptyKeyLog();
  for (const path of values.keylog ?? []) {
    const { used, malformed } = readKeyLog(new TextDecoder().decode(readInputFile('--keylog ', path)), keyLog);
    if (malformed.length) io.stderr(`ssl3 ${command}: warning: --keylog ${path}: line${malformed.length > 1 ? 's' : ''} ${malformed.slice(0, 5).join(', ')} malformed, skipped\n`);
    if (!used && !malformed.length) io.stderr(`ssl3 ${command}: warning: --keylog ${path}: no CLIENT_RANDOM, RSA or PMS_CLIENT_RANDOM lines\n`);
  }
  const serverKeys: ServerKey[] = (values.key ?? []).map((path) => {
    const bytes = readInputFile('--key ', path);
    try {
      return { name: path, key: parsePrivateKey(bytes) };
    } catch (e) {
      if (e instanceof Ssl3Error) throw new UsageError(`--key ${path}: not an RSA private key: ${e.message}`, 1);
      throw e;
    }
  });
  return { keyLog, serverKeys };
}
