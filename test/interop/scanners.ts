/**
 * The scanners `ssl3 probe` is compared with (docs/probe.md): nmap's ssl-enum-ciphers script
 * (its XML output: per protocol the suites, in the server's order when it has one, each with
 * the key exchange's size, the compressors, whose preference decides and its warnings) and
 * testssl (its JSON file: every finding by id; the protocols and SSLv3 suites come from its
 * own sockets, since the system OpenSSL has no SSL 3.0, and so does the certificate).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './nss-helpers.js';
import { tempDir } from '../helpers/temp-dirs.js';

export interface NmapProtocol {
  /** Suite names as nmap prints them (TLS_RSA_WITH_...), in its order. */
  readonly ciphers: string[];
  /** Each suite's key exchange as nmap saw it ("rsa 2048"). */
  readonly kex: string[];
  readonly compressors: string[];
  readonly preference?: string;
  readonly warnings: string[];
}

/** The text of each `<elem>` directly in a `<table key="NAME">` of an nmap XML fragment. */
function tableElems(xml: string, name: string): string[] {
  const body = new RegExp(`<table key="${name}">([\\s\\S]*?)</table>`).exec(xml)?.[1] ?? '';
  return [...body.matchAll(/<elem>([^<]*)<\/elem>/g)].map((m) => m[1]);
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
    out[parts[i]] = {
      ciphers: [...body.matchAll(/<elem key="name">([^<]+)<\/elem>/g)].map((m) => m[1]),
      kex: [...body.matchAll(/<elem key="kex_info">([^<]+)<\/elem>/g)].map((m) => m[1]),
      compressors: tableElems(body, 'compressors'),
      preference: /<elem key="cipher preference">([^<]+)<\/elem>/.exec(body)?.[1],
      warnings: tableElems(body, 'warnings'),
    };
  }
  return out;
}

export interface TestsslScan {
  /** testssl's finding per protocol id (SSLv2, SSLv3, TLS1, TLS1_1, TLS1_2, TLS1_3): "offered", "not offered", ... */
  readonly protocols: Record<string, string>;
  /** The SSLv3 suites it found, by id. */
  readonly ssl3Suites: number[];
  /** Every finding by id (cert_fingerprintSHA256, cipher_order, TLS_extensions, ...). */
  readonly findings: Record<string, string>;
}

/**
 * `testssl -p -E -P -S` on host:port: the protocols, the suites of each protocol, the server's
 * preference and its defaults (certificate, session ID, extensions). No DNS lookups: loopback.
 */
export async function testsslScan(testssl: string, host: string, port: number): Promise<TestsslScan> {
  const file = join(tempDir('testssl'), 'scan.json');
  const args = ['--quiet', '--color', '0', '--warnings', 'off', '--nodns', 'none', '-p', '-E', '-P', '-S', '--jsonfile', file, `${host}:${port}`];
  const r = await run(testssl, args, { timeoutMs: 240_000 });
  let entries: { id: string; finding: string }[];
  try {
    entries = JSON.parse(readFileSync(file, 'utf8')) as { id: string; finding: string }[];
  } catch (e) {
    throw new Error(`testssl left no JSON (${(e as Error).message}); exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-1000)}`);
  }
  const findings = Object.fromEntries(entries.map((e) => [e.id, e.finding]));
  const protocols: Record<string, string> = {};
  for (const e of entries) if (/^(SSLv2|SSLv3|TLS1(_[123])?)$/.test(e.id)) protocols[e.id] = e.finding;
  const ssl3Suites = entries.flatMap((e) => {
    const m = /^cipher-ssl3_x([0-9a-f]+)$/.exec(e.id);
    return m ? [parseInt(m[1], 16)] : [];
  });
  return { protocols, ssl3Suites, findings };
}
