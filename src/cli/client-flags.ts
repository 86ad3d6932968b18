/**
 * The flags of the commands that act as an SSL 3.0 client (`ssl3 get`, `ssl3 bridge`): which
 * suites to offer, how to trust the server (CA file, pin, or not at all), a client
 * certificate, and the key log, capture and trace. One table and one reader, so both commands
 * take them the same way and report a bad one in the same words.
 */
import { readFileSync } from 'node:fs';
import { parsePin } from '../pki/pin.js';
import { SslAlertError } from '../record/alerts.js';
import type { AgentOptions } from '../http/https-client.js';

/** What the flags set: accepted by request() and by an Agent alike. */
export type ClientSslOptions = Pick<AgentOptions, 'ciphers' | 'ca' | 'pin' | 'rejectUnauthorized' | 'cert' | 'key' | 'trace' | 'traceSecrets' | 'splitCbcRecords' | 'pcap' | 'random' | 'randomHelloTime'>;
import { UsageError, type CliIo } from './command.js';
import { openPcapFile } from './pcap-file.js';
import { keylogAppender } from './keylog-file.js';
import { TRACE_FLAGS, TRACE_USAGE, tracerFromFlags, type TraceFlags } from './trace-option.js';
import { SEED_FLAG, SEED_USAGE, seededOptions } from './seed-option.js';

export const CLIENT_FLAGS = {
  ciphers: { type: 'string' },
  ca: { type: 'string' },
  pin: { type: 'string' },
  insecure: { type: 'boolean', short: 'k' },
  cert: { type: 'string' },
  key: { type: 'string' },
  keylog: { type: 'string' },
  pcap: { type: 'string' },
  ...TRACE_FLAGS,
  ...SEED_FLAG,
} as const;

export const CLIENT_SYNOPSIS = `[--ciphers LIST] [--ca FILE] [--pin SHA256] [--insecure] [--cert F --key F]
          [--keylog F] [--pcap F] [--trace | --trace-json] [--trace-keys] [--no-record-split]
          [--seed S]`;

export const CLIENT_USAGE = `  --ciphers LIST   suites to offer (IOS keywords or OpenSSL/RFC names)
  --ca FILE        CA certificates (PEM) to trust
  --pin FP         trust the server certificate with this SHA-256 (or SHA-1) fingerprint
  --insecure       accept any server certificate (prints a warning)
  --cert/--key F   client certificate and key (PEM), for servers that ask
  --keylog F       append NSS key log lines to F (secrets: for Wireshark)
  --pcap F         write the connection's TCP/IP packets to F, a pcap capture file that
                   Wireshark/tshark read and decrypt with the --keylog file
${TRACE_USAGE}
${SEED_USAGE}`;

export interface ClientFlags extends TraceFlags {
  ciphers?: string;
  ca?: string;
  pin?: string;
  insecure?: boolean;
  cert?: string;
  key?: string;
  keylog?: string;
  pcap?: string;
  seed?: string;
}

export function readOrFail(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 1);
  }
}

/** The client options the flags describe, and the key log's writer (sockets get it on 'keylog'). */
export function clientOptionsFromFlags(values: ClientFlags, io: CliIo, command: string): { ssl: ClientSslOptions; keylog?: (line: Buffer) => void } {
  if ((values.cert === undefined) !== (values.key === undefined)) throw new UsageError('--cert and --key go together');
  if (values.pin) parsePin(values.pin);
  if (values.insecure) io.stderr(`ssl3 ${command}: warning: --insecure: the server certificate is not checked; anyone on the path can read and change this connection\n`);
  const { pcapRandom, ...seeded } = seededOptions(values.seed, 'client', command, io);
  const ssl: ClientSslOptions = {
    ciphers: values.ciphers,
    ca: values.ca ? readOrFail('ca', values.ca) : undefined,
    pin: values.pin,
    rejectUnauthorized: !values.insecure,
    cert: values.cert ? readOrFail('cert', values.cert) : undefined,
    key: values.key ? readOrFail('key', values.key) : undefined,
    trace: tracerFromFlags(values, io, 'client'),
    traceSecrets: values['trace-keys'],
    splitCbcRecords: !values['no-record-split'],
    pcap: openPcapFile(values.pcap, command, io, pcapRandom),
    ...seeded,
  };
  return { ssl, keylog: keylogAppender(values.keylog) };
}

/** One line for a failed request: the cause a user can act on. */
export function describeFailure(err: Error & { code?: string }, url: URL): string {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return `cannot connect to ${url.host}: connection refused`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve ${url.hostname}`;
  if (code === 'ETIMEDOUT' || code === 'ERR_SSL_HANDSHAKE_TIMEOUT') return `${url.host}: ${err.message}`;
  if (code === 'ERR_SSL_CLOSED_BEFORE_ANSWER') return `${url.host} closed the connection without answering: it refused it (too many connections, or not allowed) or does not speak SSL 3.0`;
  if (code === 'ERR_SSL_CLOSED_IN_HANDSHAKE') return `${url.host} closed the connection during the SSL 3.0 handshake (does it speak SSL 3.0?)`;
  if (code === 'ECONNRESET') return `${url.host} reset the connection`;
  // A failure of ours names its cause and the alert it sent (record/alerts.ts), since several
  // causes share one alert; a refused certificate also says how to trust one.
  if (err instanceof SslAlertError) {
    const line = `${err.message} (${err.kind}, sent ${err.alert})`;
    return /certificate rejected/.test(err.message) ? `${line}; use --ca FILE, --pin FINGERPRINT, or --insecure` : line;
  }
  if (code.startsWith('ERR_SSL_')) return err.message;
  return `${url.host}: ${err.message}`;
}
