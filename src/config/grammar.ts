/**
 * An IOS-style command tree engine: the one table (commands.ts) serves the config-file loader,
 * the console, `?` help and Tab completion (docs/ios-configuration.md: "unique-prefix abbreviation,
 * `?` help, `no` forms, `do`", and the error forms of the feature guide's transcripts).
 *
 * IOS's matching rules, reproduced here:
 * - keywords match case-insensitively by unique prefix (`conf t`, `sh ip http ser sec st`);
 *   a word equal to a keyword takes it even when it is also a prefix of another one
 *   (`crypto ca enroll` vs `enrollment`), and a prefix of two keywords is ambiguous;
 * - a word nothing accepts (a number out of range included) is "invalid input" at that word,
 *   shown with a caret under its first character;
 * - a command that stops before a node that can run is "incomplete".
 * A sub-mode falls back to its parent mode for a line it cannot parse, as IOS does, so a
 * config file needs no `exit` after a trustpoint block (parseInMode).
 *
 * The same table writes the configuration back: a node's nvgen hook says which lines its
 * command's setting takes (NvCommand), and nvgen.ts walks the tree to spell them.
 */
import { parseIPv4 } from '../util/ipv4.js';

export type Handler<E> = (env: E, args: Args) => void | Promise<void>;

interface NodeBase<E, V> {
  /** The text `?` shows beside the keyword or argument. */
  readonly help: string;
  readonly children?: readonly Node<E, V>[];
  /** The command can end here. */
  readonly run?: Handler<E>;
  /** The `no` form can end here; deeper words of a `no` line are accepted and passed along. */
  readonly no?: Handler<E>;
  /** This node and everything under it leaves the configuration alone (no apply afterwards). */
  readonly pure?: boolean;
  /** How the command writes its current setting into the configuration text (IOS's NVGEN; nvgen.ts walks them). */
  readonly nvgen?: Nvgen<V>;
  /** The part of the configuration text this node's commands, and those below it, are written in (nvgen.ts). */
  readonly section?: string;
}

export interface KeywordNode<E, V = unknown> extends NodeBase<E, V> {
  readonly kind: 'keyword';
  readonly word: string;
  /** Store the keyword under this argument name (`{permit | deny}` -> action). */
  readonly name?: string;
  /** `no`: what follows is a command of the same mode, parsed for its no form. */
  readonly negate?: boolean;
}

export interface ArgNode<E, V = unknown> extends NodeBase<E, V> {
  /** WORD: one word; LINE: the rest of the line; A.B.C.D: an IPv4 address; URL: scheme://... */
  readonly kind: 'word' | 'line' | 'ipv4' | 'url';
  readonly name: string;
}

export interface NumberNode<E, V = unknown> extends NodeBase<E, V> {
  readonly kind: 'number';
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** One or more of these keywords, in any order, each at most once (`ip http secure-ciphersuite ...`). */
export interface SetNode<E, V = unknown> extends NodeBase<E, V> {
  readonly kind: 'set';
  readonly name: string;
  readonly options: readonly { readonly word: string; readonly help: string }[];
}

export type Node<E, V = unknown> = KeywordNode<E, V> | ArgNode<E, V> | NumberNode<E, V> | SetNode<E, V>;

/** What an argument holds on a written line: a number or a word; a keyword set's words; `true` for a keyword typed on its own. */
export type NvValue = string | number | boolean | readonly string[];

/**
 * One line a command writes of itself (IOS's nv_write): its arguments, not its words. nvgen.ts
 * finds the words in the table, so a command's text is spelled only there.
 */
export interface NvCommand {
  /**
   * By the names the table gives them, as Args holds them after the line is parsed: argument
   * values, a named keyword's word, and `true` for an unnamed keyword that must be on the line
   * (`certificate ca`). Absent, undefined or false: not on the line.
   */
  readonly args?: Readonly<Record<string, NvValue | undefined>>;
  /** The no form (IOS writes `no ip http server` where images differ in the default). */
  readonly no?: boolean;
  /** Lines that follow the command one space further in: a sub-mode's own lines, or a block's data. */
  readonly body?: readonly string[];
}

/** A command's NVGEN hook: the lines for its current setting in `view`, none when it is at its default. */
export type Nvgen<V> = (view: V) => readonly NvCommand[];

/** What a command line carried: argument values and named keywords by name, other keywords by word. */
export class Args {
  private readonly values = new Map<string, string[]>();
  private readonly keywords = new Set<string>();

  add(name: string, value: string): void {
    const list = this.values.get(name);
    if (list) list.push(value);
    else this.values.set(name, [value]);
  }

  /** A keyword that was typed (by its full word, however it was abbreviated). */
  flag(word: string): void {
    this.keywords.add(word);
  }

  /** Whether the keyword was typed or the argument given. */
  has(name: string): boolean {
    return this.keywords.has(name) || this.values.has(name);
  }

  get(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  /** A value the grammar guarantees: its absence is a bug in the table. */
  str(name: string): string {
    const v = this.get(name);
    if (v === undefined) throw new Error(`grammar: no argument '${name}'`);
    return v;
  }

  num(name: string): number {
    return Number(this.str(name));
  }

  optNum(name: string): number | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : Number(v);
  }

  list(name: string): readonly string[] {
    return this.values.get(name) ?? [];
  }
}

// ---- table builders -------------------------------------------------------------------

export interface Spec<E, V = unknown> {
  readonly children?: readonly Node<E, V>[];
  readonly run?: Handler<E>;
  readonly no?: Handler<E>;
  readonly nvgen?: Nvgen<V>;
  readonly section?: string;
  readonly pure?: boolean;
  readonly name?: string;
}

const spec = <E, V>(s: Spec<E, V> | readonly Node<E, V>[] | undefined): Spec<E, V> => (Array.isArray(s) ? { children: s } : ((s ?? {}) as Spec<E, V>));

export function kw<E, V = unknown>(word: string, help: string, s?: Spec<E, V> | readonly Node<E, V>[]): KeywordNode<E, V> {
  return { kind: 'keyword', word, help, ...spec(s) };
}

export function arg<E, V = unknown>(kind: ArgNode<E, V>['kind'], name: string, help: string, s?: Spec<E, V> | readonly Node<E, V>[]): ArgNode<E, V> {
  return { kind, name, help, ...spec(s) };
}

export function num<E, V = unknown>(name: string, min: number, max: number, help: string, s?: Spec<E, V> | readonly Node<E, V>[]): NumberNode<E, V> {
  return { kind: 'number', name, min, max, help, ...spec(s) };
}

export function keywordSet<E, V = unknown>(name: string, options: SetNode<E, V>['options'], help: string, s?: Spec<E, V> | readonly Node<E, V>[]): SetNode<E, V> {
  return { kind: 'set', name, options, help, ...spec(s) };
}

/** The word that negates a command, for the parser and for the written no forms. */
export const NO_WORD = 'no';

/** `no` at the top of a mode: the rest of the line is that mode's command, in its no form. */
export function negation<E, V = unknown>(help = 'Negate a command or set its defaults'): KeywordNode<E, V> {
  return { kind: 'keyword', word: NO_WORD, help, negate: true };
}

/**
 * Joins node lists that share keywords (`ip domain-name` from one file, `ip http` from
 * another) into one tree, so each area of the table can live in its own file.
 */
export function mergeNodes<E, V = unknown>(...lists: (readonly Node<E, V>[])[]): Node<E, V>[] {
  const out: Node<E, V>[] = [];
  for (const node of lists.flat()) {
    const i = node.kind === 'keyword' ? out.findIndex((n) => n.kind === 'keyword' && n.word === node.word) : -1;
    if (i < 0) {
      out.push(node);
      continue;
    }
    const old = out[i] as KeywordNode<E, V>;
    const kwNode = node as KeywordNode<E, V>;
    if ((old.run && kwNode.run) || (old.no && kwNode.no) || (old.nvgen && kwNode.nvgen) || (old.section && kwNode.section) || old.negate || kwNode.negate) {
      throw new Error(`grammar: '${kwNode.word}' is defined twice`);
    }
    out[i] = {
      ...old,
      run: old.run ?? kwNode.run,
      no: old.no ?? kwNode.no,
      nvgen: old.nvgen ?? kwNode.nvgen,
      section: old.section ?? kwNode.section,
      children: mergeNodes(old.children ?? [], kwNode.children ?? []),
    };
  }
  return out;
}

// ---- matching ---------------------------------------------------------------------------

export interface Token {
  readonly text: string;
  /** Offset of its first character in the line. */
  readonly start: number;
}

export function tokenize(line: string): Token[] {
  return [...line.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index ?? 0 }));
}

/** One thing the next word may be: a node, or one keyword of a set node. */
interface Step<E, V> {
  readonly node: Node<E, V>;
  readonly word?: string;
  readonly help: string;
}

interface State<E, V> {
  steps: Step<E, V>[];
  last?: Step<E, V>;
  negated: boolean;
  inheritedNo?: Handler<E>;
  pure: boolean;
  args: Args;
}

export type ParseError = { readonly error: 'invalid'; readonly column: number } | { readonly error: 'incomplete' } | { readonly error: 'ambiguous' };

export type ParseOutcome<E> = { readonly ok: true; readonly handler: Handler<E>; readonly args: Args; readonly pure: boolean } | ({ readonly ok: false } & ParseError);

const hasNoMemo = new WeakMap<object, boolean>();

/** Whether a no form ends at this node or below it (what `no` may lead to). */
function hasNo<E, V>(node: Node<E, V>): boolean {
  let v = hasNoMemo.get(node);
  if (v === undefined) {
    v = node.no !== undefined || (node.children ?? []).some((c) => hasNo(c));
    hasNoMemo.set(node, v);
  }
  return v;
}

function label<E, V>(node: Node<E, V>): string {
  switch (node.kind) {
    case 'keyword':
      return node.word;
    case 'set':
      return node.name;
    case 'word':
      return 'WORD';
    case 'line':
      return 'LINE';
    case 'ipv4':
      return 'A.B.C.D';
    case 'url':
      return 'URL';
    case 'number':
      return `<${node.min}-${node.max}>`;
  }
}

function expand<E, V>(nodes: readonly Node<E, V>[], st: State<E, V>): Step<E, V>[] {
  const out: Step<E, V>[] = [];
  for (const node of nodes) {
    if (st.negated && st.inheritedNo === undefined && !hasNo(node)) continue;
    if (node.kind === 'set') {
      const used = st.args.list(node.name);
      for (const o of node.options) if (!used.includes(o.word)) out.push({ node, word: o.word, help: o.help });
    } else if (node.kind === 'keyword') {
      if (node.negate && st.negated) continue;
      out.push({ node, word: node.word, help: node.help });
    } else {
      out.push({ node, help: node.help });
    }
  }
  return out;
}

/** Whether an argument node takes this word (a number in range, an address, a URL); keywords are matched apart. */
export function accepts<E, V>(node: Node<E, V>, text: string): boolean {
  switch (node.kind) {
    case 'number':
      return /^\d+$/.test(text) && Number(text) >= node.min && Number(text) <= node.max;
    case 'ipv4':
      return parseIPv4(text) !== undefined;
    case 'url':
      return /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(text);
    case 'word':
    case 'line':
      return true;
    default:
      return false;
  }
}

// The more particular argument kinds are tried first when several sit side by side.
const ARG_ORDER: readonly Node<unknown>['kind'][] = ['number', 'ipv4', 'url', 'word', 'line'];

function matchWord<E, V>(steps: readonly Step<E, V>[], text: string): Step<E, V> | 'ambiguous' | undefined {
  const lower = text.toLowerCase();
  const keywords = steps.filter((s) => s.word !== undefined);
  const exact = keywords.find((s) => s.word!.toLowerCase() === lower);
  if (exact) return exact;
  const prefixed = keywords.filter((s) => s.word!.toLowerCase().startsWith(lower));
  if (prefixed.length === 1) return prefixed[0];
  if (prefixed.length > 1) return 'ambiguous';
  for (const kind of ARG_ORDER) {
    const s = steps.find((x) => x.word === undefined && x.node.kind === kind && accepts(x.node, text));
    if (s) return s;
  }
  return undefined;
}

function advance<E, V>(st: State<E, V>, step: Step<E, V>, token: Token, line: string, roots: readonly Node<E, V>[]): void {
  const node = step.node;
  st.last = step;
  if (node.pure) st.pure = true;
  if (st.negated && node.no) st.inheritedNo = node.no;
  switch (node.kind) {
    case 'keyword':
      if (node.name) st.args.add(node.name, node.word);
      else st.args.flag(node.word);
      if (node.negate) {
        st.negated = true;
        st.steps = expand(roots, st);
        return;
      }
      break;
    case 'set':
      st.args.add(node.name, step.word!);
      st.steps = [...expand([node], st), ...expand(node.children ?? [], st)];
      return;
    case 'line':
      st.args.add(node.name, line.slice(token.start).trimEnd());
      st.steps = [];
      return;
    default:
      st.args.add(node.name, token.text);
  }
  st.steps = expand(node.children ?? [], st);
}

/** Walks the words; on success, the state after the last one. */
function walk<E, V>(roots: readonly Node<E, V>[], tokens: readonly Token[], line: string): State<E, V> | ParseError {
  const st: State<E, V> = { steps: [], negated: false, pure: false, args: new Args() };
  st.steps = expand(roots, st);
  for (const token of tokens) {
    if (st.last?.node.kind === 'line') break;
    const m = matchWord(st.steps, token.text);
    if (m === 'ambiguous') return { error: 'ambiguous' };
    if (!m) return { error: 'invalid', column: token.start };
    advance(st, m, token, line, roots);
  }
  return st;
}

function handlerAt<E, V>(st: State<E, V>): Handler<E> | undefined {
  const node = st.last?.node;
  if (!node) return undefined;
  return st.negated ? (node.no ?? st.inheritedNo) : node.run;
}

/** Parses one line against a mode's top-level nodes. */
export function parse<E, V>(roots: readonly Node<E, V>[], line: string): ParseOutcome<E> {
  const st = walk(roots, tokenize(line), line);
  if ('error' in st) return { ok: false, ...st };
  const handler = handlerAt(st);
  if (!handler) return { ok: false, error: 'incomplete' };
  return { ok: true, handler, args: st.args, pure: st.pure };
}

export interface CommandMode<E, M extends string, V = unknown> {
  readonly roots: readonly Node<E, V>[];
  /** Where a line this mode cannot parse is tried next (IOS: a sub-mode's parent mode). */
  readonly parent?: M;
}

/** How far a failed parse got: the error the user is shown is the one that got furthest. */
function reach(e: ParseError): number {
  return e.error === 'invalid' ? e.column : Infinity;
}

/**
 * Parses a line in `mode`, falling back to the parent modes as IOS does; `mode` in the result
 * is the one that accepted the line (the caller leaves the sub-mode when it is not its own).
 */
export function parseInMode<E, M extends string, V>(modes: Readonly<Record<M, CommandMode<E, M, V>>>, mode: M, line: string): { outcome: ParseOutcome<E>; mode: M } {
  const first = parse(modes[mode].roots, line);
  let best = { outcome: first, mode };
  for (let m = modes[mode].parent; !best.outcome.ok && m !== undefined; m = modes[m].parent) {
    const outcome = parse(modes[m].roots, line);
    if (outcome.ok || reach(outcome) > reach(best.outcome as ParseError)) best = { outcome, mode: m };
  }
  return best;
}

/**
 * The error as IOS prints it. `indent` is how far the line starts from the left margin (the
 * prompt and its space on a console), so the caret sits under the bad word.
 */
export function formatParseError(e: ParseError, line: string, indent = 0): string {
  switch (e.error) {
    case 'invalid':
      return `${' '.repeat(indent + e.column)}^\n% Invalid input detected at '^' marker.\n`;
    case 'incomplete':
      return '% Incomplete command.\n';
    case 'ambiguous':
      return `% Ambiguous command:  "${line.trim()}"\n`;
  }
}

// ---- help and completion ---------------------------------------------------------------

/** The line before its last, partial word, and that word ('' after a space). */
function splitPartial(line: string): { before: string; partial: string } {
  const m = /\S*$/.exec(line)!;
  return { before: line.slice(0, m.index), partial: m[0] };
}

/**
 * IOS `?`. `text` is the line without its `?`. After a space (`show ?`) it lists what may come
 * next, keywords with their help in aligned columns and `<cr>` when the command can end; right
 * after a word (`sh?`) it lists the keywords that word abbreviates. `indent` places a caret
 * as in formatParseError.
 */
export function help<E, V>(roots: readonly Node<E, V>[], text: string, indent = 0): string {
  const { before, partial } = splitPartial(text);
  const st = walk(roots, tokenize(before), before);
  if ('error' in st) return partial === '' ? formatParseError(st, before, indent) : '% Unrecognized command\n';
  const inLine = st.last?.node.kind === 'line';
  if (partial !== '') {
    const lower = partial.toLowerCase();
    const fits = (s: Step<E, V>) => (s.word !== undefined ? s.word.toLowerCase().startsWith(lower) : accepts(s.node, partial));
    const words = inLine ? [] : [...new Set(st.steps.filter(fits).map((s) => s.word ?? label(s.node)))];
    return words.length ? `${words.sort().join('  ')}\n\n` : '% Unrecognized command\n';
  }
  const args = inLine ? [] : st.steps.filter((s) => s.word === undefined);
  const keywords = inLine ? [] : st.steps.filter((s) => s.word !== undefined).sort((a, b) => a.word!.localeCompare(b.word!));
  const rows = [...args, ...keywords].map((s) => [s.word ?? label(s.node), s.help] as const);
  const width = Math.max(0, ...rows.map(([l]) => l.length));
  const lines = rows.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`);
  if (handlerAt(st) || inLine) lines.push('  <cr>');
  return `${lines.join('\n')}\n\n`;
}

/** Tab completion: the keywords the last (partial) word of the line may become. */
export function complete<E, V>(roots: readonly Node<E, V>[], line: string): string[] {
  const { before, partial } = splitPartial(line);
  const st = walk(roots, tokenize(before), before);
  if ('error' in st || st.last?.node.kind === 'line') return [];
  const lower = partial.toLowerCase();
  return [...new Set(st.steps.flatMap((s) => (s.word !== undefined && s.word.toLowerCase().startsWith(lower) ? [s.word] : [])))].sort();
}
