/**
 * `ssl3 selfsign`: a self-signed server certificate for a device (RFC 5280; the profile and
 * its reasons are in src/pki/selfsign.ts), as IOS makes one for `ip http secure-server`.
 * The certificate is written atomically and never silently replaces an existing file.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { intFlag, parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { parsePrivateKey } from '../../pki/keys.js';
import { DEFAULT_SELF_SIGNED_DAYS, selfSignedCertificate } from '../../pki/selfsign.js';
import type { BuildSignatureHash } from '../../pki/x509-build.js';
import { certificateToPem, fingerprint } from '../../pki/x509.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { Ssl3Error } from '../../util/errors.js';

const HASHES: readonly BuildSignatureHash[] = ['sha256', 'sha1', 'md5', 'sha384', 'sha512', 'sha224'];

const USAGE = `ssl3 selfsign --key KEY.pem --host NAME [--ip ADDR]... [--days N] [--hash H] --out CERT.pem [--force]
  --key FILE      the RSA private key (PEM or DER, unencrypted)
  --host NAME     the device's hostname.domain (or an IP address): CN and subjectAltName
  --ip ADDR       an IP address to add to the subjectAltName (repeatable)
  --days N        validity in days (default ${DEFAULT_SELF_SIGNED_DAYS})
  --hash H        signature digest: ${HASHES.join(', ')} (default sha256; sha1 or md5 for
                  clients older than SHA-2, such as Windows XP SP2 or Java 1.4)
  --out FILE      where to write the certificate (PEM)
  --force         replace FILE if it exists`;

export const selfsignCommand: Command = {
  name: 'selfsign',
  summary: 'make a self-signed server certificate for a key (PEM)',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values } = parseFlags(() =>
      parseArgs({
        args: argv,
        options: {
          key: { type: 'string' },
          host: { type: 'string' },
          ip: { type: 'string', multiple: true },
          days: { type: 'string' },
          hash: { type: 'string' },
          out: { type: 'string' },
          force: { type: 'boolean' },
        },
        allowPositionals: false,
        strict: true,
      }),
    );
    if (!values.key) throw new UsageError('--key FILE is required');
    if (!values.host) throw new UsageError('--host NAME is required');
    if (!values.out) throw new UsageError('--out FILE is required');
    const days = intFlag('days', values.days, 1, 36_500, DEFAULT_SELF_SIGNED_DAYS);
    const hash = (values.hash ?? 'sha256') as BuildSignatureHash;
    if (!HASHES.includes(hash)) throw new UsageError(`--hash must be one of ${HASHES.join(', ')}, got '${values.hash}'`);

    let keyData: Uint8Array;
    try {
      keyData = await readFile(values.key);
    } catch (e) {
      throw new UsageError(`cannot read ${values.key}: ${(e as Error).message}`, 1);
    }
    let key;
    try {
      key = parsePrivateKey(keyData);
    } catch (e) {
      if (e instanceof Ssl3Error) throw new UsageError(`${values.key}: ${e.message}`, 1);
      throw e;
    }
    // Bad --host/--ip values are the user's to fix: X509Error 'BAD_INPUT' becomes one line.
    const cert = selfSignedCertificate({ key, hostname: values.host, ips: values.ip ?? [], days, signatureHash: hash });
    try {
      // A certificate is public: world-readable, unlike the key.
      await writeFileAtomic(values.out, certificateToPem(cert), 0o644, { overwrite: values.force === true });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EEXIST') throw new UsageError(`${values.out} already exists; use --force to replace it`, 1);
      if (typeof err.code === 'string') throw new UsageError(`cannot write ${values.out}: ${err.message}`, 1);
      throw e;
    }
    io.stdout(`wrote self-signed certificate for ${values.host} to ${values.out}; SHA-256 ${fingerprint(cert, 'sha256')}\n`);
    return 0;
  },
};
