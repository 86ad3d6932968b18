import { describe, expect, it } from 'vitest';
import { pair, identity } from './pair.js';
import { DEFAULT_SUITES, suiteByName } from '../../src/ciphers/suites.js';
import { SessionCache } from '../../src/handshake/session.js';
import { utf8Bytes, utf8String } from '../../src/util/bytes.js';

const text = (chunks: Uint8Array[]) => chunks.map((c) => utf8String(c)).join('');

describe('SSL 3.0 handshake, our client against our server (sans-I/O)', () => {
  for (const suite of [...DEFAULT_SUITES, suiteByName('null-sha'), suiteByName('null-md5')]) {
    it(`completes with ${suite.iosKeyword}, carries data both ways and closes cleanly`, () => {
      const { client, server } = pair({ client: { suites: [suite] }, server: { suites: [suite] } });
      expect(client.secure).toHaveLength(1);
      expect(server.secure).toHaveLength(1);
      expect(client.secure[0].suite.id).toBe(suite.id);
      expect(server.secure[0].suite.id).toBe(suite.id);
      // Both sides derived the same master secret: their key logs agree.
      expect(client.keylog).toEqual(server.keylog);
      expect(client.keylog[0]).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}\n$/);

      const big = new Uint8Array(40_000).map((_, i) => i & 0xff);
      client.conn.write(utf8Bytes('hello server'));
      server.conn.write(big);
      expect(text(server.data)).toBe('hello server');
      const got = Buffer.concat(client.data);
      expect(got.length).toBe(big.length);
      expect(Buffer.compare(got, Buffer.from(big))).toBe(0);
      // 40000 bytes need three records of at most 2^14 bytes; a CBC suite sends its first byte alone (1/n-1).
      expect(client.data.length).toBe(suite.blockSize > 1 ? 4 : 3);

      client.conn.close();
      expect(server.closed).toEqual({ clean: true, truncated: false });
      expect(client.closed?.clean).toBe(true);
    });
  }

  it('chooses by server preference', () => {
    const { client, server } = pair({
      client: { suites: ['rc4-128-md5', '3des-ede-cbc-sha', 'rc4-128-sha'].map(suiteByName) },
      server: { suites: ['rc4-128-sha', '3des-ede-cbc-sha'].map(suiteByName) },
    });
    expect(server.secure[0].suite.iosKeyword).toBe('rc4-128-sha');
    expect(client.secure[0].suite.iosKeyword).toBe('rc4-128-sha');
  });

  it('resumes a cached session with an abbreviated handshake', () => {
    const sessionCache = new SessionCache();
    const first = pair({ server: { sessionCache } });
    const session = first.client.secure[0].session;
    expect(session.id.length).toBe(32);
    expect(sessionCache.size).toBe(1);
    const second = pair({ server: { sessionCache }, client: { session } });
    expect(second.client.secure[0].resumed).toBe(true);
    expect(second.server.secure[0].resumed).toBe(true);
    // Abbreviated: the server sends ServerHello, CCS and Finished (3 records), no Certificate.
    expect(second.server.sent.length).toBe(3);
    second.client.conn.write(utf8Bytes('again'));
    expect(text(second.server.data)).toBe('again');
  });

  it('falls back to a full handshake when the session is unknown', () => {
    const first = pair({ server: { sessionCache: new SessionCache() } });
    const second = pair({ server: { sessionCache: new SessionCache() }, client: { session: first.client.secure[0].session } });
    expect(second.client.secure[0].resumed).toBe(false);
    expect(second.client.secure[0].session.id).not.toEqual(first.client.secure[0].session.id);
  });

  it('authenticates a client certificate with CertificateVerify', () => {
    const c = identity('client');
    const seen: Uint8Array[][] = [];
    const { client, server } = pair({
      client: { certificateChain: [c.cert], privateKey: c.key },
      server: { requestCert: true, requireCert: true, verifyPeer: (chain) => (seen.push([...chain]), { ok: true }) },
    });
    expect(server.secure).toHaveLength(1);
    expect(client.secure).toHaveLength(1);
    expect(seen[0][0]).toEqual(c.cert);
    expect(server.secure[0].session.peerCertificates[0]).toEqual(c.cert);
  });

  it('accepts the no_certificate warning when a certificate is only requested', () => {
    const { client, server } = pair({ server: { requestCert: true } });
    expect(client.alerts).toContainEqual({ direction: 'sent', level: 1, name: 'no_certificate' });
    expect(server.secure).toHaveLength(1);
    expect(server.secure[0].session.peerCertificates).toHaveLength(0);
  });

  it('refuses a client without a certificate when one is required', () => {
    const { client, server } = pair({ server: { requireCert: true } });
    expect(server.secure).toHaveLength(0);
    expect(server.alerts).toContainEqual({ direction: 'sent', level: 2, name: 'handshake_failure' });
    expect(server.closed?.error).toMatchObject({ kind: 'CERTIFICATE_REQUIRED', code: 'ERR_SSL_CERTIFICATE_REQUIRED' });
    expect(client.closed?.error?.message).toMatch(/handshake_failure/);
  });

  it('reports the verdict on the peer in the handshake result, also one accepted all the same', () => {
    const accepted = { ok: false, kind: 'CERTIFICATE_UNTRUSTED', reason: 'self-signed', accepted: true } as const;
    const { client, server } = pair({ client: { verifyPeer: () => accepted } });
    expect(client.secure[0].peerVerdict).toEqual(accepted);
    // The server got no client certificate: no verdict.
    expect(server.secure[0].peerVerdict).toBeUndefined();
    const trusted = pair({ client: { verifyPeer: () => ({ ok: true }) } });
    expect(trusted.client.secure[0].peerVerdict).toEqual({ ok: true });
  });

  it('refuses a server certificate the verifier rejects, with the verdict alert', () => {
    const { client, server } = pair({ client: { verifyPeer: () => ({ ok: false, kind: 'CERTIFICATE_EXPIRED', reason: 'expired' }) } });
    expect(client.alerts).toContainEqual({ direction: 'sent', level: 2, name: 'certificate_expired' });
    expect(client.closed?.error).toMatchObject({ kind: 'CERTIFICATE_EXPIRED', alert: 'certificate_expired' });
    expect(client.closed?.error?.message).toMatch(/expired/);
    expect(server.closed?.error?.message).toMatch(/certificate_expired/);
  });

  it('refuses client renegotiation by default and allows it when configured', () => {
    const refused = pair();
    refused.client.conn.renegotiate();
    expect(refused.server.alerts).toContainEqual({ direction: 'sent', level: 2, name: 'handshake_failure' });
    expect(refused.server.closed?.error?.message).toMatch(/renegotiation/);

    const allowed = pair({ server: { allowRenegotiation: true } });
    allowed.client.conn.renegotiate();
    expect(allowed.client.secure).toHaveLength(2);
    expect(allowed.server.secure).toHaveLength(2);
    expect(allowed.client.keylog[0]).not.toEqual(allowed.client.keylog[1]);
    allowed.client.conn.write(utf8Bytes('after renegotiation'));
    expect(text(allowed.server.data)).toBe('after renegotiation');
  });

  it('reports a transport end without close_notify as truncation, not as an error', () => {
    const notes: string[] = [];
    const { client } = pair({ clientTrace: (e) => e.kind === 'note' && notes.push(e.text) });
    client.conn.transportClosed();
    expect(client.closed).toEqual({ clean: false, truncated: true });
    expect(notes).toContain('the connection ended without close_notify from the peer (what was read may be cut short: its own framing decides)');
  });

  it('after our close_notify, the peer closing the transport without answering is a clean end (RFC 6101 5.4.1)', () => {
    // The server receives our close_notify but never answers it (its answer is dropped).
    let dropAll = false;
    const { client } = pair({ toClient: (r) => (dropAll ? undefined : r) });
    dropAll = true;
    client.conn.close();
    expect(client.closed).toBeUndefined(); // still reading what the peer may send
    client.conn.transportClosed();
    expect(client.closed).toEqual({ clean: true, truncated: false });
  });

  it('a transport closed during the handshake is an error saying whether the peer ever answered', () => {
    const silent = pair({ toClient: () => undefined });
    silent.client.conn.transportClosed();
    expect(silent.client.closed?.error?.code).toBe('ERR_SSL_CLOSED_BEFORE_ANSWER');
    // The server's hello arrives, the rest of its flight does not.
    const half = pair({ toClient: (r, i) => (i === 0 ? r : undefined) });
    half.client.conn.transportClosed();
    expect(half.client.closed?.error?.code).toBe('ERR_SSL_CLOSED_IN_HANDSHAKE');
    expect(half.client.closed).toMatchObject({ clean: false, truncated: false });
  });
});
