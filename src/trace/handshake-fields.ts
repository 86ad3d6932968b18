/**
 * The fields of a handshake message (RFC 6101 section 5.6) that a trace shows, decoded once
 * for every trace format: text-trace.ts prints them as "name value" lines, json-trace.ts as
 * a JSON object. Values are strings or lists of strings, so both formats stay plain.
 */
import { suiteById } from '../ciphers/suites.js';
import { toHex } from '../util/bytes.js';
import { KEY_BLOCK_LAYOUT, type KeyBlock } from '../handshake/ssl3-prf.js';
import type { TraceEvent } from '../connection/connection.js';
import {
  HandshakeType,
  RENEGOTIATION_INFO_EXTENSION,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  type Extension,
  decodeCertificate,
  decodeCertificateRequest,
  decodeClientHello,
  decodeServerHello,
  decodeV2ClientHello,
} from '../handshake/messages.js';
import { parseCertificate, formatName } from '../pki/x509.js';

/** One shown field: its name (the RFC's, where it has one) and value. */
export type HandshakeField = readonly [name: string, value: string | readonly string[]];

/** renegotiation_info (RFC 5746) by name with its body in hex; other extensions by number. */
function extensionName(e: Extension): string {
  return e.type === RENEGOTIATION_INFO_EXTENSION ? `renegotiation_info(${toHex(e.data)})` : String(e.type);
}

/** "3.0 (SSL 3.0)": the wire value and, when known, the protocol's name. */
export function versionName(v: number): string {
  const names: Record<number, string> = { 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3', 0x0002: 'SSL 2.0' };
  return `${v >> 8}.${v & 0xff}${names[v] ? ` (${names[v]})` : ''}`;
}

/** A cipher suite by its RFC name (the renegotiation SCSV too), or its number in hex. */
export function suiteName(id: number): string {
  if (id === TLS_EMPTY_RENEGOTIATION_INFO_SCSV) return 'EMPTY_RENEGOTIATION_INFO_SCSV';
  return suiteById(id)?.rfcName ?? `0x${id.toString(16).padStart(4, '0')}`;
}

function hello(version: number, random: Uint8Array, sessionId: Uint8Array): HandshakeField[] {
  return [
    ['version', versionName(version)],
    ['random', toHex(random)],
    ['session_id', sessionId.length ? toHex(sessionId) : '(empty)'],
  ];
}

function extensions(list: readonly Extension[]): HandshakeField[] {
  return list.length ? [['extensions', list.map(extensionName)]] : [];
}

/**
 * The fields of a handshake message body (without its 4-byte header). `v2` marks the SSLv2
 * CLIENT-HELLO form. A body that does not decode yields one 'error' field instead of throwing:
 * a trace must show a peer's garbage, not fail on it.
 */
export function handshakeFields(type: number, body: Uint8Array, v2 = false): HandshakeField[] {
  try {
    switch (type) {
      case HandshakeType.client_hello: {
        const h = v2 ? decodeV2ClientHello(body) : decodeClientHello(body);
        return [
          ...hello(h.version, h.random, h.sessionId),
          ['cipher_suites', h.cipherSuites.map(suiteName)],
          ['compression', Array.from(h.compressionMethods, String)],
          ...extensions(h.extensions),
        ];
      }
      case HandshakeType.server_hello: {
        const h = decodeServerHello(body);
        return [...hello(h.version, h.random, h.sessionId), ['cipher_suite', suiteName(h.cipherSuite)], ['compression', String(h.compressionMethod)], ...extensions(h.extensions)];
      }
      case HandshakeType.certificate:
        return [
          [
            'certificates',
            decodeCertificate(body).map((der, i) => {
              const c = parseCertificate(der);
              return `[${i}] subject ${formatName(c.subject)}; issuer ${formatName(c.issuer)}`;
            }),
          ],
        ];
      case HandshakeType.certificate_request: {
        const r = decodeCertificateRequest(body);
        return [
          ['certificate_types', Array.from(r.certificateTypes, String)],
          ['certificate_authorities', String(r.authorities.length)],
        ];
      }
      case HandshakeType.finished:
        return [
          ['md5_hash', toHex(body.subarray(0, 16))],
          ['sha_hash', toHex(body.subarray(16))],
        ];
      case HandshakeType.client_key_exchange:
        return [['encrypted_pre_master_secret', `${body.length} bytes`]];
      default:
        return [];
    }
  } catch (e) {
    return [['error', `cannot decode: ${(e as Error).message}`]];
  }
}

/**
 * What a handshake derived, under the RFC's names (6.1 master_secret, 6.2.2 the key block in
 * its order), in hex. Secrets: only traced when the user asked for them (traceSecrets).
 */
export function keyFields(masterSecret: Uint8Array, kb: KeyBlock): HandshakeField[] {
  return [['master_secret', toHex(masterSecret)], ...KEY_BLOCK_LAYOUT.map((p): HandshakeField => [p.name, keyPartText(p.size, kb[p.field])])];
}

/** A key block part in hex; an IV a stream cipher does not have says so. */
export function keyPartText(size: (typeof KEY_BLOCK_LAYOUT)[number]['size'], bytes: Uint8Array): string {
  return size === 'ivLength' && !bytes.length ? '(none: stream cipher)' : toHex(bytes);
}

/** The fields a trace shows under a handshake message or a 'keys' event: one source for every format. */
export function eventFields(e: Extract<TraceEvent, { kind: 'handshake' | 'keys' }>): HandshakeField[] {
  return e.kind === 'keys' ? keyFields(e.masterSecret, e.keyBlock) : handshakeFields(e.type, e.body, e.name.includes('SSLv2'));
}
