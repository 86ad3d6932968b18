/**
 * A message's fields beside its bytes: the field tree (src/trace/field-tree.ts, the engine's
 * own decoders) on the left, a hex dump on the right. Selecting a field highlights the bytes
 * it covers; selecting a byte selects the innermost field that covers it. Both directions go
 * through select(), so the two views never disagree.
 */
import type { FieldNode, FieldTree } from '../../trace/field-tree.js';
import { h, shortValue } from './dom.js';

/** Bytes shown per hex line. */
const PER_LINE = 16;
/** A record can hold 16 KiB; beyond this many bytes the dump stops (the tree still covers all). */
const SHOWN_BYTES = 4096;

export interface BytesView {
  element: HTMLElement;
  select(field: FieldNode | undefined): void;
}

/** The innermost field covering byte `offset` (an empty field covers nothing). */
function fieldAt(nodes: readonly FieldNode[], offset: number): FieldNode | undefined {
  for (const n of nodes) {
    if (n.start <= offset && offset < n.end) return fieldAt(n.children, offset) ?? n;
  }
  return undefined;
}

export function bytesView(tree: FieldTree, bytes: Uint8Array, onSelect?: (field: FieldNode | undefined) => void): BytesView {
  const fieldEls = new Map<FieldNode, HTMLElement>();
  const byteEls: HTMLElement[] = [];
  let selected: FieldNode | undefined;

  const select = (field: FieldNode | undefined) => {
    if (selected) fieldEls.get(selected)?.classList.remove('sel');
    for (const b of byteEls) b.classList.remove('sel');
    selected = field;
    if (field) {
      const el = fieldEls.get(field);
      el?.classList.add('sel');
      el?.scrollIntoView({ block: 'nearest' });
      for (let i = field.start; i < field.end && i < byteEls.length; i++) byteEls[i].classList.add('sel');
    }
    onSelect?.(field);
  };

  const treeList = (nodes: readonly FieldNode[]): HTMLElement =>
    h(
      'ul',
      {},
      nodes.map((n) => {
        const label = h(
          'span',
          { class: 'field', 'data-name': n.name, 'data-start': n.start, 'data-end': n.end, title: `bytes ${n.start}..${n.end - 1} (${n.end - n.start})`, onclick: () => select(n) },
          h('span', { class: 'name' }, n.name),
          n.value !== undefined ? [' ', h('span', { class: 'value' }, shortValue(n.value))] : null,
        );
        fieldEls.set(n, label);
        return h('li', {}, label, n.children.length ? treeList(n.children) : null);
      }),
    );

  const lines: HTMLElement[] = [];
  const shown = Math.min(bytes.length, SHOWN_BYTES);
  for (let line = 0; line < shown; line += PER_LINE) {
    const cells: HTMLElement[] = [];
    for (let i = line; i < Math.min(shown, line + PER_LINE); i++) {
      const b = h('span', { class: 'byte', 'data-offset': i, onclick: () => select(fieldAt(tree.fields, i)) }, bytes[i].toString(16).padStart(2, '0'));
      byteEls.push(b);
      cells.push(b);
    }
    lines.push(h('div', { class: 'line' }, h('span', { class: 'offset' }, line.toString(16).padStart(4, '0')), cells));
  }
  const element = h(
    'div',
    { class: 'bytes-view' },
    h('div', { class: 'tree' }, treeList(tree.fields), tree.error ? h('p', { class: 'error' }, `does not decode to the end: ${tree.error}`) : null),
    h('div', { class: 'hex' }, lines, bytes.length > shown ? h('p', { class: 'note' }, `… ${bytes.length - shown} more bytes not shown`) : null, bytes.length === 0 ? h('p', { class: 'note' }, '(no bytes)') : null),
  );
  return { element, select };
}
