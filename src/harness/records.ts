/**
 * The records a scripted peer writes (RFC 6101 5.2): sealed with this side's current keys by
 * the engine's RecordProtection, and misshaped only where a step's RecordShape says, through
 * the record layer's sealShaped seam: a flipped MAC byte (5.2.3.1), CBC padding of another
 * length or value (5.2.3.2), a header with another type, version or length (5.2.1), a body
 * cut short. The MAC is always computed over the fragment and type as they really are, so a
 * rewritten header is the record's only fault.
 */
import { ContentType, SSL3_VERSION } from '../record/content-types.js';
import { RECORD_HEADER, encodeRecord, fragments } from '../record/record-framer.js';
import type { RecordPlaintext } from '../record/record-protection.js';
import { concatBytes, fromHex } from '../util/bytes.js';
import { Ssl3Error } from '../util/errors.js';
import type { PeerState } from './peer-state.js';
import type { Bytes, ContentName, RecordShape } from './steps.js';

/** A step the runner cannot carry out as written (a bad script, or state it needs is missing). */
export class HarnessError extends Ssl3Error {
  constructor(message: string) {
    super('HARNESS_STEP', message);
  }
}

export function bytesOf(b: Bytes): Uint8Array {
  if (typeof b !== 'string') return b;
  try {
    return fromHex(b);
  } catch {
    throw new HarnessError(`not hex: '${b.length > 40 ? `${b.slice(0, 40)}...` : b}'`);
  }
}

export function contentTypeOf(type: ContentName | number): number {
  return typeof type === 'number' ? type : ContentType[type];
}

/** What a shaped record changed, for the trace. */
function shapeNotes(shape: RecordShape | undefined): string[] {
  if (!shape) return [];
  const notes: string[] = [];
  if (shape.mac) notes.push(`MAC byte ${shape.mac.byte} XOR 0x${(shape.mac.xor ?? 1).toString(16).padStart(2, '0')}`);
  if (shape.padding) notes.push(`padding ${JSON.stringify(shape.padding)}`);
  if (shape.contentType !== undefined) notes.push(`header content type ${shape.contentType}`);
  if (shape.version !== undefined) notes.push(`header version ${shape.version >> 8}.${shape.version & 0xff}`);
  if (shape.trim) notes.push(`${shape.trim} bytes cut from the body`);
  if (shape.length !== undefined) notes.push(`header length ${shape.length}`);
  if (shape.clear) notes.push('in the clear');
  return notes;
}

/** The plaintext of a shaped record: the correct parts, changed only where `shape` says. */
function layout(parts: RecordPlaintext, shape: RecordShape): Uint8Array {
  const mac = parts.mac.slice();
  if (shape.mac) {
    if (!mac.length) throw new HarnessError('no MAC to change: this side has no keys yet');
    const at = shape.mac.byte < 0 ? mac.length + shape.mac.byte : shape.mac.byte;
    if (at < 0 || at >= mac.length) throw new HarnessError(`MAC byte ${shape.mac.byte} is outside a ${mac.length}-byte MAC`);
    mac[at] ^= shape.mac.xor ?? 1;
  }
  let padding = parts.padding;
  if (shape.padding) {
    if (parts.blockSize === 1) throw new HarnessError('padding exists only under a block cipher (RFC 6101 5.2.3.2)');
    const length = shape.padding.length ?? parts.padding.length - 1;
    padding = new Uint8Array(length + 1).fill(shape.padding.fill ?? length);
    padding[length] = shape.padding.lengthByte ?? length;
  }
  const plain = concatBytes(parts.fragment, mac, padding);
  if (plain.length % parts.blockSize !== 0) {
    throw new HarnessError(
      `${parts.fragment.length} bytes of content, a ${mac.length}-byte MAC and ${padding.length} of padding do not fill whole ${parts.blockSize}-byte blocks`,
    );
  }
  return plain;
}

/** One record of `type` carrying `fragment`, sealed with the current write keys and shaped as asked. */
export function sealRecord(state: PeerState, type: number, fragment: Uint8Array, shape: RecordShape | undefined, note: (text: string) => void): Uint8Array {
  let record: Uint8Array;
  if (!shape) record = state.write.seal(type, SSL3_VERSION, fragment);
  else if (shape.clear) record = encodeRecord(type, SSL3_VERSION, fragment);
  else record = state.write.sealShaped(type, SSL3_VERSION, fragment, (p) => layout(p, shape));
  if (shape?.trim) {
    if (shape.trim > record.length - RECORD_HEADER) throw new HarnessError(`cannot cut ${shape.trim} bytes from a ${record.length - RECORD_HEADER}-byte body`);
    record = record.slice(0, record.length - shape.trim);
  }
  const body = record.length - RECORD_HEADER;
  const length = shape?.length ?? body;
  record[0] = shape?.contentType ?? record[0];
  const version = shape?.version ?? SSL3_VERSION;
  record[1] = version >> 8;
  record[2] = version & 0xff;
  record[3] = length >> 8;
  record[4] = length & 0xff;
  for (const n of shapeNotes(shape)) note(n);
  return record;
}

/** `data` cut at `split` offsets (each piece a record), else into pieces of at most 2^14 bytes; an empty input is one empty piece. */
export function pieces(data: Uint8Array, split: readonly number[] | undefined): Uint8Array[] {
  if (!split) return data.length ? [...fragments(data)] : [data];
  const cuts = [0, ...split.filter((o) => o > 0 && o < data.length), data.length];
  const out: Uint8Array[] = [];
  for (let i = 1; i < cuts.length; i++) if (cuts[i] > cuts[i - 1]) out.push(data.subarray(cuts[i - 1], cuts[i]));
  return out.length ? out : [data];
}
