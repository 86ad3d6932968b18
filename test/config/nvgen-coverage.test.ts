/**
 * No command can be forgotten by `show running-config`: every command of the configuration
 * modes (configuration, trustpoint, certificate chain) is run from the table itself, with
 * sample values for its arguments (each number at both ends of its range), and whenever its
 * handler changed the configuration (or a trustpoint's certificates), the command must have an
 * nvgen hook on its path, the running-config must change, and the new text must load back into
 * the same configuration. A new command that sets state but writes nothing fails here.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODES, type CommandNode, type Mode, type Session } from '../../src/config/commands.js';
import { CommandError } from '../../src/config/context.js';
import { parse } from '../../src/config/grammar.js';
import { loadConfig } from '../../src/config/loader.js';
import { cloneConfig } from '../../src/config/model.js';
import { renderConfig } from '../../src/config/render.js';
import { FakeContext } from './fake-context.js';

/**
 * Commands that set what another command writes: the same setting under a second spelling.
 * Each is here with the line that writes it.
 */
const WRITTEN_BY_ANOTHER: Readonly<Record<string, string>> = {
  'ip domain name WORD': 'ip domain-name',
};

/** The commands that ask for more lines (a certificate's hex up to `quit`): cert-chain.test.ts writes and reads them. */
const ASKING = ['certificate ca WORD', 'certificate WORD'];

/** Every path from a mode's top to a node that can run, skipping `no` and the pure `do`, `end`, `exit`. */
function* runnable(nodes: readonly CommandNode[], path: readonly CommandNode[] = []): Generator<readonly CommandNode[]> {
  for (const node of nodes) {
    if ((node.kind === 'keyword' && node.negate) || node.pure) continue;
    const here = [...path, node];
    if (node.run) yield here;
    yield* runnable(node.children ?? [], here);
  }
}

/** The command's syntax: keywords, and the kind of each argument. */
const syntax = (path: readonly CommandNode[]) =>
  path.map((n) => (n.kind === 'keyword' ? n.word : n.kind === 'number' ? `<${n.min}-${n.max}>` : n.kind === 'set' ? n.name : n.kind.toUpperCase())).join(' ');

/** A line for the command, with the sample values of variant 0 or 1. */
function sample(path: readonly CommandNode[], variant: 0 | 1): string {
  return path
    .map((n) => {
      switch (n.kind) {
        case 'keyword':
          return n.word;
        case 'number':
          return String(variant ? n.max : n.min);
        case 'set':
          return (variant ? n.options : n.options.slice(0, 1)).map((o) => o.word).join(' ');
        case 'word':
          // The second is a serial number too (hex), for the certificate chain's commands.
          return ['TP', '1A2B'][variant];
        case 'line':
          return ['CN=Lab One', 'CN=x1'][variant];
        case 'url':
          return ['http://ca.example.com/scep', 'ldap://ldap.example.com'][variant];
        case 'ipv4':
          return ['10.1.2.3', '0.0.0.255'][variant];
      }
    })
    .join(' ');
}

/** A device with the trustpoint TP, in `mode` (a sub-mode on TP). */
function device(mode: Mode): { ctx: FakeContext; session: Session; asked: () => boolean } {
  const ctx = new FakeContext();
  ctx.config.trustpoints.set('TP', { name: 'TP', primary: false });
  let asked = false;
  const session: Session = { ctx, mode, trustpoint: mode === 'config' ? undefined : 'TP', interactive: false, ask: () => void (asked = true), close: () => undefined };
  return { ctx, session, asked: () => asked };
}

const stateOf = (ctx: FakeContext) => ({ config: cloneConfig(ctx.config), certificates: [...ctx.keys.certificates] });

interface Outcome {
  readonly command: string;
  readonly line: string;
  readonly changed: boolean;
  readonly asked: boolean;
  readonly hooked: boolean;
  readonly before: string;
  readonly after: string;
  readonly ctx: FakeContext;
}

async function runAll(): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const mode of ['config', 'ca-trustpoint', 'cert-chain'] as const) {
    for (const path of runnable(COMMAND_MODES[mode].roots)) {
      for (const variant of [0, 1] as const) {
        const line = sample(path, variant);
        const { ctx, session, asked } = device(mode);
        const parsed = parse(COMMAND_MODES[mode].roots, line);
        if (!parsed.ok) throw new Error(`the sample line '${line}' does not parse in ${mode} mode`);
        const state = stateOf(ctx);
        const before = renderConfig(ctx.config, ctx.keys);
        try {
          await parsed.handler(session, parsed.args);
        } catch (e) {
          // A refused value (a secret that is not a hash, a port IOS refuses, a dialogue in a file) changes nothing.
          if (!(e instanceof CommandError)) throw e;
        }
        const changed = !isDeepStrictEqual(stateOf(ctx), state);
        out.push({ command: syntax(path), line, changed, asked: asked(), hooked: path.some((n) => n.nvgen), before, after: renderConfig(ctx.config, ctx.keys), ctx });
      }
    }
  }
  return out;
}

describe('every command with state writes itself', () => {
  it('a command that changes the configuration has an nvgen hook, changes the running-config, and loads back to the same configuration', async () => {
    const outcomes = await runAll();
    const changing = outcomes.filter((o) => o.changed);
    // Not vacuous: most of the table sets something.
    expect(new Set(changing.map((o) => o.command)).size).toBeGreaterThan(35);
    for (const o of changing) {
      if (!o.hooked) expect(WRITTEN_BY_ANOTHER[o.command], `'${o.line}' changes the configuration, but no nvgen hook is on its path: give it one`).toBeDefined();
      expect(o.after, `'${o.line}' changes the configuration, but show running-config does not change`).not.toBe(o.before);
      const fresh = new FakeContext();
      fresh.keys.keys = o.ctx.keys.keys;
      expect(await loadConfig(o.after, fresh), `what '${o.line}' leaves does not load back`).toEqual([]);
      expect(isDeepStrictEqual(fresh.config, o.ctx.config), `'${o.line}': the running-config loads back into another configuration:\n${o.after}`).toBe(true);
    }
    for (const [command, writer] of Object.entries(WRITTEN_BY_ANOTHER)) {
      const o = changing.find((x) => x.command === command);
      expect(o, `${command} no longer changes anything: take it off the list`).toBeDefined();
      expect(o!.after).toContain(`\n${writer} `);
    }
  });

  it('the commands that ask for more lines are known, and have a hook', async () => {
    const outcomes = await runAll();
    const asking = outcomes.filter((o) => o.asked);
    expect([...new Set(asking.map((o) => o.command))].sort()).toEqual([...ASKING].sort());
    expect(asking.every((o) => o.hooked)).toBe(true);
  });
});
