/**
 * SSL 3.0 sessions and the server's session cache (RFC 6101 section 5.5 "session state",
 * 5.6.1.2/5.6.1.3 on resumption): a session ID names a master secret, a cipher suite and
 * the peer's certificate chain. The cache is bounded in size (least recently used entries go
 * first) and in lifetime, and takes its clock from the caller.
 */
import { toHex } from '../util/bytes.js';
import type { PeerVerdict } from './context.js';

export interface Session {
  readonly id: Uint8Array;
  readonly masterSecret: Uint8Array;
  readonly cipherSuite: number;
  /** DER certificates, leaf first, as the peer sent them (empty when it sent none). */
  readonly peerCertificates: readonly Uint8Array[];
  /**
   * The verdict on peerCertificates when the session was made. A resumption reports it again
   * (there is no Certificate message to judge), as OpenSSL keeps a session's verify result.
   */
  readonly peerVerdict?: PeerVerdict;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/**
 * What a server handshake needs of a session cache. `get` may answer later (a cache kept in
 * another process, shared by several): the handshake then waits for it (HandshakeHost.waitFor).
 * A found session is checked by the handshake (suite, client certificate) before it is used.
 */
export interface SessionStore {
  get(id: Uint8Array): Session | undefined | PromiseLike<Session | undefined>;
  set(session: Session): void;
}

export interface SessionCacheOptions {
  maxEntries?: number;
  /** Seconds; RFC 6101 section 5.6.1.1 suggests an upper limit of 24 hours. */
  lifetimeSeconds?: number;
  now?: () => number;
}

const key = toHex;

export class SessionCache implements SessionStore {
  private readonly entries = new Map<string, Session>();
  private readonly maxEntries: number;
  private readonly lifetimeMs: number;
  private readonly now: () => number;

  constructor(options: SessionCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1024;
    this.lifetimeMs = (options.lifetimeSeconds ?? 300) * 1000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  set(session: Session): void {
    if (session.id.length === 0 || this.maxEntries === 0) return;
    const k = key(session.id);
    this.entries.delete(k);
    this.entries.set(k, session);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** The live session for an ID, or undefined (expired entries are dropped). */
  get(id: Uint8Array): Session | undefined {
    if (id.length === 0) return undefined;
    const k = key(id);
    const s = this.entries.get(k);
    if (!s) return undefined;
    if (this.now() - s.createdAt > this.lifetimeMs) {
      this.entries.delete(k);
      return undefined;
    }
    // Refresh its place in the LRU order.
    this.entries.delete(k);
    this.entries.set(k, s);
    return s;
  }

  delete(id: Uint8Array): void {
    this.entries.delete(key(id));
  }
}
