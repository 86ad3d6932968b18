/**
 * The viewer lab's two peers (src/viewer/duet.ts), run in Node as the page runs them: a seed
 * gives the same bytes every time; the run completes and explains like a capture (every MAC
 * and Finished checks, the derivation from the pre_master_secret the server key decrypts);
 * and one changed field breaks the handshake the way RFC 6101 says it must, with the alert
 * FAILURE_ALERTS names, while every record before the change stays as it was.
 */
import { describe, expect, it } from 'vitest';
import { DUET_REQUEST, DUET_RESPONSE, duetSucceeded, explainDuet, outcomeLines, runDuet, type DuetRun, type DuetTamper } from '../../src/viewer/duet.js';
import { parseSuiteList } from '../../src/ciphers/suites.js';
import { handshakeTree } from '../../src/trace/field-tree.js';
import { field } from '../helpers/fields.js';
import { toHex } from '../../src/util/bytes.js';

const SUITES = parseSuiteList('rc4-128-sha,rc4-128-md5');

/** Where field `name` of the message that opens the sender's record `index` lies in that record (5-byte header first). */
function offsetOf(run: DuetRun, sender: 'client' | 'server', index: number, name: string): { offset: number; length: number } {
  const record = run.records.find((r) => r.sender === sender && r.index === index)!;
  const f = field(handshakeTree(record.bytes.subarray(5)).fields, name);
  return { offset: 5 + f.start, length: f.end - f.start };
}

const hexes = (run: DuetRun) => run.records.map((r) => `${r.sender} ${toHex(r.bytes)}`);

describe('the lab: two peers in one program', () => {
  it('repeats byte for byte for a seed, and another seed gives other bytes', async () => {
    const a = await runDuet({ seed: 's1', suites: SUITES });
    const b = await runDuet({ seed: 's1', suites: SUITES });
    expect(hexes(b)).toEqual(hexes(a));
    expect(b.keyLog).toBe(a.keyLog);
    const c = await runDuet({ seed: 's2', suites: SUITES });
    expect(hexes(c)[0]).not.toBe(hexes(a)[0]);
  });

  it('completes: handshake, request, response, close_notify each way; explained like a capture', async () => {
    const run = await runDuet({ suites: SUITES });
    expect(duetSucceeded(run)).toBe(true);
    expect([run.client.received, run.server.received]).toEqual([DUET_RESPONSE, DUET_REQUEST]);
    expect(outcomeLines(run)).toEqual([
      `client: handshake complete (SSL_RSA_WITH_RC4_128_SHA); received ${DUET_RESPONSE.length} bytes of application data; sent warning alert close_notify; received warning alert close_notify; closed cleanly`,
      `server: handshake complete (SSL_RSA_WITH_RC4_128_SHA); received ${DUET_REQUEST.length} bytes of application data; sent warning alert close_notify; received warning alert close_notify; closed cleanly`,
    ]);
    const c = explainDuet(run);
    expect(c.records.map((r) => r.frame)).toEqual(run.records.map((_, i) => i + 1));
    expect(c.records.filter((r) => r.encrypted).every((r) => r.decryption?.ok)).toBe(true);
    const hs = c.handshakes[0];
    expect(hs.finished.map((f) => [f.sender, f.ok])).toEqual([
      ['client', true],
      ['server', true],
    ]);
    expect(hs.keys?.source).toMatch(/lab server key decrypts the ClientKeyExchange/);
    expect(hs.keys?.pre_master_secret?.hex).toMatch(/^0300[0-9a-f]{92}$/);
    // The master_secret derived from the pre_master_secret is the one both ends logged.
    expect(run.keyLog).toBe(`CLIENT_RANDOM ${hs.client_random} ${hs.keys?.master_secret.hex}\n`);
    expect(c.records.filter((r) => r.content_type === 'application_data').map((r) => r.text)).toEqual([DUET_REQUEST, DUET_RESPONSE].map((t) => t.replace(/\r/g, '\\r').replace(/\n/g, '\\n')));
  });

  it('a CBC suite splits data 1/n-1 and still completes', async () => {
    const run = await runDuet({ suites: parseSuiteList('3des-ede-cbc-sha') });
    expect(duetSucceeded(run)).toBe(true);
    expect(explainDuet(run).records.filter((r) => r.content_type === 'application_data' && r.direction === 'client-to-server').map((r) => r.text)).toEqual(['G', 'ET / HTTP/1.0\\r\\n\\r\\n']);
  });

  describe('a field changed on the way breaks it the right way', () => {
    async function tampered(make: (base: DuetRun) => DuetTamper): Promise<{ base: DuetRun; run: DuetRun }> {
      const base = await runDuet({ suites: SUITES });
      const tamper = make(base);
      const run = await runDuet({ suites: SUITES, tamper });
      expect(run.tamper?.applied).toBe(true);
      // Everything before the changed record crossed as in the run without the change.
      const at = run.records.findIndex((r) => r.original);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(hexes(run).slice(0, at)).toEqual(hexes(base).slice(0, at));
      expect(toHex(run.records[at].original!)).toBe(toHex(base.records[at].bytes));
      expect(duetSucceeded(run)).toBe(false);
      return { base, run };
    }

    it('ServerHello.cipher_suite set to one the client did not offer: the client refuses it with illegal_parameter', async () => {
      const { run } = await tampered((base) => ({ sender: 'server', record: 0, offset: offsetOf(base, 'server', 0, 'cipher_suite').offset, bytes: Uint8Array.of(0x00, 0x0a) }));
      expect(run.client.closed).toMatchObject({ kind: 'BAD_SERVER_HELLO', reason: 'server chose cipher suite 0x000a, which was not offered' });
      expect(run.client.alerts).toEqual([{ direction: 'sent', level: 'fatal', name: 'illegal_parameter' }]);
      expect(run.server.alerts).toEqual([{ direction: 'received', level: 'fatal', name: 'illegal_parameter' }]);
    });

    it('one byte of ClientHello.random: the ends derive different keys, so the first encrypted record fails its MAC', async () => {
      const { run } = await tampered((base) => ({ sender: 'client', record: 0, offset: offsetOf(base, 'client', 0, 'random_bytes').offset, bytes: Uint8Array.of(0x5a) }));
      expect(run.server.closed?.kind).toBe('BAD_RECORD_MAC');
      expect(run.server.alerts).toEqual([{ direction: 'sent', level: 'fatal', name: 'bad_record_mac' }]);
      // The lesson sees what the server saw: keys from the random it got, under which the
      // client's Finished (the first record under the new keys) does not open.
      const finished = explainDuet(run).records.find((r) => r.direction === 'client-to-server' && r.encrypted)!;
      expect(finished.messages).toBeUndefined();
      expect(finished.decryption).toMatchObject({ ok: false, verdict: expect.stringMatching(/^MAC differs/) });
    });

    it("one byte of the client's encrypted Finished: bad_record_mac", async () => {
      const { run } = await tampered((base) => {
        const finished = base.records.find((r) => r.sender === 'client' && r.bytes[0] === 22 && r.index > 2)!;
        return { sender: 'client', record: finished.index, offset: 10, bytes: Uint8Array.of(finished.bytes[10] ^ 1) };
      });
      expect(run.server.closed).toMatchObject({ kind: 'BAD_RECORD_MAC' });
      expect(run.client.alerts).toEqual([{ direction: 'received', level: 'fatal', name: 'bad_record_mac' }]);
    });

    it("ServerHello's length one byte longer: it takes a byte of the next message and does not decode (handshake_failure); far longer: both ends wait", async () => {
      const longer = await tampered((base) => ({ sender: 'server', record: 0, offset: 6, bytes: Uint8Array.of(0, 0, base.records.find((r) => r.sender === 'server')!.bytes[8] + 1) }));
      expect(longer.run.client.closed).toMatchObject({ kind: 'DECODE_ERROR', reason: 'ServerHello: 1 unexpected trailing bytes' });
      expect(longer.run.client.alerts).toEqual([{ direction: 'sent', level: 'fatal', name: 'handshake_failure' }]);
      const far = await runDuet({ suites: SUITES, tamper: { sender: 'server', record: 0, offset: 6, bytes: Uint8Array.of(1) } });
      expect([far.client.closed, far.server.closed]).toEqual([undefined, undefined]);
      expect(outcomeLines(far)).toEqual(['client: no handshake completed; still open: it waits for bytes that never came', 'server: no handshake completed; still open: it waits for bytes that never came']);
    });

    it("the certificate's last byte (its signature): not the certificate the client trusts, bad_certificate", async () => {
      const { run } = await tampered((base) => {
        const cert = base.records.find((r) => r.sender === 'server' && r.index === 1)!;
        return { sender: 'server', record: 1, offset: cert.bytes.length - 1, bytes: Uint8Array.of(cert.bytes[cert.bytes.length - 1] ^ 0xff) };
      });
      expect(run.client.closed).toMatchObject({ kind: 'CERTIFICATE_UNTRUSTED' });
      expect(run.client.alerts).toEqual([{ direction: 'sent', level: 'fatal', name: 'bad_certificate' }]);
    });
  });

  it('a change outside the record is not made, and says so', async () => {
    const run = await runDuet({ suites: SUITES, tamper: { sender: 'client', record: 0, offset: 500, bytes: Uint8Array.of(1) } });
    expect(run.tamper).toEqual({ applied: false, note: expect.stringMatching(/^bytes 500\.\.501 are outside the client's record 1 \(\d+ bytes\)$/) });
    expect(duetSucceeded(run)).toBe(true);
    const never = await runDuet({ suites: SUITES, tamper: { sender: 'server', record: 99, offset: 0, bytes: Uint8Array.of(1) } });
    expect(never.tamper).toEqual({ applied: false, note: "the server never sent record 100" });
  });
});
