/**
 * The engine fuzz cases shared by test/connection/fuzz.test.ts (fixed seeds, every CI run) and
 * the fast-check targets of `npm run fuzz` (fuzz/targets/engine.ts): a corpus of real flights,
 * record-level mutations, random input, random chunking, and the properties every case must
 * keep (docs/architecture.md, "Principles": "Bad input never crashes the process"; RFC 6101
 * section 5.4.2 for the alert set). The engine is fed only through forge.ts (feed, endpoint,
 * pair).
 */
import { expect } from 'vitest';
import { pair, identity } from './pair.js';
import { SSL3_ALERT_CODES, clientForger, endpoint, feed, prng } from './forge.js';
import { suiteByName, type CipherSuite } from '../../src/ciphers/suites.js';
import { AlertLevel, ALERTS, SslAlertError } from '../../src/record/alerts.js';
import { ContentType } from '../../src/record/content-types.js';
import { concatBytes } from '../../src/util/bytes.js';
import type { ConnectionOptions } from '../../src/connection/connection.js';

export type Rng = ReturnType<typeof prng>;

/** Real flights, record by record: what a server receives (client records) and what a client receives. */
export function corpus(): { toServer: Uint8Array[][]; toClient: Uint8Array[][] } {
  const me = identity('client');
  // Injected randomness and clock: the flights depend only on the process's RSA keys.
  const det = (seed: number) => ({ random: prng(seed).bytes, now: () => 1_700_000_000_000 });
  const run = (n: number, client: Partial<ConnectionOptions>, server: Partial<ConnectionOptions> = {}) =>
    pair({ client: { ...det(2 * n + 1), ...client }, server: { ...det(2 * n + 2), ...server } });
  const runs = [
    run(0, { suites: [suiteByName('rc4-128-sha')] }),
    run(1, { suites: [suiteByName('3des-ede-cbc-sha')] }),
    run(2, { suites: [suiteByName('aes-128-cbc-sha')] }, { requestCert: true }),
    run(3, { certificateChain: [me.cert], privateKey: me.key }, { requestCert: true }),
  ];
  for (const { client, server } of runs) {
    expect(client.secure).toHaveLength(1);
    expect(server.secure).toHaveLength(1);
  }
  return { toServer: runs.map((r) => r.client.sent), toClient: runs.map((r) => r.server.sent) };
}

export const MUTATIONS: ((records: Uint8Array[], r: Rng) => Uint8Array[])[] = [
  // Flip a few bits in one record (header included).
  (recs, r) => {
    const i = r.int(recs.length);
    const out = recs[i].slice();
    for (let n = 1 + r.int(4); n > 0; n--) out[r.int(out.length)] ^= 1 << r.int(8);
    return recs.map((x, j) => (j === i ? out : x));
  },
  // Duplicate a record in place.
  (recs, r) => {
    const i = r.int(recs.length);
    return [...recs.slice(0, i + 1), recs[i], ...recs.slice(i + 1)];
  },
  // Swap two records.
  (recs, r) => {
    const out = recs.slice();
    const i = r.int(out.length);
    const j = r.int(out.length);
    [out[i], out[j]] = [out[j], out[i]];
    return out;
  },
  // Drop a record.
  (recs, r) => {
    const i = r.int(recs.length);
    return recs.filter((_, j) => j !== i);
  },
  // Cut a record short, lengths left as they were (the stream then goes out of frame).
  (recs, r) => {
    const i = r.int(recs.length);
    return recs.map((x, j) => (j === i ? x.subarray(0, r.int(x.length)) : x));
  },
  // Cut a record's body short and fix its record length (the message inside is then short).
  (recs, r) => {
    const i = r.int(recs.length);
    const body = recs[i].subarray(5, 5 + r.int(recs[i].length - 5));
    const fixed = concatBytes(recs[i].subarray(0, 3), Uint8Array.of(body.length >> 8, body.length & 0xff), body);
    return recs.map((x, j) => (j === i ? fixed : x));
  },
  // Rewrite a length field: the record's, or the first handshake message's 3-byte length.
  (recs, r) => {
    const i = r.int(recs.length);
    const out = recs[i].slice();
    const at = out.length > 9 && r.int(2) ? 6 + r.int(3) : 3 + r.int(2);
    out[at] = r.int(256);
    return recs.map((x, j) => (j === i ? out : x));
  },
  // Replace a stretch of a record's body with random bytes.
  (recs, r) => {
    const i = r.int(recs.length);
    const out = recs[i].slice();
    if (out.length > 5) {
      const start = 5 + r.int(out.length - 5);
      out.set(r.bytes(Math.min(out.length - start, 1 + r.int(64))), start);
    }
    return recs.map((x, j) => (j === i ? out : x));
  },
  // Insert a random record of a valid content type.
  (recs, r) => {
    const body = r.bytes(r.int(80));
    const record = concatBytes(Uint8Array.of(20 + r.int(4), 3, r.int(2), body.length >> 8, body.length & 0xff), body);
    const i = r.int(recs.length + 1);
    return [...recs.slice(0, i), record, ...recs.slice(i)];
  },
  // Insert an alert of any level and description (close_notify and fatal ones included).
  (recs, r) => {
    const record = Uint8Array.of(21, 3, 0, 0, 2, r.int(4), r.int(3) ? SSL3_ALERT_CODES[r.int(SSL3_ALERT_CODES.length)] : r.int(256));
    const i = r.int(recs.length + 1);
    return [...recs.slice(0, i), record, ...recs.slice(i)];
  },
  // Keep a prefix of the flight only.
  (recs, r) => recs.slice(0, r.int(recs.length + 1)),
];

/** Random input: raw bytes, or bytes behind a plausible record or SSLv2 header. */
export function randomInput(r: Rng): Uint8Array[] {
  const body = r.bytes(r.int(300));
  switch (r.int(4)) {
    case 0:
      return [body];
    case 1:
      return [concatBytes(Uint8Array.of(20 + r.int(4), 3, r.int(3), body.length >> 8, body.length & 0xff), body)];
    case 2:
      return [concatBytes(Uint8Array.of(0x80 | (body.length >> 8), body.length & 0xff, 1), body)];
    default:
      return [concatBytes(Uint8Array.of(22, 3, 0, (body.length + 4) >> 8, (body.length + 4) & 0xff, r.int(21), 0, body.length >> 8, body.length & 0xff), body)];
  }
}

/** Delivers the records whole, or the concatenated stream in random pieces. */
export function chunks(records: Uint8Array[], r: Rng): Uint8Array[] {
  if (r.int(2)) return records;
  const all = concatBytes(...records);
  const out: Uint8Array[] = [];
  for (let off = 0; off < all.length; ) {
    const n = 1 + r.int(r.int(2) ? 8 : 400);
    out.push(all.subarray(off, off + n));
    off += n;
  }
  return out;
}

const ALERT_NAMES = Object.keys(ALERTS);
const ALLOWED_WARNINGS = new Set<number>([ALERTS.close_notify, ALERTS.no_certificate]);

/**
 * Runs one case against a fresh Connection (a server asking for a client certificate when
 * `requestCert`) and checks the properties; returns how it ended, for the tally.
 */
export function runCase(role: 'server' | 'client', input: Uint8Array[], requestCert: boolean): string {
  const ep = endpoint(role, requestCert ? { requestCert: true } : {});
  const writtenAtStart = ep.out.length;
  const t0 = performance.now();
  for (const chunk of input) {
    const before = ep.out.length;
    const wasClosed = ep.closed !== undefined;
    expect(() => feed(ep, chunk)).not.toThrow();
    if (wasClosed) expect(ep.out.length).toBe(before); // nothing after the close
  }
  expect(performance.now() - t0).toBeLessThan(2000);
  expect(ep.secure).toEqual([]);
  expect(ep.data).toEqual([]);

  const sent = ep.alerts.filter((a) => a.direction === 'sent');
  for (const a of sent) expect(SSL3_ALERT_CODES).toContain(a.description);
  const fatal = sent.filter((a) => a.level === AlertLevel.fatal);
  for (const a of sent.filter((x) => x.level !== AlertLevel.fatal)) {
    expect(a.level).toBe(AlertLevel.warning);
    expect(ALLOWED_WARNINGS.has(a.description)).toBe(true);
  }
  if (!ep.closed) {
    expect(fatal).toEqual([]);
    return 'waiting';
  }
  // The alert we sent, or (the peer's alert, a clean close) the error's code.
  const code = ep.closed.error instanceof SslAlertError ? ep.closed.error.alert : ep.closed.error?.code;
  // An untyped exception inside the engine is caught and sent as handshake_failure, but it
  // means a check is missing somewhere: none may occur.
  expect(ep.closed.error?.message ?? '').not.toMatch(/^internal error/);
  if (ep.closed.clean) {
    // The input held a close_notify: we answer with ours, no fatal alert.
    expect(fatal).toEqual([]);
  } else if (code === 'ERR_SSL_PEER_ALERT') {
    // The input held a fatal alert: the connection ends without answering it.
    expect(fatal).toEqual([]);
  } else {
    expect(fatal).toHaveLength(1);
    expect(code).toBe(fatal[0].name);
    // The alert is the last thing written.
    expect(ep.out.length).toBeGreaterThan(writtenAtStart);
    expect(ep.out.at(-1)![0]).toBe(21);
  }
  return ep.closed.clean ? 'close_notify' : code!;
}

/**
 * An open connection (a finished pair() run under `suite`) gets application-data records
 * sealed by the client's keys from `messages`, altered by `alter`, in chunks made by `cut`:
 * whatever the server delivers is the sender's data, record for record, in order, and it
 * ends, if it ends, with one fatal alert from the SSL 3.0 set (or answering the peer's own).
 */
export function runOpenConnectionCase(suite: CipherSuite, messages: Uint8Array[], alter: (records: Uint8Array[]) => Uint8Array[], cut: (records: Uint8Array[]) => Uint8Array[]): void {
  const { client, server } = pair({ client: { suites: [suite] }, server: { suites: [suite] } });
  const forge = clientForger(client, server);
  const records = alter(messages.map((m) => forge.seal(ContentType.application_data, m)));
  for (const chunk of cut(records)) expect(() => feed(server, chunk)).not.toThrow();
  expect(server.data.length).toBeLessThanOrEqual(messages.length);
  server.data.forEach((d, i) => expect(d).toEqual(messages[i]));
  const sent = server.alerts.filter((a) => a.direction === 'sent');
  if (!server.closed) expect(sent).toEqual([]);
  else if (server.closed.error?.code === 'ERR_SSL_PEER_ALERT' || server.closed.clean) expect(sent.filter((a) => a.level === AlertLevel.fatal)).toEqual([]);
  else {
    expect(sent).toEqual([expect.objectContaining({ level: AlertLevel.fatal, name: (server.closed.error as SslAlertError).alert })]);
    expect(ALERT_NAMES).toContain(sent[0].name);
  }
}

/** The suites the open-connection cases run under: a stream cipher, both CBC block sizes, no cipher. */
export const OPEN_CONNECTION_SUITES: readonly CipherSuite[] = ['rc4-128-sha', '3des-ede-cbc-sha', 'aes-128-cbc-sha', 'null-sha'].map(suiteByName);
