import { describe, expect, it } from 'vitest';
import { pair } from '../connection/pair.js';
import { jsonTracer } from '../../src/trace/json-trace.js';
import { suiteByName } from '../../src/ciphers/suites.js';
import { HandshakeType } from '../../src/handshake/messages.js';

describe('JSON lines trace', () => {
  it('writes one parsable object per record and handshake message, with decoded fields and the body in hex', () => {
    const lines: string[] = [];
    const suites = [suiteByName('3des-ede-cbc-sha')];
    const trace = jsonTracer((l) => lines.push(l), { role: 'server', now: () => Date.UTC(2026, 10, 29, 12, 0, 0) });
    const { server } = pair({ client: { suites }, server: { suites }, serverTrace: trace });
    expect(server.secure).toHaveLength(1);
    for (const l of lines) expect(l.endsWith('\n') && !l.slice(0, -1).includes('\n')).toBe(true);
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.every((e) => e.time === '2026-11-29T12:00:00.000Z' && e.role === 'server')).toBe(true);

    const hello = events.find((e) => e.message === 'client_hello')!;
    expect(hello).toMatchObject({ event: 'handshake', direction: 'in' });
    const fields = hello.fields as Record<string, unknown>;
    expect(fields.version).toBe('3.0 (SSL 3.0)');
    expect(fields.cipher_suites).toEqual(['SSL_RSA_WITH_3DES_EDE_CBC_SHA', 'EMPTY_RENEGOTIATION_INFO_SCSV']);
    expect(fields.random).toMatch(/^[0-9a-f]{64}$/);
    // The body is the message after its 4-byte header: version 3.0, then the random.
    expect(hello.body).toMatch(new RegExp(`^0300${fields.random as string}`));
    expect((hello.body as string).length).toBe(2 * (hello.length as number));

    const cert = events.find((e) => e.message === 'certificate')!;
    expect((cert.fields as Record<string, string[]>).certificates).toEqual(['[0] subject CN=server.test; issuer CN=server.test']);
    const records = events.filter((e) => e.event === 'record');
    expect(records.find((r) => r.content_type === 'change_cipher_spec' && r.direction === 'in')).toMatchObject({ length: 1, encrypted: false });
    const finished = events.filter((e) => e.message === 'finished');
    expect(finished.map((e) => e.direction)).toEqual(['in', 'out']);
    expect((finished[0].fields as Record<string, string>).sha_hash).toMatch(/^[0-9a-f]{40}$/);
    expect(records.filter((r) => r.encrypted).map((r) => r.content_type)).toEqual(['handshake', 'handshake']);
  });

  it('shows a message that does not decode as an error field instead of failing', () => {
    const lines: string[] = [];
    jsonTracer((l) => lines.push(l))({ kind: 'handshake', direction: 'in', type: HandshakeType.server_hello, name: 'server_hello', length: 2, body: Uint8Array.of(3, 0) });
    const e = JSON.parse(lines[0]) as { fields: { error: string }; body: string };
    expect(e.fields.error).toMatch(/^cannot decode: /);
    expect(e.body).toBe('0300');
  });

  it('carries the derived keys only when the connection traces secrets, and they are the ones the record layer uses', () => {
    const suites = [suiteByName('aes-128-cbc-sha')];
    const plain: string[] = [];
    pair({ client: { suites }, server: { suites }, serverTrace: jsonTracer((l) => plain.push(l)) });
    expect(plain.some((l) => l.includes('"event":"keys"') || l.includes('"master_secret"'))).toBe(false);

    const lines: string[] = [];
    const { server } = pair({ client: { suites }, server: { suites, traceSecrets: true }, serverTrace: jsonTracer((l) => lines.push(l)) });
    expect(server.secure).toHaveLength(1);
    const keys = lines.map((l) => JSON.parse(l) as Record<string, string>).filter((e) => e.event === 'keys');
    expect(keys).toHaveLength(1);
    const k = keys[0];
    expect(k.suite).toBe('TLS_RSA_WITH_AES_128_CBC_SHA');
    // The NSS key log line carries the same master secret.
    expect(server.keylog[0]).toMatch(new RegExp(` ${k.master_secret}\n$`));
    expect(k.master_secret).toMatch(/^[0-9a-f]{96}$/);
    expect(k.client_write_MAC_secret).toMatch(/^[0-9a-f]{40}$/);
    expect(k.server_write_key).toMatch(/^[0-9a-f]{32}$/);
    expect(k.client_write_IV).toMatch(/^[0-9a-f]{32}$/);
    expect(k.client_write_key).not.toBe(k.server_write_key);
  });
});
