/**
 * The layering docs/architecture.md describes, checked on the imports of every file in src/:
 * a layer imports only from itself and the layers below it, and the protocol core (everything
 * below the socket layer) imports nothing from Node, so it can run in a browser: the viewer's
 * page (src/viewer/page) does run it there, and everything it imports is checked too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');

/**
 * Bottom to top. util serves every layer; trace sits below socket (the socket layer's trace and
 * pcap options use it); harness (the misbehaving peer) drives the engine's record and handshake
 * pieces over node:net, under the CLI's check and probe; viewer is a leaf under the cli (its page
 * is a browser bundle of the core).
 */
const LAYERS = ['util', 'ciphers', 'pki', 'record', 'handshake', 'connection', 'trace', 'socket', 'harness', 'http', 'config', 'viewer', 'cli'] as const;
/** Layers that must run without Node; src/util/atomic-file.ts is the one Node file of util, and none of them imports it. */
const NODE_FREE = new Set(['ciphers', 'pki', 'record', 'handshake', 'connection', 'trace']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function layerOf(file: string): string {
  return relative(SRC, file).split('/')[0];
}

/** Every module specifier a file imports or re-exports (static imports, `export ... from`, `import type`). */
function importsOf(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
}

const sources = files(SRC).filter((f) => f !== join(SRC, 'index.ts'));

describe('the layers of src/', () => {
  it('every folder of src/ is a known layer', () => {
    expect(new Set(sources.map(layerOf))).toEqual(new Set(LAYERS));
  });

  it.each(LAYERS.map((l) => [l]))('%s imports only from itself and the layers below it', (layer) => {
    const rank = LAYERS.indexOf(layer);
    const upward: string[] = [];
    for (const file of sources.filter((f) => layerOf(f) === layer)) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = layerOf(join(file, '..', spec));
        if (LAYERS.indexOf(target as (typeof LAYERS)[number]) > rank) upward.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('the protocol core imports nothing from Node', () => {
    const found: string[] = [];
    for (const file of sources.filter((f) => NODE_FREE.has(layerOf(f)))) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const target = spec.startsWith('.') ? relative(SRC, join(file, '..', spec)) : spec;
        if (spec.startsWith('node:') || target === 'util/atomic-file.js') found.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("the viewer's page, and everything it imports, is the protocol core and the page alone: no Node, no socket", () => {
    const seen = new Set<string>();
    const wrong: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) {
          if (!spec.startsWith('@noble/')) wrong.push(`${relative(ROOT, file)} imports ${spec}`);
          continue;
        }
        const target = join(file, '..', spec).replace(/\.js$/, '.ts');
        const layer = layerOf(target);
        const inPage = relative(SRC, target).startsWith('viewer/');
        if (!(NODE_FREE.has(layer) || layer === 'util' || inPage) || relative(SRC, target) === 'util/atomic-file.ts') wrong.push(`${relative(ROOT, file)} imports ${spec}`);
        else visit(target);
      }
    };
    visit(join(SRC, 'viewer', 'page', 'main.ts'));
    expect(seen.size).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
  });

  it('the import scanner sees imports (a scanner that finds none would pass everything)', () => {
    const connection = readFileSync(join(SRC, 'connection', 'connection.ts'), 'utf8');
    expect(importsOf(connection)).toContain('../record/record-framer.js');
    expect(importsOf("import type {\n  A,\n  B,\n} from './x.js';\nexport { C } from '../y.js';")).toEqual(['./x.js', '../y.js']);
  });
});
