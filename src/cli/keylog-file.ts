/**
 * `--keylog FILE` for the commands that open SSL connections: NSS key log lines
 * (`CLIENT_RANDOM <client random> <master secret>`) appended to FILE, which Wireshark and
 * tshark use to decrypt a capture. They are secrets: the file is created with mode 0600.
 */
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { UsageError } from './command.js';

/** A key log sink appending to FILE (created 0600 now, so a bad path fails before anything starts). */
export function keylogAppender(path: string | undefined): ((line: Buffer) => void) | undefined {
  if (path === undefined) return undefined;
  try {
    closeSync(openSync(path, 'a', 0o600));
  } catch (e) {
    throw new UsageError(`--keylog ${path}: ${(e as Error).message}`, 1);
  }
  return (line) => appendFileSync(path, line, { mode: 0o600 });
}

