/**
 * THE table of IOS commands (docs/ios-configuration.md; the feature guide's "How to Configure" steps
 * and "Configuration Examples" transcripts): every mode's command tree, assembled from the
 * areas in commands-global.ts, commands-http.ts and commands-crypto.ts (merged in
 * commands-config.ts). The loader, the console, `?` help and Tab completion all read this one
 * table through grammar.ts, and `show running-config` writes it back through each command's
 * nvgen hook (nvgen.ts).
 *
 * Handlers see a Session: the ConfigContext plus the console state a command may change (the
 * mode, the trustpoint being edited, a question whose answer is the next line).
 */
import type { ConfigContext } from './context.js';
import type { KeyRing, RunningConfig } from './model.js';
import { arg, kw, mergeNodes, negation, type CommandMode, type Node } from './grammar.js';
import { copyUrl } from './commands-copy.js';
import { showCryptoCaCertificates, showCryptoCaCrls, showCryptoCaTrustpoints, showCryptoKeyMypubkeyRsa, showHttpClientSecureStatus, showHttpServerSecureStatus, showHttpServerStatus, showStartupConfig } from './show.js';
import { showRunningConfig } from './render.js';
import { verifyPassword } from './password.js';
import { CONFIGURATION_COMMANDS } from './commands-config.js';
import { TRUSTPOINT_COMMANDS } from './commands-crypto.js';
import { CERT_CHAIN_COMMANDS } from './cert-chain.js';

export type Mode = 'exec' | 'privileged' | 'config' | 'ca-trustpoint' | 'cert-chain';

/** A question whose answer is the next line typed (IOS's `Password:`, `[yes/no]:`). */
export interface Question {
  /** Printed as it is, without a newline: the answer follows on the same line. */
  readonly prompt: string;
  /** A password: not echoed. */
  readonly secret: boolean;
  answer(line: string): void | Promise<void>;
}

export interface Session {
  readonly ctx: ConfigContext;
  mode: Mode;
  /** The trustpoint that ca-trustpoint (and certificate chain) mode lines change. */
  trustpoint?: string;
  /** A person who can answer questions; a file load takes IOS's non-interactive path instead. */
  readonly interactive: boolean;
  ask(question: Question): void;
  /** `exit` / `logout` in exec mode: the session ends. */
  close(): void;
}

/**
 * What a command's nvgen hook reads when the configuration text is written (IOS's parser
 * block in NVGEN mode): the configuration, the key ring when the text carries certificate
 * chains, and inside a sub-mode the trustpoint whose lines are being written.
 */
export interface ConfigView {
  readonly config: RunningConfig;
  readonly keys?: KeyRing;
  readonly trustpoint?: string;
}

export type CommandNode = Node<Session, ConfigView>;

const PROMPT_SUFFIX: Readonly<Record<Mode, string>> = {
  exec: '>',
  privileged: '#',
  config: '(config)#',
  'ca-trustpoint': '(ca-trustpoint)#',
  'cert-chain': '(config-cert-chain)#',
};

export function promptFor(mode: Mode, hostname: string): string {
  return hostname + PROMPT_SUFFIX[mode];
}

// ---- exec and privileged ---------------------------------------------------------------

/** IOS lets three wrong passwords through before giving up. */
const ENABLE_TRIES = 3;

function enable(s: Session): void {
  const { enableSecret, enablePassword } = s.ctx.config;
  // The secret wins over the password when both are set, as in IOS.
  const stored = enableSecret ?? enablePassword;
  if (!stored || !s.interactive) {
    s.mode = 'privileged';
    return;
  }
  let tries = 0;
  const question: Question = {
    prompt: 'Password: ',
    secret: true,
    answer: (line) => {
      if (verifyPassword(stored, line)) s.mode = 'privileged';
      else if (++tries < ENABLE_TRIES) s.ask(question);
      else s.ctx.print('% Bad secrets\n\n');
    },
  };
  s.ask(question);
}

async function save(s: Session): Promise<void> {
  s.ctx.print('Building configuration...\n');
  await s.ctx.save();
  s.ctx.print('[OK]\n');
}

/** A show block; an empty one (no keys, no certificates) prints nothing, as IOS. */
const print = (s: Session, text: string): void => {
  if (text !== '') s.ctx.print(text.endsWith('\n') ? text : `${text}\n`);
};

const SHOW: CommandNode = kw('show', 'Show running system information', [
  kw('crypto', 'Encryption module', [
    kw('ca', 'Show certification authority policy', [
      kw('certificates', 'Show certificates', {
        run: (s) => print(s, showCryptoCaCertificates(s.ctx.keys)),
        children: [kw('verbose', 'Display in verbose mode', { run: (s) => print(s, showCryptoCaCertificates(s.ctx.keys, true)) })],
      }),
      kw('crls', 'Show certificate revocation lists', { run: (s) => print(s, showCryptoCaCrls(s.ctx.status().crls ?? [])) }),
      kw('trustpoints', 'Show trustpoints', { run: (s) => print(s, showCryptoCaTrustpoints(s.ctx.config, s.ctx.keys)) }),
    ]),
    kw('key', 'Show long term public keys', [
      kw('mypubkey', 'Show public keys associated with this router', [kw('rsa', 'Show RSA public keys', { run: (s) => print(s, showCryptoKeyMypubkeyRsa(s.ctx.keys)) })]),
    ]),
  ]),
  kw('inventory', 'Show the physical inventory', {
    run: (s) => print(s, 'NAME: "ssl3", DESCR: "SSL 3.0 HTTP/HTTPS server and client, in software"\n'),
  }),
  kw('ip', 'IP information', [
    kw('http', 'HTTP information', [
      kw('client', 'HTTP client information', [
        kw('secure', 'HTTP client secure information', [kw('status', 'HTTP client secure status', { run: (s) => print(s, showHttpClientSecureStatus(s.ctx.config)) })]),
      ]),
      kw('server', 'HTTP server information', [
        kw('secure', 'HTTP secure server information', [kw('status', 'HTTP secure server status', { run: (s) => print(s, showHttpServerSecureStatus(s.ctx.config)) })]),
        // The guide's transcript: this block, unlike the secure one, has an empty line before and after it.
        kw('status', 'HTTP server status', { run: (s) => print(s, `\n${showHttpServerStatus(s.ctx.config)}\n`) }),
      ]),
    ]),
  ]),
  kw('running-config', 'Current operating configuration', { run: (s) => print(s, showRunningConfig(s.ctx.config, s.ctx.keys)) }),
  kw('startup-config', 'Contents of startup configuration', { run: async (s) => print(s, showStartupConfig(await s.ctx.readStartupConfig())) }),
]);

const close = (s: Session): void => s.close();

const EXEC: readonly CommandNode[] = [
  kw('enable', 'Turn on privileged commands', { run: enable }),
  kw('exit', 'Exit from the EXEC', { run: close }),
  kw('logout', 'Exit from the EXEC', { run: close }),
  SHOW,
];

const COPY_TO: readonly CommandNode[] = [
  kw('nvram:startup-config', 'Copy to nvram: file system', { run: save }),
  kw('startup-config', 'Copy to startup configuration', { run: save }),
];

const COPY: CommandNode = kw('copy', 'Copy from one file to another', [
  kw('running-config', 'Copy from current system configuration', COPY_TO),
  kw('system:running-config', 'Copy from system: file system', COPY_TO),
  arg('url', 'source', 'Copy from an https:// URL (the HTTPS client)', [arg('word', 'destination', 'flash:[NAME]', { run: copyUrl })]),
]);

const WRITE: CommandNode = kw('write', 'Write running configuration to memory or terminal', {
  run: save,
  children: [
    kw('memory', 'Write to NV memory', { run: save }),
    kw('terminal', 'Write to terminal', { run: (s) => print(s, showRunningConfig(s.ctx.config, s.ctx.keys)) }),
  ],
});

/** What `do` runs from configuration mode: the privileged commands that do not change mode. */
const EXEC_COMMANDS: readonly CommandNode[] = [COPY, SHOW, WRITE];

const PRIVILEGED: readonly CommandNode[] = [
  kw('configure', 'Enter configuration mode', [
    kw('terminal', 'Configure from the terminal', {
      run: (s) => {
        s.ctx.print('Enter configuration commands, one per line. End with CNTL/Z.\n');
        s.mode = 'config';
      },
    }),
  ]),
  kw('disable', 'Turn off privileged commands', { run: (s) => void (s.mode = 'exec') }),
  kw('exit', 'Exit from the EXEC', { run: close }),
  kw('logout', 'Exit from the EXEC', { run: close }),
  ...EXEC_COMMANDS,
];

// ---- configuration modes ---------------------------------------------------------------

const toPrivileged = (s: Session): void => {
  s.mode = 'privileged';
  s.trustpoint = undefined;
};

const leaveSubMode = (s: Session): void => {
  s.mode = 'config';
  s.trustpoint = undefined;
};

const CONFIG: readonly CommandNode[] = mergeNodes<Session, ConfigView>(CONFIGURATION_COMMANDS, [
  kw('do', 'To run exec commands in config mode', { pure: true, children: EXEC_COMMANDS }),
  kw('end', 'Exit from configure mode', { pure: true, run: toPrivileged }),
  kw('exit', 'Exit from configure mode', { pure: true, run: toPrivileged }),
  negation(),
]);

const TRUSTPOINT: readonly CommandNode[] = mergeNodes<Session, ConfigView>(TRUSTPOINT_COMMANDS, [
  kw('end', 'Exit from configure mode', { pure: true, run: toPrivileged }),
  kw('exit', 'Exit from ca-trustpoint configuration mode', { pure: true, run: leaveSubMode }),
  negation(),
]);

const CERT_CHAIN: readonly CommandNode[] = mergeNodes<Session, ConfigView>(CERT_CHAIN_COMMANDS, [
  kw('end', 'Exit from configure mode', { pure: true, run: toPrivileged }),
  kw('exit', 'Exit from certificate chain mode', { pure: true, run: leaveSubMode }),
  negation(),
]);

/** Every mode's commands; a trustpoint line that is not a trustpoint command is a configuration command. */
export const COMMAND_MODES: Readonly<Record<Mode, CommandMode<Session, Mode, ConfigView>>> = {
  exec: { roots: EXEC },
  privileged: { roots: PRIVILEGED },
  config: { roots: CONFIG },
  'ca-trustpoint': { roots: TRUSTPOINT, parent: 'config' },
  'cert-chain': { roots: CERT_CHAIN, parent: 'config' },
};

/** Modes whose commands change the configuration (the console applies it after each one). */
export function isConfigMode(mode: Mode): boolean {
  return mode === 'config' || mode === 'ca-trustpoint' || mode === 'cert-chain';
}
