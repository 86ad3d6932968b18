/**
 * `ssl3 console`: the device's IOS-style command line (docs/ios-configuration.md; the feature guide's
 * examples). It runs the HTTP and HTTPS servers its configuration describes and changes them
 * live as commands are entered. On a terminal it behaves like a router's console (prompt,
 * Tab completion, `?` help as soon as it is typed, Ctrl-Z to leave configuration mode); with
 * a script on standard input it echoes each prompt and line, so the output reads as the
 * guide's transcripts do. The session ends with `exit` in exec mode or at end of input, and the
 * servers stop with it: `ssl3 serve --config` is the way to run a device unattended.
 */
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { parseFlags, type CliIo, type Command } from '../command.js';
import { Console } from '../../config/console.js';
import { openDevice } from './device.js';
import { keylogAppender } from '../keylog-file.js';
import { openPcapFile } from '../pcap-file.js';
import { TRACE_FLAGS, tracerFromFlags } from '../trace-option.js';

const USAGE = `ssl3 console [--config FILE] [--data-dir DIR] [--bind ADDR] [--keylog F] [--pcap F] [--trace | --trace-json]
  --config FILE    load FILE instead of the data directory's startup-config
  --data-dir DIR   keys, certificates and startup-config (default ./.ssl3); 'write memory'
                   saves there
  --bind ADDR      address the servers listen on (default 0.0.0.0)
  --keylog F       append NSS key log lines (CLIENT_RANDOM ...) to F: secrets, for Wireshark
  --pcap F         write the HTTPS connections' TCP/IP packets to F, a capture file that
                   Wireshark/tshark read and decrypt with the --keylog file
  --trace          print every record and handshake message of HTTPS connections to stderr
  --trace-json     the same as JSON lines, one object per record or message (for jq)
 Commands are the IOS ones: enable, configure terminal, ip http secure-server, show ip http
 server status, copy running-config startup-config... Type ? for help at any point.`;

/** A script on stdin: echo each prompt and line, then run it. */
async function runScript(con: Console, input: NodeJS.ReadableStream, io: CliIo): Promise<void> {
  const rl = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
  for await (const line of rl) {
    // A password answer is not echoed, as on a terminal; a [yes/no] answer follows its question.
    io.stdout(con.awaitingSecret ? '\n' : con.awaitingAnswer ? `${line}\n` : `${con.prompt()} ${line}\n`);
    await con.execute(line);
    if (con.closed) break;
  }
  rl.close();
}

/** A person at a terminal. */
function runTerminal(con: Console, io: CliIo): Promise<void> {
  const input = process.stdin;
  const output = process.stdout;
  const rl = readline.createInterface({
    input,
    output,
    terminal: true,
    completer: (line: string): [string[], string] => {
      const word = /\S*$/.exec(line)![0];
      return [con.complete(line), word];
    },
  });
  // Hide a password while it is typed; readline has no public switch for that.
  const writer = rl as unknown as { _writeToOutput(s: string): void };
  const plainWrite = writer._writeToOutput.bind(rl);
  writer._writeToOutput = (s: string) => {
    if (!con.awaitingSecret || s.includes('\n')) plainWrite(s);
  };
  let busy = Promise.resolve();
  const run = (line: string) => {
    busy = busy.then(async () => {
      await con.execute(line);
      if (con.closed) rl.close();
      else {
        rl.setPrompt(con.awaitingSecret || con.awaitingAnswer ? '' : `${con.prompt()} `);
        rl.prompt();
      }
    });
  };
  // IOS answers `?` the moment it is typed, and gives the line back to go on typing.
  input.on('keypress', (ch: string | undefined) => {
    if (ch !== '?' || con.awaitingSecret) return;
    const line = rl.line;
    if (!line.endsWith('?')) return;
    rl.write(null, { ctrl: true, name: 'u' });
    io.stdout('?\n');
    busy = busy.then(async () => {
      await con.execute(line);
      rl.prompt();
      rl.write(line.slice(0, -1));
    });
  });
  rl.on('SIGTSTP', () => run('end')); // Ctrl-Z leaves configuration mode
  rl.on('SIGINT', () => {
    rl.write(null, { ctrl: true, name: 'u' });
    io.stdout('\n');
    rl.prompt();
  });
  rl.on('line', run);
  // The space after the prompt is where error carets are counted from (console.ts).
  rl.setPrompt(`${con.prompt()} `);
  rl.prompt();
  return new Promise((resolve) => rl.once('close', () => void busy.then(resolve)));
}

export const consoleCommand: Command = {
  name: 'console',
  summary: 'the IOS console: configure and run the HTTP(S) servers live',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values } = parseFlags(() =>
      parseArgs({
        args: argv,
        options: { config: { type: 'string' }, 'data-dir': { type: 'string' }, bind: { type: 'string' }, keylog: { type: 'string' }, pcap: { type: 'string' }, trace: TRACE_FLAGS.trace, 'trace-json': TRACE_FLAGS['trace-json'] },
        strict: true,
      }),
    );
    const device = await openDevice({
      dataDir: values['data-dir'] ?? '.ssl3',
      bind: values.bind,
      configFile: values.config,
      print: (t) => io.stdout(t),
      keylog: keylogAppender(values.keylog),
      pcap: openPcapFile(values.pcap, 'console', io),
      trace: tracerFromFlags(values, io, 'server'),
      rsaThreads: true,
    });
    if (device.errors) io.stdout(device.errors);
    const router = device.router;
    try {
      await router.apply();
      const con = new Console(router);
      const interactive = !io.stdin && process.stdin.isTTY === true && process.stdout.isTTY === true;
      if (interactive) await runTerminal(con, io);
      else await runScript(con, io.stdin ?? process.stdin, io);
    } finally {
      await router.close();
    }
    return 0;
  },
};
