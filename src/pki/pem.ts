/**
 * PEM, the textual encoding of DER keys and certificates (RFC 7468; the encapsulated headers
 * of legacy encrypted keys come from RFC 1421 section 4.6).
 *
 * Writing follows RFC 7468's strict form: 64-column base64, padding, LF line ends.
 * Reading follows its lax form, because the files we meet were written by a decade of tools
 * and copied through e-mail and web forms: CRLF, blank lines, spaces in the base64, text
 * before, between and after blocks (`openssl x509 -text` output, bag attributes) are all
 * accepted. What is never accepted is data we would have to guess at: a character outside
 * base64, a block without its END line, an END line whose label differs from its BEGIN.
 * Runs without Buffer, so the PKI layer also works in a browser.
 */
import { Ssl3Error } from '../util/errors.js';

export class PemError extends Ssl3Error {}

export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
  /**
   * RFC 1421 encapsulated headers ("Proc-Type", "DEK-Info"), present only when the block has
   * them: OpenSSL's legacy key encryption puts them there, and callers must refuse such a
   * block rather than misread the ciphertext as DER.
   */
  readonly headers?: Readonly<Record<string, string>>;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(256).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Standard base64 with padding (RFC 4648 section 4). */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i] << 16;
    out += B64[v >> 18] + B64[(v >> 12) & 63] + '==';
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + '=';
  }
  return out;
}

/**
 * Decodes base64, ignoring whitespace. Padding may be omitted (RFC 7468 lax parsing) but,
 * when present, must end the data; any other character is an error, not silently skipped,
 * since skipping would turn a corrupted file into a different key.
 */
export function base64Decode(text: string): Uint8Array {
  const clean = text.replace(/[ \t\r\n\f\v]/g, '');
  const body = clean.replace(/={1,2}$/, '');
  const padded = clean.length !== body.length;
  if (body.length % 4 === 1 || (padded && clean.length % 4 !== 0)) {
    throw new PemError('BAD_PEM', 'PEM: base64 data has a wrong length (truncated or corrupted)');
  }
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 256 ? B64_INDEX[c] : -1;
    if (v < 0) {
      throw new PemError('BAD_PEM', `PEM: invalid base64 character '${body[i]}'`);
    }
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** RFC 7468 section 3: labels are printable ASCII without '-', single spaces allowed inside. */
function checkLabel(label: string): void {
  if (!/^[\x21-\x2c\x2e-\x7e]+( [\x21-\x2c\x2e-\x7e]+)*$/.test(label)) {
    throw new PemError('BAD_LABEL', `PEM: invalid label '${label}'`);
  }
}

/** `-----BEGIN label-----`, the DER in 64-column base64, `-----END label-----`, LF line ends. */
export function pemEncode(label: string, der: Uint8Array): string {
  checkLabel(label);
  const b64 = base64Encode(der);
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

const BEGIN_RE = /^-----BEGIN ([^-\r\n]*(?:-[^-\r\n]+)*)-----\s*$/;
const END_RE = /^-----END ([^-\r\n]*(?:-[^-\r\n]+)*)-----\s*$/;
// An RFC 1421 header line: "Name: value" (continuation lines start with whitespace).
const HEADER_RE = /^([A-Za-z0-9-]+):\s*(.*)$/;

/**
 * Every PEM block in `text`, in order, with any label. Text outside blocks is ignored.
 * Throws PemError 'BAD_PEM' for malformed base64, a missing END line or a mismatched label.
 * Returns an empty array when there is no block at all (use isPem to test first).
 */
export function pemDecode(text: string | Uint8Array): PemBlock[] {
  const str = typeof text === 'string' ? text : latin1(text);
  const lines = str.split(/\r?\n|\r/);
  const blocks: PemBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN_RE.exec(lines[i].trim());
    if (!begin) continue;
    const label = begin[1];
    const headers: Record<string, string> = {};
    let lastHeader: string | undefined;
    let inHeaders = true;
    const body: string[] = [];
    let ended = false;
    for (i++; i < lines.length; i++) {
      const line = lines[i].trim();
      const end = END_RE.exec(line);
      if (end) {
        if (end[1] !== label) {
          throw new PemError('BAD_PEM', `PEM: '-----BEGIN ${label}-----' is closed by '-----END ${end[1]}-----'`);
        }
        ended = true;
        break;
      }
      if (BEGIN_RE.test(line)) break; // a new block before our END: ours is unterminated
      if (inHeaders) {
        const h = HEADER_RE.exec(line);
        if (h) {
          headers[h[1]] = h[2];
          lastHeader = h[1];
          continue;
        }
        if (lastHeader !== undefined && line !== '' && /^[ \t]/.test(lines[i])) {
          headers[lastHeader] += line; // RFC 1421 continuation line
          continue;
        }
        // Headers end at the blank line; the base64 starts at the first other line.
        if (line === '' && lastHeader === undefined) continue;
        inHeaders = false;
        if (line === '') continue;
      }
      body.push(line);
    }
    if (!ended) throw new PemError('BAD_PEM', `PEM: '-----BEGIN ${label}-----' has no matching END line`);
    const der = base64Decode(body.join(''));
    blocks.push(lastHeader === undefined ? { label, der } : { label, der, headers });
  }
  return blocks;
}

/** True for a block encrypted the legacy OpenSSL way (RFC 1421 "Proc-Type: 4,ENCRYPTED"). */
export function isLegacyEncrypted(block: PemBlock): boolean {
  const procType = block.headers?.['Proc-Type'];
  return procType !== undefined && /ENCRYPTED/i.test(procType);
}

/** Whether the data contains a PEM BEGIN line (text around it is allowed), as opposed to DER. */
export function isPem(input: string | Uint8Array): boolean {
  const str = typeof input === 'string' ? input : latin1(input.subarray(0, 1 << 20));
  return /(^|[\r\n])[ \t]*-----BEGIN [^\r\n]*-----/.test(str);
}

function latin1(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes);
}
