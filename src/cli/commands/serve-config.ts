/**
 * `ssl3 serve --config FILE`: run the HTTP and HTTPS servers an IOS startup-config describes,
 * unattended. A config with a bad line is refused as a whole, with every bad line shown the
 * way IOS shows it (`% Invalid input detected at '^' marker.` under the line), and nothing
 * starts. Keys and certificates come from the data directory; when the config needs an HTTPS
 * identity and there is none, one is generated and kept there (keys only: the config file is
 * the user's and is never rewritten). SIGHUP reloads the file and applies it live; a reload
 * with errors keeps the running configuration.
 */
import { readFile } from 'node:fs/promises';
import { UsageError, type CliIo } from '../command.js';
import { defaultConfig } from '../../config/model.js';
import { formatLoadErrors, loadConfig } from '../../config/loader.js';
import type { Router } from '../../config/runtime.js';
import { listeningLines, openDevice } from './device.js';
import { openPcapFile } from '../pcap-file.js';
import { keylogAppender } from '../keylog-file.js';
import { stopOnSignal } from '../signals.js';
import type { WorkerRole } from '../workers.js';
import type { TraceEvent } from '../../connection/connection.js';

/** Reloads the file into the running configuration; with errors the running one is kept. */
async function reload(router: Router, file: string, io: CliIo): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    io.stderr(`ssl3 serve: reload: ${file}: ${(e as Error).message}; the running configuration is kept\n`);
    return;
  }
  const before = { ...router.config };
  Object.assign(router.config, defaultConfig());
  const errors = await loadConfig(text, router);
  if (errors.length) {
    Object.assign(router.config, before);
    io.stderr(formatLoadErrors(file, errors));
    io.stderr(`ssl3 serve: reload: ${file} has errors; the running configuration is kept\n`);
    return;
  }
  await router.apply();
  io.stderr(`ssl3 serve: reloaded ${file}\n`);
  for (const line of listeningLines(router)) io.stdout(line);
}

export interface ConfiguredServeOptions {
  configFile: string;
  dataDir: string;
  bind?: string;
  keylog?: string;
  /** A capture file for every HTTPS connection (--pcap). */
  pcap?: string;
  trace?: (event: TraceEvent) => void;
  /** In a worker of `--workers N`: the primary's connection limit and session cache, its word to stop or reload. */
  role?: WorkerRole;
}

export async function serveFromConfig(o: ConfiguredServeOptions, io: CliIo): Promise<number> {
  const device = await openDevice({
    dataDir: o.dataDir,
    bind: o.bind,
    configFile: o.configFile,
    print: (t) => io.stderr(t),
    keylog: keylogAppender(o.keylog),
    pcap: openPcapFile(o.pcap, 'serve', io),
    trace: o.trace,
    shared: o.role && { limit: o.role.link.limit(), sessionCache: o.role.link.sessions() },
    rsaThreads: true,
  });
  const router = device.router;
  if (device.errors) {
    io.stderr(device.errors);
    await router.close();
    throw new UsageError(`${o.configFile}: the configuration has errors; nothing was started`, 1);
  }
  const { server, secureServer } = router.config.http;
  if (!server && !secureServer) {
    await router.close();
    throw new UsageError(`${o.configFile}: neither 'ip http server' nor 'ip http secure-server' is configured; nothing to serve`, 1);
  }
  const generated = router.keys.keys.length === 0;
  await router.apply();
  const lines = listeningLines(router);
  if ((secureServer && !router.addresses().https) || (server && !router.addresses().http)) {
    await router.close();
    throw new UsageError('a server could not start (see the % line above)', 1);
  }
  // A generated identity must survive a restart, or pinned fingerprints would break.
  if (generated && router.keys.keys.length) await router.saveKeys();
  const onReload = () => void reload(router, o.configFile, io);
  const stopped = o.role ? o.role.stopped(() => router.close(), onReload) : stopOnSignal(io, () => router.close(), onReload);
  o.role?.ready();
  for (const line of lines) io.stdout(line);
  await stopped;
  return 0;
}
