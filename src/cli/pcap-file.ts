/**
 * `--pcap FILE` for the commands that open SSL connections: a capture file (src/trace/pcap.ts)
 * that Wireshark and tshark read, and decrypt with the --keylog file. It is created (or
 * emptied) when the command starts, so a bad path fails before anything connects; each packet
 * is appended as it is made, so the file is readable while a server runs. A write error later
 * (a full disk) is reported in one line and ends the capture, not the command. `random`
 * (from --seed) picks the initial sequence numbers.
 */
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { UsageError, type CliIo } from './command.js';
import { PcapFile } from '../trace/pcap.js';
import type { RandomSource } from '../util/random.js';

export function openPcapFile(path: string | undefined, command: string, io: CliIo, random?: RandomSource): PcapFile | undefined {
  if (path === undefined) return undefined;
  try {
    closeSync(openSync(path, 'w'));
  } catch (e) {
    throw new UsageError(`--pcap ${path}: ${(e as Error).message}`, 1);
  }
  let failed = false;
  return new PcapFile((chunk) => {
    if (failed) return;
    try {
      appendFileSync(path, chunk);
    } catch (e) {
      failed = true;
      io.stderr(`ssl3 ${command}: --pcap ${path}: ${(e as Error).message}; the capture stops here\n`);
    }
  }, { random });
}
