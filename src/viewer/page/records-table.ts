/**
 * Every record of the connection in a table (RFC 6101 5.2): direction, content type, length,
 * and for an encrypted record its seq_num and MAC verdict; choosing a row shows the record.
 */
import type { ConnectionExplanation, RecordExplanation } from '../../trace/explain-model.js';
import { h } from './dom.js';

const ARROW = { 'client-to-server': '→', 'server-to-client': '←' } as const;

function summary(r: RecordExplanation): string {
  if (r.messages?.length) return r.messages.map((m) => m.name).join(', ');
  if (r.alert) return `${r.alert.level} ${r.alert.description}`;
  if (r.text !== undefined) return r.text.length > 60 ? `${r.text.slice(0, 57)}…` : r.text;
  return '';
}

export function recordsTable(c: ConnectionExplanation, frameName: string, onChoose: (r: RecordExplanation) => void): HTMLElement {
  return h(
    'table',
    { class: 'records' },
    h('tr', {}, ['#', frameName, '', 'type', 'length', 'seq_num', 'MAC', 'content'].map((t) => h('th', {}, t))),
    c.records.map((r) =>
      h(
        'tr',
        { 'data-record': r.number, class: r.decryption && !r.decryption.ok ? 'bad' : undefined, onclick: () => onChoose(r) },
        h('td', {}, r.number),
        h('td', {}, r.frame),
        h('td', {}, ARROW[r.direction]),
        h('td', {}, r.content_type),
        h('td', {}, r.length),
        h('td', {}, r.decryption?.seq_num ?? (r.encrypted ? '?' : '')),
        h('td', {}, r.decryption?.verdict ?? (r.encrypted ? 'not decrypted' : 'plaintext')),
        h('td', {}, summary(r)),
      ),
    ),
  );
}
