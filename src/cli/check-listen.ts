/**
 * `ssl3 check --listen [ADDR:]PORT`: the client conformance suite (src/harness/check/
 * client-suite.ts). It listens and plays a broken server to each client that connects, one
 * check per connection; the certificates come from a test CA, new (its certificate written to
 * --ca-out for the clients to trust) or given (--ca-key, --ca-cert). SIGINT or SIGTERM skips
 * the checks no client has come for yet, and the run ends as usual.
 */
import { readFileSync } from 'node:fs';
import { UsageError, type CliIo } from './command.js';
import { parseListen } from './address.js';
import { chosenChecks, columns, finishRun, seconds, tableLines } from './check-report.js';
import { CLIENT_CHECKS, clientContext } from '../harness/check/client-suite.js';
import { checkClients } from '../harness/check/client-runner.js';
import { clientCheckPki, type ClientCheckPki } from '../harness/check/client-pki.js';
import { loadCertificates, loadKey, OptionError } from '../socket/options.js';
import { certificateToPem } from '../pki/x509.js';
import { parseIpAddress } from '../pki/hostname.js';
import type { Certificate } from '../pki/certificate.js';
import type { RsaPrivateKey } from '../pki/rsa-key.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { formatHostPort } from '../util/host-port.js';

export type ListenValues = Partial<Record<'listen' | 'ca-out' | 'ca-key' | 'ca-cert' | 'key' | 'hostname' | 'wait' | 'timeout', string | boolean>> & { only?: string; json?: boolean; junit?: string; verbose?: boolean };

function readPem(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 1);
  }
}

/** The certificates the client checks present: under the CA given, or a new one written to --ca-out. */
async function listeningPki(values: ListenValues, host: string): Promise<{ pki: ClientCheckPki; note?: string }> {
  const [caKeyFile, caCertFile, caOut] = [values['ca-key'], values['ca-cert'], values['ca-out']] as (string | undefined)[];
  if ((caKeyFile === undefined) !== (caCertFile === undefined)) throw new UsageError('--ca-key and --ca-cert go together');
  if (caKeyFile === undefined && caOut === undefined) throw new UsageError('give --ca-out FILE (a new test CA the clients must trust) or --ca-key and --ca-cert');
  if (caKeyFile !== undefined && caOut !== undefined) throw new UsageError('give --ca-out or --ca-key and --ca-cert, not both');
  let ca: { cert: Certificate; key: RsaPrivateKey } | undefined;
  try {
    if (caKeyFile && caCertFile) ca = { key: loadKey(readPem('--ca-key', caKeyFile)), cert: loadCertificates('--ca-cert', readPem('--ca-cert', caCertFile))[0] };
    const key = values.key ? loadKey(readPem('--key', values.key as string)) : undefined;
    const hostname = (values.hostname as string | undefined) ?? 'localhost';
    const ips = parseIpAddress(host) && host !== '0.0.0.0' && host !== '::' ? [host] : [];
    const pki = clientCheckPki({ hostname, ips, ca, key });
    if (!caOut) return { pki };
    try {
      await writeFileAtomic(caOut, certificateToPem(pki.ca), 0o644);
    } catch (e) {
      throw new UsageError(`--ca-out ${caOut}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 1);
    }
    return { pki, note: `the clients must trust the test CA in ${caOut}` };
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(e.message, 1);
    throw e;
  }
}

/** `ssl3 check --listen`: the client suite, one check per connection; SIGINT or SIGTERM skips the checks left. */
export async function checkListening(values: ListenValues, io: CliIo): Promise<number> {
  const { host, port } = parseListen('--listen', values.listen as string);
  const checks = chosenChecks(CLIENT_CHECKS, values.only);
  const timeout = seconds('--timeout', values.timeout as string | undefined, 5, 300);
  const wait = seconds('--wait', values.wait as string | undefined, 60, 86_400);
  const { pki, note } = await listeningPki(values, host);
  const widths = columns(checks);
  let where = '';
  let run;
  try {
    run = await checkClients({ host, port }, clientContext(pki, { timeoutMs: timeout * 1000 }), checks, {
      waitSeconds: wait,
      onListening: (p, address) => {
        where = formatHostPort(address, p);
        // The cue to start the clients; with --json it goes to stderr, which the JSON leaves alone.
        const line = `ssl3 check --listen ${where}: ${checks.length} checks of an SSL 3.0 client, one per connection${note ? `; ${note}` : ''}\n`;
        if (values.json) io.stderr(line);
        else io.stdout(line);
      },
      onResult: (r, check) => {
        if (!values.json) io.stdout(tableLines(r, check, widths, values.verbose === true));
      },
    });
  } catch (e) {
    throw new UsageError(`--listen ${host}:${port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 1);
  }
  const stop = () => run.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await finishRun(io, `--listen ${where}`, await run.results, checks, values);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
