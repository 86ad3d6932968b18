/**
 * What `ssl3 serve --config` and `ssl3 console` share: open the device (a Router over a data
 * directory), load its configuration (a file, or the startup-config kept in the data
 * directory), and name what the running servers listen on. The config layer does the work;
 * this only binds it to the command line.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { UsageError } from '../command.js';
import { Router, type RouterOptions } from '../../config/runtime.js';
import { formatLoadErrors, loadConfig } from '../../config/loader.js';
import { serverIdentity } from '../../config/keyring.js';
import { fingerprint } from '../../pki/x509.js';
import type { FlowRecorder } from '../../trace/pcap.js';
import type { TraceEvent } from '../../connection/connection.js';

export interface DeviceOptions {
  dataDir: string;
  bind?: string;
  /** A config file to load instead of the data directory's startup-config. */
  configFile?: string;
  print: (text: string) => void;
  keylog?: (line: Buffer) => void;
  /** Record every HTTPS connection's packets in this capture file. */
  pcap?: FlowRecorder;
  /** Print every record and handshake message of HTTPS connections (true: as text, to stderr). */
  trace?: boolean | ((event: TraceEvent) => void);
  /** What several processes share (serve --config --workers N): see RouterOptions.shared. */
  shared?: RouterOptions['shared'];
  /** RSA private-key operations in worker threads (the commands set it; tests need not). */
  rsaThreads?: boolean;
}

export interface OpenedDevice {
  router: Router;
  /** Where the configuration came from, for messages. */
  source?: string;
  /** The load errors formatted IOS-style (empty when the configuration loaded cleanly). */
  errors: string;
}

async function readConfig(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--config ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 1);
  }
}

/** Opens the device and loads its configuration; the servers are not started yet (call router.apply()). */
export async function openDevice(o: DeviceOptions): Promise<OpenedDevice> {
  let router: Router;
  try {
    router = await Router.open({ dataDir: o.dataDir, bind: o.bind, print: o.print, keylog: o.keylog, pcap: o.pcap, trace: o.trace, shared: o.shared, rsaThreads: o.rsaThreads });
  } catch (e) {
    throw new UsageError(`--data-dir ${o.dataDir}: ${(e as Error).message}`, 1);
  }
  const source = o.configFile ?? join(o.dataDir, 'startup-config');
  const text = o.configFile !== undefined ? await readConfig(o.configFile) : await router.readStartupConfig();
  if (text === undefined) return { router, errors: '' };
  const errors = await loadConfig(text, router);
  return { router, source, errors: errors.length ? formatLoadErrors(source, errors) : '' };
}

function hostOf(a: AddressInfo): string {
  return a.family === 'IPv6' ? `[${a.address}]` : a.address;
}

/** One line per running server, as plain `ssl3 serve` prints them (scripts wait for these). */
export function listeningLines(router: Router): string[] {
  const lines: string[] = [];
  const { https, http } = router.addresses();
  if (https) {
    const id = serverIdentity(router.keys, router.config.http.secureTrustpoint);
    const fp = id ? ` certificate SHA-256 ${fingerprint(id.chain[0], 'sha256')}` : '';
    lines.push(`ssl3: serving HTTPS over SSL 3.0 on https://${hostOf(https)}:${https.port}/${fp}\n`);
  }
  if (http) lines.push(`ssl3: serving plain HTTP on http://${hostOf(http)}:${http.port}/\n`);
  return lines;
}
