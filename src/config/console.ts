/**
 * The IOS console (docs/ios-configuration.md): exec mode (`Router>`), privileged mode (`Router#`),
 * global configuration (`Router(config)#`) and trustpoint mode (`Router(ca-trustpoint)#`),
 * with the error forms, `?` help and texts of the feature guide's example sessions
 * ("Configuration Examples"). Line editing and echo belong to the caller (src/cli); this
 * class takes one line at a time and prints through ctx.print.
 */
import { COMMAND_MODES, isConfigMode, promptFor, type Mode, type Question, type Session } from './commands.js';
import { CommandError, type ConfigContext } from './context.js';
import { complete, formatParseError, help, parseInMode } from './grammar.js';

export type { Mode } from './commands.js';

export interface ConsoleOptions {
  /** The mode the session starts in (exec, as on a router's console line). */
  mode?: Mode;
}

/** An error a command or ctx.apply() threw, as a console line: IOS texts as they are, others as `% ...`. */
export function errorText(e: unknown): string {
  if (e instanceof CommandError) return e.message;
  const message = e instanceof Error ? e.message : String(e);
  return message.startsWith('%') ? message : `% ${message}`;
}

export class Console {
  private readonly session: Session;
  private pending?: { question: Question; applyAfter: boolean };
  private ended = false;

  constructor(
    private readonly ctx: ConfigContext,
    options: ConsoleOptions = {},
  ) {
    this.session = {
      ctx,
      mode: options.mode ?? 'exec',
      interactive: true,
      ask: (question) => {
        this.pending = { question, applyAfter: false };
        ctx.print(question.prompt);
      },
      close: () => {
        this.ended = true;
      },
    };
  }

  get mode(): Mode {
    return this.session.mode;
  }

  /** The session ended (`exit` or `logout` in exec or privileged mode). */
  get closed(): boolean {
    return this.ended;
  }

  /** The next line answers `Password:` (the caller should not echo it). */
  get awaitingSecret(): boolean {
    return this.pending?.question.secret === true;
  }

  /** The next line answers a question (`Password:`, `[yes/no]:`), not a command. */
  get awaitingAnswer(): boolean {
    return this.pending !== undefined;
  }

  prompt(): string {
    return promptFor(this.session.mode, this.ctx.config.hostname);
  }

  /** Where the typed line starts on screen: after the prompt and the space the echo puts after it. */
  private indent(): number {
    return this.prompt().length + 1;
  }

  async execute(line: string): Promise<void> {
    if (this.ended) return;
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      await this.run(() => pending.question.answer(line), pending.applyAfter);
      return;
    }
    const text = line.trimEnd();
    if (text.trim() === '') return;
    const { roots } = COMMAND_MODES[this.session.mode];
    if (text.endsWith('?')) {
      this.ctx.print(help(roots, text.slice(0, -1), this.indent()));
      return;
    }
    const { outcome, mode } = parseInMode(COMMAND_MODES, this.session.mode, text);
    if (!outcome.ok) {
      // IOS leaves a blank line after these two, not after the ambiguous-command one.
      this.ctx.print(formatParseError(outcome, text, this.indent()) + (outcome.error === 'ambiguous' ? '' : '\n'));
      return;
    }
    const changes = isConfigMode(this.session.mode) && !outcome.pure;
    if (mode !== this.session.mode) {
      // A parent mode's command leaves the sub-mode (IOS), before it runs: it may enter another.
      this.session.mode = mode;
      this.session.trustpoint = undefined;
    }
    await this.run(() => outcome.handler(this.session, outcome.args), changes);
  }

  /** Runs a command (or an answer); a configuration change is applied to the running servers. */
  private async run(action: () => void | Promise<void>, applyAfter: boolean): Promise<void> {
    try {
      await action();
    } catch (e) {
      this.ctx.print(`${errorText(e)}\n`);
      return;
    }
    if (this.pending) {
      // The command asked a question: the change, if any, comes with the answer.
      this.pending.applyAfter = applyAfter;
      return;
    }
    if (!applyAfter) return;
    try {
      await this.ctx.apply();
    } catch (e) {
      this.ctx.print(`${errorText(e)}\n`);
    }
  }

  /** Tab completion: the keywords the line's last word may become, in the current mode. */
  complete(line: string): string[] {
    if (this.pending) return [];
    return complete(COMMAND_MODES[this.session.mode].roots, line);
  }
}
