import { describe, expect, it } from 'vitest';
import { pair } from '../connection/pair.js';
import { formatTraceEvent } from '../../src/trace/text-trace.js';
import type { TraceEvent } from '../../src/connection/connection.js';
import { suiteByName } from '../../src/ciphers/suites.js';

describe('text trace', () => {
  it('shows every record and handshake message of a handshake with its fields', () => {
    const events: TraceEvent[] = [];
    const suites = [suiteByName('rc4-128-sha')];
    const { server } = pair({ client: { suites }, server: { suites }, serverTrace: (e) => events.push(e) });
    expect(server.secure).toHaveLength(1);
    const text = events.map(formatTraceEvent).join("\n");
    expect(text).toMatch(/<< {3}client_hello, \d+ bytes\n {5}version 3\.0 \(SSL 3\.0\)\n {5}random [0-9a-f]{64}/);
    expect(text).toContain('cipher_suites SSL_RSA_WITH_RC4_128_SHA, EMPTY_RENEGOTIATION_INFO_SCSV');
    // 38 bytes plus the RFC 5746 renegotiation_info answering the SCSV (7 bytes with its block length).
    expect(text).toMatch(/>> {3}server_hello, 45 bytes\n {5}version 3\.0 \(SSL 3\.0\)/);
    expect(text).toContain('extensions renegotiation_info(00)');
    expect(text).toContain('cipher_suite SSL_RSA_WITH_RC4_128_SHA');
    expect(text).toMatch(/>> {3}certificate, \d+ bytes\n {5}\[0\] subject CN=server\.test; issuer CN=server\.test/);
    expect(text).toContain('encrypted pre_master_secret (128 bytes)');
    expect(text).toMatch(/<< record change_cipher_spec, 1 bytes\n/);
    expect(text).toMatch(/<< record handshake, 40 bytes \(encrypted\)\n<< {3}finished, 36 bytes\n {5}md5_hash [0-9a-f]{32}\n {5}sha_hash [0-9a-f]{40}/);
  });
});
