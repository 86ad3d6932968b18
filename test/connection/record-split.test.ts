/**
 * 1/n-1 record splitting under CBC suites, the BEAST countermeasure (CVE-2011-3389), in both
 * roles: each write's first byte goes in a record of its own, by default; stream suites are
 * not split, and splitCbcRecords: false turns it off for a teaching trace, which shows it.
 * (On the wire, decrypted by tshark: test/interop/tshark.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { pair, type Side } from './pair.js';
import { DEFAULT_SUITES, suiteByName } from '../../src/ciphers/suites.js';
import type { TraceEvent } from '../../src/connection/connection.js';
import { formatTraceEvent } from '../../src/trace/text-trace.js';
import { utf8Bytes, utf8String } from '../../src/util/bytes.js';

const APPLICATION_DATA = 23;

/** Runs a handshake with `suite`, then each side writes `text` once: the application-data records each sent, and what each read. */
function exchange(keyword: string, text: string, options: { splitCbcRecords?: boolean } = {}) {
  const events: { client: TraceEvent[]; server: TraceEvent[] } = { client: [], server: [] };
  const suites = [suiteByName(keyword)];
  const { client, server } = pair({
    client: { suites, ...options },
    server: { suites, ...options },
    clientTrace: (e) => events.client.push(e),
    serverTrace: (e) => events.server.push(e),
  });
  client.conn.write(utf8Bytes(text));
  server.conn.write(utf8Bytes(text));
  const sent = (trace: TraceEvent[]) => trace.flatMap((e) => (e.kind === 'record' && e.direction === 'out' && e.type === APPLICATION_DATA ? [e.length] : []));
  const read = (side: Side) => side.data.map((d) => utf8String(d)).join('');
  return {
    clientRecords: sent(events.client),
    serverRecords: sent(events.server),
    clientRead: read(client),
    serverRead: read(server),
    notes: events.client.flatMap((e) => (e.kind === 'note' ? [formatTraceEvent(e)] : [])),
  };
}

const REQUEST = 'GET / HTTP/1.0\r\n\r\n';

describe('1/n-1 record splitting', () => {
  const cbc = DEFAULT_SUITES.filter((s) => s.blockSize > 1).map((s) => s.iosKeyword);

  it('covers the CBC suites of the default list', () => {
    expect(cbc).toEqual(expect.arrayContaining(['3des-ede-cbc-sha', 'des-cbc-sha', 'aes-128-cbc-sha', 'aes-256-cbc-sha']));
  });

  it.each(cbc)('%s: each write goes as a 1-byte record, then the rest, in both roles', (keyword) => {
    const x = exchange(keyword, REQUEST);
    expect(x.clientRecords).toEqual([1, REQUEST.length - 1]);
    expect(x.serverRecords).toEqual([1, REQUEST.length - 1]);
    expect(x.serverRead).toBe(REQUEST);
    expect(x.clientRead).toBe(REQUEST);
  });

  it('splits only the first record of a write longer than one record', () => {
    const big = 'x'.repeat(40_000);
    expect(exchange('aes-128-cbc-sha', big).clientRecords).toEqual([1, 16384, 16384, 40_000 - 1 - 2 * 16384]);
  });

  it('does not split a stream cipher, a 1-byte write, or when turned off', () => {
    expect(exchange('rc4-128-sha', REQUEST).clientRecords).toEqual([REQUEST.length]);
    expect(exchange('3des-ede-cbc-sha', 'G').clientRecords).toEqual([1]);
    const off = exchange('3des-ede-cbc-sha', REQUEST, { splitCbcRecords: false });
    expect(off.clientRecords).toEqual([REQUEST.length]);
    expect(off.serverRecords).toEqual([REQUEST.length]);
    expect(off.notes.filter((n) => /1\/n-1/.test(n))).toEqual([]);
  });

  it('says why in the trace, once per connection', () => {
    const x = exchange('des-cbc-sha', REQUEST);
    expect(x.notes.filter((n) => /1\/n-1/.test(n))).toEqual(['   * CBC suite: each write goes 1/n-1, its first byte in a record of its own (BEAST countermeasure, CVE-2011-3389)']);
  });
});
