/** The command table: one row per `ssl3` subcommand. Each command lives in its own file. */
import type { Command } from '../command.js';

export const COMMANDS: readonly Command[] = [];
