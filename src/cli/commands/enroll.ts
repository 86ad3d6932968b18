/**
 * `ssl3 enroll`: SCEP enrollment (RFC 8894) for scripts, what `crypto ca authenticate` and
 * `crypto ca enrollment` do at the console: fetch the CA certificate, accept it only when it
 * matches the fingerprint (or file) the user gives, request a certificate for a key with the
 * challenge password, wait while the CA says PENDING, and write the certificate, the CA
 * certificate and (for a new key) the key, each atomically.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { intFlag, parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { httpScepTransport } from '../../http/scep-transport.js';
import { parseIpAddress } from '../../pki/hostname.js';
import { parsePrivateKey, privateKeyToPem } from '../../pki/keys.js';
import { parsePin, pinMatches } from '../../pki/pin.js';
import { generateRsaKey } from '../../pki/rsa.js';
import { enroll, fetchCaCaps, fetchCaCertificates } from '../../pki/scep-client.js';
import { ScepError } from '../../pki/scep.js';
import { parseNameString } from '../../pki/x509-build.js';
import { certificateToPem, fingerprint, parseCertificates } from '../../pki/x509.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { bytesEqual } from '../../util/bytes.js';
import { Ssl3Error } from '../../util/errors.js';

const USAGE = `ssl3 enroll --url URL --challenge SECRET (--ca-fingerprint FP | --ca FILE) --out CERT.pem
            [--key KEY.pem | --new-key KEY.pem [--bits N]] [--subject 'CN=host,O=Org'] [--dns NAME]... [--ip ADDR]...
            [--ca-out CA.pem] [--proxy HOST:PORT] [--poll-interval S] [--poll-count N]
  --url URL            the CA's SCEP URL (http://ca-host[:port][/path]; no path: /cgi-bin/pkiclient.exe)
  --challenge SECRET   the challenge password the CA expects
  --ca-fingerprint FP  accept the CA certificate only with this SHA-256 or SHA-1 fingerprint (hex, colons optional)
  --ca FILE            accept the CA certificate only if it is this one (PEM or DER)
  --key FILE           the key to certify; --new-key FILE generates one (--bits, default 2048) and writes it
  --subject NAME       the requested subject (default CN= the first --dns name)
  --dns, --ip          subjectAltName entries (repeatable)
  --out FILE           the issued certificate (PEM); --ca-out FILE the CA certificate
  --proxy HOST:PORT    reach the CA through an HTTP proxy
  --poll-interval S, --poll-count N   while the CA answers PENDING: seconds between polls (60), polls (10)`;

function readFile(what: string, file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${(e as Error).message}`, 1);
  }
}

async function write(file: string, text: string, mode: number): Promise<void> {
  try {
    await writeFileAtomic(file, text, mode);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`, 1);
  }
}

function proxyOf(value: string | undefined): { host: string; port: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(.+):(\d+)$/.exec(value);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) throw new UsageError(`--proxy must be HOST:PORT, got '${value}'`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

export const enrollCommand: Command = {
  name: 'enroll',
  summary: 'request a certificate from a CA over SCEP',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values } = parseFlags(() =>
      parseArgs({
        args: argv,
        options: {
          url: { type: 'string' },
          challenge: { type: 'string' },
          'ca-fingerprint': { type: 'string' },
          ca: { type: 'string' },
          key: { type: 'string' },
          'new-key': { type: 'string' },
          bits: { type: 'string' },
          subject: { type: 'string' },
          dns: { type: 'string', multiple: true },
          ip: { type: 'string', multiple: true },
          out: { type: 'string' },
          'ca-out': { type: 'string' },
          proxy: { type: 'string' },
          'poll-interval': { type: 'string' },
          'poll-count': { type: 'string' },
        },
        strict: true,
      }),
    );
    const url = values.url;
    if (!url) throw new UsageError('--url URL is required');
    try {
      if (new URL(url).protocol !== 'http:') throw new Error();
    } catch {
      throw new UsageError(`--url must be an http:// URL, got '${url}'`);
    }
    if (values.challenge === undefined) throw new UsageError('--challenge SECRET is required (the CA refuses requests without it)');
    if (!values.out) throw new UsageError('--out FILE is required');
    if (values['ca-fingerprint'] === undefined && values.ca === undefined) throw new UsageError('--ca-fingerprint FP or --ca FILE is required: the CA certificate must be checked before it is trusted');
    if ((values.key === undefined) === (values['new-key'] === undefined)) throw new UsageError('give one of --key FILE (an existing key) or --new-key FILE (generate one)');
    if (values['ca-fingerprint'] !== undefined) {
      try {
        parsePin(values['ca-fingerprint']);
      } catch (e) {
        throw new UsageError(`--ca-fingerprint: ${(e as Error).message}`);
      }
    }
    const dns = values.dns ?? [];
    const ips = values.ip ?? [];
    for (const ip of ips) if (!parseIpAddress(ip)) throw new UsageError(`--ip must be an IP address, got '${ip}'`);
    const subject = values.subject ?? (dns[0] ?? ips[0] ? `CN=${dns[0] ?? ips[0]}` : undefined);
    if (!subject) throw new UsageError('--subject NAME is required when there is no --dns or --ip to name the certificate after');
    try {
      parseNameString(subject);
    } catch (e) {
      throw new UsageError(`--subject: ${(e as Error).message}`);
    }
    const bits = intFlag('bits', values.bits, 512, 4096, 2048);
    const intervalMs = intFlag('poll-interval', values['poll-interval'], 1, 3600, 60) * 1000;
    const maxPolls = intFlag('poll-count', values['poll-count'], 0, 1000, 10);
    const expectedCa = values.ca !== undefined ? parseCertificates(readFile('CA certificate', values.ca))[0] : undefined;
    if (values.ca !== undefined && !expectedCa) throw new UsageError(`${values.ca} holds no certificate`, 1);
    let key;
    try {
      key = values.key !== undefined ? parsePrivateKey(readFile('key', values.key)) : generateRsaKey(bits);
    } catch (e) {
      if (e instanceof Ssl3Error) throw new UsageError(`--key ${values.key}: ${e.message}`, 1);
      throw e;
    }

    const transport = httpScepTransport(url, { proxy: proxyOf(values.proxy) });
    try {
      const caps = await fetchCaCaps(transport);
      const ca = await fetchCaCertificates(transport);
      const shown = `SHA-256 ${fingerprint(ca.ca, 'sha256')}`;
      const accepted = expectedCa ? bytesEqual(expectedCa.raw, ca.ca.raw) : pinMatches(ca.ca, values['ca-fingerprint']!);
      if (!accepted) {
        io.stderr(`ssl3 enroll: the CA's certificate (${shown}) is not the one given by ${expectedCa ? '--ca' : '--ca-fingerprint'}; nothing was requested\n`);
        return 1;
      }
      io.stderr(`CA certificate accepted: ${shown}; using ${caps.cipher} and ${caps.digest}\n`);
      const result = await enroll({
        transport,
        ca,
        caps,
        key,
        subject,
        challengePassword: values.challenge,
        subjectAltName: { dns, ip: ips },
        keyUsage: ['digitalSignature', 'keyEncipherment'],
        poll: { intervalMs, maxPolls },
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        now: () => new Date(),
        onEvent: (e) => {
          if (e.kind === 'pending') io.stderr(`pending at the CA; polling again in ${intervalMs / 1000} s (${e.attempt} of ${maxPolls})\n`);
        },
      });
      if (result.status === 'failed') {
        io.stderr(`ssl3 enroll: the CA rejected the request: ${result.reason}\n`);
        return 1;
      }
      if (result.status === 'pending') {
        io.stderr(`ssl3 enroll: still pending at the CA after ${result.polls} polls (transaction ${result.transactionId}); run the same command again once it is approved\n`);
        return 3;
      }
      if (values['new-key'] !== undefined) await write(values['new-key'], privateKeyToPem(key), 0o600);
      await write(values.out, certificateToPem(result.certificate), 0o644);
      if (values['ca-out']) await write(values['ca-out'], [ca.ca, ...ca.chain].map(certificateToPem).join(''), 0o644);
      io.stdout(`wrote the certificate (serial ${result.certificate.serialNumber.toString(16).toUpperCase()}, SHA-256 ${fingerprint(result.certificate, 'sha256')}) to ${values.out}\n`);
      return 0;
    } catch (e) {
      if (e instanceof ScepError || e instanceof Ssl3Error) {
        io.stderr(`ssl3 enroll: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
