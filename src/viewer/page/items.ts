/**
 * What the ladder shows of each record (RFC 6101 5.2.1): its handshake messages one by one
 * (5.6), or its ChangeCipherSpec (5.3), alert (5.4) or application data, with the bytes and
 * the field tree of each. A message's bytes are its 4-byte header and body as they went into
 * the record (the SSLv2-format hello has no such header).
 */
import type { HandshakeMessageExplanation, RecordExplanation } from '../../trace/explain-model.js';
import { contentTree, handshakeTree, type FieldTree } from '../../trace/field-tree.js';
import { ContentType } from '../../record/content-types.js';
import { fromHex } from '../../util/bytes.js';

export interface Item {
  record: RecordExplanation;
  /** Its place among the record's items. */
  index: number;
  label: string;
  /** The plaintext bytes shown (a message, or the record's fragment); undefined when not known. */
  bytes?: Uint8Array;
  tree?: FieldTree;
  /** Where `bytes` start in the record's plaintext fragment. */
  fragmentOffset: number;
  message?: HandshakeMessageExplanation;
}

const CONTENT_TYPES = new Map<string, number>(Object.entries(ContentType));

/** A handshake message as it travels: msg_type, a 3-byte length, the body. */
function messageBytes(m: HandshakeMessageExplanation, v2: boolean): Uint8Array {
  const body = fromHex(m.body);
  if (v2) return body;
  const raw = new Uint8Array(4 + body.length);
  raw[0] = m.type;
  raw[1] = body.length >> 16;
  raw[2] = (body.length >> 8) & 0xff;
  raw[3] = body.length & 0xff;
  raw.set(body, 4);
  return raw;
}

export function itemsOf(r: RecordExplanation): Item[] {
  const fragment = r.fragment === undefined ? undefined : fromHex(r.fragment);
  const v2 = r.content_type === 'sslv2_client_hello';
  if (r.messages?.length) {
    let at = 0;
    return r.messages.map((m, index) => {
      const bytes = messageBytes(m, v2);
      const item: Item = { record: r, index, label: m.name, bytes, tree: handshakeTree(bytes, v2), fragmentOffset: at, message: m };
      at += bytes.length;
      return item;
    });
  }
  const base = { record: r, index: 0, fragmentOffset: 0 };
  if (r.content_type === 'handshake') {
    // A message that continues in later records: this record holds only part of it.
    const label = fragment ? `handshake fragment, ${fragment.length} bytes` : `handshake${r.encrypted ? ' (encrypted)' : ''}, ${r.length} bytes`;
    const tree: FieldTree | undefined = fragment && { fields: [{ name: 'fragment', start: 0, end: fragment.length, value: `${fragment.length} bytes of a message continued in the next record`, children: [] }] };
    return [{ ...base, label, bytes: fragment, tree }];
  }
  const bytesText = (n: number) => `${n} byte${n === 1 ? '' : 's'}`;
  let label = `${r.content_type}, ${bytesText(r.length)}`;
  if (r.alert) label = `alert: ${r.alert.level} ${r.alert.description}`;
  else if (r.content_type === 'change_cipher_spec') label = 'change_cipher_spec';
  else if (r.content_type === 'application_data') label = `application_data, ${bytesText(fragment ? fragment.length : r.length)}`;
  if (r.encrypted && !fragment) label += ' (encrypted)';
  const type = CONTENT_TYPES.get(r.content_type);
  return [{ ...base, label, bytes: fragment, tree: fragment && type !== undefined ? contentTree(type, fragment) : undefined }];
}
