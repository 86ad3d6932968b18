/**
 * The handshake message codecs (RFC 6101 5.6) on their own: each message decodes back to what
 * was encoded; every truncation and every trailing byte is a DecodeError, never another
 * exception or a quiet success (STYLE.md, after rustls' codec tests), except where the RFC
 * says to ignore extra data (a ClientHello's, 5.6.1.2); an extension listed twice is refused,
 * as Go's crypto/tls refuses it.
 */
import { describe, expect, it } from 'vitest';
import {
  RENEGOTIATION_INFO_EXTENSION,
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeClientHello,
  decodeFinished,
  decodeServerHello,
  decodingPeerMessages,
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeClientHello,
  encodeServerHello,
  renegotiationInfo,
  type ClientHello,
  type ServerHello,
} from '../../src/handshake/messages.js';
import { SslAlertError } from '../../src/record/alerts.js';
import { DecodeError } from '../../src/util/codec.js';
import { concatBytes } from '../../src/util/bytes.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

const clientHello: ClientHello = {
  version: 0x0300,
  random: bytes(32, 7),
  sessionId: bytes(32, 9),
  cipherSuites: [0x000a, 0x0005, 0x00ff],
  compressionMethods: Uint8Array.of(0),
  extensions: [renegotiationInfo(new Uint8Array(0)), { type: 0x0005, data: Uint8Array.of(1, 0, 0, 0, 0) }],
};
const serverHello: ServerHello = {
  version: 0x0300,
  random: bytes(32, 3),
  sessionId: bytes(16, 4),
  cipherSuite: 0x000a,
  compressionMethod: 0,
  extensions: [renegotiationInfo(bytes(72, 5))],
};
const chain = [bytes(300, 1), bytes(5, 2)];
const request = { certificateTypes: Uint8Array.of(1, 2), authorities: [bytes(40, 8), bytes(1, 6)] };
const signature = bytes(128, 0xab);

/** Where a ServerHello's optional extension block begins: cut there, it is a whole hello without one. */
const SERVER_HELLO_FIXED = 2 + 32 + 1 + serverHello.sessionId.length + 2 + 1;

/** Each codec: a sample encoding, its decoder, the value it decodes to, and the lengths of prefixes that are whole messages too. */
const CODECS: [string, Uint8Array, (b: Uint8Array) => unknown, unknown, number[]?][] = [
  ['ServerHello', encodeServerHello(serverHello), decodeServerHello, serverHello, [SERVER_HELLO_FIXED]],
  ['ServerHello without extensions', encodeServerHello({ ...serverHello, extensions: [] }), decodeServerHello, { ...serverHello, extensions: [] }],
  ['Certificate', encodeCertificate(chain), decodeCertificate, chain],
  ['CertificateRequest', encodeCertificateRequest(request), decodeCertificateRequest, request],
  ['CertificateVerify', encodeCertificateVerify(signature), decodeCertificateVerify, signature],
  ['Finished', bytes(36, 0x42), decodeFinished, bytes(36, 0x42)],
];

function decodeError(decode: () => unknown): DecodeError | undefined {
  try {
    decode();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  return undefined;
}

describe('handshake message codecs', () => {
  it('ClientHello round-trips, extensions included', () => {
    expect(decodeClientHello(encodeClientHello(clientHello))).toEqual(clientHello);
  });

  for (const [name, encoded, decode, value, whole = []] of CODECS) {
    it(`${name}: round-trips; every truncation and a trailing byte is a DecodeError`, () => {
      expect(decode(encoded)).toEqual(value);
      for (let n = 0; n < encoded.length; n++) {
        if (whole.includes(n)) expect(decodeError(() => decode(encoded.subarray(0, n))), `cut to ${n}`).toBeUndefined();
        else expect(decodeError(() => decode(encoded.subarray(0, n))), `cut to ${n}`).toBeInstanceOf(DecodeError);
      }
      expect(decodeError(() => decode(concatBytes(encoded, Uint8Array.of(0))))).toBeInstanceOf(DecodeError);
    });
  }

  it('ClientHello: a truncation before the compression methods end is a DecodeError; extra data after them is ignored (5.6.1.2)', () => {
    const encoded = encodeClientHello(clientHello);
    const methodsEnd = 2 + 32 + 1 + 32 + 2 + 2 * clientHello.cipherSuites.length + 1 + 1;
    for (let n = 0; n < methodsEnd; n++) expect(decodeError(() => decodeClientHello(encoded.subarray(0, n))), `cut to ${n}`).toBeInstanceOf(DecodeError);
    for (let n = methodsEnd; n < encoded.length; n++) {
      // A cut extension block does not parse: the hello stands, without extensions.
      expect(decodeClientHello(encoded.subarray(0, n)), `cut to ${n}`).toEqual({ ...clientHello, extensions: [] });
    }
    expect(decodeClientHello(concatBytes(encoded.subarray(0, methodsEnd), Uint8Array.of(0xde, 0xad, 0xbe))).extensions).toEqual([]);
  });

  it('an extension listed twice is refused in either hello, as a decode error of the peer (handshake_failure)', () => {
    const twice = [renegotiationInfo(new Uint8Array(0)), { type: 0x0017, data: new Uint8Array(0) }, renegotiationInfo(new Uint8Array(0))];
    const hellos: [string, () => unknown][] = [
      ['ClientHello', () => decodeClientHello(encodeClientHello({ ...clientHello, extensions: twice }))],
      ['ServerHello', () => decodeServerHello(encodeServerHello({ ...serverHello, extensions: twice }))],
    ];
    for (const [name, decode] of hellos) {
      let caught: unknown;
      try {
        decodingPeerMessages(decode);
      } catch (e) {
        caught = e;
      }
      expect(caught, name).toBeInstanceOf(SslAlertError);
      expect(caught).toMatchObject({ kind: 'DECODE_ERROR', alert: 'handshake_failure' });
      expect((caught as Error).message).toBe(`${name}: extension 0x${RENEGOTIATION_INFO_EXTENSION.toString(16)} appears twice`);
    }
  });

  it('turns a DecodeError met while handling peer messages into the DECODE_ERROR kind, keeping its message', () => {
    let caught: unknown;
    try {
      decodingPeerMessages(() => decodeFinished(bytes(35, 0)));
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ kind: 'DECODE_ERROR', code: 'ERR_SSL_DECODE_ERROR', message: 'Finished: 35 bytes, expected 36' });
  });
});
