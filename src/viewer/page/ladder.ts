/**
 * The connection as a ladder diagram: the client's line on the left, the server's on the
 * right, and one arrow per flight (RFC 6101 5.5, figure 1: the records one end sends before
 * it waits for the other), labelled with the flight's messages in order. A message is a
 * button: choosing it shows its fields and bytes.
 */
import type { ConnectionExplanation, RecordExplanation } from '../../trace/explain-model.js';
import { h } from './dom.js';
import type { Item } from './items.js';

export interface Ladder {
  element: HTMLElement;
  /** Marks the chosen item's button. */
  mark(item: Item): void;
}

/** Consecutive records in one direction. */
function flights(records: readonly RecordExplanation[]): RecordExplanation[][] {
  const out: RecordExplanation[][] = [];
  for (const r of records) {
    const last = out[out.length - 1];
    if (last && last[0].direction === r.direction) last.push(r);
    else out.push([r]);
  }
  return out;
}

export function ladder(c: ConnectionExplanation, items: ReadonlyMap<RecordExplanation, Item[]>, onChoose: (item: Item) => void, recordClass?: (r: RecordExplanation) => string | undefined): Ladder {
  const buttons = new Map<Item, HTMLElement>();
  let marked: HTMLElement | undefined;
  const rows = flights(c.records).map((flight) => {
    const direction = flight[0].direction;
    return h(
      'div',
      { class: `flight ${direction === 'client-to-server' ? 'c2s' : 's2c'}`, 'data-direction': direction },
      h(
        'div',
        { class: 'msgs' },
        flight.flatMap((r) =>
          (items.get(r) ?? []).map((item) => {
            const b = h(
              'button',
              {
                class: ['msg', r.encrypted ? 'encrypted' : '', r.alert?.level === 'fatal' ? 'fatal' : '', recordClass?.(r) ?? ''].filter(Boolean).join(' '),
                'data-record': r.number,
                'data-index': item.index,
                title: `record ${r.number}${r.encrypted ? ', encrypted' : ''}`,
                onclick: () => onChoose(item),
              },
              item.label,
            );
            buttons.set(item, b);
            return b;
          }),
        ),
      ),
      h('div', { class: 'arrow' }),
    );
  });
  const element = h('div', { class: 'ladder' }, h('div', { class: 'ends' }, h('span', {}, 'client', h('small', {}, c.client)), h('span', {}, 'server', h('small', {}, c.server))), rows);
  return {
    element,
    mark(item) {
      marked?.classList.remove('chosen');
      marked = buttons.get(item);
      marked?.classList.add('chosen');
    },
  };
}
