/**
 * The NVGEN walk (src/config/nvgen.ts) on a small table of its own, so each rule is seen apart
 * from the real commands: a hook's arguments find their words (the keywords above the hook, then
 * the shortest way below it that uses every argument), named keywords and number ranges pick
 * their branch, `true` forces a keyword, sets and LINE arguments, no forms (at a node with a no
 * handler or below one), bodies one space in, sections in the mode's order with a block for
 * each command with a body, and the table mistakes that throw.
 */
import { describe, expect, it } from 'vitest';
import { arg, keywordSet, kw, negation, num, type Node, type NvCommand } from '../../src/config/grammar.js';
import { commandLine, lineIf, nvgenBlocks, nvgenLines } from '../../src/config/nvgen.js';

/** The view is the commands each hook writes, by the hook's name. */
type View = Readonly<Record<string, readonly NvCommand[]>>;
const hook = (name: string) => (v: View) => v[name] ?? [];
const run = () => undefined;

const USER_TAIL: readonly Node<unknown, View>[] = [
  kw('password', 'P', { name: 'kind', children: [kw('0', 'clear', { name: 'type', children: [arg('line', 'text', 'T', { run })] }), arg('line', 'text', 'T', { run })] }),
];

const ROOTS: readonly Node<unknown, View>[] = [
  kw('hostname', 'H', { section: 'names', nvgen: hook('hostname'), children: [arg('word', 'name', 'N', { run })] }),
  kw('user', 'U', {
    section: 'names',
    nvgen: hook('user'),
    children: [arg('word', 'user', 'U', { no: run, children: [kw('privilege', 'P', [num('level', 0, 15, 'L', USER_TAIL)]), ...USER_TAIL] })],
  }),
  kw('list', 'L', {
    section: 'lists',
    nvgen: hook('list'),
    children: [num('low', 1, 99, 'low', [kw('any', 'A', { run }), arg('ipv4', 'address', 'A', { run, children: [arg('ipv4', 'mask', 'M', { run })] })]), num('high', 1300, 1999, 'high', [kw('any', 'A', { run })])],
  }),
  kw('server', 'S', { section: 'server', run, no: run, nvgen: hook('server') }),
  kw('suites', 'S', { section: 'server', nvgen: hook('suites'), children: [keywordSet('suites', [{ word: 'a', help: 'A' }, { word: 'b', help: 'B' }, { word: 'c', help: 'C' }], 'S', { run })] }),
  kw('block', 'B', { section: 'blocks', nvgen: hook('block'), children: [arg('word', 'name', 'N', { run })] }),
  kw('cert', 'C', { section: 'blocks', nvgen: hook('cert'), children: [kw('ca', 'CA', [arg('word', 'serial', 'S', { run })]), arg('word', 'serial', 'S', { run })] }),
  kw('timeout', 'T', {
    section: 'server',
    no: run,
    nvgen: hook('timeout'),
    children: [kw('idle', 'I', [num('idle', 1, 600, 'I', [kw('life', 'L', [num('life', 1, 600, 'L', { run })])])])],
  }),
  negation(),
  kw('end', 'E', { pure: true, run, nvgen: () => [{}] }),
];

const SECTIONS = ['names', 'blocks', 'server', 'lists'];

/** The one line a hook writes. */
function line(name: string, command: NvCommand): string {
  const path = [ROOTS.find((n) => n.kind === 'keyword' && n.word === name)!];
  return commandLine(path, command);
}

describe('commandLine', () => {
  it('writes the keywords above the hook and the argument values below it', () => {
    expect(line('hostname', { args: { name: 'edge1' } })).toBe('hostname edge1');
  });

  it('takes the shortest way that uses every argument: an optional keyword only when its argument is given', () => {
    expect(line('user', { args: { user: 'a', kind: 'password', type: '0', text: 'x y' } })).toBe('user a password 0 x y');
    expect(line('user', { args: { user: 'a', level: 15, kind: 'password', text: 'x' } })).toBe('user a privilege 15 password x');
    // undefined and false are not on the line.
    expect(line('user', { args: { user: 'a', level: undefined, kind: 'password', type: undefined, text: 'x' } })).toBe('user a password x');
  });

  it('a number goes to the node whose range takes it; a keyword typed on its own is asked for with true', () => {
    expect(line('list', { args: { low: 5, any: true } })).toBe('list 5 any');
    expect(line('list', { args: { high: 1300, any: true } })).toBe('list 1300 any');
    expect(line('list', { args: { low: 5, address: '10.0.0.0', mask: '0.0.0.255' } })).toBe('list 5 10.0.0.0 0.0.0.255');
    expect(line('cert', { args: { serial: '01' } })).toBe('cert 01');
    expect(line('cert', { args: { serial: '01', ca: true } })).toBe('cert ca 01');
    expect(line('cert', { args: { serial: '01', ca: false } })).toBe('cert 01');
  });

  it("a set's words in the order given; keywords inside a command between its arguments", () => {
    expect(line('suites', { args: { suites: ['c', 'a'] } })).toBe('suites c a');
    expect(line('timeout', { args: { idle: 30, life: 60 } })).toBe('timeout idle 30 life 60');
  });

  it('the no form, at a node with a no handler or below one', () => {
    expect(line('server', { no: true })).toBe('no server');
    expect(line('timeout', { no: true })).toBe('no timeout');
    expect(line('user', { no: true, args: { user: 'a' } })).toBe('no user a');
  });

  it('throws for what the table cannot write: a mistake in a hook, not a state to hide', () => {
    // Out of every range, a word with a space, an argument nothing takes, a missing one, a set word not in the set.
    expect(() => line('list', { args: { low: 100, any: true } })).toThrow(/nvgen: no command under 'list' writes/);
    expect(() => line('hostname', { args: { name: 'two words' } })).toThrow(/nvgen/);
    expect(() => line('hostname', { args: { name: 'a', extra: 1 } })).toThrow(/nvgen/);
    expect(() => line('timeout', { args: { idle: 30 } })).toThrow(/nvgen/);
    expect(() => line('suites', { args: { suites: ['d'] } })).toThrow(/nvgen/);
    expect(() => line('suites', { args: { suites: [] } })).toThrow(/nvgen/);
    // A no form where the command has none.
    expect(() => line('hostname', { no: true, args: { name: 'a' } })).toThrow(/nvgen/);
  });
});

describe('nvgenBlocks', () => {
  const view: View = {
    hostname: [{ args: { name: 'r1' } }],
    user: [{ args: { user: 'b', kind: 'password', text: 'x' } }],
    list: [{ args: { high: 1999, any: true } }],
    server: [{ no: true }],
    suites: lineIf(true, { suites: ['a'] }),
    block: [
      { args: { name: 'one' }, body: [] },
      { args: { name: 'two' }, body: [] },
      { args: { name: 'three' }, body: ['inner line', ' deeper'] },
    ],
    cert: lineIf(false, { serial: '01' }),
  };

  it("sections in the mode's order, plain lines together, each command with a body (even an empty one) a block of its own", () => {
    expect(nvgenBlocks(ROOTS, view, SECTIONS)).toEqual([
      ['hostname r1', 'user b password x'],
      ['block one'],
      ['block two'],
      ['block three', ' inner line', '  deeper'],
      ['no server', 'suites a'],
      ['list 1999 any'],
    ]);
  });

  it('no lines, no blocks; `no` and pure nodes write nothing of their own', () => {
    expect(nvgenBlocks(ROOTS, {}, SECTIONS)).toEqual([]);
  });

  it('a hook in no section of the order is a mistake in the table', () => {
    expect(() => nvgenBlocks(ROOTS, view, ['names', 'blocks', 'server'])).toThrow("nvgen: 'list' is in no section of the write order (lists)");
    expect(() => nvgenBlocks([kw('x', 'X', { run, nvgen: () => [] })], view, SECTIONS)).toThrow('(none)');
  });

  it("nvgenLines: a sub-mode's lines in tree order, for the body of the command that enters it", () => {
    expect(nvgenLines(ROOTS, view)).toEqual(['hostname r1', 'user b password x', 'list 1999 any', 'no server', 'suites a', 'block one', 'block two', 'block three', ' inner line', '  deeper']);
  });
});
