/**
 * Field trees (src/trace/field-tree.ts) from the engine's decoders: every field's bytes are
 * where the RFC 6101 layout puts them (checked against offsets computed here by hand from the
 * encoded values), the fields of a message cover it without gaps or overlaps, a message that
 * does not decode keeps the fields read before the error, and recording spans changes nothing
 * of what a decoder returns.
 */
import { describe, expect, it } from 'vitest';
import { contentTree, handshakeTree, type FieldNode } from '../../src/trace/field-tree.js';
import {
  HandshakeType,
  decodeClientHello,
  encodeCertificate,
  encodeClientHello,
  encodeHandshake,
  encodeServerHello,
  renegotiationInfo,
} from '../../src/handshake/messages.js';
import { recordFieldSpans } from '../../src/util/codec.js';
import { ContentType } from '../../src/record/content-types.js';
import { identity, pair } from '../connection/pair.js';
import { field as find } from '../helpers/fields.js';

const RANDOM = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0x65 : i));

/** The children of a node cover it in order, each inside it, none overlapping. */
function expectNested(nodes: readonly FieldNode[], start: number, end: number): void {
  let at = start;
  for (const n of nodes) {
    expect(n.start, n.name).toBeGreaterThanOrEqual(at);
    expect(n.end, n.name).toBeLessThanOrEqual(end);
    at = n.end;
    expectNested(n.children, n.start, n.end);
  }
}

describe('field trees', () => {
  it('a ClientHello: each field where RFC 6101 5.6.1.2 puts it, with its value', () => {
    const sessionId = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + (i & 15));
    const raw = encodeHandshake(HandshakeType.client_hello, encodeClientHello({ version: 0x0300, random: RANDOM, sessionId, cipherSuites: [0x0005, 0x000a, 0x00ff], compressionMethods: Uint8Array.of(0), extensions: [] }));
    const { fields, error } = handshakeTree(raw);
    expect(error).toBeUndefined();
    expect(fields.map((f) => [f.name, f.start, f.end, f.value])).toEqual([
      ['msg_type', 0, 1, 'client_hello (1)'],
      ['length', 1, 4, String(raw.length - 4)],
      ['body (client_hello)', 4, raw.length, `${raw.length - 4} bytes`],
    ]);
    const body = fields[2].children;
    expect(body.map((f) => [f.name, f.start, f.end])).toEqual([
      ['client_version', 4, 6],
      ['random', 6, 38],
      ['session_id', 38, 71],
      ['cipher_suites', 71, 79],
      ['compression_methods', 79, 81],
    ]);
    expect(find(body, 'client_version').value).toBe('3.0 (SSL 3.0)');
    expect(find(body, 'gmt_unix_time')).toMatchObject({ start: 6, end: 10, value: `${0x65010203} (${new Date(0x65010203 * 1000).toISOString().replace('.000', '')})` });
    expect(find(body, 'random_bytes')).toMatchObject({ start: 10, end: 38 });
    expect(find(body, 'session_id').value).toBe(Buffer.from(sessionId).toString('hex'));
    expect(find(body, 'session_id').children.map((c) => [c.name, c.start, c.end, c.value])).toEqual([['length', 38, 39, '32']]);
    const suites = find(body, 'cipher_suites');
    expect(suites.value).toBe('3 × CipherSuite');
    expect(suites.children.map((c) => [c.start, c.value])).toEqual([
      [71, '6'],
      [73, 'SSL_RSA_WITH_RC4_128_SHA (0x0005)'],
      [75, 'SSL_RSA_WITH_3DES_EDE_CBC_SHA (0x000a)'],
      [77, 'EMPTY_RENEGOTIATION_INFO_SCSV (0x00ff)'],
    ]);
    // Selecting a suite selects exactly its two bytes.
    expect([...raw.subarray(suites.children[2].start, suites.children[2].end)]).toEqual([0x00, 0x0a]);
    expect(find(body, 'compression_methods').value).toBe('null (0)');
    expectNested(fields, 0, raw.length);
  });

  it("a ServerHello's cipher_suite and extension, and a Certificate's subjects", () => {
    const raw = encodeHandshake(HandshakeType.server_hello, encodeServerHello({ version: 0x0300, random: RANDOM, sessionId: new Uint8Array(0), cipherSuite: 0x0004, compressionMethod: 0, extensions: [renegotiationInfo(new Uint8Array(0))] }));
    const { fields } = handshakeTree(raw);
    expect(find(fields, 'session_id')).toMatchObject({ start: 38, end: 39, value: '(empty)' });
    expect(find(fields, 'cipher_suite')).toMatchObject({ start: 39, end: 41, value: 'SSL_RSA_WITH_RC4_128_MD5 (0x0004)' });
    expect(find(fields, 'compression_method')).toMatchObject({ start: 41, end: 42, value: 'null (0)' });
    expect(find(fields, 'extension_type')).toMatchObject({ start: 44, end: 46, value: 'renegotiation_info (65281)' });
    expectNested(fields, 0, raw.length);

    const cert = identity().cert;
    const certificate = encodeHandshake(HandshakeType.certificate, encodeCertificate([cert, cert]));
    const tree = handshakeTree(certificate);
    const list = find(tree.fields, 'certificate_list');
    expect(list.value).toBe('2 × ASN.1Cert');
    expect(list.children.map((c) => [c.name, c.start, c.end])).toEqual([
      ['length', 4, 7],
      ['ASN.1Cert', 7, 10 + cert.length],
      ['ASN.1Cert', 10 + cert.length, 13 + 2 * cert.length],
    ]);
    expect(list.children[1].value).toBe('subject CN=server.test; issuer CN=server.test');
  });

  it('every message of a real handshake decodes to the end, its fields covering it', () => {
    const raws: Uint8Array[] = [];
    pair({ clientTrace: (e) => e.kind === 'handshake' && raws.push(encodeHandshake(e.type, e.body)) });
    expect(raws.map((r) => r[0])).toEqual([1, 2, 11, 14, 16, 20, 20]);
    for (const raw of raws) {
      const { fields, error } = handshakeTree(raw);
      expect(error).toBeUndefined();
      expectNested(fields, 0, raw.length);
      // Every byte of the body belongs to a field (a vector of bytes holds its length and its contents).
      const leaves: FieldNode[] = [];
      const walk = (n: FieldNode) => (n.children.length && !(n.children.length === 1 && n.children[0].name === 'length') ? n.children.forEach(walk) : leaves.push(n));
      fields[2].children.forEach(walk);
      const covered = leaves.reduce((n, l) => n + (l.end - l.start), 0);
      expect(covered, `message type ${raw[0]}`).toBe(raw.length - 4);
    }
    const finished = handshakeTree(raws[5]).fields;
    expect(find(finished, 'md5_hash')).toMatchObject({ start: 4, end: 20 });
    expect(find(finished, 'sha_hash')).toMatchObject({ start: 20, end: 40 });
  });

  it('a message that does not decode keeps the fields read before the error, and says why', () => {
    const raw = encodeHandshake(HandshakeType.server_hello, encodeServerHello({ version: 0x0300, random: RANDOM, sessionId: new Uint8Array(0), cipherSuite: 0x0004, compressionMethod: 0, extensions: [] }));
    const cut = encodeHandshake(HandshakeType.server_hello, raw.subarray(4, 40));
    const { fields, error } = handshakeTree(cut);
    expect(error).toMatch(/ServerHello: needs 2 more bytes/);
    expect(find(fields, 'random')).toMatchObject({ start: 6, end: 38 });
    expect(handshakeTree(Uint8Array.of(2, 0, 0, 9, 1)).error).toBe('length says 9 bytes, the message has 1');
  });

  it('alerts and ChangeCipherSpec by name; recording changes nothing a decoder returns', () => {
    expect(contentTree(ContentType.alert, Uint8Array.of(2, 40)).fields.map((f) => [f.name, f.value])).toEqual([
      ['level', 'fatal (2)'],
      ['description', 'handshake_failure (40)'],
    ]);
    expect(contentTree(ContentType.change_cipher_spec, Uint8Array.of(1)).fields[0]).toMatchObject({ name: 'type', value: 'change_cipher_spec (1)' });
    expect(contentTree(ContentType.application_data, new TextEncoder().encode('GET /\r\n')).fields[0].value).toBe('GET /\\r\\n');
    const body = encodeClientHello({ version: 0x0300, random: RANDOM, sessionId: new Uint8Array(0), cipherSuites: [5], compressionMethods: Uint8Array.of(0), extensions: [] });
    expect(recordFieldSpans(body, decodeClientHello).value).toEqual(decodeClientHello(body));
  });
});
