/**
 * The running configuration as IOS writes it (`show running-config`, and the startup-config
 * that `copy running-config startup-config` saves): IOS's NVGEN, a walk of the command table
 * (nvgen.ts) in which each command writes its own setting through its nvgen hook, next to its
 * parser in commands-*.ts: only what differs from the defaults, except what IOS always writes
 * (`hostname`, and `[no] ip http server` and `[no] ip http secure-server`, whose defaults
 * differ between images). Here is only the frame: a `!` line before the first section and
 * after each, and `end` last. No command's text is spelled here.
 *
 * The text is read back by the loader with the same table, so every line is a real IOS
 * command in its canonical form.
 */
import { CONFIGURATION_COMMANDS, NVGEN_SECTIONS } from './commands-config.js';
import type { KeyRing, RunningConfig } from './model.js';
import { nvgenBlocks } from './nvgen.js';

/** IOS's comment line, between sections. */
const BANG = '!';
/** The last line; the loader stops reading there. */
const END = 'end';

const encoder = new TextEncoder();

/**
 * The configuration text, one command a line, ending with `end` and a newline. With the key
 * ring, each trustpoint's certificates follow the trustpoints as IOS's `crypto ca certificate
 * chain` blocks.
 */
export function renderConfig(config: RunningConfig, ring?: KeyRing): string {
  const out = [BANG];
  for (const block of nvgenBlocks(CONFIGURATION_COMMANDS, { config, keys: ring }, NVGEN_SECTIONS)) out.push(...block, BANG);
  out.push(END);
  return `${out.join('\n')}\n`;
}

/** `show running-config`: the header IOS prints, then the configuration; N counts UTF-8 bytes. */
export function showRunningConfig(config: RunningConfig, ring?: KeyRing): string {
  const text = renderConfig(config, ring);
  return `Building configuration...\n\nCurrent configuration : ${encoder.encode(text).length} bytes\n${text}`;
}
