/**
 * IOS password types (docs/ios-configuration.md: `enable secret`, `enable password`, `username NAME
 * {password|secret} X`): type 0 is clear text, type 5 is MD5-crypt, the `$1$salt$hash` scheme
 * Poul-Henning Kamp wrote for FreeBSD (src/lib/libcrypt/crypt-md5.c, 1994), which Cisco IOS
 * took unchanged for `enable secret` and which `openssl passwd -1` also computes. Type 7
 * (Cisco's reversible XOR "encryption") is refused: it protects nothing, and accepting it
 * would invite pasting such lines from real devices as if they were safe.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { md5 } from '../ciphers/md5.js';
import { ctBytesEqual } from '../util/ct.js';
import { systemRandom } from '../util/random.js';
import { CommandError } from './context.js';
import type { StoredPassword } from './model.js';

/** crypt(3)'s base-64 alphabet, in its own order (not RFC 4648's). */
const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const MAGIC = '$1$';
/** The length IOS uses; crypt-md5 accepts up to 8. */
const IOS_SALT_LENGTH = 4;
const MAX_SALT_LENGTH = 8;
/** `$1$`, 0..8 salt characters, `$`, the 22-character digest. */
const TYPE5_SHAPE = /^\$1\$[./0-9A-Za-z]{0,8}\$[./0-9A-Za-z]{22}$/;

const encoder = new TextEncoder();

/** crypt-md5's salt rule: an optional `$1$` prefix is skipped, the salt ends at `$` and is cut to 8 characters. */
function effectiveSalt(salt: string): string {
  const rest = salt.startsWith(MAGIC) ? salt.slice(MAGIC.length) : salt;
  const end = rest.indexOf('$');
  return (end < 0 ? rest : rest.slice(0, end)).slice(0, MAX_SALT_LENGTH);
}

/** crypt's little-endian base-64 of `n` characters from the 24-bit value v. */
function to64(v: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    s += CRYPT_ALPHABET[v & 0x3f];
    v >>>= 6;
  }
  return s;
}

/**
 * `$1$salt$hash`: MD5-crypt of `password` (UTF-8) with `salt` (up to 8 characters; a `$1$`
 * prefix or a trailing `$hash` are ignored, so a stored hash can be passed as its own salt).
 */
export function md5Crypt(password: string, salt: string): string {
  const pw = encoder.encode(password);
  const s = effectiveSalt(salt);
  const sb = encoder.encode(s);

  const alt = md5.create().update(pw).update(sb).update(pw).digest();
  const ctx = md5.create().update(pw).update(encoder.encode(MAGIC)).update(sb);
  for (let left = pw.length; left > 0; left -= 16) ctx.update(alt.subarray(0, Math.min(16, left)));
  // The original reads the C string's first byte or its terminator; with an empty password
  // the loop does not run, so pw[0] is never read past the end.
  for (let i = pw.length; i > 0; i >>>= 1) ctx.update(i & 1 ? new Uint8Array(1) : pw.subarray(0, 1));
  let final = ctx.digest();

  // 1000 rounds: PHK's deliberate slow-down, so each guess costs a thousand MD5s.
  for (let i = 0; i < 1000; i++) {
    const c = md5.create();
    c.update(i & 1 ? pw : final);
    if (i % 3) c.update(sb);
    if (i % 7) c.update(pw);
    c.update(i & 1 ? final : pw);
    final = c.digest();
  }

  const f = final;
  const out =
    to64((f[0] << 16) | (f[6] << 8) | f[12], 4) +
    to64((f[1] << 16) | (f[7] << 8) | f[13], 4) +
    to64((f[2] << 16) | (f[8] << 8) | f[14], 4) +
    to64((f[3] << 16) | (f[9] << 8) | f[15], 4) +
    to64((f[4] << 16) | (f[10] << 8) | f[5], 4) +
    to64(f[11], 2);
  return `${MAGIC}${s}$${out}`;
}

/** A type 5 secret of `plain` with a fresh 4-character salt, as IOS stores `enable secret`. */
export function hashSecret(plain: string, random: (n: number) => Uint8Array = systemRandom): StoredPassword {
  // 64 characters: the low 6 bits of a random byte pick one without bias.
  const salt = Array.from(random(IOS_SALT_LENGTH).subarray(0, IOS_SALT_LENGTH), (b) => CRYPT_ALPHABET[b & 0x3f]).join('');
  return { type: 5, hash: md5Crypt(plain, salt) };
}

/**
 * Whether `attempt` is the password. Both sides are reduced to SHA-256 digests before the
 * comparison, so it runs over 32 bytes whatever the lengths, and ctBytesEqual has no early
 * exit: the time taken says nothing about how much of the attempt was right, nor (type 0)
 * how long the password is.
 */
export function verifyPassword(stored: StoredPassword, attempt: string): boolean {
  const expected = stored.type === 5 ? stored.hash : stored.text;
  const actual = stored.type === 5 ? md5Crypt(attempt, stored.hash) : attempt;
  return ctBytesEqual(sha256(encoder.encode(actual)), sha256(encoder.encode(expected)));
}

/** Whether `hash` has the shape of a type 5 secret (`$1$salt$` and 22 crypt characters). */
export function isType5Hash(hash: string): boolean {
  return TYPE5_SHAPE.test(hash);
}

/**
 * The stored form of `enable {secret|password} [TYPE] X` or `username NAME {secret|password}
 * [TYPE] X`, with IOS's meaning of the type digit:
 * - secret, no type or 0: the clear text is hashed into type 5 (IOS never keeps a secret in clear);
 * - secret 5: an already hashed secret, kept after checking its shape;
 * - password, no type or 0: kept as clear text (type 0);
 * - password 7, secret 8/9 and anything else: refused with a `%` line.
 */
export function parseStoredPassword(kind: 'secret' | 'password', type: string | undefined, text: string): StoredPassword {
  if (text.length === 0) throw new CommandError('% Incomplete command.');
  if (kind === 'secret') {
    if (type === undefined || type === '0') return hashSecret(text);
    if (type === '5') {
      if (!isType5Hash(text)) throw new CommandError(`% Invalid encrypted password: ${text}`);
      return { type: 5, hash: text };
    }
    if (type === '8' || type === '9') {
      throw new CommandError(`% Type ${type} secrets are not supported: enter the secret in clear text (or type 0), or a type 5 hash ($1$...)`);
    }
    throw new CommandError(`% Invalid encryption type: ${type} (a secret is type 0, clear text to be hashed, or type 5, an MD5-crypt hash)`);
  }
  if (type === undefined || type === '0') return { type: 0, text };
  if (type === '7') {
    throw new CommandError('% Type 7 passwords are not supported: type 7 is a reversible encoding, not a protection; enter the password in clear text (type 0), or use a secret');
  }
  throw new CommandError(`% Invalid encryption type: ${type} (a password is type 0, clear text; use secret for a type 5 hash)`);
}
