/**
 * `ssl3 connect HOST[:PORT]`: a raw SSL 3.0 client, as `openssl s_client` was before OpenSSL
 * dropped SSL 3.0. After the handshake it prints what was agreed (suite, certificate and its
 * verdict, session) on stderr, then copies standard input to the connection and the
 * connection to standard output, so any protocol over SSL 3.0 (HTTP, SMTP, POP3, a device's
 * own) can be typed or scripted: `printf 'GET / HTTP/1.0\r\n\r\n' | ssl3 connect host:443`.
 * At the end of standard input it sends close_notify (and FIN) and prints what the server still
 * sends until it closes; whether the server answers with its own close_notify or just closes
 * (RFC 6101 5.4.1 lets it), that is a clean end. A server that closes first without
 * close_notify gets one line on stderr (what it sent may be cut short) and exit status 0;
 * a failure (an alert, a reset) exits 1. --reconnect N makes N more connections resuming the first one's session,
 * to check a server's session cache.
 */
import { parseArgs } from 'node:util';
import { parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { parseTarget } from '../address.js';
import { connect } from '../../socket/index.js';
import type { SSLSocket } from '../../socket/ssl-socket.js';
import type { Session } from '../../handshake/session.js';
import { toHex } from '../../util/bytes.js';
import { CLIENT_FLAGS, CLIENT_SYNOPSIS, CLIENT_USAGE, clientOptionsFromFlags, describeFailure, type ClientSslOptions } from '../client-flags.js';

const USAGE = `ssl3 connect HOST[:PORT] [--servername NAME] [--reconnect N]
          ${CLIENT_SYNOPSIS}
  HOST[:PORT]      the server (port 443 unless given; IPv6 as [ADDR]:PORT)
  --servername N   the name the certificate must carry (default HOST)
  --reconnect N    after the first handshake, N more connections offering its session
                   (each prints whether the server resumed it); standard input is not read
${CLIENT_USAGE}`;

/** What the handshake agreed, in a few lines for stderr. */
function summary(socket: SSLSocket, host: string, port: number): string {
  const cipher = socket.getCipher();
  const cert = socket.getPeerCertificate();
  const subject = 'subject' in cert ? Object.entries(cert.subject).map(([k, v]) => `${k}=${v}`).join(', ') : '(none)';
  const issuer = 'issuer' in cert ? Object.entries(cert.issuer).map(([k, v]) => `${k}=${v}`).join(', ') : '(none)';
  const session = socket.getSession();
  const verdict = socket.authorized ? 'verified' : `NOT verified${socket.authorizationError ? `: ${socket.authorizationError}` : ''}`;
  return [
    `ssl3 connect: ${host}:${port}: ${socket.getProtocol()}, ${cipher?.standardName} (${cipher?.iosKeyword})`,
    `  certificate: ${subject}; issuer ${issuer}; ${verdict}`,
    ...('fingerprint256' in cert ? [`  SHA-256 ${cert.fingerprint256}`] : []),
    `  session ${session?.id.length ? toHex(session.id) : '(none)'}${socket.isSessionReused() ? ' (resumed)' : ' (new)'}`,
  ].join('\n');
}

function handshake(options: ClientSslOptions & { host: string; port: number; servername?: string; session?: Session }, keylog: ((line: Buffer) => void) | undefined): Promise<SSLSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(options);
    if (keylog) socket.on('keylog', keylog);
    socket.once('secureConnect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Ends a connection whose handshake was all we wanted; how the server then closes it does not matter. */
function hangUp(socket: SSLSocket): void {
  socket.on('error', () => {});
  socket.end();
  socket.resume();
}

export const connectCommand: Command = {
  name: 'connect',
  summary: 'a raw SSL 3.0 connection on standard input and output (like openssl s_client)',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(() =>
      parseArgs({ args: argv, allowPositionals: true, strict: true, options: { servername: { type: 'string' }, reconnect: { type: 'string' }, ...CLIENT_FLAGS } }),
    );
    if (positionals.length !== 1) throw new UsageError('give exactly one HOST[:PORT]');
    const { host, port } = parseTarget(positionals[0]);
    const reconnect = values.reconnect === undefined ? 0 : Number(values.reconnect);
    if (!Number.isInteger(reconnect) || reconnect < 0 || reconnect > 100) throw new UsageError(`--reconnect must be a whole number from 0 to 100, got '${values.reconnect}'`);
    const { ssl, keylog } = clientOptionsFromFlags(values, io, 'connect');
    const target = new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}/`);
    const open = (session?: Session) =>
      handshake({ ...ssl, host, port, servername: values.servername, session }, keylog).catch((e: Error) => {
        throw new UsageError(describeFailure(e, target), 1);
      });

    const first = await open();
    io.stderr(`${summary(first, host, port)}\n`);
    if (reconnect > 0) {
      const session = first.getSession();
      hangUp(first);
      for (let i = 0; i < reconnect; i++) {
        const next = await open(session);
        io.stderr(`  reconnect ${i + 1}: ${next.isSessionReused() ? 'session resumed' : 'new session (not resumed)'}\n`);
        hangUp(next);
      }
      return 0;
    }

    return new Promise<number>((resolve) => {
      let failed = false;
      first.on('data', (d: Buffer) => io.stdout(d));
      // Many servers end without close_notify: say so (what came may be cut short), but it is an end, not a failure.
      first.on('end', () => {
        if (first.truncated) io.stderr(`ssl3 connect: ${target.host} closed the connection without close_notify (the output may be truncated)\n`);
      });
      first.on('error', (e: Error) => {
        failed = true;
        io.stderr(`ssl3 connect: ${describeFailure(e, target)}\n`);
      });
      const input = io.stdin ?? process.stdin;
      const send = (d: Buffer | string) => first.write(d);
      const finish = () => first.end();
      input.on('data', send);
      input.on('end', finish);
      first.on('close', () => {
        // The server closed first: stop reading standard input, or it would keep us running.
        input.off('data', send);
        input.off('end', finish);
        input.pause();
        if (input === process.stdin) process.stdin.destroy();
        resolve(failed ? 1 : 0);
      });
    });
  },
};
