/**
 * A --trace-json file explained like a capture (src/trace/explain-trace.ts): the trace of each
 * end of a conversation gives the same handshake messages, the same key derivation and the
 * same Finished checks as the capture of that conversation explained with the server's key;
 * connections are told apart, a resumed session is found, the lines of both ends in one file
 * are two views, and a trace without keys or with bad lines says so.
 */
import { describe, expect, it } from 'vitest';
import { explainTrace } from '../../src/trace/explain-trace.js';
import { explainCapture } from '../../src/trace/explain.js';
import { emptyKeyLog, type ExplainKeys } from '../../src/trace/explain-keys.js';
import type { ConnectionExplanation } from '../../src/trace/explain-model.js';
import { jsonTracer } from '../../src/trace/json-trace.js';
import { parseSuiteList } from '../../src/ciphers/suites.js';
import { SessionCache } from '../../src/handshake/session.js';
import { identity } from '../connection/pair.js';
import { converse, ENDPOINTS, recorder } from './capture-helpers.js';

const noKeys = (): ExplainKeys => ({ keyLog: emptyKeyLog(), serverKeys: [] });
const serverKey = (): ExplainKeys => ({ keyLog: emptyKeyLog(), serverKeys: [{ name: 'server.pem', key: identity().key }] });

/** What the trace and the capture must agree on: each record's direction, type and messages, and the handshakes. */
function essentials(c: ConnectionExplanation) {
  return {
    records: c.records.map((r) => ({ direction: r.direction, type: r.content_type, messages: r.messages?.map((m) => [m.name, m.body]) })),
    handshakes: c.handshakes.map((h) => ({
      kind: h.kind,
      suite: h.cipher_suite,
      randoms: [h.client_random, h.server_random],
      master: h.keys?.master_secret.hex,
      keyBlock: h.keys?.key_block,
      finished: h.finished.map((f) => [f.sender, f.ok, f.expected]),
    })),
  };
}

function tracedConversation(suites = 'aes-128-cbc-sha', secrets = true) {
  const rec = recorder();
  const lines = { client: '', server: '', both: '' };
  const tracer = (role: 'client' | 'server') =>
    jsonTracer(
      (l) => {
        lines[role] += l;
        lines.both += l;
      },
      { role, now: () => 1_700_000_000_000 },
    );
  converse(rec, ENDPOINTS, { client: { suites: parseSuiteList(suites), traceSecrets: secrets }, server: { traceSecrets: secrets }, clientTrace: tracer('client'), serverTrace: tracer('server') });
  return { capture: explainCapture(rec.bytes(), serverKey()), lines };
}

describe('a --trace-json file explained', () => {
  it("each end's trace gives the capture's messages, derivation and Finished checks", () => {
    const { capture, lines } = tracedConversation();
    const expected = essentials(capture.connections[0]);
    for (const role of ['client', 'server'] as const) {
      const e = explainTrace(lines[role], noKeys());
      expect(e.format).toBe('json-trace');
      expect(e.notes).toEqual([]);
      expect(e.connections).toHaveLength(1);
      const c = e.connections[0];
      expect(c.protocol).toBe('SSL 3.0');
      expect(c[role]).toBe(`${role} (the end that wrote this trace)`);
      // The same messages and checks; only the master_secret's rounds need the pre_master_secret, which a trace has not.
      expect(essentials(c)).toEqual(expected);
      expect(c.handshakes[0].keys?.source).toMatch(/key log/);
      expect(c.notes).toContainEqual(expect.stringMatching(/^trace line \d+: CBC suite: each write goes 1\/n-1/));
      // What a trace cannot know: the content of alerts and application data.
      const data = c.records.filter((r) => r.content_type === 'application_data');
      expect(data.every((r) => r.fragment === undefined && r.notes.includes("the trace gives this record's type and length, not its content"))).toBe(true);
      expect(c.records.filter((r) => r.encrypted).every((r) => r.ciphertext === undefined && r.decryption === undefined)).toBe(true);
    }
  });

  it("with a --key but no keys events, the server's key decrypts the traced ClientKeyExchange", () => {
    const { capture, lines } = tracedConversation('rc4-128-md5', false);
    const e = explainTrace(lines.client, serverKey());
    expect(e.connections[0].handshakes[0].keys?.pre_master_secret?.hex).toBe(capture.connections[0].handshakes[0].keys?.pre_master_secret?.hex);
    expect(e.connections[0].handshakes[0].finished.every((f) => f.ok)).toBe(true);
    const none = explainTrace(lines.client, noKeys()).connections[0];
    expect(none.notes).toContainEqual(expect.stringMatching(/^no keys: the trace has no keys event \(record it with --trace-keys\), and no --keylog or --key was given; /));
    expect(none.handshakes[0].finished).toEqual([]);
  });

  it('one file with both ends: two views of the same connection', () => {
    const { lines } = tracedConversation();
    const e = explainTrace(lines.both, noKeys());
    expect(e.connections.map((c) => [c.client, c.server])).toEqual([
      ['client (the end that wrote this trace)', 'server'],
      ['client', 'server (the end that wrote this trace)'],
    ]);
    expect(essentials(e.connections[1])).toEqual(essentials(e.connections[0]));
  });

  it('several connections in a row, a resumed session among them, each its own connection', () => {
    const rec = recorder();
    let text = '';
    const cache = new SessionCache();
    const options = () => ({ server: { sessionCache: cache, traceSecrets: true }, serverTrace: jsonTracer((l) => (text += l), { role: 'server' }) });
    const first = converse(rec, ENDPOINTS, options());
    converse(rec, { ...ENDPOINTS, clientPort: 40001 }, { ...options(), client: { session: first.client.secure[0].session } });
    const e = explainTrace(text, noKeys());
    expect(e.connections.map((c) => c.handshakes.map((h) => [h.kind, h.finished.every((f) => f.ok)]))).toEqual([[['full', true]], [['resumed', true]]]);
    expect(e.connections.map((c) => c.tcp_stream)).toEqual([0, 1]);
  });

  it('lines that are not trace events are skipped and counted; an empty file has no connection', () => {
    const { lines } = tracedConversation();
    const n = lines.client.trim().split('\n').length;
    const e = explainTrace(`ssl3 get: warning: something\n${lines.client}{"event":"record"}\n[1]\n`, noKeys());
    expect(e.notes).toEqual([`3 lines skipped: 1 (not JSON), ${n + 2} (a record event without direction "in" or "out"), ${n + 3} (not a JSON object)`]);
    expect(e.connections).toHaveLength(1);
    expect(explainTrace('', noKeys()).connections).toEqual([]);
  });
});

describe('a damaged trace', () => {
  it('never throws: lines dropped, duplicated, cut or changed are explained as far as they go', () => {
    const { lines } = tracedConversation('des-cbc-sha');
    const original = lines.both.trim().split('\n');
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let round = 0; round < 200; round++) {
      const damaged = [...original];
      for (let k = 0; k < 1 + rand(4); k++) {
        const i = rand(damaged.length);
        const line = damaged[i];
        switch (rand(5)) {
          case 0:
            damaged.splice(i, 1);
            break;
          case 1:
            damaged.splice(i, 0, line);
            break;
          case 2:
            damaged[i] = line.slice(0, rand(line.length));
            break;
          case 3:
            // A hex digit changed: a body or a secret that no longer decodes or checks.
            damaged[i] = line.replace(/[0-9a-f](?=[0-9a-f]{8})/, (d) => ((parseInt(d, 16) + 1) % 16).toString(16));
            break;
          default:
            damaged[i] = line.replace(/"length":\d+/, `"length":${rand(70000)}`);
        }
      }
      const e = explainTrace(damaged.join('\n'), serverKey());
      expect(e.connections.length + e.notes.length).toBeGreaterThan(0);
    }
  });
});
