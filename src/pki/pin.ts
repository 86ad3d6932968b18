/**
 * Certificate and public-key pins: the way operators trust one legacy device whose
 * self-signed certificate no CA vouches for. A pin replaces chain validation for that peer
 * (the SSL 3.0 Certificate message, RFC 6101 section 5.6.2, then just has to carry the pinned
 * certificate or key).
 *
 * Accepted spellings:
 * - a fingerprint of the whole certificate DER, as `openssl x509 -fingerprint` and browsers
 *   print it: hex, with or without ':' between byte pairs, any case; 64 hex digits mean
 *   SHA-256, 40 mean SHA-1. An optional 'sha256:' / 'sha1:' prefix, or OpenSSL's
 *   'SHA256 Fingerprint=' / 'SHA1 Fingerprint=', must agree with the length;
 * - 'sha256//BASE64': the SHA-256 of the DER SubjectPublicKeyInfo, curl's --pinnedpubkey form
 *   (RFC 7469 section 2.4 computes the same value). It survives re-issuing the certificate
 *   with the same key.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ctBytesEqual } from '../util/ct.js';
import { fromHex } from '../util/bytes.js';
import { Ssl3Error } from '../util/errors.js';
import type { Certificate } from './certificate.js';
import { base64Decode, base64Encode } from './pem.js';
import { fingerprint } from './x509.js';

/** A pin the user wrote that we cannot read; code 'BAD_PIN'. */
export class PinError extends Ssl3Error {
  constructor(message: string) {
    super('BAD_PIN', message);
  }
}

export type PinKind = 'cert-sha256' | 'cert-sha1' | 'spki-sha256';

export interface Pin {
  readonly kind: PinKind;
  readonly digest: Uint8Array;
}

const FINGERPRINT_PREFIX = /^(sha-?256|sha-?1)(?:\s+fingerprint\s*=\s*|\s*[:=]\s*)/i;

function describeInput(pin: string): string {
  return pin.length > 80 ? `'${pin.slice(0, 80)}...'` : `'${pin}'`;
}

function decodeBase64(s: string): Uint8Array | undefined {
  // Strict on top of pem.ts's decoder: standard alphabet, canonical padding, no whitespace.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return undefined;
  try {
    return base64Decode(s);
  } catch {
    return undefined;
  }
}

/**
 * Reads a pin written by a user (configuration, command line). Throws PinError 'BAD_PIN' with
 * a message saying which forms are accepted.
 */
export function parsePin(pin: string): Pin {
  const text = pin.trim();
  const accepted = 'expected a SHA-256 (64 hex digits) or SHA-1 (40 hex digits) certificate fingerprint, or sha256//<base64 of the SPKI SHA-256>';
  if (text === '') throw new PinError(`empty pin: ${accepted}`);

  if (/^sha256\/\//i.test(text)) {
    const b64 = text.slice('sha256//'.length);
    const digest = decodeBase64(b64);
    if (!digest || digest.length !== 32) {
      throw new PinError(`bad public-key pin ${describeInput(pin)}: after 'sha256//' expected the base64 of 32 bytes (44 characters ending in '=')`);
    }
    return { kind: 'spki-sha256', digest };
  }

  let hex = text;
  let declared: 'sha256' | 'sha1' | undefined;
  const prefix = FINGERPRINT_PREFIX.exec(hex);
  if (prefix) {
    declared = prefix[1].replace('-', '').toLowerCase() as 'sha256' | 'sha1';
    hex = hex.slice(prefix[0].length);
  }
  // Either plain hex, or byte pairs separated by single colons: anything else is a typo.
  if (!/^[0-9a-fA-F]+$/.test(hex) && !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*$/.test(hex)) {
    throw new PinError(`bad pin ${describeInput(pin)}: not hex digits (optionally in ':'-separated pairs); ${accepted}`);
  }
  const digits = hex.replace(/:/g, '');
  if (digits.length % 2 !== 0) {
    throw new PinError(`bad pin ${describeInput(pin)}: an odd number (${digits.length}) of hex digits; ${accepted}`);
  }
  const digest = fromHex(digits);
  const kind = digest.length === 32 ? 'sha256' : digest.length === 20 ? 'sha1' : undefined;
  if (!kind) {
    throw new PinError(`bad pin ${describeInput(pin)}: ${digest.length * 2} hex digits; ${accepted}`);
  }
  if (declared && declared !== kind) {
    throw new PinError(`bad pin ${describeInput(pin)}: says ${declared} but has the length of a ${kind} fingerprint`);
  }
  return { kind: kind === 'sha256' ? 'cert-sha256' : 'cert-sha1', digest };
}

/** SHA-1 or SHA-256 over a certificate's DER, as bytes (x509.ts prints it; we compare it). */
function certificateDigest(cert: Certificate, hash: 'sha1' | 'sha256'): Uint8Array {
  return fromHex(fingerprint(cert, hash));
}

/**
 * Whether `cert` matches `pin` (a string as parsePin reads it, or a parsed Pin). The digest
 * comparison is constant-time. A malformed pin string throws PinError rather than quietly not
 * matching, so a typo in the configuration is seen at once.
 */
export function pinMatches(cert: Certificate, pin: string | Pin): boolean {
  const p = typeof pin === 'string' ? parsePin(pin) : pin;
  let actual: Uint8Array;
  switch (p.kind) {
    case 'cert-sha256':
      actual = certificateDigest(cert, 'sha256');
      break;
    case 'cert-sha1':
      actual = certificateDigest(cert, 'sha1');
      break;
    case 'spki-sha256':
      actual = sha256(cert.publicKey.raw);
      break;
    default: {
      const never: never = p.kind;
      throw new PinError(`unknown pin kind ${String(never)}`);
    }
  }
  return ctBytesEqual(actual, p.digest);
}

/** The pin strings for a certificate in each form, e.g. for `show` output or a first-use prompt. */
export function pinsOf(cert: Certificate): { sha256: string; sha1: string; spki: string } {
  return {
    sha256: fingerprint(cert, 'sha256'),
    sha1: fingerprint(cert, 'sha1'),
    spki: `sha256//${base64Encode(sha256(cert.publicKey.raw))}`,
  };
}
