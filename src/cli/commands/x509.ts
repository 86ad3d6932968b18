/**
 * `ssl3 x509 FILE...`: reads certificates (PEM, several per file allowed, or DER; RFC 5280
 * section 4.1, RFC 7468) and prints each like `openssl x509 -text -noout`, with its SHA-1 and
 * SHA-256 fingerprints, so an operator can check what a device or a file really holds.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { describeCertificate } from '../../pki/x509-text.js';
import { parseCertificates } from '../../pki/x509.js';
import { Ssl3Error } from '../../util/errors.js';

const USAGE = `ssl3 x509 FILE...
  FILE            a certificate file: PEM (every CERTIFICATE block is shown) or DER`;

export const x509Command: Command = {
  name: 'x509',
  summary: 'show the certificates in a PEM or DER file, with fingerprints',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { positionals } = parseFlags(() => parseArgs({ args: argv, options: {}, allowPositionals: true, strict: true }));
    if (positionals.length === 0) throw new UsageError('a certificate FILE is required');
    // Read and parse everything first: one bad file gives one line and no partial output.
    const dumps: string[] = [];
    for (const file of positionals) {
      let data: Uint8Array;
      try {
        data = await readFile(file);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message;
        throw new UsageError(`${file}: cannot read: ${why}`, 1);
      }
      try {
        const certs = parseCertificates(data);
        certs.forEach((c, i) => {
          const heading = positionals.length > 1 || certs.length > 1 ? `${file}: certificate ${i + 1} of ${certs.length}\n` : '';
          dumps.push(heading + describeCertificate(c));
        });
      } catch (e) {
        if (e instanceof Ssl3Error) throw new UsageError(`${file}: not a certificate: ${e.message}`, 1);
        throw e;
      }
    }
    io.stdout(dumps.join('\n'));
    return 0;
  },
};
