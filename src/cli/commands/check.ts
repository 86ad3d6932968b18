/**
 * `ssl3 check HOST[:PORT]`: the SSL 3.0 server conformance suite (src/harness/check), each
 * check a named question citing RFC 6101 or the CVE it is about, asked by connections that
 * misbehave in one precise way; with --listen, the client suite (src/cli/check-listen.ts). A
 * table by default (one line per check as it ends), --json, JUnit XML with --junit FILE for CI;
 * --only picks checks; the exit status is 0 only when no check failed, so a pipeline fails on
 * a finding about the target.
 */
import { parseArgs } from 'node:util';
import { parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { parseTarget } from '../address.js';
import { chosenChecks, columns, finishRun, listChecks, seconds, tableLines } from '../check-report.js';
import { checkListening } from '../check-listen.js';
import { CLIENT_CHECKS } from '../../harness/check/client-suite.js';
import { checkServer, SERVER_CHECKS } from '../../harness/check/server-suite.js';
import { reachable } from '../../harness/transport.js';
import { formatHostPort } from '../../util/host-port.js';

const USAGE = `ssl3 check HOST[:PORT] [--only NAME[,NAME]...] [--json] [--junit FILE] [--timeout S] [--verbose]
ssl3 check --listen [ADDR:]PORT (--ca-out FILE | --ca-key FILE --ca-cert FILE) [--key FILE] [--hostname NAME] [--wait S] [--only ...] [--json] [--junit FILE] [--timeout S] [--verbose]
ssl3 check --list
  HOST[:PORT]      the SSL 3.0 server to check (port 443 unless given); it is sent an HTTP/1.0
                   GET / after each handshake, to make it answer
  --listen A:P     check SSL 3.0 clients instead: listen there (address 127.0.0.1 unless
                   given) and play a broken server to each client that connects, one check per
                   connection in the order --list shows; connect the client under test once
                   per check
  --ca-out FILE    with --listen: make a test CA and write its certificate here; the clients
                   under test must trust it
  --ca-key FILE, --ca-cert FILE
                   with --listen: use this CA instead (PEM), so a client is set up once
  --key FILE       with --listen: the server key of the certificates (default a new RSA-2048 key)
  --hostname NAME  with --listen: the name the good certificate carries (default localhost;
                   the listening address goes in as well)
  --wait S         with --listen: seconds to wait for each next client (default 60); the
                   checks no client came for are skipped
  --only NAMES     only these checks: names separated by commas, NAME* for every name that
                   starts with NAME (handshake-*)
  --list           list the checks (server, then client), what each cites and what a correct
                   peer does; run none
  --json           the results as one JSON object
  --junit FILE     also write the results as JUnit XML, for CI
  --timeout S      seconds to wait for each answer (default 5)
  --verbose        print the trace of each failed conversation
Exit status: 0 when every check passed (or did not apply), 1 when one failed.`;

export const CHECK_FLAGS = {
  listen: { type: 'string' },
  'ca-out': { type: 'string' },
  'ca-key': { type: 'string' },
  'ca-cert': { type: 'string' },
  key: { type: 'string' },
  hostname: { type: 'string' },
  wait: { type: 'string' },
  only: { type: 'string' },
  list: { type: 'boolean' },
  json: { type: 'boolean' },
  junit: { type: 'string' },
  timeout: { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

export const checkCommand: Command = {
  name: 'check',
  summary: 'SSL 3.0 conformance checks of a server (or, with --listen, of clients), each citing RFC 6101 or a CVE',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(() => parseArgs({ args: argv, allowPositionals: true, strict: true, options: CHECK_FLAGS }));
    if (values.list) {
      const chosen = chosenChecks([...SERVER_CHECKS, ...CLIENT_CHECKS], values.only);
      const of = (suite: readonly { name: string }[]) => chosen.filter((c) => suite.includes(c));
      io.stdout(`server checks (ssl3 check HOST:PORT):\n${listChecks(of(SERVER_CHECKS))}\nclient checks (ssl3 check --listen PORT):\n${listChecks(of(CLIENT_CHECKS))}`);
      return 0;
    }
    if (values.listen !== undefined) {
      if (positionals.length) throw new UsageError('give either HOST[:PORT] or --listen, not both');
      return checkListening(values, io);
    }
    for (const flag of ['ca-out', 'ca-key', 'ca-cert', 'key', 'hostname', 'wait'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --listen`);
    const checks = chosenChecks(SERVER_CHECKS, values.only);
    if (positionals.length !== 1) throw new UsageError('give exactly one HOST[:PORT]');
    const { host, port } = parseTarget(positionals[0]);
    const timeout = seconds('--timeout', values.timeout, 5, 300);
    const target = formatHostPort(host, port);
    const unreachable = await reachable({ host, port, connectTimeoutMs: timeout * 1000 });
    if (unreachable) throw new UsageError(`cannot connect to ${target}: ${unreachable}`, 1);
    if (!values.json) io.stdout(`ssl3 check ${target}: ${checks.length} checks of an SSL 3.0 server\n`);
    const widths = columns(checks);
    const results = await checkServer({ host, port, connectTimeoutMs: timeout * 1000 }, checks, {
      timeoutSeconds: timeout,
      onResult: (r, check) => {
        if (!values.json) io.stdout(tableLines(r, check, widths, values.verbose === true));
      },
    });
    return finishRun(io, target, results, checks, values);
  },
};
