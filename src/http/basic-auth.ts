/**
 * IOS `ip http authentication {enable | local}` as HTTP Basic authentication (RFC 7617):
 * - enable: any user name with the enable password;
 * - local: the users of `username NAME password X`, each with their own password.
 * A request without valid credentials gets 401 with `WWW-Authenticate: Basic
 * realm="level_15_access"`, the realm IOS uses, and never reaches the handler.
 *
 * Passwords are compared as SHA-256 digests with ctBytesEqual: equal lengths, no early exit,
 * so the time taken says nothing about how much of a guess was right. An unknown user name is
 * checked against a random digest, so it costs the same as a wrong password.
 *
 * A verifier (`{ verify(user, password) }`) takes the decision instead, for passwords kept
 * only as IOS stores them (`enable secret`, `username ... secret`: type 5 MD5-crypt), which
 * cannot be turned back into the text this class would digest. The verifier must compare in
 * constant time and spend the same effort on an unknown user (src/config does both).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sha256 } from '@noble/hashes/sha2.js';
import { ctBytesEqual } from '../util/ct.js';

export const IOS_REALM = 'level_15_access';

export type BasicAuthOptions =
  /** `ip http authentication enable`: any user name, this password. */
  | { password: string; realm?: string }
  /** `ip http authentication local`: user name -> password. */
  | { users: Readonly<Record<string, string>> | ReadonlyMap<string, string>; realm?: string }
  /** Either, with stored secrets: true when `password` is right for `user` (constant time). */
  | { verify(user: string, password: string): boolean; realm?: string };

const utf8 = new TextEncoder();
const digest = (s: string): Uint8Array => sha256(utf8.encode(s));

/** Decodes an `Authorization: Basic ...` header into user and password, or undefined. */
export function parseBasicAuthorization(header: string | undefined): { user: string; password: string } | undefined {
  const m = header ? /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Parses a users file: one `user:password` per line (the password may contain ':'); blank
 * lines and lines starting with '#' are skipped. A bad line is an Error naming its number.
 */
export function parseUsersFile(text: string): Map<string, string> {
  const users = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.trimStart().startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`line ${i + 1}: expected user:password`);
    users.set(line.slice(0, colon), line.slice(colon + 1));
  });
  return users;
}

export class BasicAuth {
  readonly realm: string;
  private readonly password?: Uint8Array;
  private readonly users?: Map<string, Uint8Array>;
  private readonly verifier?: (user: string, password: string) => boolean;
  /** Compared against when the user name is unknown, so that case takes the same time. */
  private readonly decoy = randomBytes(32);

  constructor(options: BasicAuthOptions) {
    this.realm = options.realm ?? IOS_REALM;
    if ('verify' in options) {
      if (typeof options.verify !== 'function') throw new TypeError('authentication: verify must be a function');
      const verifier = options;
      this.verifier = (user, password) => verifier.verify(user, password);
    } else if ('password' in options) {
      if (!options.password) throw new RangeError('authentication: the password must not be empty');
      this.password = digest(options.password);
    } else {
      const entries = options.users instanceof Map ? [...options.users] : Object.entries(options.users);
      if (!entries.length) throw new RangeError('authentication: the user list is empty');
      this.users = new Map(entries.map(([u, p]) => [u, digest(p)]));
    }
  }

  /** The authenticated user name, or undefined when the header does not carry valid credentials. */
  check(authorization: string | undefined): string | undefined {
    const creds = parseBasicAuthorization(authorization);
    if (!creds) return undefined;
    if (this.verifier) return this.verifier(creds.user, creds.password) ? creds.user : undefined;
    const expected = this.password ?? this.users?.get(creds.user);
    const ok = ctBytesEqual(digest(creds.password), expected ?? this.decoy);
    return ok && expected ? creds.user : undefined;
  }

  /** Checks the request; on failure answers 401 with the challenge and returns undefined. */
  authorize(req: IncomingMessage, res: ServerResponse): string | undefined {
    const user = this.check(req.headers.authorization);
    if (user !== undefined) return user;
    const body = 'Unauthorized\n';
    res.writeHead(401, {
      'www-authenticate': `Basic realm="${this.realm}"`,
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return undefined;
  }
}
