/** The first field of a field tree (src/trace/field-tree.ts) with this name, depth first. */
import type { FieldNode } from '../../src/trace/field-tree.js';

export function findField(nodes: readonly FieldNode[], name: string): FieldNode | undefined {
  for (const n of nodes) {
    if (n.name === name) return n;
    const below = findField(n.children, name);
    if (below) return below;
  }
  return undefined;
}

/** The same, for a field that must be there. */
export function field(nodes: readonly FieldNode[], name: string): FieldNode {
  const f = findField(nodes, name);
  if (!f) throw new Error(`no field ${name}`);
  return f;
}
