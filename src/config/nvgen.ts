/**
 * IOS's NVGEN: the configuration text written by walking the command tree. Each command that
 * has state carries an nvgen hook next to its parser (grammar.ts's Node.nvgen), which says which
 * lines its current setting takes, as arguments (grammar.ts's NvCommand); the walk visits the
 * tree in order and finds each line's words in the tree: the keywords that lead to the hook,
 * then the shortest way below it that carries every argument and ends where the command can
 * run (or, for a no form, be negated). So a command's text is spelled once, in the table, and
 * every line written is one the parser takes.
 *
 * A mode's top level is cut into sections (the `section` of a node holds for everything under
 * it), written in the order the mode gives; a command with a body (a sub-mode's lines, a
 * certificate's hex), even an empty one, is a block of its own, as IOS closes every sub-mode
 * block with a `!`.
 * render.ts frames the blocks.
 */
import { NO_WORD, accepts, type Node, type NvCommand, type NvValue } from './grammar.js';

type Args = Readonly<Record<string, NvValue | undefined>>;

/** What a written line has used of its arguments so far, taken back as the search backs out of a branch. */
interface Writing {
  readonly args: Args;
  /** How many arguments are on the line (present ones). */
  readonly count: number;
  readonly used: Set<string>;
  /** The no form: it ends at a node with a no handler, or below one (the parser's inherited no). */
  readonly no: boolean;
  noSeen: boolean;
}

const present = (v: NvValue | undefined): v is NvValue => v !== undefined && v !== false;

/** Marks an argument used; false when it already was (a second node cannot take it again). */
function use(w: Writing, name: string, taken: string[]): boolean {
  if (w.used.has(name)) return false;
  w.used.add(name);
  taken.push(name);
  return true;
}

/** The words `node` puts on the line for these arguments (noting in `taken` what it used), or undefined when it cannot be on it. */
function wordsOf<E, V>(node: Node<E, V>, w: Writing, taken: string[]): string[] | undefined {
  if (node.kind === 'keyword') {
    if (node.negate) return undefined;
    if (node.name !== undefined) return w.args[node.name] === node.word && use(w, node.name, taken) ? [node.word] : undefined;
    if (w.args[node.word] === true) use(w, node.word, taken);
    return [node.word];
  }
  const value = w.args[node.name];
  if (!present(value) || typeof value === 'boolean') return undefined;
  let words: readonly string[];
  if (node.kind === 'set') {
    if (!Array.isArray(value) || value.length === 0 || !value.every((x) => node.options.some((o) => o.word === x))) return undefined;
    words = value as readonly string[];
  } else {
    const text = String(value);
    // One word for every kind but LINE, which takes the rest of the line.
    if (Array.isArray(value) || text === '' || (node.kind !== 'line' && /\s/.test(text)) || !accepts(node, text)) return undefined;
    words = [text];
  }
  return use(w, node.name, taken) ? [...words] : undefined;
}

function canEnd<E, V>(node: Node<E, V>, w: Writing): boolean {
  // Only present arguments are ever marked used, so the counts tell whether all are on the line.
  return w.used.size === w.count && (w.no ? w.noSeen || node.no !== undefined : node.run !== undefined);
}

/** The shortest run of words below `node` that ends the command, or undefined. */
function below<E, V>(node: Node<E, V>, w: Writing): string[] | undefined {
  if (canEnd(node, w)) return [];
  let best: string[] | undefined;
  const noSeen = w.noSeen;
  w.noSeen ||= node.no !== undefined;
  for (const child of node.children ?? []) {
    const taken: string[] = [];
    const words = wordsOf(child, w, taken);
    const rest = words && below(child, w);
    if (words && rest && (!best || words.length + rest.length < best.length)) best = [...words, ...rest];
    for (const name of taken) w.used.delete(name);
  }
  w.noSeen = noSeen;
  return best;
}

/** The words of a path, to name a command in an error. */
const named = <E, V>(path: readonly Node<E, V>[]) => path.map((n) => (n.kind === 'keyword' ? n.word : n.name)).join(' ');

/** The line for `command` at the hook of the last node of `path` (the nodes from the mode's top). */
export function commandLine<E, V>(path: readonly Node<E, V>[], command: NvCommand): string {
  const args = command.args ?? {};
  const w: Writing = { args, count: Object.values(args).filter(present).length, used: new Set(), no: command.no === true, noSeen: false };
  const words: string[] = command.no ? [NO_WORD] : [];
  path.forEach((node, i) => {
    const own = wordsOf(node, w, []);
    if (!own) throw new Error(`nvgen: '${named(path)}' cannot write ${JSON.stringify(command.args)}`);
    words.push(...own);
    if (i < path.length - 1 && node.no) w.noSeen = true;
  });
  const rest = below(path[path.length - 1], w);
  if (!rest) throw new Error(`nvgen: no command under '${named(path)}' writes ${JSON.stringify(command.args)}`);
  return [...words, ...rest].join(' ');
}

/** The command's line, then its body one space further in. */
function commandLines<E, V>(path: readonly Node<E, V>[], command: NvCommand): string[] {
  return [commandLine(path, command), ...(command.body ?? []).map((l) => ` ${l}`)];
}

interface Hook<E, V> {
  readonly path: readonly Node<E, V>[];
  readonly section?: string;
}

/** Every hook in tree order, with the path to it and the section it is in. */
function collect<E, V>(nodes: readonly Node<E, V>[], path: readonly Node<E, V>[], section: string | undefined, out: Hook<E, V>[]): Hook<E, V>[] {
  for (const node of nodes) {
    // A mode's `no`, `do`, `end` and `exit` write nothing of their own.
    if ((node.kind === 'keyword' && node.negate) || node.pure) continue;
    const here = [...path, node];
    const s = node.section ?? section;
    if (node.nvgen) out.push({ path: here, section: s });
    collect(node.children ?? [], here, s, out);
  }
  return out;
}

// The table does not change: each list of roots is walked for its hooks once.
const hookCache = new WeakMap<readonly unknown[], readonly Hook<unknown, unknown>[]>();

function hooks<E, V>(roots: readonly Node<E, V>[]): readonly Hook<E, V>[] {
  let list = hookCache.get(roots) as readonly Hook<E, V>[] | undefined;
  if (!list) {
    list = collect(roots, [], undefined, []);
    hookCache.set(roots, list as readonly Hook<unknown, unknown>[]);
  }
  return list;
}

/**
 * The configuration text of a mode as blocks of lines, in `sections` order: in each section, its
 * plain lines together, and each command with a body (even an empty one) as a block of its own. A hook whose
 * section is not in `sections` is a mistake in the table.
 */
export function nvgenBlocks<E, V>(roots: readonly Node<E, V>[], view: V, sections: readonly string[]): string[][] {
  const bySection = new Map<string, { lines: string[]; own: boolean }[]>(sections.map((s) => [s, []]));
  for (const { path, section } of hooks(roots)) {
    const blocks = section === undefined ? undefined : bySection.get(section);
    if (!blocks) throw new Error(`nvgen: '${named(path)}' is in no section of the write order (${section ?? 'none'})`);
    for (const command of path[path.length - 1].nvgen!(view)) {
      const lines = commandLines(path, command);
      const last = blocks[blocks.length - 1];
      // A body, even an empty one (a trustpoint with nothing set), makes a block of its own.
      const own = command.body !== undefined;
      if (!own && last && !last.own) last.lines.push(...lines);
      else blocks.push({ lines, own });
    }
  }
  return [...bySection.values()].flat().map((b) => b.lines);
}

/** A sub-mode's lines (a trustpoint's `enrollment url ...`), for the body of the command that enters it. */
export function nvgenLines<E, V>(roots: readonly Node<E, V>[], view: V): string[] {
  return hooks(roots).flatMap(({ path }) => path[path.length - 1].nvgen!(view).flatMap((c) => commandLines(path, c)));
}

/** A hook's one line when `on`, with these arguments; none when the setting is at its default. */
export const lineIf = (on: boolean, args?: NvCommand['args']): NvCommand[] => (on ? [{ args }] : []);
