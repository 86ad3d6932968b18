/**
 * Every handshake message codec on its own (RFC 6101 section 5.6; the SSLv2-compatible hello
 * of Appendix E): the reassembler cuts mutated plaintext flights into messages, and each
 * message goes to the decoder of its type and to one more chosen by the input, which must
 * return or throw a DecodeError/SslAlertError; a message that decodes must survive a round
 * trip (decode, encode, decode gives the same value), so encoder and decoder agree on every
 * input the decoder accepts. The engine-* targets reach the same decoders through records;
 * this one reaches them without a record layer in front and at a higher rate.
 */
import { expect } from 'vitest';
import { corpus } from '../../test/connection/engine-fuzz.js';
import { ContentType } from '../../src/record/content-types.js';
import {
  HandshakeReassembler,
  HandshakeType,
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeClientHello,
  decodeFinished,
  decodeRsaClientKeyExchange,
  decodeServerHello,
  decodeV2ClientHello,
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeClientHello,
  encodeServerHello,
} from '../../src/handshake/messages.js';
import { concatBytes } from '../../src/util/bytes.js';
import { bytesInput, cut } from '../mutate.js';
import { expectTypedFailure, type FuzzInput, type FuzzTarget } from '../target.js';

type Codec = readonly [name: string, decode: (body: Uint8Array) => unknown, encode?: (value: never) => Uint8Array];

const CODECS: Record<number, Codec> = {
  [HandshakeType.client_hello]: ['ClientHello', decodeClientHello, encodeClientHello],
  [HandshakeType.server_hello]: ['ServerHello', decodeServerHello, encodeServerHello],
  [HandshakeType.certificate]: ['Certificate', decodeCertificate, encodeCertificate],
  [HandshakeType.certificate_request]: ['CertificateRequest', decodeCertificateRequest, encodeCertificateRequest],
  [HandshakeType.client_key_exchange]: ['ClientKeyExchange', (b) => decodeRsaClientKeyExchange(b, 128)],
  [HandshakeType.certificate_verify]: ['CertificateVerify', decodeCertificateVerify, encodeCertificateVerify],
  [HandshakeType.finished]: ['Finished', decodeFinished],
};
const ALL = [...Object.values(CODECS), ['V2ClientHello', decodeV2ClientHello] as Codec];

/** Plain JSON of a decoded value, bytes as hex, for comparing two decodings. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? Buffer.from(x).toString('hex') : typeof x === 'bigint' ? x.toString() : x));
}

function decodeAndRoundTrip([name, decode, encode]: Codec, body: Uint8Array): void {
  let value: unknown;
  expectTypedFailure(name, () => (value = decode(body)));
  if (value === undefined || !encode) return;
  const again = decode(encode(value as never));
  expect(canonical(again), `${name} round trip`).toBe(canonical(value));
}

/** Plaintext handshake messages of the corpus flights, both directions (those before ChangeCipherSpec). */
function seeds(): Uint8Array[] {
  const { toServer, toClient } = corpus();
  const out: Uint8Array[] = [];
  for (const flight of [...toServer, ...toClient]) {
    for (const r of flight) {
      if (r[0] === ContentType.change_cipher_spec) break;
      if (r[0] === ContentType.handshake) out.push(r.subarray(5));
    }
  }
  return out;
}

export const DECODERS_TARGET: FuzzTarget = {
  name: 'handshake-decoders',
  what: 'mutated handshake messages into the reassembler and every message decoder: typed errors only, and decode(encode(decode(x))) = decode(x)',
  input: () => {
    const s = seeds();
    return bytesInput({ seeds: s }, 600).map((i) => ({ ...i, flags: i.chunks[0].length % 251 }));
  },
  check: (input: FuzzInput) => {
    const bytes = concatBytes(...input.chunks);
    const reassembler = new HandshakeReassembler(1 << 16);
    for (const piece of cut(bytes, [input.flags, input.flags * 7])) reassembler.push(piece);
    for (let n = 0; n < 64; n++) {
      let msg: ReturnType<HandshakeReassembler['next']>;
      expectTypedFailure('HandshakeReassembler', () => (msg = reassembler.next()));
      if (!msg) break;
      const own = CODECS[msg.type];
      if (own) decodeAndRoundTrip(own, msg.body);
      decodeAndRoundTrip(ALL[input.flags % ALL.length], msg.body);
    }
    // The SSLv2 hello parses a whole message, header excluded: the raw input is one too.
    decodeAndRoundTrip(['V2ClientHello', decodeV2ClientHello], bytes);
  },
};
