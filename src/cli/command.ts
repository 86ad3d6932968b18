/**
 * The shape of an `ssl3` subcommand, and the one error type that turns into a single clear
 * line on stderr (bad input from a user gets one line naming what is wrong).
 */

export interface CliIo {
  /** Bytes are written as they are (response bodies may be binary). */
  stdout: (text: string | Uint8Array) => void;
  stderr: (text: string) => void;
  /** Where an interactive command reads its input (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Standard error is a terminal: a long command may show a progress line there. */
  stderrIsTTY?: boolean;
}

export interface Command {
  readonly name: string;
  /** One line for `ssl3 help`. */
  readonly summary: string;
  /** The usage line(s) shown by `ssl3 help NAME` and on usage errors. */
  readonly usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** A user mistake (bad flag, unreadable file): printed as one line, exit status 1 or 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/**
 * Runs a node:util parseArgs call and turns its errors into UsageError:
 * `parseFlags(() => parseArgs({ args: argv, options: {...} }))`.
 */
export function parseFlags<R>(parse: () => R): R {
  try {
    return parse();
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** Parses an integer flag within a range, or explains what is wrong. */
export function intFlag(name: string, value: string | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}
