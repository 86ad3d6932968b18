/**
 * Negative tests through the sans-I/O engine: messages out of order, ChangeCipherSpec at the
 * wrong time or malformed, application data before the handshake, alerts from the peer,
 * records that are not SSL 3.0 at all, runs of empty records, and floods of warning alerts
 * or HelloRequests (CVE-2016-8610). Each failure must be one
 * fatal alert from the SSL 3.0 set (RFC 6101 section 5.4.2; docs/architecture.md, "Principles") and a
 * closed connection, with no exception out of receive().
 */
import { describe, expect, it } from 'vitest';
import { pair, identity } from './pair.js';
import { Forger, ScriptedClient, clientForger, encryptedBodies, endpoint, expectAlive, expectFatal, hsRec, pairKeys, prng, rec } from './forge.js';
import { ContentType } from '../../src/record/content-types.js';
import { AlertLevel, ALERTS } from '../../src/record/alerts.js';
import { HandshakeType } from '../../src/handshake/messages.js';
import { asciiBytes, concatBytes, utf8Bytes, utf8String } from '../../src/util/bytes.js';

const ccs = (body: Uint8Array = Uint8Array.of(1)) => rec(ContentType.change_cipher_spec, body);
const alert = (level: number, description: number) => rec(ContentType.alert, Uint8Array.of(level, description));
const feed = (ep: { conn: { receive(b: Uint8Array): void } }, ...records: Uint8Array[]) => {
  for (const r of records) expect(() => ep.conn.receive(r)).not.toThrow();
};

describe('handshake messages out of order -> unexpected_message', () => {
  const early: [string, number, Uint8Array][] = [
    ['ClientKeyExchange', HandshakeType.client_key_exchange, new Uint8Array(128).fill(7)],
    ['Finished', HandshakeType.finished, new Uint8Array(36)],
    ['Certificate', HandshakeType.certificate, Uint8Array.of(0, 0, 0)],
    ['CertificateVerify', HandshakeType.certificate_verify, Uint8Array.of(0, 1, 0)],
    ['ServerHello', HandshakeType.server_hello, new Uint8Array(38)],
    ['ServerHelloDone', HandshakeType.server_hello_done, new Uint8Array(0)],
  ];
  for (const [name, type, body] of early) {
    it(`server: ${name} before ClientHello`, () => {
      const server = endpoint('server');
      feed(server, hsRec(type, body));
      expectFatal(server, 'unexpected_message');
      expect(server.secure).toEqual([]);
    });
  }

  it('server: a second ClientHello in place of the ClientKeyExchange', () => {
    const c = new ScriptedClient();
    c.sendHello();
    c.sendHello();
    expectFatal(c.server, 'unexpected_message');
  });

  it('server: Finished in the clear before ChangeCipherSpec', () => {
    const c = new ScriptedClient();
    c.sendHello();
    c.sendKeyExchange();
    c.send(hsRec(HandshakeType.finished, c.transcript.finished(c.keys!.master, 'client')));
    expectFatal(c.server, 'unexpected_message');
  });

  it('server: a HelloRequest (a server-to-client message) during the handshake', () => {
    const c = new ScriptedClient();
    c.sendHello();
    c.send(hsRec(HandshakeType.hello_request, new Uint8Array(0)));
    expectFatal(c.server, 'unexpected_message');
  });

  it('server: ChangeCipherSpec in place of the required CertificateVerify', () => {
    const me = identity('client');
    // Client records: ClientHello, Certificate, ClientKeyExchange, CertificateVerify, CCS, Finished.
    const { client, server } = pair({
      client: { certificateChain: [me.cert], privateKey: me.key },
      server: { requestCert: true },
      toServer: (r, i) => (i === 3 ? undefined : r),
    });
    expectFatal(server, 'unexpected_message');
    expect(server.closed?.error?.message).toMatch(/expected CertificateVerify, received ChangeCipherSpec/);
    expect(client.closed?.error?.code).toBe('ERR_SSL_PEER_ALERT');
  });

  it('client: ServerHelloDone before Certificate', () => {
    // Server records: ServerHello, Certificate, ServerHelloDone.
    const { client, server } = pair({ toClient: (r, i) => (i === 1 ? undefined : r) });
    expectFatal(client, 'unexpected_message');
    expect(client.closed?.error?.message).toMatch(/expected Certificate, received server_hello_done/);
    expect(server.secure).toEqual([]);
    // The server got our alert and ended without answering it.
    expect(server.closed?.error?.code).toBe('ERR_SSL_PEER_ALERT');
    expect(server.alerts).toEqual([{ direction: 'received', level: AlertLevel.fatal, name: 'unexpected_message' }]);
  });

  it('client: a second ServerHello', () => {
    let hello: Uint8Array | undefined;
    const { client } = pair({
      toClient: (r, i) => {
        if (i === 0) hello = r;
        return i === 1 ? hello : r;
      },
    });
    expectFatal(client, 'unexpected_message');
  });

  it('client: Finished right after ServerHello', () => {
    const { client } = pair({ toClient: (r, i) => (i === 1 ? hsRec(HandshakeType.finished, new Uint8Array(36)) : r) });
    expectFatal(client, 'unexpected_message');
  });

  it('client: a ClientHello from the server', () => {
    const client = endpoint('client');
    let sent: Uint8Array | undefined;
    pair({ toServer: (r, i) => (i === 0 ? ((sent = r), r) : undefined) });
    feed(client, sent!);
    expectFatal(client, 'unexpected_message');
  });
});

describe('ChangeCipherSpec before the key exchange -> unexpected_message', () => {
  it('server: as the very first record', () => {
    const server = endpoint('server');
    feed(server, ccs());
    expectFatal(server, 'unexpected_message');
  });

  it('server: after ClientHello, before ClientKeyExchange', () => {
    const c = new ScriptedClient();
    c.sendHello();
    c.sendChangeCipherSpec();
    expectFatal(c.server, 'unexpected_message');
    expect(c.server.closed?.error?.message).toMatch(/expected ClientKeyExchange, received ChangeCipherSpec/);
  });

  it('server: in place of the ClientKeyExchange in a real flight', () => {
    const { server } = pair({ toServer: (r, i) => (i === 1 ? ccs() : r) });
    expectFatal(server, 'unexpected_message');
  });

  it('client: after ServerHello (EarlyCCS)', () => {
    const { client, server } = pair({ toClient: (r, i) => (i === 1 ? [ccs(), r] : r) });
    expectFatal(client, 'unexpected_message');
    expect(client.secure).toEqual([]);
    expect(server.secure).toEqual([]);
  });

  it('client: as the very first record', () => {
    const client = endpoint('client');
    feed(client, ccs());
    expectFatal(client, 'unexpected_message');
  });

  it('after the handshake, in the clear (not MAC-protected) -> bad_record_mac', () => {
    const { server } = pair();
    feed(server, ccs());
    expectFatal(server, 'bad_record_mac');
  });

  it('after the handshake, properly protected -> unexpected_message', () => {
    const { client, server } = pair();
    feed(server, clientForger(client, server).seal(ContentType.change_cipher_spec, Uint8Array.of(1)));
    expectFatal(server, 'unexpected_message');
  });
});

describe('malformed ChangeCipherSpec -> illegal_parameter', () => {
  const bodies: [string, Uint8Array][] = [
    ['length 2', Uint8Array.of(1, 1)],
    ['value 2', Uint8Array.of(2)],
    ['value 0', Uint8Array.of(0)],
  ];
  for (const [what, body] of bodies) {
    it(`server, at the moment a CCS is legal: ${what}`, () => {
      const c = new ScriptedClient();
      c.sendHello();
      c.sendKeyExchange();
      c.send(ccs(body));
      expectFatal(c.server, 'illegal_parameter');
    });
    it(`server, before ClientHello: ${what}`, () => {
      const server = endpoint('server');
      feed(server, ccs(body));
      expectFatal(server, 'illegal_parameter');
    });
    it(`client, in place of the server's CCS: ${what}`, () => {
      // Server records: ServerHello, Certificate, ServerHelloDone, CCS, Finished.
      const { client } = pair({ toClient: (r, i) => (i === 3 ? ccs(body) : r) });
      expectFatal(client, 'illegal_parameter');
    });
  }

  it('an empty ChangeCipherSpec record -> unexpected_message (empty non-application record)', () => {
    const server = endpoint('server');
    feed(server, ccs(new Uint8Array(0)));
    expectFatal(server, 'unexpected_message');
  });
});

describe('application data before the handshake -> unexpected_message', () => {
  it('server: as the first record', () => {
    const server = endpoint('server');
    feed(server, rec(ContentType.application_data, utf8Bytes('GET / HTTP/1.0\r\n\r\n')));
    expectFatal(server, 'unexpected_message');
    expect(server.data).toEqual([]);
  });

  it('server: after the key exchange, before Finished', () => {
    const c = new ScriptedClient();
    c.sendHello();
    c.sendKeyExchange();
    c.send(rec(ContentType.application_data, utf8Bytes('early')));
    expectFatal(c.server, 'unexpected_message');
    expect(c.server.data).toEqual([]);
  });

  it('server: encrypted, between ChangeCipherSpec and Finished', () => {
    const c = new ScriptedClient();
    c.sendHello();
    c.sendKeyExchange();
    c.sendChangeCipherSpec();
    c.send(c.forger!.seal(ContentType.application_data, utf8Bytes('early')));
    expectFatal(c.server, 'unexpected_message');
    expect(c.server.data).toEqual([]);
  });

  it('client: after ServerHello', () => {
    const { client } = pair({ toClient: (r, i) => (i === 0 ? [r, rec(ContentType.application_data, utf8Bytes('early'))] : r) });
    expectFatal(client, 'unexpected_message');
    expect(client.data).toEqual([]);
  });
});

describe('alerts from the peer', () => {
  it('a fatal alert closes the server without an alert back', () => {
    const server = endpoint('server');
    feed(server, alert(AlertLevel.fatal, ALERTS.handshake_failure));
    expect(server.closed?.clean).toBe(false);
    expect(server.closed?.error?.code).toBe('ERR_SSL_PEER_ALERT');
    expect(server.alerts).toEqual([{ direction: 'received', level: AlertLevel.fatal, description: 40, name: 'handshake_failure' }]);
    expect(server.out).toEqual([]);
  });

  it('a fatal alert mid-handshake closes the client without an alert back', () => {
    const { client } = pair({ toClient: (r, i) => (i === 1 ? alert(AlertLevel.fatal, ALERTS.illegal_parameter) : r) });
    expect(client.closed?.error?.code).toBe('ERR_SSL_PEER_ALERT');
    expect(client.alerts).toEqual([{ direction: 'received', level: AlertLevel.fatal, name: 'illegal_parameter' }]);
    // The client only ever wrote its ClientHello.
    expect(client.sent).toHaveLength(1);
  });

  it('a fatal alert with a code outside SSL 3.0 (a TLS peer) also just closes', () => {
    const server = endpoint('server');
    feed(server, alert(AlertLevel.fatal, 70 /* TLS protocol_version */));
    expect(server.closed?.error?.code).toBe('ERR_SSL_PEER_ALERT');
    expect(server.out).toEqual([]);
  });

  it('an encrypted fatal alert on an open connection closes it without an alert back', () => {
    const { client, server } = pair();
    const sentBefore = server.sent.length;
    feed(server, clientForger(client, server).seal(ContentType.alert, Uint8Array.of(AlertLevel.fatal, ALERTS.bad_certificate)));
    expect(server.closed?.error?.code).toBe('ERR_SSL_PEER_ALERT');
    expect(server.sent.length).toBe(sentBefore);
    expect(server.alerts.filter((a) => a.direction === 'sent')).toEqual([]);
  });

  it('warning alerts during the handshake are ignored', () => {
    const warn = (d: number) => alert(AlertLevel.warning, d);
    const { client, server } = pair({
      toServer: (r, i) => (i === 1 ? [warn(ALERTS.bad_certificate), warn(ALERTS.unexpected_message), r] : r),
      toClient: (r, i) => (i === 1 ? [warn(ALERTS.certificate_unknown), r] : r),
    });
    expect(server.secure).toHaveLength(1);
    expect(client.secure).toHaveLength(1);
    expectAlive(server);
    expectAlive(client);
  });

  it('an encrypted warning alert on an open connection is ignored; data still flows', () => {
    const { client, server } = pair();
    const forge = clientForger(client, server);
    feed(server, forge.seal(ContentType.alert, Uint8Array.of(AlertLevel.warning, ALERTS.certificate_expired)));
    feed(server, forge.seal(ContentType.application_data, utf8Bytes('still here')));
    expectAlive(server);
    expect(server.data.map(utf8String)).toEqual(['still here']);
  });

  it('an alert with level 3 -> illegal_parameter', () => {
    const server = endpoint('server');
    feed(server, alert(3, ALERTS.handshake_failure));
    expectFatal(server, 'illegal_parameter');
  });

  it('an alert record of 3 bytes -> illegal_parameter', () => {
    const server = endpoint('server');
    feed(server, rec(ContentType.alert, Uint8Array.of(1, 0, 0)));
    expectFatal(server, 'illegal_parameter');
  });
});

describe('not SSL 3.0 records', () => {
  it('plain HTTP to a server -> unexpected_message', () => {
    const server = endpoint('server');
    feed(server, asciiBytes('GET / HTTP/1.0\r\n\r\n'));
    expectFatal(server, 'unexpected_message');
    expect(server.closed?.error?.message).toMatch(/plain HTTP/);
  });

  for (const role of ['server', 'client'] as const) {
    it(`random bytes to a ${role} -> unexpected_message`, () => {
      const r = prng(role === 'server' ? 1 : 2);
      for (let n = 0; n < 20; n++) {
        const ep = endpoint(role);
        const bytes = r.bytes(5 + r.int(200));
        bytes[0] = r.int(20); // not a content type (20..23) and no SSLv2 header bit
        feed(ep, bytes);
        expectFatal(ep, 'unexpected_message');
      }
    });

    for (const [major, minor] of [
      [2, 0],
      [4, 0],
      [0, 2],
    ]) {
      it(`a record with version ${major}.${minor} to a ${role} -> handshake_failure (protocol_version)`, () => {
        const ep = endpoint(role);
        feed(ep, rec(ContentType.handshake, Uint8Array.of(1, 0, 0, 0), (major << 8) | minor));
        expectFatal(ep, 'handshake_failure');
        expect(ep.closed?.error?.message).toMatch(/not SSL 3\.x/);
      });
    }
  }

  it('a record version other than 3.0 after the handshake -> handshake_failure', () => {
    const { client, server } = pair();
    const r = clientForger(client, server).seal(ContentType.application_data, utf8Bytes('x'));
    r[2] = 1; // 3.1
    feed(server, r);
    expectFatal(server, 'handshake_failure');
  });
});

describe('empty records', () => {
  const empty = () => rec(ContentType.application_data, new Uint8Array(0));

  it('32 consecutive empty application-data records are tolerated, 33 -> unexpected_message', () => {
    const ok = endpoint('server');
    feed(ok, ...Array.from({ length: 32 }, empty));
    expectAlive(ok);
    const bad = endpoint('server');
    feed(bad, ...Array.from({ length: 33 }, empty));
    expectFatal(bad, 'unexpected_message');
  });

  it('encrypted: a few empty records between data are tolerated; 33 in a row are not', () => {
    const { client, server } = pair();
    const forge = clientForger(client, server);
    feed(server, forge.seal(ContentType.application_data, new Uint8Array(0)), forge.seal(ContentType.application_data, utf8Bytes('a')));
    for (let round = 0; round < 3; round++) {
      feed(server, ...Array.from({ length: 32 }, () => forge.seal(ContentType.application_data, new Uint8Array(0))));
      feed(server, forge.seal(ContentType.application_data, utf8Bytes(String(round))));
    }
    expectAlive(server);
    expect(server.data.map(utf8String)).toEqual(['a', '0', '1', '2']);
    feed(server, ...Array.from({ length: 33 }, () => forge.seal(ContentType.application_data, new Uint8Array(0))));
    expectFatal(server, 'unexpected_message');
  });

  for (const [name, type] of [
    ['handshake', ContentType.handshake],
    ['alert', ContentType.alert],
  ] as const) {
    it(`an empty ${name} record -> unexpected_message`, () => {
      const server = endpoint('server');
      feed(server, rec(type, new Uint8Array(0)));
      expectFatal(server, 'unexpected_message');
    });
  }
});

describe('floods of warning alerts and HelloRequests (CVE-2016-8610, "SSL Death Alert")', () => {
  const warn = (d: number = ALERTS.certificate_unknown) => alert(AlertLevel.warning, d);
  const warnings = (n: number) => Array.from({ length: n }, () => warn());
  const receivedWarnings = (ep: { alerts: { direction: string; level: number }[] }) =>
    ep.alerts.filter((a) => a.direction === 'received' && a.level === AlertLevel.warning).length;

  it('four warning alerts in a row before the ClientHello are tolerated, the fifth -> unexpected_message', () => {
    const ok = endpoint('server');
    feed(ok, ...warnings(4));
    expectAlive(ok);
    const bad = endpoint('server');
    feed(bad, ...warnings(5));
    expectFatal(bad, 'unexpected_message');
    expect(bad.closed?.error?.message).toMatch(/5 warning alerts or HelloRequests in a row/);
  });

  it('1000 warning alerts in one write mid-handshake: cut off at the fifth, the handshake never completes', () => {
    const c = new ScriptedClient();
    c.sendHello();
    c.sendKeyExchange();
    c.send(concatBytes(...warnings(1000)));
    expectFatal(c.server, 'unexpected_message');
    expect(receivedWarnings(c.server)).toBe(5);
    c.sendChangeCipherSpec();
    c.sendFinished();
    expect(c.server.secure).toEqual([]);
  });

  it('four warnings before each of the client\'s records: every record moves the handshake on, so it completes', () => {
    // Client records: ClientHello, ClientKeyExchange, ChangeCipherSpec (plaintext warnings fit before each), Finished.
    const { client, server } = pair({ toServer: (r, i) => (i < 3 ? [...warnings(4), r] : r) });
    expect(server.secure).toHaveLength(1);
    expect(client.secure).toHaveLength(1);
    expectAlive(server);
    expect(receivedWarnings(server)).toBe(12);
  });

  it('encrypted on an open connection: four, data, four are fine; five in a row -> unexpected_message', () => {
    const { client, server } = pair();
    const forge = clientForger(client, server);
    const sealedWarning = () => forge.seal(ContentType.alert, Uint8Array.of(AlertLevel.warning, ALERTS.certificate_expired));
    feed(server, ...Array.from({ length: 4 }, sealedWarning), forge.seal(ContentType.application_data, utf8Bytes('x')));
    feed(server, ...Array.from({ length: 4 }, sealedWarning));
    expectAlive(server);
    expect(server.data.map(utf8String)).toEqual(['x']);
    feed(server, sealedWarning());
    expectFatal(server, 'unexpected_message');
  });

  for (const [what, first, then, message] of [
    ['32 empty records, 4 warnings, then a 33rd empty record', 'empty', 'warning', /empty application_data record/],
    ['4 warnings, 32 empty records, then a 5th warning', 'warning', 'empty', /5 warning alerts/],
  ] as const) {
    it(`runs of empty records and of warnings do not end each other: ${what} -> unexpected_message`, () => {
      const { client, server } = pair();
      const forge = clientForger(client, server);
      const make = { empty: () => forge.seal(ContentType.application_data, new Uint8Array(0)), warning: () => forge.seal(ContentType.alert, Uint8Array.of(AlertLevel.warning, ALERTS.certificate_expired)) };
      const count = { empty: 32, warning: 4 };
      feed(server, ...Array.from({ length: count[first] }, make[first]), ...Array.from({ length: count[then] }, make[then]));
      expectAlive(server);
      feed(server, make[first]());
      expectFatal(server, 'unexpected_message');
      expect(server.closed?.error?.message).toMatch(message);
    });
  }

  it('a client: five HelloRequests in a row on an open connection -> unexpected_message, four are ignored', () => {
    const { client, server } = pair();
    const forge = new Forger(pairKeys(client, server), 'server', encryptedBodies(server.sent));
    const helloRequest = () => forge.handshake(HandshakeType.hello_request, new Uint8Array(0));
    feed(client, ...Array.from({ length: 4 }, helloRequest), forge.seal(ContentType.application_data, utf8Bytes('y')), ...Array.from({ length: 4 }, helloRequest));
    expectAlive(client);
    expect(client.data.map(utf8String)).toEqual(['y']);
    feed(client, helloRequest());
    expectFatal(client, 'unexpected_message');
    expect(client.closed?.error?.message).toMatch(/the last HelloRequest/);
  });

  it('maxIgnoredMessages sets the bound', () => {
    const server = endpoint('server', { maxIgnoredMessages: 1 });
    feed(server, warn());
    expectAlive(server);
    feed(server, warn());
    expectFatal(server, 'unexpected_message');
  });
});
