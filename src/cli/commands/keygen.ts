/**
 * `ssl3 keygen`: makes an RSA key pair (RFC 8017; FIPS 186-5 A.1.3 generation in
 * src/pki/rsa-keygen.ts) and writes the private key as PEM, PKCS #8 by default (RFC 5958),
 * the form `openssl genpkey` writes and every current tool reads.
 *
 * The key file is written atomically with mode 0600 and never silently replaces an existing
 * file: overwriting a key by accident can strand a certificate issued for it.
 */
import { parseArgs } from 'node:util';
import { sha256 } from '@noble/hashes/sha2.js';
import { intFlag, parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { encodeSubjectPublicKeyInfo, privateKeyToPem } from '../../pki/keys.js';
import { generateRsaKey, RSA_MAX_KEY_BITS, RSA_MIN_KEY_BITS } from '../../pki/rsa.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { toHex } from '../../util/bytes.js';

const USAGE = `ssl3 keygen [--bits N] --out KEY.pem [--format pkcs8|pkcs1] [--force]
  --bits N        modulus size, ${RSA_MIN_KEY_BITS}..${RSA_MAX_KEY_BITS} (default 2048)
  --out FILE      where to write the private key (PEM, mode 0600)
  --format F      pkcs8 ('PRIVATE KEY', default) or pkcs1 ('RSA PRIVATE KEY', for old tools)
  --force         replace FILE if it exists`;

/** SHA-256 of the DER SubjectPublicKeyInfo, as `openssl pkey -pubout -outform DER | sha256sum` shows it. */
export function spkiFingerprint(spki: Uint8Array): string {
  return toHex(sha256(spki)).replace(/(..)(?!$)/g, '$1:');
}

export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'generate an RSA private key (PEM)',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values } = parseFlags(() =>
      parseArgs({
        args: argv,
        options: {
          bits: { type: 'string' },
          out: { type: 'string' },
          format: { type: 'string' },
          force: { type: 'boolean' },
        },
        allowPositionals: false,
        strict: true,
      }),
    );
    const bits = intFlag('bits', values.bits, RSA_MIN_KEY_BITS, RSA_MAX_KEY_BITS, 2048);
    const out = values.out;
    if (out === undefined || out === '') throw new UsageError('--out FILE is required');
    const format = values.format ?? 'pkcs8';
    if (format !== 'pkcs8' && format !== 'pkcs1') throw new UsageError(`--format must be pkcs8 or pkcs1, got '${format}'`);

    const key = generateRsaKey(bits);
    const pem = privateKeyToPem(key, format);
    try {
      await writeFileAtomic(out, pem, 0o600, { overwrite: values.force === true });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EEXIST') throw new UsageError(`${out} already exists; use --force to replace it`, 1);
      if (typeof err.code === 'string') throw new UsageError(`cannot write ${out}: ${err.message}`, 1);
      throw e;
    }
    const fingerprint = spkiFingerprint(encodeSubjectPublicKeyInfo(key));
    io.stdout(`wrote ${bits}-bit RSA private key (${format === 'pkcs8' ? 'PKCS#8' : 'PKCS#1'} PEM) to ${out}; public key SHA-256 ${fingerprint}\n`);
    return 0;
  },
};
