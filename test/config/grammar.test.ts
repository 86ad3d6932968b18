/**
 * The IOS command-tree engine (src/config/grammar.ts) on a small table of its own, so each
 * matching rule is seen apart from the real commands: abbreviation, exact-match priority,
 * ambiguity, invalid input with its caret, incomplete commands, argument kinds and ranges,
 * keyword sets, `no` forms, `?` help, completion and the sub-mode fallback.
 */
import { describe, expect, it } from 'vitest';
import {
  arg,
  complete,
  formatParseError,
  help,
  keywordSet,
  kw,
  mergeNodes,
  negation,
  num,
  parse,
  parseInMode,
  type Args,
  type CommandMode,
  type Node,
  type ParseOutcome,
} from '../../src/config/grammar.js';

/** The env is a log of what ran. */
type Log = string[];
const mark =
  (name: string) =>
  (log: Log, a: Args): void =>
    void log.push(name, ...(a.get('v') !== undefined ? [a.str('v')] : []));

const ROOTS: readonly Node<Log>[] = [
  kw('show', 'Show running system information', [
    kw('inventory', 'Show the physical inventory', { run: mark('inventory') }),
    kw('ip', 'IP information', [
      kw('http', 'HTTP information', [
        kw('server', 'HTTP server information', [
          kw('secure', 'HTTP secure server information', [kw('status', 'HTTP secure server status', { run: mark('secure-status') })]),
          kw('status', 'HTTP server status', { run: mark('status') }),
        ]),
      ]),
    ]),
  ]),
  kw('crypto', 'Encryption module', [
    kw('ca', 'Certification authority', [
      kw('enroll', 'Request a certificate', [arg('word', 'v', 'Name', { run: mark('enroll') })]),
      kw('enrollment', 'Request a certificate', [arg('word', 'v', 'Name', { run: mark('enrollment') })]),
    ]),
  ]),
  kw('port', 'Set the port', { no: mark('no-port'), children: [num('v', 1, 65535, 'Port number', { run: mark('port') })] }),
  kw('path', 'Set the path', [arg('line', 'v', 'Path name', { run: mark('path') })]),
  kw('acl', 'Access entry', [
    arg('ipv4', 'v', 'Address to match', { run: mark('acl'), children: [arg('ipv4', 'wildcard', 'Wildcard bits', { run: mark('acl-wild') })] }),
    kw('any', 'Any source host', { run: mark('acl-any') }),
  ]),
  kw('url', 'A URL', [arg('url', 'v', 'The URL', { run: mark('url') })]),
  kw('suites', 'Cipher suites', {
    no: mark('no-suites'),
    children: [
      keywordSet(
        'suites',
        [
          { word: 'alpha', help: 'First' },
          { word: 'beta', help: 'Second' },
          { word: 'gamma', help: 'Third' },
        ],
        'Suites',
        { run: (log, a) => void log.push('suites', ...a.list('suites')) },
      ),
    ],
  }),
  kw('server', 'Enable the server', { run: mark('server'), no: mark('no-server') }),
  kw('do', 'Run an exec command', { pure: true, children: [kw('write', 'Save', { run: mark('write') })] }),
  negation(),
];

/** Parses and, when it parsed, runs: what ran, or the error. */
function run(line: string, roots: readonly Node<Log>[] = ROOTS): { log: Log; outcome: ParseOutcome<Log> } {
  const outcome = parse(roots, line);
  const log: Log = [];
  if (outcome.ok) void outcome.handler(log, outcome.args);
  return { log, outcome };
}

const ran = (line: string): Log => {
  const r = run(line);
  if (!r.outcome.ok) throw new Error(`'${line}' did not parse: ${r.outcome.error}`);
  return r.log;
};

const failure = (line: string) => {
  const o = parse(ROOTS, line);
  return o.ok ? 'ok' : o;
};

describe('matching', () => {
  it('takes unique prefixes of keywords, in any case', () => {
    expect(ran('sh ip ht ser sec st')).toEqual(['secure-status']);
    expect(ran('SHOW IP HTTP SERVER STATUS')).toEqual(['status']);
    expect(ran('  show   inv  ')).toEqual(['inventory']);
  });

  it('lets an exact keyword win over a longer keyword it is a prefix of', () => {
    expect(ran('crypto ca enroll TP1')).toEqual(['enroll', 'TP1']);
    expect(ran('crypto ca enrollm TP1')).toEqual(['enrollment', 'TP1']);
    expect(failure('crypto ca enr TP1')).toEqual({ ok: false, error: 'ambiguous' });
  });

  it('reports an ambiguous abbreviation anywhere in the line', () => {
    expect(failure('s')).toEqual({ ok: false, error: 'ambiguous' });
    expect(failure('show i')).toEqual({ ok: false, error: 'ambiguous' });
    expect(failure('show i http')).toEqual({ ok: false, error: 'ambiguous' });
  });

  it('reports invalid input at the first character of the word nothing accepts', () => {
    expect(failure('show ip htp server status')).toEqual({ ok: false, error: 'invalid', column: 8 });
    expect(failure('bogus')).toEqual({ ok: false, error: 'invalid', column: 0 });
    // A word after a complete command is invalid too.
    expect(failure('server now')).toEqual({ ok: false, error: 'invalid', column: 7 });
  });

  it('reports a command that stops too early as incomplete', () => {
    expect(failure('show ip')).toEqual({ ok: false, error: 'incomplete' });
    expect(failure('port')).toEqual({ ok: false, error: 'incomplete' });
    expect(failure('suites')).toEqual({ ok: false, error: 'incomplete' });
  });

  it('checks number ranges, and a number out of range is invalid input at that word', () => {
    expect(ran('port 1')).toEqual(['port', '1']);
    expect(ran('port 65535')).toEqual(['port', '65535']);
    expect(failure('port 0')).toEqual({ ok: false, error: 'invalid', column: 5 });
    expect(failure('port 65536')).toEqual({ ok: false, error: 'invalid', column: 5 });
    expect(failure('port 8o')).toEqual({ ok: false, error: 'invalid', column: 5 });
  });

  it('takes the rest of the line for LINE, inner spaces kept', () => {
    expect(ran('path  flash:/web  pages/ ')).toEqual(['path', 'flash:/web  pages/']);
  });

  it('accepts only dotted-quad IPv4 addresses for A.B.C.D', () => {
    expect(ran('acl 10.0.0.0')).toEqual(['acl', '10.0.0.0']);
    const r = run('acl 10.0.0.0 0.0.0.255');
    expect(r.log).toEqual(['acl-wild', '10.0.0.0']);
    expect(r.outcome.ok && r.outcome.args.str('wildcard')).toBe('0.0.0.255');
    expect(failure('acl 10.0.0.256')).toEqual({ ok: false, error: 'invalid', column: 4 });
    expect(failure('acl 10.0.0')).toEqual({ ok: false, error: 'invalid', column: 4 });
    expect(ran('acl an')).toEqual(['acl-any']);
  });

  it('accepts only scheme://... for URL', () => {
    expect(ran('url http://ca.example.com:8080/scep')).toEqual(['url', 'http://ca.example.com:8080/scep']);
    expect(failure('url ca.example.com')).toEqual({ ok: false, error: 'invalid', column: 4 });
  });

  it('takes keyword sets in any order, each keyword once', () => {
    expect(ran('suites gamma al')).toEqual(['suites', 'gamma', 'alpha']);
    expect(ran('suites beta')).toEqual(['suites', 'beta']);
    expect(failure('suites alpha alpha')).toEqual({ ok: false, error: 'invalid', column: 13 });
    expect(failure('suites alpha delta')).toEqual({ ok: false, error: 'invalid', column: 13 });
  });

  it('runs no forms, passing deeper words to the nearest no handler', () => {
    expect(ran('no server')).toEqual(['no-server']);
    expect(ran('no port')).toEqual(['no-port']);
    expect(ran('no port 8080')).toEqual(['no-port', '8080']);
    expect(ran('no suites alpha')).toEqual(['no-suites']);
    // Commands without a no form are not there after `no`, and `no` does not nest.
    expect(failure('no show inventory')).toEqual({ ok: false, error: 'invalid', column: 3 });
    expect(failure('no no server')).toEqual({ ok: false, error: 'invalid', column: 3 });
    expect(failure('no')).toEqual({ ok: false, error: 'incomplete' });
  });

  it('marks what runs under a pure node as pure', () => {
    const a = parse(ROOTS, 'do wr');
    const b = parse(ROOTS, 'server');
    expect(a.ok && a.pure).toBe(true);
    expect(b.ok && b.pure).toBe(false);
  });
});

describe('formatParseError', () => {
  it("prints IOS's three messages", () => {
    expect(formatParseError({ error: 'ambiguous' }, '  sh i ')).toBe('% Ambiguous command:  "sh i"\n');
    expect(formatParseError({ error: 'incomplete' }, 'show ip')).toBe('% Incomplete command.\n');
    expect(formatParseError({ error: 'invalid', column: 8 }, 'show ip htp')).toBe("        ^\n% Invalid input detected at '^' marker.\n");
  });

  it('shifts the caret by the indent (a prompt before the line)', () => {
    expect(formatParseError({ error: 'invalid', column: 8 }, 'show ip htp', 'Router# '.length)).toBe(`${' '.repeat(16)}^\n% Invalid input detected at '^' marker.\n`);
  });
});

describe('? help', () => {
  it('lists what may follow, in aligned columns, then an empty line', () => {
    expect(help(ROOTS, 'show ')).toBe('  inventory  Show the physical inventory\n  ip         IP information\n\n');
    expect(help(ROOTS, 'sh ip http server ')).toBe('  secure  HTTP secure server information\n  status  HTTP server status\n\n');
  });

  it('lists arguments first with their IOS labels, and <cr> where the command can end', () => {
    expect(help(ROOTS, 'port ')).toBe('  <1-65535>  Port number\n\n');
    expect(help(ROOTS, 'acl ')).toBe('  A.B.C.D  Address to match\n  any      Any source host\n\n');
    expect(help(ROOTS, 'acl 10.0.0.0 ')).toBe('  A.B.C.D  Wildcard bits\n  <cr>\n\n');
    expect(help(ROOTS, 'path ')).toBe('  LINE  Path name\n\n');
    expect(help(ROOTS, 'url ')).toBe('  URL  The URL\n\n');
    expect(help(ROOTS, 'show inventory ')).toBe('  <cr>\n\n');
  });

  it('lists the keywords a set has left, with <cr> once one was given', () => {
    expect(help(ROOTS, 'suites ')).toBe('  alpha  First\n  beta   Second\n  gamma  Third\n\n');
    expect(help(ROOTS, 'suites beta ')).toBe('  alpha  First\n  gamma  Third\n  <cr>\n\n');
  });

  it('lists after no only what has a no form', () => {
    expect(help(ROOTS, 'no ')).toBe('  port    Set the port\n  server  Enable the server\n  suites  Cipher suites\n\n');
    expect(help(ROOTS, 'no port ')).toBe('  <1-65535>  Port number\n  <cr>\n\n');
  });

  it('lists the completions of a partial word (`sh?`)', () => {
    expect(help(ROOTS, 'sh')).toBe('show\n\n');
    expect(help(ROOTS, 's')).toBe('server  show  suites\n\n');
    expect(help(ROOTS, 'port 8')).toBe('<1-65535>\n\n');
    expect(help(ROOTS, 'xyz')).toBe('% Unrecognized command\n');
  });

  it('reports an error before the ?', () => {
    expect(help(ROOTS, 'show ipx ', 8)).toBe(`${' '.repeat(13)}^\n% Invalid input detected at '^' marker.\n`);
    expect(help(ROOTS, 'show i ')).toBe('% Ambiguous command:  "show i"\n');
  });
});

describe('complete', () => {
  it('offers the keywords the last word may become', () => {
    expect(complete(ROOTS, 'sh')).toEqual(['show']);
    expect(complete(ROOTS, 'show i')).toEqual(['inventory', 'ip']);
    expect(complete(ROOTS, 'SH IP HTTP SERVER S')).toEqual(['secure', 'status']);
    expect(complete(ROOTS, 'show ')).toEqual(['inventory', 'ip']);
    expect(complete(ROOTS, 'suites beta ')).toEqual(['alpha', 'gamma']);
  });

  it('offers nothing after a bad word or for an argument', () => {
    expect(complete(ROOTS, 'shw i')).toEqual([]);
    expect(complete(ROOTS, 'port ')).toEqual([]);
    expect(complete(ROOTS, 'path a')).toEqual([]);
  });
});

describe('mergeNodes', () => {
  it('joins keywords defined in several lists', () => {
    const merged = mergeNodes<Log>([kw('ip', 'IP', [kw('a', 'A', { run: mark('a') })])], [kw('ip', 'IP', [kw('b', 'B', { run: mark('b') })])]);
    expect(merged).toHaveLength(1);
    expect(run('ip a', merged).log).toEqual(['a']);
    expect(run('ip b', merged).log).toEqual(['b']);
  });

  it('refuses a command defined twice', () => {
    expect(() => mergeNodes<Log>([kw('x', 'X', { run: mark('1') })], [kw('x', 'X', { run: mark('2') })])).toThrow(/defined twice/);
  });
});

describe('parseInMode', () => {
  type M = 'top' | 'sub';
  const modes: Record<M, CommandMode<Log, M>> = {
    top: { roots: [kw('server', 'Enable', { run: mark('server') }), kw('name', 'Name', [arg('word', 'v', 'Name', { run: mark('name') })])] },
    sub: { roots: [kw('primary', 'Primary', { run: mark('primary') }), kw('crl', 'CRL', [kw('optional', 'Optional', { run: mark('crl') })])], parent: 'top' },
  };

  it('parses in the mode itself first', () => {
    const r = parseInMode(modes, 'sub', 'prim');
    expect(r.mode).toBe('sub');
    expect(r.outcome.ok).toBe(true);
  });

  it("falls back to the parent mode, and says so", () => {
    const r = parseInMode(modes, 'sub', 'server');
    expect(r.mode).toBe('top');
    expect(r.outcome.ok).toBe(true);
  });

  it('reports the error of the mode that got furthest', () => {
    expect(parseInMode(modes, 'sub', 'crl').outcome).toEqual({ ok: false, error: 'incomplete' });
    expect(parseInMode(modes, 'sub', 'name').outcome).toEqual({ ok: false, error: 'incomplete' });
    expect(parseInMode(modes, 'sub', 'crl bogus').outcome).toEqual({ ok: false, error: 'invalid', column: 4 });
    expect(parseInMode(modes, 'sub', 'bogus').outcome).toEqual({ ok: false, error: 'invalid', column: 0 });
    expect(parseInMode(modes, 'sub', 'bogus').mode).toBe('sub');
  });
});
