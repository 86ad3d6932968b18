#!/usr/bin/env node
/**
 * The `ssl3` command: dispatches to the subcommands in commands/index.ts. Errors a user can
 * fix are printed as one line; anything else is a bug and shows its stack.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './commands/index.js';
import { UsageError, type CliIo } from './command.js';
import { Ssl3Error } from '../util/errors.js';

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY,
};

/**
 * The version is package.json's, the one fact npm and CHANGELOG.md go by. This file runs as
 * src/cli/main.ts (tsx) or dist/cli/main.js (the package): both sit two levels under the root.
 */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function help(io: CliIo): void {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  io.stdout('usage: ssl3 <command> [options]\n\ncommands:\n');
  for (const c of COMMANDS) io.stdout(`  ${c.name.padEnd(width)}  ${c.summary}\n`);
  io.stdout(`  ${'help'.padEnd(width)}  show this list, or 'ssl3 help COMMAND' for one command\n`);
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const target = rest[0] && COMMANDS.find((c) => c.name === rest[0]);
    if (target) io.stdout(`${target.usage}\n`);
    else help(io);
    return 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`ssl3 ${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`ssl3: unknown command '${name}' (try 'ssl3 help')\n`);
    return 2;
  }
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${command.usage}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`ssl3 ${name}: ${e.message}\n`);
      if (e.exitCode === 2) io.stderr(`usage: ${command.usage.split('\n')[0]}\n`);
      return e.exitCode;
    }
    if (e instanceof Ssl3Error) {
      io.stderr(`ssl3 ${name}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function isEntryPoint(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // A reader that stops early (`ssl3 help | head -1`) closes the pipe: that ends the output
  // quietly, as it does for other command-line tools, instead of an unhandled 'error' event.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`ssl3: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
