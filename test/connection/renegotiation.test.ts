/**
 * RFC 5746 secure renegotiation (section 3 covers SSL 3.0, where verify_data is the whole
 * 36-byte Finished hash), our client against our server over the in-memory pair. The hellos
 * are checked through the trace's 'handshake' events, which carry each message body before
 * encryption; misbehaving peers are made by tampering with one side's record of the previous
 * handshake or by rewriting the plaintext first-handshake hellos on the wire.
 */
import { describe, expect, it } from 'vitest';
import { pair, type Side } from './pair.js';
import type { TraceEvent } from '../../src/connection/connection.js';
import type { HandshakeResult } from '../../src/handshake/context.js';
import {
  HandshakeType,
  RENEGOTIATION_INFO_EXTENSION,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  decodeClientHello,
  decodeServerHello,
  encodeClientHello,
  encodeHandshake,
  encodeServerHello,
  type Extension,
} from '../../src/handshake/messages.js';
import { ContentType, SSL3_VERSION } from '../../src/record/content-types.js';
import { encodeRecord } from '../../src/record/record-framer.js';
import { concatBytes, utf8Bytes, utf8String } from '../../src/util/bytes.js';

type HandshakeEvent = Extract<TraceEvent, { kind: 'handshake' }>;

function recorder(): { events: HandshakeEvent[]; trace: (e: TraceEvent) => void } {
  const events: HandshakeEvent[] = [];
  return { events, trace: (e) => (e.kind === 'handshake' ? events.push(e) : undefined) };
}

const bodies = (events: HandshakeEvent[], direction: 'in' | 'out', type: number) =>
  events.filter((e) => e.direction === direction && e.type === type).map((e) => e.body);

const renegotiationInfo = (extensions: readonly Extension[]) => extensions.filter((e) => e.type === RENEGOTIATION_INFO_EXTENSION).map((e) => [...e.data]);

/** The extension body for renegotiated_connection = data: a one-byte length, then data. */
const infoBody = (data: Uint8Array) => [data.length, ...data];

/** Replaces the connection's record of its last handshake (what a renegotiation binds to). */
function tamperPrevious(side: Side, change: Partial<HandshakeResult>): void {
  const conn = side.conn as unknown as { result: HandshakeResult };
  conn.result = { ...conn.result, ...change };
}

/** Rewrites a plaintext record holding one handshake message. */
function rewriteMessage(record: Uint8Array, edit: (type: number, body: Uint8Array) => Uint8Array): Uint8Array {
  expect(record[0]).toBe(ContentType.handshake);
  const type = record[5];
  return encodeRecord(ContentType.handshake, SSL3_VERSION, encodeHandshake(type, edit(type, record.subarray(9))));
}

const flipped = (b: Uint8Array) => b.map((x, i) => (i === 0 ? x ^ 1 : x));

describe('RFC 5746 secure renegotiation, our client against our server', () => {
  it('signals with the SCSV, binds each renegotiation to the previous Finished messages', () => {
    const c = recorder();
    const s = recorder();
    const { client, server } = pair({ server: { allowRenegotiation: true }, clientTrace: c.trace, serverTrace: s.trace });
    expect(client.secure).toHaveLength(1);

    // First handshake: SCSV, no extensions; the server answers with an empty renegotiation_info.
    const [hello1] = bodies(s.events, 'in', HandshakeType.client_hello).map(decodeClientHello);
    expect(hello1.cipherSuites).toContain(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    expect(hello1.extensions).toEqual([]);
    const [serverHello1] = bodies(c.events, 'in', HandshakeType.server_hello).map(decodeServerHello);
    expect(renegotiationInfo(serverHello1.extensions)).toEqual([[0]]);
    const first = client.secure[0];
    expect(first.secureRenegotiation).toBe(true);
    expect(server.secure[0].secureRenegotiation).toBe(true);
    expect(first.clientVerifyData).toHaveLength(36);
    expect(first.serverVerifyData).toHaveLength(36);
    expect(server.secure[0].clientVerifyData).toEqual(first.clientVerifyData);
    expect(server.secure[0].serverVerifyData).toEqual(first.serverVerifyData);
    // The verify data are the Finished bodies that crossed.
    expect(bodies(c.events, 'out', HandshakeType.finished)[0]).toEqual(first.clientVerifyData);
    expect(bodies(c.events, 'in', HandshakeType.finished)[0]).toEqual(first.serverVerifyData);

    client.conn.renegotiate();
    expect(client.secure).toHaveLength(2);
    expect(server.secure).toHaveLength(2);
    const hello2 = decodeClientHello(bodies(s.events, 'in', HandshakeType.client_hello)[1]);
    expect(hello2.cipherSuites).not.toContain(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    expect(renegotiationInfo(hello2.extensions)).toEqual([infoBody(first.clientVerifyData)]);
    const serverHello2 = decodeServerHello(bodies(c.events, 'in', HandshakeType.server_hello)[1]);
    expect(renegotiationInfo(serverHello2.extensions)).toEqual([infoBody(concatBytes(first.clientVerifyData, first.serverVerifyData))]);
    const second = client.secure[1];
    expect(second.secureRenegotiation).toBe(true);
    expect(second.clientVerifyData).not.toEqual(first.clientVerifyData);

    // A second renegotiation binds to the renegotiation before it.
    client.conn.renegotiate();
    expect(client.secure).toHaveLength(3);
    const hello3 = decodeClientHello(bodies(s.events, 'in', HandshakeType.client_hello)[2]);
    expect(renegotiationInfo(hello3.extensions)).toEqual([infoBody(second.clientVerifyData)]);

    client.conn.write(utf8Bytes('after renegotiation'));
    expect(server.data.map((d) => utf8String(d)).join('')).toBe('after renegotiation');
    client.conn.close();
    expect(server.closed?.clean).toBe(true);
  });

  it('server refuses a renegotiation whose renegotiation_info is not the previous client Finished', () => {
    const { client, server } = pair({ server: { allowRenegotiation: true } });
    tamperPrevious(client, { clientVerifyData: flipped(client.secure[0].clientVerifyData) });
    client.conn.renegotiate();
    expect(server.alerts).toContainEqual({ direction: 'sent', level: 2, name: 'handshake_failure' });
    expect(server.closed?.error?.message).toMatch(/does not match the previous client Finished/);
    expect(server.secure).toHaveLength(1);
  });

  it('server refuses a renegotiation ClientHello that lists the SCSV (RFC 5746 3.7)', () => {
    const { client, server } = pair({ server: { allowRenegotiation: true } });
    // The client believes the first handshake was legacy, so it renegotiates with the SCSV only.
    tamperPrevious(client, { secureRenegotiation: false });
    client.conn.renegotiate();
    expect(server.alerts).toContainEqual({ direction: 'sent', level: 2, name: 'handshake_failure' });
    expect(server.closed?.error?.message).toMatch(/SCSV/);
  });

  it('server never allows insecure renegotiation', () => {
    const { client, server } = pair({ client: { offerScsv: false }, server: { allowRenegotiation: true } });
    expect(server.secure[0].secureRenegotiation).toBe(false);
    expect(client.secure[0].secureRenegotiation).toBe(false);
    client.conn.renegotiate();
    expect(server.alerts).toContainEqual({ direction: 'sent', level: 2, name: 'handshake_failure' });
    expect(server.closed?.error?.message).toMatch(/insecure renegotiation refused/);
  });

  it('client refuses a renegotiation ServerHello that does not echo both previous Finished hashes', () => {
    const { client, server } = pair({ server: { allowRenegotiation: true } });
    tamperPrevious(server, { serverVerifyData: flipped(server.secure[0].serverVerifyData) });
    client.conn.renegotiate();
    expect(client.alerts).toContainEqual({ direction: 'sent', level: 2, name: 'handshake_failure' });
    expect(client.closed?.error?.message).toMatch(/does not match the previous Finished/);
  });

  it('client refuses a first ServerHello whose renegotiation_info is not empty', () => {
    const { client } = pair({
      toClient: (record, index) =>
        index === 0
          ? rewriteMessage(record, (type, body) => {
              expect(type).toBe(HandshakeType.server_hello);
              const hello = decodeServerHello(body);
              return encodeServerHello({ ...hello, extensions: [{ type: RENEGOTIATION_INFO_EXTENSION, data: Uint8Array.of(2, 0xaa, 0xbb) }] });
            })
          : record,
    });
    expect(client.secure).toHaveLength(0);
    expect(client.alerts).toContainEqual({ direction: 'sent', level: 2, name: 'handshake_failure' });
    expect(client.closed?.error?.message).toMatch(/renegotiation_info in the first ServerHello is not empty/);
  });

  it('server refuses a first ClientHello whose renegotiation_info is not empty', () => {
    const { server } = pair({
      toServer: (record, index) =>
        index === 0
          ? rewriteMessage(record, (_type, body) => {
              const hello = decodeClientHello(body);
              return encodeClientHello({ ...hello, extensions: [{ type: RENEGOTIATION_INFO_EXTENSION, data: Uint8Array.of(1, 0) }] });
            })
          : record,
    });
    expect(server.alerts).toContainEqual({ direction: 'sent', level: 2, name: 'handshake_failure' });
    expect(server.closed?.error?.message).toMatch(/renegotiation_info in the first ClientHello is not empty/);
  });

  it('server answers an empty renegotiation_info extension (without the SCSV) with its own', () => {
    const s = recorder();
    pair({
      client: { offerScsv: false },
      serverTrace: s.trace,
      // The rewrite breaks the Finished hashes later; only the ServerHello matters here.
      toServer: (record, index) =>
        index === 0
          ? rewriteMessage(record, (_type, body) => encodeClientHello({ ...decodeClientHello(body), extensions: [{ type: RENEGOTIATION_INFO_EXTENSION, data: Uint8Array.of(0) }] }))
          : record,
    });
    const [serverHello] = bodies(s.events, 'out', HandshakeType.server_hello).map(decodeServerHello);
    expect(renegotiationInfo(serverHello.extensions)).toEqual([[0]]);
  });
});
