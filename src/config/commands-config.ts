/**
 * The configuration mode's own commands, the ones that hold its state: the areas of the table
 * (commands-global.ts, commands-http.ts, commands-crypto.ts) merged into one tree, and the
 * order in which IOS writes their sections into the running configuration (NVGEN). commands.ts
 * adds the mode's `do`, `end`, `exit` and `no`; render.ts walks this tree to write the text.
 */
import { mergeNodes } from './grammar.js';
import type { CommandNode, ConfigView, Session } from './commands.js';
import { GLOBAL_COMMANDS } from './commands-global.js';
import { HTTP_COMMANDS } from './commands-http.js';
import { CRYPTO_COMMANDS } from './commands-crypto.js';

export const CONFIGURATION_COMMANDS: readonly CommandNode[] = mergeNodes<Session, ConfigView>(GLOBAL_COMMANDS, HTTP_COMMANDS, CRYPTO_COMMANDS);

/**
 * The sections of `show running-config`, in IOS's order, a `!` after each: the names first
 * (the host name always), then the passwords and users, the domain, each trustpoint's block,
 * each certificate chain's block, the HTTP server and client, and the access lists. Each
 * command's node (or one above it) names its section.
 */
export const NVGEN_SECTIONS: readonly string[] = ['hostname', 'enable', 'username', 'domain', 'trustpoint', 'chain', 'http', 'access-list'];
