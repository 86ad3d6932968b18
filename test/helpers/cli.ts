/** Runs `ssl3` commands in-process with their output captured as text. */
import type { CliIo } from '../../src/cli/command.js';

export function capture(): CliIo & { out: string; err: string } {
  const decoder = new TextDecoder();
  const io = {
    out: '',
    err: '',
    stdout: (t: string | Uint8Array) => {
      io.out += typeof t === 'string' ? t : decoder.decode(t);
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

/** Runs `ssl3 COMMAND ARGS...` in process: its exit status and the first line of its stderr. */
export async function firstErrorLine(command: string, args: string[]): Promise<[number, string]> {
  const { main } = await import('../../src/cli/main.js');
  const io = capture();
  const code = await main([command, ...args], io);
  return [code, io.err.split('\n')[0]];
}

/** Runs `ssl3 COMMAND ARGS...` in process: its exit status and everything it printed. */
export async function runCli(command: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import('../../src/cli/main.js');
  const io = capture();
  const code = await main([command, ...args], io);
  return { code, out: io.out, err: io.err };
}
