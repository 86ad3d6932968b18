/**
 * `ssl3 explain CAPTURE [--keylog F]... [--key SERVER-KEY.pem]... [--json]`: every SSL 3.0
 * connection in a pcap or pcapng file, explained for a learner (src/trace/explain.ts): each
 * record and handshake message, the key derivation step by step under RFC 6101's names, and
 * each encrypted record's sequence number, MAC and padding, decrypted with an NSS key log or
 * the server's RSA key. A file that cannot be read is one line and exit 1; what cannot be
 * explained inside the capture (TLS, a missing key, a cut capture) is said there, and the
 * rest is still explained.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { explainCapture } from '../../trace/explain.js';
import { formatExplanation } from '../../trace/explain-text.js';
import { emptyKeyLog, readKeyLog, type ServerKey } from '../../trace/explain-keys.js';
import { parsePrivateKey } from '../../pki/keys.js';
import { Ssl3Error } from '../../util/errors.js';

const USAGE = `ssl3 explain CAPTURE [--keylog FILE]... [--key SERVER-KEY.pem]... [--json]
  CAPTURE          a pcap or pcapng file (tcpdump, dumpcap, Wireshark, ssl3 --pcap): Ethernet,
                   Linux cooked (SLL, SLL2), loopback or raw IP, IPv4 and IPv6; SSL 3.0 is
                   found on any port
  --keylog FILE    an NSS key log (CLIENT_RANDOM lines, as --keylog and SSLKEYLOGFILE write;
                   RSA and PMS_CLIENT_RANDOM lines too)
  --key FILE       the server's RSA private key (PEM or DER), to decrypt the pre_master_secret
                   from the ClientKeyExchange, as Wireshark's RSA key list does
  --json           the same explanation as one JSON object`;

function readOrFail(what: string, path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${what}${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`, 1);
  }
}

export const explainCommand: Command = {
  name: 'explain',
  summary: 'explain the SSL 3.0 connections in a capture file, key derivation and records step by step',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(() =>
      parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: { keylog: { type: 'string', multiple: true }, key: { type: 'string', multiple: true }, json: { type: 'boolean' } },
      }),
    );
    if (positionals.length !== 1) throw new UsageError('give exactly one CAPTURE file');
    const [file] = positionals;
    // Keys first: a bad key file is reported before a long capture is read.
    const keyLog = emptyKeyLog();
    for (const path of values.keylog ?? []) {
      const { used, malformed } = readKeyLog(new TextDecoder().decode(readOrFail('--keylog ', path)), keyLog);
      if (malformed.length) io.stderr(`ssl3 explain: warning: --keylog ${path}: line${malformed.length > 1 ? 's' : ''} ${malformed.slice(0, 5).join(', ')} malformed, skipped\n`);
      if (!used && !malformed.length) io.stderr(`ssl3 explain: warning: --keylog ${path}: no CLIENT_RANDOM, RSA or PMS_CLIENT_RANDOM lines\n`);
    }
    const serverKeys: ServerKey[] = (values.key ?? []).map((path) => {
      const bytes = readOrFail('--key ', path);
      try {
        return { name: path, key: parsePrivateKey(bytes) };
      } catch (e) {
        if (e instanceof Ssl3Error) throw new UsageError(`--key ${path}: not an RSA private key: ${e.message}`, 1);
        throw e;
      }
    });
    const capture = readOrFail('', file);
    let explanation;
    try {
      explanation = explainCapture(capture, { keyLog, serverKeys });
    } catch (e) {
      if (e instanceof Ssl3Error) throw new UsageError(`${file}: ${e.message}`, 1);
      throw e;
    }
    io.stdout(values.json ? `${JSON.stringify({ file, ...explanation }, null, 1)}\n` : formatExplanation(explanation, file));
    return 0;
  },
};
