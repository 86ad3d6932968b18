/**
 * The symmetric codec under every message (src/util/codec.ts; STYLE.md after rustls' codec):
 * what the Writer writes the Reader reads back; a read past the end, a vector outside its
 * bounds and bytes left over are DecodeErrors naming the field.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError, Reader, Writer } from '../../src/util/codec.js';

describe('Reader and Writer', () => {
  it('round-trip integers, bytes and nested length-prefixed vectors', () => {
    const encoded = new Writer()
      .u8(0xfe)
      .u16(0xbeef)
      .u24(0x123456)
      .vector(2, (w) => w.vectorBytes(1, Uint8Array.of(1, 2, 3)).vectorBytes(3, new Uint8Array(0)))
      .bytes(Uint8Array.of(9))
      .finish();
    const r = new Reader(encoded, 'test');
    expect([r.u8(), r.u16(), r.u24()]).toEqual([0xfe, 0xbeef, 0x123456]);
    const inner = r.sub(2, 'inner');
    expect([...inner.vector(1)]).toEqual([1, 2, 3]);
    expect(inner.vector(3).length).toBe(0);
    inner.expectEnd();
    expect([...r.bytes(1)]).toEqual([9]);
    expect(r.done).toBe(true);
    r.expectEnd();
  });

  it('refuses reads past the end, vectors outside their bounds and leftover bytes, naming the field', () => {
    expect(() => new Reader(Uint8Array.of(1), 'Short').u16()).toThrow(DecodeError);
    expect(() => new Reader(Uint8Array.of(0, 5, 1, 2), 'Vec').vector(2, 0, Infinity, 'Vec.data')).toThrow(/Vec/);
    expect(() => new Reader(Uint8Array.of(1, 7), 'Min').vector(1, 2, 10, 'Min.data')).toThrow(DecodeError);
    expect(() => new Reader(Uint8Array.of(3, 1, 2, 3), 'Max').vector(1, 0, 2, 'Max.data')).toThrow(DecodeError);
    const r = new Reader(Uint8Array.of(0, 1, 7, 8), 'Left');
    r.sub(2, 'Left.inner');
    expect(() => r.expectEnd()).toThrow(DecodeError);
  });

  it('a sub-reader ends at its length: the parent goes on after it, the sub-reader cannot read past it', () => {
    const r = new Reader(Uint8Array.of(0, 2, 0xaa, 0xbb, 0xcc), 'Outer');
    const sub = r.sub(2, 'Outer.inner');
    expect(sub.remaining).toBe(2);
    sub.u16();
    expect(() => sub.u8()).toThrow(DecodeError);
    expect(r.u8()).toBe(0xcc);
  });
});
