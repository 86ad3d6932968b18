/**
 * A readable trace of an SSL 3.0 connection: one line per record and per handshake message,
 * with the fields a learner wants to see (versions, randoms, suites by name, session IDs,
 * certificate subjects). It reads the connection's trace events; it never sees keys unless
 * the connection's key log is also printed.
 */
import type { TraceEvent } from '../connection/connection.js';
import { contentTypeName } from '../record/content-types.js';
import { suiteById } from '../ciphers/suites.js';
import { toHex } from '../util/bytes.js';
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

/** renegotiation_info (RFC 5746) by name with its body in hex; other extensions by number. */
function extensionName(e: Extension): string {
  return e.type === RENEGOTIATION_INFO_EXTENSION ? `renegotiation_info(${toHex(e.data)})` : String(e.type);
}

function version(v: number): string {
  const names: Record<number, string> = { 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3', 0x0002: 'SSL 2.0' };
  return `${v >> 8}.${v & 0xff}${names[v] ? ` (${names[v]})` : ''}`;
}

function suiteName(id: number): string {
  if (id === TLS_EMPTY_RENEGOTIATION_INFO_SCSV) return 'EMPTY_RENEGOTIATION_INFO_SCSV';
  return suiteById(id)?.rfcName ?? `0x${id.toString(16).padStart(4, '0')}`;
}

function details(type: number, body: Uint8Array, v2: boolean): string[] {
  try {
    switch (type) {
      case HandshakeType.client_hello: {
        const h = v2 ? decodeV2ClientHello(body) : decodeClientHello(body);
        return [
          `version ${version(h.version)}`,
          `random ${toHex(h.random)}`,
          `session_id ${h.sessionId.length ? toHex(h.sessionId) : '(empty)'}`,
          `cipher_suites ${h.cipherSuites.map(suiteName).join(', ')}`,
          `compression ${Array.from(h.compressionMethods).join(', ')}`,
          ...(h.extensions.length ? [`extensions ${h.extensions.map(extensionName).join(', ')}`] : []),
        ];
      }
      case HandshakeType.server_hello: {
        const h = decodeServerHello(body);
        return [
          `version ${version(h.version)}`,
          `random ${toHex(h.random)}`,
          `session_id ${h.sessionId.length ? toHex(h.sessionId) : '(empty)'}`,
          `cipher_suite ${suiteName(h.cipherSuite)}`,
          `compression ${h.compressionMethod}`,
          ...(h.extensions.length ? [`extensions ${h.extensions.map(extensionName).join(', ')}`] : []),
        ];
      }
      case HandshakeType.certificate:
        return decodeCertificate(body).map((der, i) => {
          const c = parseCertificate(der);
          return `[${i}] subject ${formatName(c.subject)}; issuer ${formatName(c.issuer)}`;
        });
      case HandshakeType.certificate_request: {
        const r = decodeCertificateRequest(body);
        return [`certificate_types ${Array.from(r.certificateTypes).join(', ')}`, `certificate_authorities ${r.authorities.length}`];
      }
      case HandshakeType.finished:
        return [`md5_hash ${toHex(body.subarray(0, 16))}`, `sha_hash ${toHex(body.subarray(16))}`];
      case HandshakeType.client_key_exchange:
        return [`encrypted pre_master_secret (${body.length} bytes)`];
      default:
        return [];
    }
  } catch (e) {
    return [`(cannot decode: ${(e as Error).message})`];
  }
}

/** Formats one trace event as text lines (no trailing newline). */
export function formatTraceEvent(e: TraceEvent): string {
  switch (e.kind) {
    case 'record':
      return `${e.direction === 'out' ? '>>' : '<<'} record ${contentTypeName(e.type)}, ${e.length} bytes${e.encrypted ? ' (encrypted)' : ''}`;
    case 'handshake': {
      const v2 = e.name.includes('SSLv2');
      const lines = details(e.type, e.body, v2).map((l) => `     ${l}`);
      return [`${e.direction === 'out' ? '>>' : '<<'}   ${e.name}, ${e.length} bytes`, ...lines].join('\n');
    }
    case 'note':
      return `   * ${e.text}`;
  }
}

/** A trace callback that writes formatted lines to `out` (e.g. process.stderr.write). */
export function textTracer(out: (line: string) => void, prefix = ''): (e: TraceEvent) => void {
  return (e) => out(`${formatTraceEvent(e).replace(/^/gm, prefix)}\n`);
}
