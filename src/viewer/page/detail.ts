/**
 * The chosen message or record in detail: its fields beside its bytes (bytes-view.ts), and
 * for an encrypted record how it was opened (RFC 6101 5.2.3): the ciphertext as it went on
 * the wire, seq_num, the MAC input and both MACs, the padding, the verdict. What was checked
 * at this record (a Finished, a CertificateVerify) and its notes follow.
 */
import type { FieldNode } from '../../trace/field-tree.js';
import type { ConnectionExplanation, RecordDecryption } from '../../trace/explain-model.js';
import { macFormula } from '../../trace/explain-text.js';
import { fromHex } from '../../util/bytes.js';
import { bytesView } from './bytes-view.js';
import { h, type Child } from './dom.js';
import type { Item } from './items.js';

const ARROW = { 'client-to-server': 'client → server', 'server-to-client': 'server → client' } as const;

/** Which bytes of which record a selected field covers: what the lab can change. */
export interface Selection {
  item: Item;
  field: FieldNode;
  /** The field's first byte in the record as sent, its 5-byte header included; undefined when the wire does not carry it as shown. */
  recordOffset?: number;
  bytes: Uint8Array;
}

function row(label: string, value: Child, key?: string): HTMLElement {
  return h('tr', {}, h('th', {}, label), h('td', { class: 'hex', 'data-key': key }, value));
}

function decryption(d: RecordDecryption): HTMLElement {
  return h(
    'table',
    { class: 'decryption' },
    row('cipher suite', d.cipher_suite),
    row('seq_num', d.seq_num, 'seq_num'),
    d.mac_input ? row('MAC input (seq_num + type + length)', d.mac_input, 'mac_input') : null,
    d.mac_input ? row('MAC', macFormula(d.cipher_suite)) : null,
    d.mac_inner ? row('inner hash', d.mac_inner, 'mac_inner') : null,
    d.mac_expected ? row('MAC computed', d.mac_expected, 'mac_expected') : null,
    d.mac_received ? row('MAC received', d.mac_received, 'mac_received') : null,
    d.padding ? row('padding', `${d.padding.bytes || '(none)'}, padding_length ${d.padding.length}`, 'padding') : null,
    row('verdict', h('span', { class: d.ok ? 'ok' : 'bad' }, d.verdict), 'verdict'),
  );
}

export function detail(c: ConnectionExplanation, item: Item, frameName: string, onSelect?: (s: Selection | undefined) => void): HTMLElement {
  const r = item.record;
  const parts: Child[] = [h('h3', {}, `Record ${r.number} (${frameName} ${r.frame}, ${ARROW[r.direction]}): ${item.label}`)];
  parts.push(h('p', { class: 'meta' }, `${r.content_type}, version ${r.version}, ${r.length} bytes${r.encrypted ? ', encrypted' : ''}`));
  // Plaintext fields can be changed on the wire only where the record is not encrypted.
  const plainOnWire = !r.encrypted && r.version !== 'not in the trace' && r.content_type !== 'sslv2_client_hello';
  if (item.bytes && item.tree) {
    const bytes = item.bytes;
    parts.push(
      h('h4', {}, item.message ? `${item.message.name}: fields and bytes` : 'content: fields and bytes'),
      bytesView(item.tree, bytes, (field) =>
        onSelect?.(field && { item, field, bytes: bytes.subarray(field.start, field.end), recordOffset: plainOnWire ? 5 + item.fragmentOffset + field.start : undefined }),
      ).element,
    );
  } else if (!r.encrypted || !r.ciphertext) parts.push(h('p', { class: 'note' }, 'The content of this record is not known here.'));
  if (r.ciphertext) {
    const wire = fromHex(r.ciphertext);
    const tree = { fields: [{ name: 'ciphertext', start: 0, end: wire.length, value: `${wire.length} bytes: content, MAC${r.decryption?.padding ? ', padding' : ''} encrypted`, children: [] }] };
    parts.push(
      h('h4', {}, 'on the wire (encrypted)'),
      bytesView(tree, wire, (field) => {
        // A byte of the ciphertext, or all of it: what an attacker on the path could change.
        if (!field) return onSelect?.(undefined);
        onSelect?.({ item, field, bytes: wire.subarray(field.start, field.end), recordOffset: 5 + field.start });
      }).element,
    );
  }
  if (r.decryption) parts.push(h('h4', {}, 'how it was opened (RFC 6101 5.2.3)'), decryption(r.decryption));
  else if (r.encrypted && !item.bytes) parts.push(h('p', { class: 'note' }, 'Not decrypted: no keys for this record.'));
  if (r.text !== undefined && item.bytes) parts.push(h('h4', {}, 'as text'), h('pre', { class: 'text' }, r.text));
  for (const hs of c.handshakes) {
    for (const f of hs.finished.filter((x) => x.record === r.number)) parts.push(h('p', { class: f.ok ? 'ok' : 'bad' }, `${f.sender} Finished ${f.ok ? 'checks' : 'DIFFERS'}: see the keys below`));
    if (hs.keys?.record === r.number) parts.push(h('p', { class: 'note' }, 'The keys were derived here: see the keys below.'));
  }
  for (const n of r.notes) parts.push(h('p', { class: 'note' }, n));
  return h('div', { class: 'detail-body' }, parts);
}
