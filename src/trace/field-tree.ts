/**
 * A handshake message (RFC 6101 5.6) or a record's content (5.3 ChangeCipherSpec, 5.4 Alert)
 * as a tree of fields, each with the bytes it covers, for the viewer: selecting a field shows
 * its bytes and a byte its field. Which fields there are and where they lie comes from the
 * engine's own decoders, recorded as they read (recordFieldSpans, util/codec.ts); this file
 * only nests the reads and writes their values for a reader.
 */
import { alertName, AlertLevel } from '../record/alerts.js';
import { ContentType } from '../record/content-types.js';
import {
  ClientCertificateType,
  HandshakeType,
  RENEGOTIATION_INFO_EXTENSION,
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeClientHello,
  decodeFinished,
  decodeRsaClientKeyExchange,
  decodeServerHello,
  decodeV2ClientHello,
  expectEmpty,
  handshakeTypeName,
} from '../handshake/messages.js';
import { formatName, parseCertificate } from '../pki/x509.js';
import { toHex } from '../util/bytes.js';
import { Reader, recordFieldSpans, type FieldSpan } from '../util/codec.js';
import { printable } from './explain-connection.js';
import { suiteName, versionName } from './handshake-fields.js';

/** One field: its name, the bytes [start, end) it covers in the message, its value for a reader, its parts. */
export interface FieldNode {
  name: string;
  start: number;
  end: number;
  value?: string;
  children: FieldNode[];
}

export interface FieldTree {
  fields: FieldNode[];
  /** Why the bytes did not decode to the end, when they did not (the fields read until then are kept). */
  error?: string;
}

/** The decoder of each handshake message body; a type without one shows as one opaque field. */
const BODY_DECODERS: Readonly<Record<number, (body: Uint8Array) => unknown>> = {
  [HandshakeType.hello_request]: (b) => expectEmpty(b, 'HelloRequest'),
  [HandshakeType.client_hello]: decodeClientHello,
  [HandshakeType.server_hello]: decodeServerHello,
  [HandshakeType.certificate]: decodeCertificate,
  [HandshakeType.certificate_request]: decodeCertificateRequest,
  [HandshakeType.server_hello_done]: (b) => expectEmpty(b, 'ServerHelloDone'),
  [HandshakeType.certificate_verify]: decodeCertificateVerify,
  [HandshakeType.client_key_exchange]: (b) => decodeRsaClientKeyExchange(b),
  [HandshakeType.finished]: decodeFinished,
};

const CERTIFICATE_TYPE_NAMES = new Map<number, string>(Object.entries(ClientCertificateType).map(([k, v]) => [v, k]));

/** "name (n)" for a number a table names. */
function named(name: string | undefined, n: number): string {
  return name ? `${name} (${n})` : String(n);
}

/** How a number read under a name is shown; names not here show in decimal. */
const NUMBER_FORMATS: Readonly<Record<string, (n: number) => string>> = {
  msg_type: (n) => named(handshakeTypeName(n), n),
  client_version: versionName,
  server_version: versionName,
  version: versionName,
  cipher_suite: (n) => `${suiteName(n)} (0x${n.toString(16).padStart(4, '0')})`,
  CipherSuite: (n) => `${suiteName(n)} (0x${n.toString(16).padStart(4, '0')})`,
  compression_method: (n) => named(n === 0 ? 'null' : undefined, n),
  extension_type: (n) => named(n === RENEGOTIATION_INFO_EXTENSION ? 'renegotiation_info' : undefined, n),
  level: (n) => named(n === AlertLevel.warning ? 'warning' : n === AlertLevel.fatal ? 'fatal' : undefined, n),
  description: (n) => named(alertName(n), n),
  type: (n) => named(n === 1 ? 'change_cipher_spec' : undefined, n),
};

/** How the bytes of a vector or opaque field are shown, by name; others in hex. */
const BYTES_FORMATS: Readonly<Record<string, (b: Uint8Array) => string>> = {
  session_id: (b) => (b.length ? toHex(b) : '(empty)'),
  'ASN.1Cert': (b) => {
    try {
      const c = parseCertificate(b);
      return `subject ${formatName(c.subject)}; issuer ${formatName(c.issuer)}`;
    } catch (e) {
      return `(not a certificate: ${(e as Error).message})`;
    }
  },
  compression_methods: (b) => Array.from(b, (m) => (m === 0 ? 'null (0)' : String(m))).join(', '),
  certificate_types: (b) => Array.from(b, (t) => named(CERTIFICATE_TYPE_NAMES.get(t), t)).join(', '),
  data: printable,
};

/** "ClientHello.session_id" -> "session_id": the message is the tree's parent already. "ASN.1Cert" stays. */
function shortName(name: string): string {
  return name.replace(/^[A-Za-z0-9]+\.(?=[a-z_])/, '');
}

/** A vector's contents: its bytes after the length field (its first child). */
function contents(node: FieldNode, bytes: Uint8Array): Uint8Array {
  const length = node.children[0]?.name === 'length' ? node.children[0].end : node.start;
  return bytes.subarray(length, node.end);
}

/**
 * RFC 6101 5.6.1.2: Random is gmt_unix_time (4 bytes) and random_bytes (28), which the
 * decoders read as one 32-byte field; the two parts are shown under it.
 */
function randomParts(node: FieldNode, bytes: Uint8Array): FieldNode[] {
  const at = node.start;
  const t = ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
  return [
    { name: 'gmt_unix_time', start: node.start, end: node.start + 4, value: `${t} (${new Date(t * 1000).toISOString().replace('.000', '')})`, children: [] },
    { name: 'random_bytes', start: node.start + 4, end: node.end, value: toHex(bytes.subarray(node.start + 4, node.end)), children: [] },
  ];
}

/** Moves a tree `by` bytes: a body's fields placed in the message that carries it. */
function shift(nodes: FieldNode[], by: number): FieldNode[] {
  for (const n of nodes) {
    n.start += by;
    n.end += by;
    shift(n.children, by);
  }
  return nodes;
}

/** Nests the recorded reads of `bytes` by the bytes they cover (a vector holds its length and its elements) and gives each a value. */
export function nestSpans(spans: readonly FieldSpan[], bytes: Uint8Array): FieldNode[] {
  const order = spans.map((s, i) => ({ s, i })).sort((a, b) => a.s.start - b.s.start || b.s.end - a.s.end || a.i - b.i);
  const roots: FieldNode[] = [];
  const stack: FieldNode[] = [];
  const numbers = new Map<FieldNode, number>();
  for (const { s } of order) {
    const node: FieldNode = { name: shortName(s.name), start: s.start, end: s.end, children: [] };
    if (s.value !== undefined) numbers.set(node, s.value);
    while (stack.length && !(stack[stack.length - 1].start <= node.start && node.end <= stack[stack.length - 1].end)) stack.pop();
    (stack.length ? stack[stack.length - 1].children : roots).push(node);
    stack.push(node);
  }
  const fill = (node: FieldNode): void => {
    node.children.forEach(fill);
    const n = numbers.get(node);
    if (n !== undefined) {
      node.value = (NUMBER_FORMATS[node.name] ?? String)(n);
    } else if (node.children.length <= 1) {
      // A leaf, or a vector whose only child is its length: the value is its contents.
      const b = contents(node, bytes);
      node.value = (BYTES_FORMATS[node.name] ?? toHex)(b);
      if (node.name === 'random' && b.length === 32) node.children = randomParts(node, bytes);
    } else {
      // A vector of elements: how many of what, or, when they differ, its size.
      const elements = node.children.filter((c, i) => !(i === 0 && c.name === 'length'));
      const names = new Set(elements.map((c) => c.name));
      node.value = names.size === 1 ? `${elements.length} × ${elements[0].name}` : `${contents(node, bytes).length} bytes`;
    }
  };
  roots.forEach(fill);
  return roots;
}

/**
 * The tree of one handshake message as it travels: msg_type, length, and the body's fields.
 * `v2`: an SSLv2-format CLIENT-HELLO (RFC 6101 Appendix E), which has no 4-byte header.
 */
export function handshakeTree(raw: Uint8Array, v2 = false): FieldTree {
  if (v2) {
    const { spans, error } = recordFieldSpans(raw, decodeV2ClientHello);
    return { fields: [{ name: 'client_hello (SSLv2 format)', start: 0, end: raw.length, children: nestSpans(spans, raw), value: `${raw.length} bytes` }], ...(error ? { error: error.message } : {}) };
  }
  const header = recordFieldSpans(raw, (b) => {
    const r = new Reader(b, 'Handshake');
    r.u8('msg_type');
    r.u24('length');
  });
  const fields = nestSpans(header.spans, raw);
  if (header.error) return { fields, error: header.error.message };
  const type = raw[0];
  const body = raw.subarray(4);
  const decode = BODY_DECODERS[type];
  const bodyNode: FieldNode = { name: `body (${handshakeTypeName(type)})`, start: 4, end: raw.length, value: `${body.length} bytes`, children: [] };
  fields.push(bodyNode);
  const declared = (raw[1] << 16) | (raw[2] << 8) | raw[3];
  if (declared !== body.length) return { fields, error: `length says ${declared} bytes, the message has ${body.length}` };
  if (!decode) return { fields };
  const { spans, error } = recordFieldSpans(body, decode);
  bodyNode.children = shift(nestSpans(spans, body), 4);
  return { fields, ...(error ? { error: error.message } : {}) };
}

/** The tree of a record's plaintext content other than handshake messages: a ChangeCipherSpec, an alert, application data. */
export function contentTree(contentType: number, fragment: Uint8Array): FieldTree {
  const { spans, error } = recordFieldSpans(fragment, (b) => {
    const r = new Reader(b, 'record');
    if (contentType === ContentType.change_cipher_spec) r.u8('type');
    else if (contentType === ContentType.alert) {
      r.u8('level');
      r.u8('description');
    } else r.rest('data');
    r.expectEnd();
  });
  return { fields: nestSpans(spans, fragment), ...(error ? { error: error.message } : {}) };
}
