/**
 * Loads a config file (a startup-config, or what `show running-config` printed) the way IOS
 * copies a file into the running configuration (docs/ios-configuration.md): every line is a
 * global-configuration command, read with the same table as the console (commands.ts), and
 * sub-mode lines follow their `crypto ca trustpoint` line (their indentation is optional).
 * Every bad line is reported, with IOS's caret, so a user can fix them all at once.
 */
import { COMMAND_MODES, isConfigMode, type Question, type Session } from './commands.js';
import type { ConfigContext } from './context.js';
import { errorText } from './console.js';
import { formatParseError, parseInMode } from './grammar.js';

export interface ConfigLineError {
  /** 1-based line number in the file. */
  line: number;
  /** The line as it is in the file. */
  text: string;
  /** What IOS would print: a caret line aligned under `text` and the `%` message, or a command's message. */
  output: string;
}

/** Lines IOS writes around a configuration (`show running-config`, `show startup-config`) that are not commands. */
const NOT_COMMANDS: readonly RegExp[] = [
  /^version\s+\S+$/i,
  /^Building configuration\.\.\.$/i,
  /^Current configuration\s*:\s*\d+ bytes$/i,
  /^Using \d+ out of \d+ bytes$/i,
];

/**
 * Runs every line of `text` in configuration mode against `ctx`, up to `end`. It does not call
 * ctx.apply(): the caller applies once, after deciding what to do about errors.
 */
export async function loadConfig(text: string, ctx: ConfigContext): Promise<ConfigLineError[]> {
  // No one answers questions in a file: commands take IOS's non-interactive path. A command
  // that reads lines of its own (a certificate's hex up to `quit`) asks for them one by one,
  // and the next lines of the file answer.
  let pending: Question | undefined;
  const session: Session = {
    ctx,
    mode: 'config',
    interactive: false,
    ask: (q) => void (pending = q),
    close: () => undefined,
  };
  const errors: ConfigLineError[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    const trimmed = line.trim();
    if (pending) {
      const q = pending;
      pending = undefined;
      try {
        await q.answer(line);
      } catch (e) {
        errors.push({ line: i + 1, text: line, output: errorText(e).trimEnd() });
      }
      continue;
    }
    if (trimmed === '' || trimmed.startsWith('!') || NOT_COMMANDS.some((re) => re.test(trimmed))) continue;
    const { outcome, mode } = parseInMode(COMMAND_MODES, session.mode, line);
    if (!outcome.ok) {
      errors.push({ line: i + 1, text: line, output: formatParseError(outcome, line).trimEnd() });
      continue;
    }
    if (mode !== session.mode) {
      session.mode = mode;
      session.trustpoint = undefined;
    }
    try {
      await outcome.handler(session, outcome.args);
    } catch (e) {
      errors.push({ line: i + 1, text: line, output: errorText(e).trimEnd() });
    }
    // `end` (or `exit` at the top level) leaves configuration mode: the configuration is over.
    if (!isConfigMode(session.mode)) break;
  }
  return errors;
}

/** The errors as `FILE:LINE: text`, each followed by IOS's caret line and message. */
export function formatLoadErrors(source: string, errors: readonly ConfigLineError[]): string {
  let out = '';
  for (const e of errors) {
    const prefix = `${source}:${e.line}: `;
    out += `${prefix}${e.text}\n`;
    for (const l of e.output.split('\n')) out += /^ *\^$/.test(l) ? `${' '.repeat(prefix.length)}${l}\n` : `${l}\n`;
  }
  return out;
}
