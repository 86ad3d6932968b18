/**
 * `ssl3 explain CAPTURE [--keylog F]... [--key SERVER-KEY.pem]... [--json]`: every SSL 3.0
 * connection in a pcap or pcapng file, explained for a learner (src/trace/explain.ts): each
 * record and handshake message, the key derivation step by step under RFC 6101's names, and
 * each encrypted record's sequence number, MAC and padding, decrypted with an NSS key log or
 * the server's RSA key. A file that cannot be read is one line and exit 1; what cannot be
 * explained inside the capture (TLS, a missing key, a cut capture) is said there, and the
 * rest is still explained.
 */
import { parseArgs } from 'node:util';
import { parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { explainCapture } from '../../trace/explain.js';
import { formatExplanation } from '../../trace/explain-text.js';
import { Ssl3Error } from '../../util/errors.js';
import { EXPLAIN_KEY_FLAGS, EXPLAIN_KEY_USAGE, explainKeysFromFlags, readInputFile } from '../explain-keys-flags.js';

const USAGE = `ssl3 explain CAPTURE [--keylog FILE]... [--key SERVER-KEY.pem]... [--json]
  CAPTURE          a pcap or pcapng file (tcpdump, dumpcap, Wireshark, ssl3 --pcap): Ethernet,
                   Linux cooked (SLL, SLL2), loopback or raw IP, IPv4 and IPv6; SSL 3.0 is
                   found on any port
${EXPLAIN_KEY_USAGE}
  --json           the same explanation as one JSON object`;

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
        options: { ...EXPLAIN_KEY_FLAGS, json: { type: 'boolean' } },
      }),
    );
    if (positionals.length !== 1) throw new UsageError('give exactly one CAPTURE file');
    const [file] = positionals;
    // Keys first: a bad key file is reported before a long capture is read.
    const keys = explainKeysFromFlags(values, io, 'explain');
    const capture = readInputFile('', file);
    let explanation;
    try {
      explanation = explainCapture(capture, keys);
    } catch (e) {
      if (e instanceof Ssl3Error) throw new UsageError(`${file}: ${e.message}`, 1);
      throw e;
    }
    io.stdout(values.json ? `${JSON.stringify({ file, ...explanation }, null, 1)}\n` : formatExplanation(explanation, file));
    return 0;
  },
};
