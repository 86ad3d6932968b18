/**
 * The scanners `ssl3 probe` is compared with (PEERS.md): nmap's ssl-enum-ciphers script (its
 * XML output: per protocol the suites, in the server's order when it has one, and whose
 * preference decides) and testssl (its JSON file: which protocols are offered and which
 * SSLv3 suites, tried through its own sockets since the system OpenSSL has no SSL 3.0).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './nss-helpers.js';
import { tempDir } from '../helpers/temp-dirs.js';

export interface NmapProtocol {
  /** Suite names as nmap prints them (TLS_RSA_WITH_...), in its order. */
  readonly ciphers: string[];
  readonly preference?: string;
}

/** `nmap --script ssl-enum-ciphers` on host:port: each protocol it found (SSLv3, TLSv1.0, ...). */
export async function nmapSslEnum(nmap: string, host: string, port: number): Promise<Record<string, NmapProtocol>> {
  const r = await run(nmap, ['-Pn', '-n', '-p', String(port), '--script', 'ssl-enum-ciphers', '-oX', '-', host], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`nmap exited ${r.code}: ${r.stderr}`);
  const script = /<script id="ssl-enum-ciphers"[^>]*>([\s\S]*?)<\/script>/.exec(r.stdout)?.[1] ?? '';
  const out: Record<string, NmapProtocol> = {};
  // Each protocol table runs to the next one (or the end): ciphers, compressors, preference, warnings.
  const parts = script.split(/<table key="(SSLv3|TLSv1\.[0-3])">/);
  for (let i = 1; i < parts.length; i += 2) {
    const body = parts[i + 1];
    const ciphers = [...body.matchAll(/<elem key="name">([^<]+)<\/elem>/g)].map((m) => m[1]);
    out[parts[i]] = { ciphers, preference: /<elem key="cipher preference">([^<]+)<\/elem>/.exec(body)?.[1] };
  }
  return out;
}

export interface TestsslScan {
  /** testssl's finding per protocol id (SSLv2, SSLv3, TLS1, TLS1_1, TLS1_2, TLS1_3): "offered", "not offered", ... */
  readonly protocols: Record<string, string>;
  /** The SSLv3 suites it found, by id. */
  readonly ssl3Suites: number[];
}

/** `testssl -p -E` on host:port (protocols, then the suites of each protocol). */
export async function testsslScan(testssl: string, host: string, port: number): Promise<TestsslScan> {
  const file = join(tempDir('testssl'), 'scan.json');
  const r = await run(testssl, ['--quiet', '--color', '0', '--warnings', 'off', '-p', '-E', '--jsonfile', file, `${host}:${port}`], { timeoutMs: 240_000 });
  let entries: { id: string; finding: string }[];
  try {
    entries = JSON.parse(readFileSync(file, 'utf8')) as { id: string; finding: string }[];
  } catch (e) {
    throw new Error(`testssl left no JSON (${(e as Error).message}); exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-1000)}`);
  }
  const protocols: Record<string, string> = {};
  for (const e of entries) if (/^(SSLv2|SSLv3|TLS1(_[123])?)$/.test(e.id)) protocols[e.id] = e.finding;
  const ssl3Suites = entries.flatMap((e) => {
    const m = /^cipher-ssl3_x([0-9a-f]+)$/.exec(e.id);
    return m ? [parseInt(m[1], 16)] : [];
  });
  return { protocols, ssl3Suites };
}
