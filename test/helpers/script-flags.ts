/**
 * Flags of the long-running scripts (npm run fuzz, timing, soak): node's parseArgs, with a bad
 * flag reported as one line naming it, then the script's usage, and exit status 2; and the
 * machine's load average, which each script prints beside its figures (figures taken on a
 * busy machine are not comparable).
 */
import { loadavg } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface ScriptFlags<V> {
  values: V;
  /** One line on stderr (`SCRIPT: message`), the usage, exit 2. */
  fail(message: string): never;
}

export function scriptFlags<const O extends NonNullable<ParseArgsConfig['options']>>(script: string, usage: string, options: O): ScriptFlags<ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values']> {
  const fail = (message: string): never => {
    process.stderr.write(`${script}: ${message}\n${usage}\n`);
    process.exit(2);
  };
  try {
    return { values: parseArgs({ options, strict: true }).values, fail };
  } catch (e) {
    return fail((e as Error).message);
  }
}

/** The 1, 5 and 15-minute load averages, as `uptime` prints them. */
export function loadAverage(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}
