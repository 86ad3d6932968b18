/**
 * Handshake message codecs, RFC 6101 section 5.6: each message has an encode and a decode,
 * and a decode consumes its body exactly (trailing bytes are an error) except where the RFC
 * says otherwise (ClientHello may carry extra data after the compression methods,
 * section 5.6.1.2; a ServerHello may carry extensions that a TLS-era server appends).
 */
import { Reader, Writer, DecodeError } from '../util/codec.js';
import { SslAlertError } from '../record/alerts.js';

/** HandshakeType, RFC 6101 section 5.6. */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
} as const;

export type HandshakeType = (typeof HandshakeType)[keyof typeof HandshakeType];

const NAMES = new Map<number, string>(Object.entries(HandshakeType).map(([k, v]) => [v, k]));

export function handshakeTypeName(t: number): string {
  return NAMES.get(t) ?? `unknown(${t})`;
}

/** ClientCertificateType values, RFC 6101 section 5.6.4. */
export const ClientCertificateType = { rsa_sign: 1, dss_sign: 2, rsa_fixed_dh: 3, dss_fixed_dh: 4 } as const;

/** The renegotiation-indication SCSV (RFC 5746): listed as a suite, means "I do secure renegotiation". */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;
/** The renegotiation_info extension (RFC 5746 section 3.2); its body is `opaque renegotiated_connection<0..255>`. */
export const RENEGOTIATION_INFO_EXTENSION = 0xff01;

/** A renegotiation_info extension carrying `renegotiated_connection` (empty on a first handshake). */
export function renegotiationInfo(renegotiatedConnection: Uint8Array): Extension {
  return { type: RENEGOTIATION_INFO_EXTENSION, data: new Writer().vectorBytes(1, renegotiatedConnection).finish() };
}

/**
 * The `renegotiated_connection` of a hello's renegotiation_info extension: undefined when the
 * extension is absent; a malformed one is a handshake_failure (RFC 5746 3.4, 3.6). (A repeated
 * one never gets here: readExtensions refuses any repeated extension.)
 */
export function findRenegotiationInfo(extensions: readonly Extension[]): Uint8Array | undefined {
  const data = extensions.find((e) => e.type === RENEGOTIATION_INFO_EXTENSION)?.data;
  if (data === undefined) return undefined;
  if (data.length === 0 || data[0] !== data.length - 1) {
    throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'malformed renegotiation_info extension');
  }
  return data.subarray(1);
}

export interface Extension {
  readonly type: number;
  readonly data: Uint8Array;
}

export interface ClientHello {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: Uint8Array;
  /** Parsed when the extra data is a well-formed extension block; ignored otherwise. */
  readonly extensions: readonly Extension[];
}

export interface ServerHello {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: readonly Extension[];
}

export interface CertificateRequest {
  readonly certificateTypes: Uint8Array;
  /** DER-encoded DistinguishedNames. */
  readonly authorities: readonly Uint8Array[];
}

/** A message as it travels: type plus body, and the full encoding that goes into the transcript. */
export interface HandshakeMessage {
  readonly type: number;
  readonly body: Uint8Array;
  readonly raw: Uint8Array;
}

export function encodeHandshake(type: number, body: Uint8Array): Uint8Array {
  return new Writer().u8(type).vectorBytes(3, body).finish();
}

/**
 * A hello's extension block. An extension type listed twice is refused, as Go's crypto/tls
 * refuses it (RFC 5246 7.4.1.4: "There MUST NOT be more than one extension of the same
 * type"): which of the two would count is anyone's guess, and a peer and a middlebox may
 * guess differently. It is a decode error even in a ClientHello, whose extra data is
 * otherwise ignored when it does not parse: this one parses, and says two things.
 */
function readExtensions(r: Reader, hello: string): Extension[] {
  if (r.done) return [];
  const block = r.sub(2, `${hello}.extensions`);
  r.expectEnd();
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (!block.done) {
    const type = block.u16('extension_type');
    out.push({ type, data: block.vector(2, 0, 0xffff, 'extension_data') });
    if (seen.has(type)) throw new SslAlertError('DECODE_ERROR', `${hello}: extension 0x${type.toString(16).padStart(4, '0')} appears twice`);
    seen.add(type);
  }
  return out;
}

function writeExtensions(w: Writer, extensions: readonly Extension[]): void {
  if (extensions.length === 0) return;
  w.vector(2, (x) => {
    for (const e of extensions) x.u16(e.type).vectorBytes(2, e.data);
  });
}

export function encodeClientHello(m: ClientHello): Uint8Array {
  const w = new Writer().u16(m.version).bytes(m.random).vectorBytes(1, m.sessionId);
  w.vector(2, (x) => {
    for (const s of m.cipherSuites) x.u16(s);
  });
  w.vectorBytes(1, m.compressionMethods);
  writeExtensions(w, m.extensions);
  return w.finish();
}

export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new Reader(body, 'ClientHello');
  const version = r.u16('client_version');
  const random = r.bytes(32, 'random');
  const sessionId = r.vector(1, 0, 32, 'ClientHello.session_id');
  const suites = r.sub(2, 'ClientHello.cipher_suites', 2, 0xfffe);
  if (suites.remaining % 2) throw new DecodeError('ClientHello.cipher_suites: odd length');
  const cipherSuites: number[] = [];
  while (!suites.done) cipherSuites.push(suites.u16('CipherSuite'));
  const compressionMethods = r.vector(1, 1, 0xff, 'ClientHello.compression_methods');
  // Section 5.6.1.2: extra data after the compression methods must be ignored. TLS clients put
  // extensions there; keep them when they parse, so a tracer can show them.
  let extensions: Extension[] = [];
  try {
    extensions = readExtensions(r, 'ClientHello');
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
  return { version, random, sessionId, cipherSuites, compressionMethods, extensions };
}

/**
 * The SSL 2.0-compatible CLIENT-HELLO (RFC 6101 Appendix E, layout in RFC 5246 E.2):
 * msg_type(1) version(2) cipher_spec_length(2) session_id_length(2) challenge_length(2),
 * then 3-byte cipher specs, the session id and a 16..32-byte challenge that becomes the
 * right-aligned client random. Specs with a non-zero first byte are SSL 2.0-only and dropped.
 */
export function decodeV2ClientHello(message: Uint8Array): ClientHello {
  const r = new Reader(message, 'SSLv2 ClientHello');
  if (r.u8('msg_type') !== 1) throw new DecodeError('SSLv2 ClientHello: not a CLIENT-HELLO');
  const version = r.u16('version');
  const specLength = r.u16('cipher_spec_length');
  const sessionIdLength = r.u16('session_id_length');
  const challengeLength = r.u16('challenge_length');
  if (specLength === 0 || specLength % 3) throw new DecodeError(`SSLv2 ClientHello: cipher spec length ${specLength}`);
  if (sessionIdLength !== 0 && sessionIdLength !== 16) throw new DecodeError(`SSLv2 ClientHello: session id length ${sessionIdLength}`);
  if (challengeLength < 16 || challengeLength > 32) throw new DecodeError(`SSLv2 ClientHello: challenge length ${challengeLength}`);
  const specs = new Reader(r.bytes(specLength, 'cipher_specs'), 'SSLv2 cipher specs');
  const cipherSuites: number[] = [];
  while (!specs.done) {
    const hi = specs.u8('V2CipherSpec[0]');
    const suite = specs.u16('CipherSuite');
    if (hi === 0) cipherSuites.push(suite);
  }
  const sessionId = r.bytes(sessionIdLength, 'session_id');
  const challenge = r.bytes(challengeLength, 'challenge');
  r.expectEnd();
  const random = new Uint8Array(32);
  random.set(challenge, 32 - challenge.length);
  return { version, random, sessionId, cipherSuites, compressionMethods: Uint8Array.of(0), extensions: [] };
}

export function encodeServerHello(m: ServerHello): Uint8Array {
  const w = new Writer().u16(m.version).bytes(m.random).vectorBytes(1, m.sessionId).u16(m.cipherSuite).u8(m.compressionMethod);
  writeExtensions(w, m.extensions);
  return w.finish();
}

export function decodeServerHello(body: Uint8Array): ServerHello {
  const r = new Reader(body, 'ServerHello');
  const version = r.u16('server_version');
  const random = r.bytes(32, 'random');
  const sessionId = r.vector(1, 0, 32, 'ServerHello.session_id');
  const cipherSuite = r.u16('cipher_suite');
  const compressionMethod = r.u8('compression_method');
  const extensions = readExtensions(r, 'ServerHello');
  return { version, random, sessionId, cipherSuite, compressionMethod, extensions };
}

/** Certificate, section 5.6.2: a 3-byte-length list of 3-byte-length DER certificates, leaf first. */
export function encodeCertificate(chain: readonly Uint8Array[]): Uint8Array {
  return new Writer()
    .vector(3, (w) => {
      for (const c of chain) w.vectorBytes(3, c);
    })
    .finish();
}

export function decodeCertificate(body: Uint8Array): Uint8Array[] {
  const r = new Reader(body, 'Certificate');
  const list = r.sub(3, 'Certificate.certificate_list');
  r.expectEnd();
  const out: Uint8Array[] = [];
  while (!list.done) out.push(list.vector(3, 1, 0xffffff, 'ASN.1Cert'));
  return out;
}

export function encodeCertificateRequest(m: CertificateRequest): Uint8Array {
  return new Writer()
    .vectorBytes(1, m.certificateTypes)
    .vector(2, (w) => {
      for (const dn of m.authorities) w.vectorBytes(2, dn);
    })
    .finish();
}

export function decodeCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new Reader(body, 'CertificateRequest');
  const certificateTypes = r.vector(1, 1, 0xff, 'CertificateRequest.certificate_types');
  // The RFC says <3..2^16-1>, but JSSE and NSS send an empty list when they name no CA.
  const list = r.sub(2, 'CertificateRequest.certificate_authorities');
  r.expectEnd();
  const authorities: Uint8Array[] = [];
  while (!list.done) authorities.push(list.vector(2, 1, 0xffff, 'DistinguishedName'));
  return { certificateTypes, authorities };
}

/**
 * ClientKeyExchange for RSA, section 5.6.7: in SSL 3.0 the encrypted pre-master secret is the
 * whole body, without the 2-byte length TLS 1.0 added.
 *
 * One tolerated variant, for a real peer: OpenJDK's JSSE (11 and later) picks that encoding
 * from the version in its ClientHello, not the negotiated one (sun.security.ssl.
 * RSAClientKeyExchange uses clientHelloVersion), so a Java client that offered TLS as well
 * sends the TLS form even after the server chose SSL 3.0. `tlsClientModulusLength` is the
 * server's RSA modulus length, given only when the client offered a version above 3.0; then a
 * body that is exactly a 2-byte length equal to it followed by that many bytes is unwrapped.
 * Anything else passes through unchanged and the RSA checks decide as always. The choice
 * depends only on public framing, never on a secret.
 */
export function decodeRsaClientKeyExchange(body: Uint8Array, tlsClientModulusLength?: number): Uint8Array {
  if (body.length === 0) throw new DecodeError('ClientKeyExchange: empty');
  const k = tlsClientModulusLength;
  const r = new Reader(body, 'ClientKeyExchange');
  if (k !== undefined && body.length === k + 2 && ((body[0] << 8) | body[1]) === k) r.u16('length');
  return r.rest('EncryptedPreMasterSecret');
}

/** CertificateVerify, section 5.6.8: the RSA signature as a 2-byte-length vector. */
export function encodeCertificateVerify(signature: Uint8Array): Uint8Array {
  return new Writer().vectorBytes(2, signature).finish();
}

export function decodeCertificateVerify(body: Uint8Array): Uint8Array {
  const r = new Reader(body, 'CertificateVerify');
  const sig = r.vector(2, 1, 0xffff, 'CertificateVerify.signature');
  r.expectEnd();
  return sig;
}

/** Finished, section 5.6.9: md5_hash[16] + sha_hash[20], no length prefix. */
export function decodeFinished(body: Uint8Array): Uint8Array {
  if (body.length !== 36) throw new DecodeError(`Finished: ${body.length} bytes, expected 36`);
  // Read only so that a field tree (recordFieldSpans) shows the two hashes.
  const r = new Reader(body, 'Finished');
  r.bytes(16, 'md5_hash');
  r.bytes(20, 'sha_hash');
  return body;
}

export function expectEmpty(body: Uint8Array, what: string): void {
  if (body.length !== 0) throw new DecodeError(`${what}: ${body.length} unexpected bytes`);
}

/**
 * Reassembles handshake messages from handshake-record bodies: a message may span records
 * and a record may hold several messages (section 5.2.1). The size limit keeps a peer from
 * making us buffer without bound, and the buffer grows by doubling and is read through an
 * offset, so a message sent one byte per record, or a record of many tiny messages, costs
 * linear time rather than a copy of everything pending per record or per message.
 */
export class HandshakeReassembler {
  private buf = new Uint8Array(0);
  private start = 0;
  private end = 0;

  constructor(private readonly maxMessage = 1 << 18) {}

  get empty(): boolean {
    return this.end === this.start;
  }

  push(fragment: Uint8Array): void {
    if (fragment.length === 0) return;
    if (this.end + fragment.length > this.buf.length) {
      const live = this.end - this.start;
      const need = live + fragment.length;
      if (need <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array(Math.max(need, 2 * this.buf.length));
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(fragment, this.end);
    this.end += fragment.length;
  }

  next(): HandshakeMessage | undefined {
    const p = this.buf;
    const at = this.start;
    if (this.end - at < 4) return undefined;
    const length = (p[at + 1] << 16) | (p[at + 2] << 8) | p[at + 3];
    if (length > this.maxMessage) throw new SslAlertError('DECODE_ERROR', `handshake message of ${length} bytes exceeds the ${this.maxMessage}-byte limit`);
    if (this.end - at < 4 + length) return undefined;
    const raw = p.slice(at, at + 4 + length);
    this.start = at + 4 + length;
    if (this.start === this.end) this.start = this.end = 0;
    return { type: raw[0], body: raw.subarray(4), raw };
  }
}

/**
 * Runs handshake work that decodes the peer's messages: one that does not parse is the peer's
 * DECODE_ERROR (its message names the message and field, as every decoder here labels its reader).
 */
export function decodingPeerMessages<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof DecodeError) throw new SslAlertError('DECODE_ERROR', e.message);
    throw e;
  }
}
