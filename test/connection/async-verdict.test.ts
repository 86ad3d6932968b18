/**
 * The engine waiting on an asynchronous handshake step (HandshakeHost.waitFor): a peer verdict
 * that arrives later, as a revocation check fetching a CRL gives it. While it is pending the
 * connection holds the peer's pipelined input; when it settles the handshake goes on exactly
 * as a synchronous run would, byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { identity, pair } from './pair.js';
import type { ConnectionOptions } from '../../src/connection/connection.js';
import { seededRandom } from '../helpers/keys.js';
import type { PeerVerdict } from '../../src/handshake/context.js';
import { ContentType } from '../../src/record/content-types.js';

const NOW = Date.UTC(2026, 0, 1);

/** A promise and the functions that settle it. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending microtask (the resumed handshake and what it delivers) run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** A client-authenticated handshake with fixed randomness and clock, so two runs can be compared. */
function clientAuthPair(verifyPeer: ConnectionOptions['verifyPeer'], clientVerify?: ConnectionOptions['verifyPeer']): ReturnType<typeof pair> {
  const client = identity('client');
  return pair({
    client: { random: seededRandom('client'), now: () => NOW, certificateChain: [client.cert], privateKey: client.key, verifyPeer: clientVerify },
    server: { random: seededRandom('server'), now: () => NOW, requireCert: true, verifyPeer },
  });
}

const concat = (chunks: Uint8Array[]) => Buffer.concat(chunks.map((c) => Buffer.from(c)));

describe('a handshake waiting on an asynchronous verdict', () => {
  it('holds the pipelined client flight while the server verdict is pending, then finishes with the same bytes as a synchronous run', async () => {
    const sync = clientAuthPair(() => ({ ok: true }));
    expect(sync.server.secure).toHaveLength(1);

    const verdict = deferred<PeerVerdict>();
    const chains: (readonly Uint8Array[])[] = [];
    const run = clientAuthPair((chain) => {
      chains.push(chain);
      return verdict.promise;
    });
    // The client sent its whole flight (Certificate, ClientKeyExchange, CertificateVerify,
    // CCS, Finished) at once; the server has only read the Certificate and waits.
    expect(chains).toHaveLength(1);
    expect(chains[0][0]).toEqual(identity('client').cert);
    expect(run.client.sent.length).toBe(sync.client.sent.length);
    const serverSentBefore = run.server.sent.length;
    await settle();
    expect(run.server.secure).toHaveLength(0);
    expect(run.server.closed).toBeUndefined();
    expect(run.server.sent.length).toBe(serverSentBefore);

    verdict.resolve({ ok: true });
    await settle();
    expect(run.server.secure).toHaveLength(1);
    expect(run.client.secure).toHaveLength(1);
    expect(concat(run.server.sent)).toEqual(concat(sync.server.sent));
    expect(concat(run.client.sent)).toEqual(concat(sync.client.sent));

    // And the connection carries data both ways afterwards.
    run.client.conn.write(new TextEncoder().encode('after the wait'));
    expect(new TextDecoder().decode(concat(run.server.data))).toBe('after the wait');
  });

  it('a client waits for its verdict on the server certificate the same way', async () => {
    const sync = clientAuthPair(() => ({ ok: true }), () => ({ ok: true }));
    const verdict = deferred<PeerVerdict>();
    const run = clientAuthPair(
      () => ({ ok: true }),
      () => verdict.promise,
    );
    // Only the ClientHello left the client: it read ServerHello and Certificate, and waits
    // before answering the CertificateRequest and ServerHelloDone it already holds.
    expect(run.client.sent).toHaveLength(1);
    expect(run.server.secure).toHaveLength(0);
    verdict.resolve({ ok: true });
    await settle();
    expect(run.client.secure).toHaveLength(1);
    expect(run.server.secure).toHaveLength(1);
    expect(concat(run.client.sent)).toEqual(concat(sync.client.sent));
  });

  it('messages after the Certificate in the same record wait too (the whole server flight in one record)', async () => {
    const client = identity('client');
    const held: Uint8Array[] = [];
    // ServerHello, Certificate, CertificateRequest, ServerHelloDone: one record, as many stacks send them.
    const toClient = (record: Uint8Array, index: number): Uint8Array | undefined => {
      if (index > 3) return record;
      held.push(record.subarray(5));
      if (index < 3) return undefined;
      const body = concat(held);
      return Uint8Array.from([ContentType.handshake, 3, 0, body.length >> 8, body.length & 0xff, ...body]);
    };
    const options = (verifyPeer: ConnectionOptions['verifyPeer']) => ({
      client: { certificateChain: [client.cert], privateKey: client.key, verifyPeer },
      server: { requireCert: true },
      toClient,
    });
    const verdict = deferred<PeerVerdict>();
    const run = pair(options(() => verdict.promise));
    expect(run.client.sent).toHaveLength(1);
    await settle();
    expect(run.client.sent).toHaveLength(1);
    verdict.resolve({ ok: true });
    await settle();
    expect(run.client.secure).toHaveLength(1);
    expect(run.server.secure).toHaveLength(1);
    expect(run.server.secure[0].session.peerCertificates[0]).toEqual(client.cert);
  });

  it('a negative verdict ends the handshake with its alert', async () => {
    const verdict = deferred<PeerVerdict>();
    const run = clientAuthPair(() => verdict.promise);
    verdict.resolve({ ok: false, kind: 'CERTIFICATE_REVOKED', reason: 'serial 0x1234 is on the CRL' });
    await settle();
    expect(run.server.alerts).toContainEqual({ direction: 'sent', level: 2, name: 'certificate_revoked' });
    expect(run.client.alerts).toContainEqual({ direction: 'received', level: 2, name: 'certificate_revoked' });
    expect(run.server.closed?.error?.message).toMatch(/client certificate rejected: serial 0x1234 is on the CRL/);
    expect(run.server.secure).toHaveLength(0);
    expect(run.client.secure).toHaveLength(0);
  });

  it('a verdict that throws takes the internal-error path: handshake_failure', async () => {
    const verdict = deferred<PeerVerdict>();
    const run = clientAuthPair(() => verdict.promise);
    verdict.reject(new Error('the checker crashed'));
    await settle();
    expect(run.server.alerts).toContainEqual({ direction: 'sent', level: 2, name: 'handshake_failure' });
    expect(run.server.closed?.error?.message).toMatch(/internal error: the checker crashed/);
  });

  it('a connection closed while waiting neither throws nor continues when the verdict arrives', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const outcome of ['resolve', 'reject'] as const) {
        const verdict = deferred<PeerVerdict>();
        const run = clientAuthPair(() => verdict.promise);
        run.server.conn.transportClosed();
        // Closed before the handshake finished: a failed handshake, not a truncation (RFC 6101 5.4.1).
        expect(run.server.closed?.error?.code).toBe('ERR_SSL_CLOSED_IN_HANDSHAKE');
        const sent = run.server.sent.length;
        if (outcome === 'resolve') verdict.resolve({ ok: true });
        else verdict.reject(new Error('too late'));
        await settle();
        expect(run.server.sent.length).toBe(sent);
        expect(run.server.secure).toHaveLength(0);
        // Input after the close is ignored too.
        run.server.conn.receive(Uint8Array.of(ContentType.alert, 3, 0, 0, 2, 1, 0));
      }
      // The application closing (close_notify) while waiting, too.
      const verdict = deferred<PeerVerdict>();
      const run = clientAuthPair(() => verdict.promise);
      run.server.conn.close();
      expect(run.server.closed).toBeDefined();
      verdict.resolve({ ok: true });
      await settle();
      expect(run.server.secure).toHaveLength(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('a peer flooding the connection while it waits is refused', async () => {
    const verdict = deferred<PeerVerdict>();
    const run = clientAuthPair(() => verdict.promise);
    // Application-data records the server cannot read yet: held until the limit, then refused.
    const record = new Uint8Array(5 + 16_384);
    record.set([ContentType.application_data, 3, 0, 0x40, 0x00]);
    for (let i = 0; i < 6 && !run.server.closed; i++) run.server.conn.receive(record);
    expect(run.server.closed?.error?.message).toMatch(/while the handshake was waiting/);
    expect(run.server.alerts).toContainEqual({ direction: 'sent', level: 2, name: 'unexpected_message' });
    verdict.resolve({ ok: true });
    await settle();
    expect(run.server.secure).toHaveLength(0);
  });
});
