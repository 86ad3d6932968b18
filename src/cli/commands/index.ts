/** The command table: one row per `ssl3` subcommand. Each command lives in its own file. */
import type { Command } from '../command.js';
import { keygenCommand } from './keygen.js';
import { selfsignCommand } from './selfsign.js';
import { x509Command } from './x509.js';
import { serveCommand } from './serve.js';
import { getCommand } from './get.js';
import { consoleCommand } from './console.js';
import { bridgeCommand } from './bridge.js';
import { connectCommand } from './connect.js';
import { enrollCommand } from './enroll.js';
import { explainCommand } from './explain.js';
import { viewCommand } from './view.js';
import { checkCommand } from './check.js';
import { probeCommand } from './probe.js';

export const COMMANDS: readonly Command[] = [
  keygenCommand,
  selfsignCommand,
  x509Command,
  serveCommand,
  getCommand,
  connectCommand,
  consoleCommand,
  bridgeCommand,
  enrollCommand,
  explainCommand,
  viewCommand,
  checkCommand,
  probeCommand,
];
