/**
 * Global configuration commands outside `ip http` and `crypto` (docs/ios-configuration.md): the
 * names that make the FQDN of keys and certificates (`hostname`, `ip domain-name`, guide
 * steps 3-4), the passwords `ip http authentication` checks (`enable secret|password`,
 * `username`), and the standard access lists `ip http access-class` applies.
 */
import { formatAccessEntry, parseAccessListCommand, type AccessEntry } from '../http/access-list.js';
import { CommandError } from './context.js';
import { arg, kw, num, type Args, type NvCommand } from './grammar.js';
import { DEFAULT_HOSTNAME, type StoredPassword } from './model.js';
import { lineIf } from './nvgen.js';
import { parseStoredPassword } from './password.js';
import type { CommandNode, Session } from './commands.js';

// IOS: letters, digits and hyphens, starting with a letter and ending with a letter or digit (RFC 1123 label, 63 at most).
const HOSTNAME = /^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function hostname(s: Session, a: Args): void {
  const name = a.str('name');
  if (!HOSTNAME.test(name)) throw new CommandError('% Hostname contains one or more illegal characters.');
  s.ctx.config.hostname = name;
}

function domainName(s: Session, a: Args): void {
  const name = a.str('domain');
  // The domain ends up in certificate names: keep to what DNS allows.
  if (!DOMAIN.test(name)) throw new CommandError('% Domain name contains one or more illegal characters.');
  s.ctx.config.domainName = name.replace(/\.$/, '');
}

const noDomainName = (s: Session): void => void (s.ctx.config.domainName = undefined);

const DOMAIN_ARG: readonly CommandNode[] = [arg('word', 'domain', 'Default domain name', { run: domainName })];

/** The type digits IOS offers after `password` and `secret`; password.ts says which it takes. */
type PasswordType = '0' | '5' | '7' | '8' | '9';
const TYPE_HELP: Readonly<Record<PasswordType, string>> = {
  '0': 'Specifies an UNENCRYPTED password will follow',
  '5': 'Specifies an ENCRYPTED secret will follow',
  '7': 'Specifies a HIDDEN password will follow',
  '8': 'Specifies a PBKDF2 hashed secret will follow',
  '9': 'Specifies a SCRYPT hashed secret will follow',
};
const PASSWORD_TYPES: readonly PasswordType[] = ['0', '7'];
const SECRET_TYPES: readonly PasswordType[] = ['0', '5', '8', '9'];

/** `[TYPE] LINE` after `password` or `secret`: the type keyword, then the text. */
function passwordText(types: readonly PasswordType[], help: string, run: (s: Session, a: Args) => void): CommandNode[] {
  const text: CommandNode = arg('line', 'text', help, { run });
  return [...types.map((t): CommandNode => kw(t, TYPE_HELP[t], { name: 'type', children: [text] })), text];
}

const storedPassword = (kind: 'secret' | 'password', a: Args) => parseStoredPassword(kind, a.get('type'), a.str('text'));

/** A stored password as the `[TYPE] LINE` it is written with: the type too, so reading back never re-hashes a hash. */
const passwordArgs = (p: StoredPassword) => (p.type === 5 ? { type: '5', text: p.hash } : { type: '0', text: p.text });

// The secret is written before the password, as IOS does.
const ENABLE: CommandNode = kw('enable', 'Modify enable password parameters', {
  section: 'enable',
  children: [
    kw('secret', 'Assign the privileged level secret', {
      no: (s) => void (s.ctx.config.enableSecret = undefined),
      children: passwordText(SECRET_TYPES, "The UNENCRYPTED (cleartext) 'enable' secret", (s, a) => void (s.ctx.config.enableSecret = storedPassword('secret', a))),
      // `enable password` has no type 5 form in IOS; a hashed one checks exactly like a secret,
      // which nothing else overrides here, so writing it as one keeps its meaning. Beside a
      // secret it is never consulted (the secret wins), so then it has no line.
      nvgen: ({ config: { enableSecret, enablePassword } }) => {
        const written = enableSecret ?? (enablePassword?.type === 5 ? enablePassword : undefined);
        return written ? [{ args: passwordArgs(written) }] : [];
      },
    }),
    kw('password', 'Assign the privileged level password', {
      no: (s) => void (s.ctx.config.enablePassword = undefined),
      children: passwordText(PASSWORD_TYPES, "The UNENCRYPTED (cleartext) 'enable' password", (s, a) => void (s.ctx.config.enablePassword = storedPassword('password', a))),
      // IOS writes the clear-text enable password without its type digit.
      nvgen: ({ config: { enablePassword: p } }) => (p?.type === 0 ? [{ args: { text: p.text } }] : []),
    }),
  ],
});

/** IOS's privilege level when `username` does not give one. */
const DEFAULT_PRIVILEGE = 1;

function username(s: Session, a: Args): void {
  const name = a.str('user');
  const kind = a.str('kind') as 'secret' | 'password';
  s.ctx.config.users.set(name, { name, privilege: a.optNum('level') ?? DEFAULT_PRIVILEGE, password: storedPassword(kind, a) });
}

const CREDENTIALS: readonly CommandNode[] = [
  kw('password', 'Specify the password for the user', { name: 'kind', children: passwordText(PASSWORD_TYPES, 'The UNENCRYPTED (cleartext) user password', username) }),
  kw('secret', 'Specify the secret for the user', { name: 'kind', children: passwordText(SECRET_TYPES, 'The UNENCRYPTED (cleartext) user secret', username) }),
];

const USERNAME: CommandNode = kw('username', 'Establish User Name Authentication', {
  section: 'username',
  children: [
    arg('word', 'user', 'User name', {
      no: (s, a) => void s.ctx.config.users.delete(a.str('user')),
      children: [kw('privilege', 'Set user privilege level', [num('level', 0, 15, 'User privilege level', CREDENTIALS)]), ...CREDENTIALS],
    }),
  ],
  // In the order configured; the kind follows the type (`secret 5 HASH`, `password 0 TEXT`).
  nvgen: ({ config }) =>
    [...config.users.values()].map((u) => ({
      args: { user: u.name, level: u.privilege === DEFAULT_PRIVILEGE ? undefined : u.privilege, kind: u.password.type === 5 ? 'secret' : 'password', ...passwordArgs(u.password) },
    })),
});

/** The source words of an entry (`any`, `host A.B.C.D`, `A.B.C.D [WILDCARD]`) from the command's arguments. */
const sourceWords = (a: Args): string =>
  a.has('any') ? 'any' : a.has('host') ? `host ${a.str('host-address')}` : [a.str('address'), a.get('wildcard')].filter(Boolean).join(' ');

/** And back: an entry as access-list.ts writes it, as the command's arguments. */
function entryArgs(list: number, e: AccessEntry): NvCommand {
  const [action, first, second] = formatAccessEntry(e).split(' ');
  const source = first === 'any' ? { any: true } : first === 'host' ? { host: true, 'host-address': second } : { address: first, wildcard: second };
  return { args: { list, action, ...source } };
}

function accessList(s: Session, a: Args): void {
  const n = a.num('list');
  // access-list.ts owns what an entry means (wildcard bits cleared from the address, as IOS stores it).
  const { entry } = parseAccessListCommand(`access-list ${n} ${a.str('action')} ${sourceWords(a)}`);
  const list = s.ctx.config.accessLists.get(n);
  if (list) list.push(entry);
  else s.ctx.config.accessLists.set(n, [entry]);
}

const ACCESS_SOURCE: readonly CommandNode[] = [
  arg('ipv4', 'address', 'Address to match', { run: accessList, children: [arg('ipv4', 'wildcard', 'Wildcard bits', { run: accessList })] }),
  kw('any', 'Any source host', { run: accessList }),
  kw('host', 'A single host address', [arg('ipv4', 'host-address', 'Host address', { run: accessList })]),
];

const ACCESS_ACTIONS: readonly CommandNode[] = [
  kw('deny', 'Specify packets to reject', { name: 'action', children: ACCESS_SOURCE }),
  kw('permit', 'Specify packets to forward', { name: 'action', children: ACCESS_SOURCE }),
];

// `no access-list N` removes the whole list, whatever follows N (as IOS does).
const removeList = (s: Session, a: Args): void => void s.ctx.config.accessLists.delete(a.num('list'));

const ACCESS_LIST: CommandNode = kw('access-list', 'Add an access list entry', {
  section: 'access-list',
  children: [
    num('list', 1, 99, 'IP standard access list', { no: removeList, children: ACCESS_ACTIONS }),
    num('list', 1300, 1999, 'IP standard access list (expanded range)', { no: removeList, children: ACCESS_ACTIONS }),
  ],
  // IOS lists access lists by number, whatever order they were created in.
  nvgen: ({ config: { accessLists } }) =>
    [...accessLists.keys()].sort((a, b) => a - b).flatMap((n) => accessLists.get(n)!.map((e) => entryArgs(n, e))),
});

export const GLOBAL_COMMANDS: readonly CommandNode[] = [
  ACCESS_LIST,
  ENABLE,
  kw('hostname', "Set system's network name", {
    no: (s) => void (s.ctx.config.hostname = DEFAULT_HOSTNAME),
    children: [arg('word', 'name', "This system's network name", { run: hostname })],
    section: 'hostname',
    // IOS always writes the host name, even the default one.
    nvgen: ({ config }) => [{ args: { name: config.hostname } }],
  }),
  kw('ip', 'Global IP configuration subcommands', [
    // `ip domain name` is the same setting: it is written once, as `ip domain-name`.
    kw('domain', 'IP DNS Resolver', [kw('name', 'Define the default domain name', { no: noDomainName, children: DOMAIN_ARG })]),
    kw('domain-name', 'Define the default domain name', {
      no: noDomainName,
      children: DOMAIN_ARG,
      section: 'domain',
      nvgen: ({ config }) => lineIf(config.domainName !== undefined, { domain: config.domainName }),
    }),
  ]),
  USERNAME,
];
