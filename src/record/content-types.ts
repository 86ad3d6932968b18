/** Record content types, RFC 6101 section 5.2.1 (ContentType). */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

export type ContentType = (typeof ContentType)[keyof typeof ContentType];

const NAMES = new Map<number, string>(Object.entries(ContentType).map(([k, v]) => [v, k]));

export function contentTypeName(t: number): string {
  return NAMES.get(t) ?? `unknown(${t})`;
}

export function isContentType(t: number): t is ContentType {
  return NAMES.has(t);
}

/** SSL 3.0's ProtocolVersion { 3, 0 } (RFC 6101 section 5.2.1). */
export const SSL3_VERSION = 0x0300;

/** RFC 6101 section 5.2.1: a plaintext fragment is at most 2^14 bytes. */
export const MAX_PLAINTEXT = 1 << 14;
/** ...and compression and encryption may add at most 1024 + 1024 bytes (section 5.2.3). */
export const MAX_CIPHERTEXT = MAX_PLAINTEXT + 2048;
