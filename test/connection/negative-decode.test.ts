/**
 * Negative tests of the message codecs and negotiation through the sans-I/O engine (RFC 6101
 * section 5.6): truncated and over-long handshake messages (decode errors map to
 * handshake_failure, OpenSSL's SSL 3.0 stand-in for decode_error), a server that picks a
 * version or suite we did not offer, and the SSL 2.0-compatible ClientHello (Appendix E).
 */
import { describe, expect, it } from 'vitest';
import { pair, identity } from './pair.js';
import { Forger, ScriptedClient, endpoint, expectAlive, expectFatal, hsRec, pairKeys, parseRecord, rec } from './forge.js';
import { DEFAULT_SUITES, suiteByName } from '../../src/ciphers/suites.js';
import { ContentType } from '../../src/record/content-types.js';
import { HandshakeType, encodeClientHello } from '../../src/handshake/messages.js';
import { concatBytes, utf8Bytes, utf8String } from '../../src/util/bytes.js';
import { systemRandom } from '../../src/util/random.js';
import { RecordProtection } from '../../src/record/record-protection.js';
import type { AlertName } from '../../src/record/alerts.js';
import { buildCertificate } from '../../src/pki/x509-build.js';

const feed = (ep: { conn: { receive(b: Uint8Array): void } }, ...records: Uint8Array[]) => {
  for (const r of records) expect(() => ep.conn.receive(r)).not.toThrow();
};

/** The handshake message inside a one-message plaintext record, rewritten by `edit` (lengths fixed up). */
const editMessage = (record: Uint8Array, edit: (body: Uint8Array) => Uint8Array): Uint8Array => {
  const { body } = parseRecord(record);
  return hsRec(body[0], edit(body.slice(4)));
};

/** A raw ClientHello body: version, random, then the given tail bytes. */
const clientHelloBody = (tail: number[]) => concatBytes(Uint8Array.of(3, 0), systemRandom(32), Uint8Array.from(tail));

describe('truncated and over-long handshake messages -> handshake_failure (decode_error)', () => {
  for (const keep of [0, 2, 10, 34, 35, 36, 37]) {
    it(`ServerHello cut to ${keep} bytes`, () => {
      // Server records: ServerHello, Certificate, ServerHelloDone. Cutting ServerHello at 37
      // leaves the suite's second byte and the compression method out.
      const { client } = pair({ toClient: (r, i) => (i === 0 ? editMessage(r, (b) => b.subarray(0, keep)) : r) });
      expectFatal(client, 'handshake_failure', 'DECODE_ERROR');
      expect(client.closed?.error?.message).toMatch(/ServerHello/);
    });
  }

  it('ServerHello cut by its record only: the client waits for the rest', () => {
    const { client } = pair({ toClient: (r, i) => (i === 0 ? r.subarray(0, r.length - 3) : undefined) });
    expectAlive(client);
  });

  it('ServerHello with trailing bytes that are not an extension block', () => {
    const { client } = pair({ toClient: (r, i) => (i === 0 ? editMessage(r, (b) => concatBytes(b, Uint8Array.of(0, 9, 1))) : r) });
    expectFatal(client, 'handshake_failure');
  });

  it('ServerHello with a session_id longer than 32', () => {
    const { client } = pair({
      toClient: (r, i) =>
        i === 0 ? editMessage(r, (b) => concatBytes(b.subarray(0, 34), Uint8Array.of(33), new Uint8Array(33), b.subarray(35 + b[34]))) : r,
    });
    expectFatal(client, 'handshake_failure');
    expect(client.closed?.error?.message).toMatch(/session_id: length 33/);
  });

  it('ServerHelloDone with trailing bytes', () => {
    const { client } = pair({ toClient: (r, i) => (i === 2 ? editMessage(r, () => Uint8Array.of(0)) : r) });
    expectFatal(client, 'handshake_failure', 'DECODE_ERROR');
    expect(client.closed?.error?.message).toMatch(/ServerHelloDone/);
  });

  it('Certificate with trailing bytes, and with a certificate list running past its end', () => {
    for (const edit of [(b: Uint8Array) => concatBytes(b, Uint8Array.of(0)), (b: Uint8Array) => b.subarray(0, b.length - 1)]) {
      const { client } = pair({ toClient: (r, i) => (i === 1 ? editMessage(r, edit) : r) });
      expectFatal(client, 'handshake_failure');
    }
  });

  it('Certificate: an empty list -> bad_certificate; a DER that does not parse -> bad_certificate', () => {
    for (const body of [Uint8Array.of(0, 0, 0), Uint8Array.of(0, 0, 7, 0, 0, 4, 0x30, 0x02, 0x01, 0x00)]) {
      const { client } = pair({ toClient: (r, i) => (i === 1 ? hsRec(HandshakeType.certificate, body) : r) });
      expectFatal(client, 'bad_certificate', 'BAD_CERTIFICATE');
    }
  });

  const hellos: [string, number[]][] = [
    ['a session_id longer than 32', [33, ...new Array(33).fill(1), 0, 2, 0, 5, 1, 0]],
    ['an odd-length cipher suite list', [0, 0, 3, 0, 5, 0, 1, 0]],
    ['an empty cipher suite list', [0, 0, 0, 1, 0]],
    ['no compression methods', [0, 0, 2, 0, 5, 0]],
    ['the suite list running past the end', [0, 0, 40, 0, 5]],
    ['nothing after the random', []],
  ];
  for (const [what, tail] of hellos) {
    it(`ClientHello with ${what}`, () => {
      const server = endpoint('server');
      feed(server, hsRec(HandshakeType.client_hello, clientHelloBody(tail)));
      expectFatal(server, 'handshake_failure', 'DECODE_ERROR');
      expect(server.closed?.error?.message).toMatch(/^ClientHello/);
      expect(server.out).toHaveLength(1); // only the alert
    });
  }

  it('ClientHello without the null compression method -> illegal_parameter', () => {
    const server = endpoint('server');
    feed(server, hsRec(HandshakeType.client_hello, clientHelloBody([0, 0, 2, 0, 5, 1, 1])));
    expectFatal(server, 'illegal_parameter', 'NO_NULL_COMPRESSION');
  });

  it('ClientHello with extra bytes after the compression methods is accepted (section 5.6.1.2)', () => {
    const server = endpoint('server');
    feed(server, hsRec(HandshakeType.client_hello, clientHelloBody([0, 0, 2, 0, 5, 1, 0, 0xde, 0xad, 0xbe])));
    expectAlive(server);
    expect(server.out.length).toBe(3); // ServerHello, Certificate, ServerHelloDone
  });

  it('an empty ClientKeyExchange', () => {
    const c = new ScriptedClient();
    c.sendHello();
    c.send(hsRec(HandshakeType.client_key_exchange, new Uint8Array(0)));
    expectFatal(c.server, 'handshake_failure', 'DECODE_ERROR');
    expect(c.server.closed?.error?.message).toMatch(/^ClientKeyExchange/);
  });

  it('a handshake message header claiming more than the 2^18-byte limit', () => {
    const server = endpoint('server');
    feed(server, rec(ContentType.handshake, Uint8Array.of(HandshakeType.client_hello, 0x04, 0x00, 0x01)));
    expectFatal(server, 'handshake_failure', 'DECODE_ERROR');
  });

  for (const length of [35, 37, 0]) {
    it(`a client Finished of ${length} bytes, properly encrypted`, () => {
      const c = new ScriptedClient();
      c.sendHello();
      c.sendKeyExchange();
      c.sendChangeCipherSpec();
      const full = c.transcript.finished(c.keys!.master, 'client');
      c.sendFinished(length <= 36 ? full.subarray(0, length) : concatBytes(full, new Uint8Array(length - 36)));
      expectFatal(c.server, 'handshake_failure');
      expect(c.server.closed?.error?.message).toMatch(/Finished: \d+ bytes, expected 36/);
    });
  }

  it('a server Finished of 37 bytes, properly encrypted, to our client', () => {
    // Server records: ServerHello, Certificate, ServerHelloDone, ChangeCipherSpec, Finished.
    const { client, server } = pair({ toClient: (r, i) => (i === 4 ? undefined : r) });
    const keys = pairKeys(client, server);
    const forge = new Forger(keys, 'server');
    feed(client, forge.handshake(HandshakeType.finished, new Uint8Array(37)));
    expectFatal(client, 'handshake_failure');
    expect(client.closed?.error?.message).toMatch(/Finished: 37 bytes, expected 36/);
  });
});

describe('negotiation checks in our client', () => {
  const editHello = (edit: (b: Uint8Array) => void) => (r: Uint8Array, i: number) =>
    i === 0
      ? editMessage(r, (b) => {
          const out = b.slice();
          edit(out);
          return out;
        })
      : r;

  for (const [major, minor] of [
    [3, 1],
    [3, 3],
    [2, 0],
  ]) {
    it(`a ServerHello with version ${major}.${minor} -> handshake_failure (protocol_version)`, () => {
      const { client, server } = pair({ toClient: editHello((b) => b.set([major, minor], 0)) });
      expectFatal(client, 'handshake_failure');
      expect(client.closed?.error?.message).toMatch(/server chose version/);
      expect(server.secure).toEqual([]);
    });
  }

  it('a server choosing a suite we did not offer -> illegal_parameter', () => {
    // We offer only RC4-SHA; the server (altered in flight) answers 3DES, which it supports.
    const suiteAt = (b: Uint8Array) => 35 + b[34];
    for (const id of [0x000a, 0x0004, 0x0001, 0x00ff, 0x1301, 0x0000]) {
      const { client } = pair({
        client: { suites: [suiteByName('rc4-128-sha')] },
        toClient: editHello((b) => b.set([id >> 8, id & 0xff], suiteAt(b))),
      });
      expectFatal(client, 'illegal_parameter');
      expect(client.closed?.error?.message).toMatch(/not offered/);
    }
  });

  it('a server choosing a compression method we did not offer -> illegal_parameter', () => {
    const { client } = pair({ toClient: editHello((b) => (b[35 + b[34] + 2] = 1)) });
    expectFatal(client, 'illegal_parameter', 'BAD_SERVER_HELLO');
  });

  it('a server with no suite in common -> handshake_failure from the server', () => {
    const { client, server } = pair({ client: { suites: [suiteByName('rc4-128-md5')] }, server: { suites: [suiteByName('aes-128-cbc-sha')] } });
    expectFatal(server, 'handshake_failure', 'NO_SHARED_CIPHER');
    expect(server.closed?.error?.message).toMatch(/no cipher suite in common/);
    expect(client.closed?.error?.code).toBe('ERR_SSL_PEER_ALERT');
  });

  // RFC 5246 E.1: a server answers a higher client_version with the highest version it has,
  // whatever the major number (OpenSSL 1.0.2's SSL 3.0 server answers these with 3.0). The
  // premaster secret carries the client_version the hello offered (RFC 6101 5.6.7.1).
  for (const version of [0x0301, 0x0304, 0x03fe, 0x0401, 0xfefe, 0xffff]) {
    const label = `${version >> 8}.${version & 0xff}`;
    it(`a ClientHello offering ${label} gets a 3.0 ServerHello and the handshake completes`, () => {
      const c = new ScriptedClient();
      c.sendHello({ version });
      expect(c.hello?.version).toBe(0x0300);
      c.sendKeyExchange(concatBytes(Uint8Array.of(version >> 8, version & 0xff), systemRandom(46)));
      c.sendChangeCipherSpec();
      c.sendFinished();
      expectAlive(c.server);
      expect(c.server.secure).toHaveLength(1);
      expect(c.server.secure[0].clientVersion).toBe(version);
    });
  }

  it('an SSLv2-format ClientHello offering 4.1 gets a 3.0 ServerHello too', () => {
    const c = new ScriptedClient();
    c.sendV2Hello([0x00000a], systemRandom(16), 0x0401);
    expect(c.hello?.version).toBe(0x0300);
    expectAlive(c.server);
  });

  it('a ClientHello for SSL 2.0 (version 2.0 inside a 3.0 record) -> handshake_failure', () => {
    const server = endpoint('server');
    const body = encodeClientHello({ version: 0x0200, random: systemRandom(32), sessionId: new Uint8Array(0), cipherSuites: [5], compressionMethods: Uint8Array.of(0), extensions: [] });
    feed(server, hsRec(HandshakeType.client_hello, body));
    expectFatal(server, 'handshake_failure');
    expect(server.closed?.error?.message).toMatch(/older than SSL 3\.0/);
  });
});

describe('SSLv2-format ClientHello (RFC 6101 Appendix E)', () => {
  // SSLv2-only specs (first byte non-zero) must be ignored: SSL_CK_RC4_128_WITH_MD5,
  // SSL_CK_DES_192_EDE3_CBC_WITH_MD5, SSL_CK_RC2_128_CBC_WITH_MD5.
  const V2_ONLY = [0x010080, 0x0700c0, 0x030080];
  const SSL3_SPECS = [0x000005, 0x00000a, 0x000004];

  for (const challengeLength of [16, 32]) {
    it(`with a ${challengeLength}-byte challenge: the server answers with one of the SSL 3.0 specs and completes`, () => {
      const c = new ScriptedClient();
      c.sendV2Hello([V2_ONLY[0], SSL3_SPECS[0], V2_ONLY[1], SSL3_SPECS[1], SSL3_SPECS[2], V2_ONLY[2]], systemRandom(challengeLength));
      expect(c.hello).toBeDefined();
      expect(SSL3_SPECS).toContain(c.hello!.cipherSuite);
      expect(c.hello!.version).toBe(0x0300);
      expect(c.hello!.sessionId.length).toBe(0);
      // Server preference (DEFAULT_SUITES order) among what was offered: 3DES first.
      expect(c.hello!.cipherSuite).toBe(DEFAULT_SUITES.find((s) => SSL3_SPECS.includes(s.id))!.id);
      // The rest of the handshake is SSL 3.0; the transcript began with the v2 message.
      c.sendKeyExchange();
      c.sendChangeCipherSpec();
      c.sendFinished();
      expect(c.server.secure).toHaveLength(1);
      expect(c.server.secure[0].clientRandom).toEqual(c.clientRandom);
      expectAlive(c.server);
      // And application data flows both ways.
      c.send(c.forger!.seal(ContentType.application_data, utf8Bytes('hi over v2 hello')));
      expect(c.server.data.map(utf8String)).toEqual(['hi over v2 hello']);
      c.server.conn.write(utf8Bytes('reply'));
      const { kb, suite } = c.keys!;
      const reader = RecordProtection.create(suite, kb.serverMacSecret, kb.serverKey, kb.serverIv, 'decrypt');
      const encrypted = c.server.out.slice(c.server.out.findIndex((r) => r[0] === ContentType.change_cipher_spec) + 1);
      const opened = encrypted.map((r) => reader.open(r[0], parseRecord(r).body));
      expect(opened[0][0]).toBe(HandshakeType.finished);
      // After Finished: 'reply', in one record, or 1/n-1 ('r', 'eply') under a CBC suite.
      expect(opened.slice(1).map(utf8String).join('')).toBe('reply');
    });
  }

  it('with only SSLv2 cipher specs -> handshake_failure', () => {
    const c = new ScriptedClient();
    c.sendV2Hello(V2_ONLY, systemRandom(16));
    expectFatal(c.server, 'handshake_failure', 'NO_SHARED_CIPHER');
    expect(c.server.closed?.error?.message).toMatch(/no cipher suite in common/);
  });

  for (const [what, specs, challenge, version] of [
    ['version 0.2 (a pure SSL 2.0 client)', SSL3_SPECS, 16, 0x0002],
    ['a 15-byte challenge', SSL3_SPECS, 15, 0x0300],
    ['a 33-byte challenge', SSL3_SPECS, 33, 0x0300],
  ] as [string, number[], number, number][]) {
    it(`with ${what} -> handshake_failure`, () => {
      const c = new ScriptedClient();
      c.sendV2Hello(specs, systemRandom(challenge), version);
      expectFatal(c.server, 'handshake_failure');
    });
  }

  it('as the second record of a connection it is not an SSL record -> unexpected_message', () => {
    const c = new ScriptedClient();
    c.sendHello();
    c.sendV2Hello(SSL3_SPECS, systemRandom(16));
    expectFatal(c.server, 'unexpected_message');
  });

  it('to a client -> unexpected_message', () => {
    const client = endpoint('client');
    const body = concatBytes(Uint8Array.of(1, 3, 0, 0, 3, 0, 0, 0, 16, 0, 0, 5), systemRandom(16));
    feed(client, concatBytes(Uint8Array.of(0x80, body.length), body));
    expectFatal(client, 'unexpected_message');
  });

  it('arriving in one-byte pieces still parses', () => {
    const c = new ScriptedClient();
    const body = concatBytes(Uint8Array.of(1, 3, 0, 0, 3, 0, 0, 0, 16, 0, 0, 5), systemRandom(16));
    const bytes = concatBytes(Uint8Array.of(0x80, body.length), body);
    for (const b of bytes) c.send(Uint8Array.of(b));
    expectAlive(c.server);
    expect(c.server.out).toHaveLength(3);
  });
});

describe('handshake reassembly stays linear (a slow peer must not cost quadratic time)', () => {
  const oneByteRecords = (bytes: Uint8Array) => {
    const out = new Uint8Array(bytes.length * 6);
    bytes.forEach((b, i) => out.set([ContentType.handshake, 3, 0, 0, 1, b], i * 6));
    return out;
  };

  it('a 2^18-byte ClientHello sent one byte per record is reassembled, then rejected -> handshake_failure', () => {
    const server = endpoint('server');
    const length = (1 << 18) - 4;
    const message = concatBytes(Uint8Array.of(HandshakeType.client_hello, length >> 16, (length >> 8) & 0xff, length & 0xff), new Uint8Array(length));
    const t0 = performance.now();
    feed(server, oneByteRecords(message.subarray(0, message.length - 1)));
    expectAlive(server);
    feed(server, oneByteRecords(message.subarray(message.length - 1)));
    // Was about 5 s when every record copied everything pending.
    expect(performance.now() - t0).toBeLessThan(2000);
    expectFatal(server, 'handshake_failure');
  });

  it('records packed with tiny messages (HelloRequests, which a client ignores mid-handshake) are taken apart', () => {
    // The flood bound (negative-order.test.ts) would end this after five; lifted, the
    // reassembler must still take 65536 messages apart without copying what is pending each time.
    const client = endpoint('client', { maxIgnoredMessages: Infinity });
    const record = rec(ContentType.handshake, new Uint8Array(1 << 14)); // 4096 empty HelloRequests each
    for (let i = 0; i < 16; i++) feed(client, record);
    expectAlive(client);
    expect(client.out).toHaveLength(1); // still only its ClientHello
  });
});

describe('certificates whose RSA key cannot be used', () => {
  // Certificates carrying a given public key, signed by the test server key (nobody checks the
  // signature here: the client has no verifier, the server only checks CertificateVerify).
  const withKey = (n: bigint, e: bigint) =>
    buildCertificate({
      subject: 'CN=broken.test',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      publicKey: { n, e },
      signingKey: identity().key,
      signatureHash: 'sha1',
    }).raw;
  const realN = identity().key.n;
  // An odd modulus of 400 bits: too small to carry the 48-byte premaster secret (needs 59 bytes).
  const smallN = (1n << 399n) | 0x1234567n | 1n;

  for (const [what, n, e, alert] of [
    ['an even public exponent', realN, 65538n, 'bad_certificate'],
    ['an even modulus', realN - 1n, 65537n, 'bad_certificate'],
    ['a 400-bit modulus', smallN, 65537n, 'unsupported_certificate'],
  ] as [string, bigint, bigint, AlertName][]) {
    it(`server certificate with ${what} -> ${alert} from our client`, () => {
      const { client, server } = pair({ server: { certificateChain: [withKey(n, e)] } });
      expectFatal(client, alert);
      expect(client.closed?.error?.message).not.toMatch(/internal error/);
      expect(server.closed?.error?.code).toBe('ERR_SSL_PEER_ALERT');
    });
  }

  for (const [what, n, e, alert] of [
    ['an even public exponent', identity('client').key.n, 65538n, 'bad_certificate'],
    ['a 256-bit modulus', (1n << 255n) | 1n, 65537n, 'unsupported_certificate'],
  ] as [string, bigint, bigint, AlertName][]) {
    it(`client certificate with ${what} -> ${alert} from our server`, () => {
      const me = identity('client');
      const { server } = pair({ client: { certificateChain: [withKey(n, e)], privateKey: me.key }, server: { requestCert: true } });
      expectFatal(server, alert);
      expect(server.closed?.error?.message).not.toMatch(/internal error/);
    });
  }
});
