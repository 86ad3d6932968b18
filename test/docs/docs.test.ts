/**
 * The documentation cannot go stale silently: every code block that stands for an example file
 * is that file, byte for byte; every relative link and every `src/` path it names exists in
 * the repository; every `ssl3` flag it mentions is one the command takes; the IOS guide
 * names every command of the grammar (src/config/commands.ts), and the check guide every
 * check of both suites (src/harness/check). The examples themselves are run
 * by examples.test.ts, the console transcript by console-transcript.test.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODES } from '../../src/config/commands.js';
import type { Node } from '../../src/config/grammar.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { SERVER_CHECKS } from '../../src/harness/check/server-suite.js';
import { CLIENT_CHECKS } from '../../src/harness/check/client-suite.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DOCS = readdirSync(join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);
/** Every Markdown file a reader of the repository or the package gets. */
const MARKDOWN = ['README.md', 'CHANGELOG.md', ...DOCS];
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** `<!-- example: PATH -->` and the fenced block right after it. */
export function exampleBlocks(text: string): { path: string; body: string }[] {
  return [...text.matchAll(/<!-- example: (\S+) -->\n```[a-z]*\n([\s\S]*?)```/g)].map((m) => ({ path: m[1], body: m[2] }));
}

describe('code blocks taken from examples/', () => {
  const blocks = DOCS.flatMap((doc) => exampleBlocks(read(doc)).map((b) => ({ doc, ...b })));

  it.each(blocks.map((b) => [`${b.doc}: ${b.path}`, b]))('%s is the file as it is', (_name, b) => {
    expect(b.body).toBe(read(b.path));
  });

  it('every marker has its block, and every example is shown in a doc', () => {
    const markers = DOCS.flatMap((doc) => [...read(doc).matchAll(/<!-- example: (\S+) -->/g)].map((m) => m[1]));
    expect(markers.length).toBe(blocks.length);
    const files = readdirSync(join(ROOT, 'examples')).map((f) => `examples/${f}`);
    expect(new Set(markers)).toEqual(new Set(files));
  });
});

describe('links and paths', () => {
  /** Relative Markdown link targets, without anchors; absolute URLs are left alone. */
  const links = (text: string) =>
    [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t) && !t.startsWith('#')).map((t) => t.replace(/#.*$/, ''));

  it.each(MARKDOWN.map((f) => [f]))('%s links only to files in the repository, and they exist', (file) => {
    const bad = links(read(file)).filter((target) => {
      const abs = resolve(ROOT, dirname(file), target);
      return relative(ROOT, abs).startsWith('..') || !existsSync(abs);
    });
    expect(bad).toEqual([]);
  });

  it.each(DOCS.map((f) => [f]))('%s names only src/ files and folders that exist', (file) => {
    const paths = [...read(file).matchAll(/\bsrc\/[\w./-]*\w/g)].map((m) => m[0]);
    expect(paths.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it.each(MARKDOWN.map((f) => [f]))('%s sends no reader outside the repository (../shared/ and the like)', (file) => {
    expect(read(file)).not.toMatch(/\.\.\/shared\/|DESIGN\.md|CONFIG\.md|PEERS\.md/);
  });

  it('the link checker sees links (one that finds none would pass everything)', () => {
    expect(links('[a](docs/x.md) [b](https://example.com/) [c](#top) [d](../y.ts#L3)')).toEqual(['docs/x.md', '../y.ts']);
    expect(statSync(join(ROOT, 'docs', 'architecture.md')).isFile()).toBe(true);
  });
});

describe('ssl3 flags in the documentation', () => {
  /** Each `ssl3 COMMAND ...` invocation (continued lines joined), cut at a pipe, `;`, `&&`, `>` or a backtick. */
  function invocations(text: string): { command: string; flags: string[] }[] {
    const joined = text.replace(/\\\n\s*/g, ' ');
    const out: { command: string; flags: string[] }[] = [];
    for (const m of joined.matchAll(/\bssl3 ([a-z0-9]+)([^\n`|;&>]*)/g)) {
      const command = COMMANDS.find((c) => c.name === m[1]);
      if (!command) continue;
      out.push({ command: command.name, flags: [...m[2].matchAll(/(?:^|\s|\[)(--?[a-zA-Z][\w-]*)/g)].map((f) => f[1]) });
    }
    return out;
  }

  it.each(MARKDOWN.map((f) => [f]))('%s mentions only flags the commands take', (file) => {
    const texts = [read(file), ...exampleBlocks(read(file)).map((b) => b.body)];
    const unknown: string[] = [];
    for (const { command, flags } of texts.flatMap(invocations)) {
      const usage = COMMANDS.find((c) => c.name === command)!.usage;
      for (const flag of flags) if (!new RegExp(`(^|[\\s[(|])${flag}\\b`).test(usage)) unknown.push(`ssl3 ${command} ${flag}`);
    }
    expect(unknown).toEqual([]);
  });

  it('the scanner finds flags (one that finds none would pass everything)', () => {
    expect(invocations('`ssl3 get --pin FP \\\n  --keylog k.txt https://x/ | grep -c x`')).toEqual([{ command: 'get', flags: ['--pin', '--keylog'] }]);
  });
});

describe('the IOS configuration guide', () => {
  /** Each command as its keywords up to the first argument: `ip http secure-port`, `crypto ca trustpoint`. */
  function commandNames(): Set<string> {
    const names = new Set<string>();
    const walk = (node: Node<unknown>, words: string[]) => {
      if (node.kind !== 'keyword') {
        names.add(words.join(' '));
        return;
      }
      if (node.negate) return;
      const next = [...words, node.word];
      if (node.run || node.no) names.add(next.join(' '));
      for (const child of node.children ?? []) walk(child, next);
    };
    for (const mode of Object.values(COMMAND_MODES)) for (const root of mode.roots) walk(root as Node<unknown>, []);
    // `do X` runs exec commands, listed in their own right; `do` itself is in the guide.
    return new Set([...names].filter((n) => !n.startsWith('do ')));
  }

  /** The words of each code span, as a command's syntax writes them: `ip http authentication {enable \| local}`. */
  const spans = (text: string) => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1].split(/[\s[\]{}|\\()]+/).filter(Boolean));
  /** Whether `words` appear in this order (not necessarily next to each other) in `tokens`. */
  const inOrder = (words: readonly string[], tokens: readonly string[]) => {
    let i = 0;
    for (const t of tokens) if (t === words[i]) i++;
    return i === words.length;
  };

  it('names every command of the grammar, with every keyword it takes, in one code span', () => {
    const syntax = spans(read('docs/ios-configuration.md'));
    const names = commandNames();
    expect(names.size).toBeGreaterThan(40);
    expect([...names].filter((name) => !syntax.some((tokens) => inOrder(name.split(' '), tokens)))).toEqual([]);
  });

  it('the span reader keeps alternatives apart', () => {
    expect(spans('`enable secret [0 \\| 5] TEXT`')).toEqual([['enable', 'secret', '0', '5', 'TEXT']]);
    expect(inOrder(['enable', 'secret', '5'], ['enable', 'secret', '0', '5'])).toBe(true);
    expect(inOrder(['enable', 'secret', '8'], ['enable', 'secret', '0', '5'])).toBe(false);
  });
});

describe('the check guide', () => {
  it('names every server and client check, in a code span', () => {
    const text = read('docs/check.md');
    const missing = (checks: readonly { name: string }[]) => checks.map((c) => c.name).filter((name) => !text.includes(`\`${name}\``));
    expect(SERVER_CHECKS.length + CLIENT_CHECKS.length).toBe(61);
    expect({ server: missing(SERVER_CHECKS), client: missing(CLIENT_CHECKS) }).toEqual({ server: [], client: [] });
  });
});
