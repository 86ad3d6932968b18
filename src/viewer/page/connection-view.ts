/**
 * One connection on the page: the ladder and, beside it, the chosen message in detail; below,
 * the keys derived and every record. The lesson's connections and the lab's runs are shown
 * by the same view.
 */
import type { ConnectionExplanation, RecordExplanation } from '../../trace/explain-model.js';
import { detail, type Selection } from './detail.js';
import { fill, h } from './dom.js';
import { itemsOf, type Item } from './items.js';
import { keysPanel } from './keys-panel.js';
import { ladder } from './ladder.js';
import { recordsTable } from './records-table.js';

export interface ConnectionViewOptions {
  /** A field was selected (or none): the lab offers to change it. */
  onSelect?: (s: Selection | undefined) => void;
  /** An extra class for a record's ladder buttons (the lab marks the changed record). */
  recordClass?: (r: RecordExplanation) => string | undefined;
  /** What a record's `frame` counts: a capture's frames (the default), a trace's lines, the lab's records in the order they crossed. */
  frameName?: string;
}

export function connectionView(c: ConnectionExplanation, options: ConnectionViewOptions = {}): HTMLElement {
  const items = new Map<RecordExplanation, Item[]>(c.records.map((r) => [r, itemsOf(r)]));
  const frameName = options.frameName ?? 'frame';
  const detailPane = h('div', { class: 'detail' }, h('p', { class: 'note' }, 'Choose a message in the ladder to see its fields and bytes.'));
  const choose = (item: Item) => {
    lad.mark(item);
    options.onSelect?.(undefined);
    fill(detailPane, detail(c, item, frameName, options.onSelect));
  };
  const lad = ladder(c, items, choose, options.recordClass);
  const notes = c.notes.map((n) => h('p', { class: 'note' }, n));
  return h(
    'div',
    { class: 'connection', 'data-tcp-stream': c.tcp_stream },
    h('p', { class: 'meta' }, `${c.client} ↔ ${c.server}: ${c.protocol}`),
    notes,
    h('div', { class: 'split' }, lad.element, detailPane),
    h('h2', {}, 'Keys'),
    keysPanel(c),
    h('h2', {}, 'Records'),
    recordsTable(c, frameName, (r) => {
      const first = items.get(r)?.[0];
      if (first) {
        choose(first);
        detailPane.scrollIntoView({ block: 'nearest' });
      }
    }),
  );
}
