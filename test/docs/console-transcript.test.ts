/**
 * The console session in docs/ios-configuration.md is what `ssl3 console` prints: its commands
 * are typed into a real console (a script on standard input, a fresh data directory, the
 * servers on loopback) and the whole output must be the transcript, line for line. Only the
 * HTTPS port is changed, to a free one of the same length.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';
import { freePort } from '../interop/nss-helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');

afterAll(() => removeTempDirs());

/** The text block after `<!-- replay: ssl3 console -->`. */
export function replayBlock(doc: string): string {
  const m = /<!-- replay: ssl3 console -->\n```text\n([\s\S]*?)```/.exec(doc);
  if (!m) throw new Error('no console transcript marked for replay');
  return m[1];
}

/** What follows each prompt (`Router>`, `edge1(config)#`, ...): the lines typed. */
export function typedLines(transcript: string): string[] {
  return [...transcript.matchAll(/^[A-Za-z][\w-]*(?:\([a-z-]+\))?[>#] (.*)$/gm)].map((m) => m[1]);
}

describe('the console session of docs/ios-configuration.md', () => {
  it('replays with the documented output', async () => {
    const documented = replayBlock(readFileSync(join(ROOT, 'docs', 'ios-configuration.md'), 'utf8'));
    const port = String(await freePort());
    // Kernel-chosen ports have five digits, like the documented one, so the byte count holds.
    expect(port).toHaveLength(5);
    const expected = documented.replaceAll('18443', port);
    const lines = typedLines(expected);
    expect(lines[0]).toBe('enable');
    expect(lines.at(-1)).toBe('exit');
    const io = Object.assign(capture(), { stdin: Readable.from(lines.map((l) => `${l}\n`)) });
    const code = await main(['console', '--data-dir', tempDir('doc-console'), '--bind', '127.0.0.1'], io);
    expect(io.err).toBe('');
    expect(code).toBe(0);
    expect(io.out).toBe(expected);
  });
});
