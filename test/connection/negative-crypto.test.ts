/**
 * Negative tests of the cryptographic checks, with records forged from keys an observer
 * derives from the NSS key log (RFC 6101 sections 5.2.3, 5.6.7.1, 5.6.9, 6.2):
 * - Finished that does not verify, with and without a valid record MAC;
 * - record MAC and CBC padding failures, which must be one indistinguishable bad_record_mac;
 * - record overflow (header and decrypted plaintext), mapped to bad_record_mac;
 * - version rollback inside the premaster secret, defeated by the client_version check that
 *   runs under the Bleichenbacher countermeasure (no alert of its own, the handshake fails
 *   at the Finished record).
 */
import { describe, expect, it } from 'vitest';
import { pair, identity } from './pair.js';
import {
  Forger,
  ScriptedClient,
  clientForger,
  encryptedBodies,
  endpoint,
  expectAlive,
  expectFatal,
  hsRec,
  pairKeys,
  parseRecord,
  rec,
} from './forge.js';
import { suiteByName } from '../../src/ciphers/suites.js';
import { ContentType } from '../../src/record/content-types.js';
import { RecordProtection } from '../../src/record/record-protection.js';
import { HandshakeType } from '../../src/handshake/messages.js';
import { publicKeyOf, rsaDecryptPkcs1, rsaEncryptPkcs1 } from '../../src/pki/rsa.js';
import { concatBytes, utf8Bytes, utf8String } from '../../src/util/bytes.js';
import { systemRandom } from '../../src/util/random.js';

const STREAM = ['rc4-128-sha', 'rc4-128-md5'];
const CBC = ['3des-ede-cbc-sha', 'aes-128-cbc-sha', 'aes-256-cbc-sha', 'des-cbc-sha'];
const only = (name: string) => ({ client: { suites: [suiteByName(name)] }, server: { suites: [suiteByName(name)] } });
/** As only(), with each client write in one record (no 1/n-1 split): the record measured is the one tampered with. */
const whole = (name: string) => ({ ...only(name), client: { suites: [suiteByName(name)], splitCbcRecords: false } });
const feed = (ep: { conn: { receive(b: Uint8Array): void } }, ...records: Uint8Array[]) => {
  for (const r of records) expect(() => ep.conn.receive(r)).not.toThrow();
};

describe('Finished that does not verify -> handshake_failure', () => {
  it('ClientHello altered in flight (an unchosen suite replaced): the transcripts differ', () => {
    const { client, server } = pair({
      toServer: (r, i) => {
        if (i !== 0) return r;
        const out = r.slice();
        // The last listed suite is the renegotiation SCSV; NULL-MD5 in its place is never chosen.
        out.set([0x00, 0x01], out.length - 4);
        return out;
      },
    });
    expectFatal(server, 'handshake_failure', 'BAD_FINISHED');
    expect(server.closed?.error?.message).toMatch(/client Finished does not verify/);
    expect(client.secure).toEqual([]);
    expect(client.closed?.error?.code).toBe('ERR_SSL_PEER_ALERT');
  });

  it('ClientHello random altered in flight: the keys differ too, so the Finished record fails its MAC -> bad_record_mac', () => {
    // The random feeds the master secret and the key block (sections 6.1, 6.2.2), so the
    // server cannot even decrypt the client's Finished: the record layer fails first.
    const { client, server } = pair({
      toServer: (r, i) => {
        if (i !== 0) return r;
        const out = r.slice();
        out[5 + 4 + 2 + 10] ^= 0x01;
        return out;
      },
    });
    expectFatal(server, 'bad_record_mac');
    expect(client.secure).toEqual([]);
  });

  for (const name of [...STREAM, ...CBC.slice(0, 2), 'null-sha']) {
    it(`${name}: client Finished with a valid record MAC but wrong verify_data (control: the same forgery unaltered succeeds)`, () => {
      for (const alter of [false, true]) {
        let dropped: Uint8Array | undefined;
        // Client records: ClientHello, ClientKeyExchange, ChangeCipherSpec, Finished.
        const { client, server } = pair({ ...only(name), toServer: (r, i) => (i === 3 ? ((dropped = r), undefined) : r) });
        expectAlive(server);
        const { suite, kb } = pairKeys(client, server);
        // As an observer with the key log: open the client's Finished, then seal our own.
        const reader = RecordProtection.create(suite, kb.clientMacSecret, kb.clientKey, kb.clientIv, 'decrypt');
        const writer = RecordProtection.create(suite, kb.clientMacSecret, kb.clientKey, kb.clientIv, 'encrypt');
        const finished = reader.open(ContentType.handshake, parseRecord(dropped!).body).slice();
        expect([...finished.subarray(0, 4)]).toEqual([HandshakeType.finished, 0, 0, 36]);
        if (alter) finished[4 + 17] ^= 0x80; // a bit of the SHA half
        feed(server, writer.seal(ContentType.handshake, 0x0300, finished));
        if (alter) {
          expectFatal(server, 'handshake_failure');
          expect(server.closed?.error?.message).toMatch(/client Finished does not verify/);
          expect(server.secure).toEqual([]);
          expect(client.closed?.error?.code).toBe('ERR_SSL_PEER_ALERT');
        } else {
          expect(server.secure).toHaveLength(1);
          expect(client.secure).toHaveLength(1);
        }
      }
    });
  }

  for (const name of [STREAM[0], CBC[0]]) {
    it(`${name}: server Finished with a valid record MAC but wrong verify_data, to our client (control included)`, () => {
      for (const alter of [false, true]) {
        let dropped: Uint8Array | undefined;
        // Server records: ServerHello, Certificate, ServerHelloDone, ChangeCipherSpec, Finished.
        const { client, server } = pair({ ...only(name), toClient: (r, i) => (i === 4 ? ((dropped = r), undefined) : r) });
        expectAlive(client);
        const keys = pairKeys(client, server);
        const { suite, kb } = keys;
        const reader = RecordProtection.create(suite, kb.serverMacSecret, kb.serverKey, kb.serverIv, 'decrypt');
        const finished = reader.open(ContentType.handshake, parseRecord(dropped!).body).slice();
        if (alter) finished[4] ^= 0x01; // a bit of the MD5 half
        feed(client, new Forger(keys, 'server').seal(ContentType.handshake, finished));
        if (alter) {
          expectFatal(client, 'handshake_failure');
          expect(client.closed?.error?.message).toMatch(/server Finished does not verify/);
          expect(client.secure).toEqual([]);
        } else {
          expect(client.secure).toHaveLength(1);
        }
      }
    });
  }

  it('scripted client: Finished with wrong verify_data, and the server Finished hash in place of the client one', () => {
    for (const verify of [new Uint8Array(36), undefined]) {
      const c = new ScriptedClient();
      c.sendHello();
      c.sendKeyExchange();
      c.sendChangeCipherSpec();
      c.sendFinished(verify ?? c.transcript.finished(c.keys!.master, 'server'));
      expectFatal(c.server, 'handshake_failure', 'BAD_FINISHED');
    }
  });
});

describe('record MAC failures -> bad_record_mac', () => {
  for (const name of [...STREAM, ...CBC, 'null-md5']) {
    it(`${name}: a flipped bit anywhere in an application-data record`, () => {
      const bs = suiteByName(name).blockSize;
      const probe = pair(whole(name));
      probe.client.conn.write(utf8Bytes('hello, server'));
      const length = parseRecord(probe.client.sent.at(-1)!).body.length;
      // First byte, a middle byte (in the MAC), the last byte (padding_length for CBC), and for
      // CBC a byte of the previous block, which garbles the padding block by XOR.
      const positions = [0, length >> 1, length - 1, ...(bs > 1 ? [length - 1 - bs] : [])];
      for (const at of positions) {
        let tamper = false;
        const { client, server } = pair({
          ...whole(name),
          toServer: (r) => {
            if (!tamper) return r;
            const out = r.slice();
            out[5 + at] ^= 0x10;
            return out;
          },
        });
        tamper = true;
        client.conn.write(utf8Bytes('hello, server'));
        expectFatal(server, 'bad_record_mac');
        expect(server.closed?.error?.message).toBe('record MAC or padding check failed');
        expect(server.data).toEqual([]);
        expect(client.closed?.error?.code).toBe('ERR_SSL_PEER_ALERT');
      }
    });
  }

  for (const name of [STREAM[0], CBC[0], CBC[1]]) {
    it(`${name}: records cut short (a byte, a block, all but the MAC) and a header-only record`, () => {
      const bs = suiteByName(name).blockSize;
      for (const cut of [1, bs, 'tiny', 'empty'] as const) {
        const { client, server } = pair(only(name));
        const body = parseRecord(clientForger(client, server).seal(ContentType.application_data, utf8Bytes('0123456789abcdef0123'))).body;
        const short = cut === 'tiny' ? body.subarray(0, bs > 1 ? bs : 5) : cut === 'empty' ? new Uint8Array(0) : body.subarray(0, body.length - cut);
        feed(server, rec(ContentType.application_data, short));
        // An empty record of a cipher suite is not an empty fragment: it cannot hold the MAC.
        expectFatal(server, 'bad_record_mac');
      }
    });
  }

  it('a record sealed with the server write keys instead of the client ones (reflection)', () => {
    const { client, server } = pair(only('rc4-128-sha'));
    const keys = pairKeys(client, server);
    const reflected = new Forger(keys, 'server', encryptedBodies(server.sent)).seal(ContentType.application_data, utf8Bytes('mirror'));
    feed(server, reflected);
    expectFatal(server, 'bad_record_mac');
  });

  it('a replayed record (the sequence number moved on)', () => {
    const { client, server } = pair(only('3des-ede-cbc-sha'));
    client.conn.write(utf8Bytes('once'));
    feed(server, client.sent.at(-1)!);
    expectFatal(server, 'bad_record_mac');
    expect(server.data.map(utf8String).join('')).toBe('once'); // 'o', 'nce': split 1/n-1
  });
});

describe('CBC padding with a correct MAC -> bad_record_mac, indistinguishable from a bad MAC', () => {
  for (const name of CBC) {
    it(`${name}: padding_length >= block size`, () => {
      const suite = suiteByName(name);
      const bs = suite.blockSize;
      // Content lengths that make content + MAC + padding + 1 a whole number of blocks.
      const contentFor = (padLength: number) => new Uint8Array((bs - ((suite.macLength + padLength + 1) % bs)) % bs + bs).fill(0x41);
      const messages = new Set<string>();
      for (const padLength of [bs, bs + 1, 2 * bs - 1, 255 - (255 % bs) - 1, 255]) {
        const { client, server } = pair(only(name));
        const forge = clientForger(client, server);
        // Control on the same connection: valid padding, with padding bytes of any value
        // (SSL 3.0 does not fix them, section 5.2.3.2), is accepted.
        const minimal = (bs - ((3 + suite.macLength + 1) % bs)) % bs;
        feed(server, forge.sealWith(ContentType.application_data, utf8Bytes('ok!'), minimal, 0xa5));
        expect(server.data.map(utf8String)).toEqual(['ok!']);
        feed(server, forge.sealWith(ContentType.application_data, contentFor(padLength), padLength));
        expectFatal(server, 'bad_record_mac');
        expect(server.data).toHaveLength(1);
        messages.add(server.closed!.error!.message);
      }
      // The same alert and the same reason as for a wrong MAC (see the test above).
      expect([...messages]).toEqual(['record MAC or padding check failed']);
    });
  }
});

describe('record overflow -> bad_record_mac (record_overflow fallback)', () => {
  const header = (length: number) => Uint8Array.of(ContentType.application_data, 3, 0, length >> 8, length & 0xff);

  it('a header claiming 2^14 + 2049 bytes, before any body arrives', () => {
    for (const role of ['server', 'client'] as const) {
      const ep = endpoint(role);
      feed(ep, header((1 << 14) + 2049));
      expectFatal(ep, 'bad_record_mac');
      expect(ep.closed?.error?.message).toMatch(/exceeds 2\^14\+2048/);
    }
  });

  it('a header claiming exactly 2^14 + 2048 bytes is waited on', () => {
    const server = endpoint('server');
    feed(server, header((1 << 14) + 2048));
    expectAlive(server);
  });

  it('a header claiming 2^14 + 2049 bytes on an open connection', () => {
    const { server } = pair();
    feed(server, header(0xffff));
    expectFatal(server, 'bad_record_mac');
  });

  for (const name of ['null-sha', 'null-md5', 'rc4-128-md5', 'aes-256-cbc-sha']) {
    it(`${name}: a plaintext of 2^14 + 1 bytes with a valid MAC (control: 2^14 is delivered)`, () => {
      const { client, server } = pair(only(name));
      const forge = clientForger(client, server);
      feed(server, forge.seal(ContentType.application_data, new Uint8Array(1 << 14).fill(1)));
      expect(server.data.map((d) => d.length)).toEqual([1 << 14]);
      const big = forge.seal(ContentType.application_data, new Uint8Array((1 << 14) + 1).fill(2));
      expect(big.length - 5).toBeLessThanOrEqual((1 << 14) + 2048); // it passes the header check
      feed(server, big);
      expectFatal(server, 'bad_record_mac');
      expect(server.closed?.error?.message).toMatch(/plaintext fragment of 16385 bytes/);
      expect(server.data).toHaveLength(1);
    });
  }

  it('an oversized plaintext handshake record before the keys exist', () => {
    const server = endpoint('server');
    feed(server, rec(ContentType.handshake, new Uint8Array((1 << 14) + 1)));
    expectFatal(server, 'bad_record_mac');
  });
});

describe('version rollback in the premaster secret', () => {
  const key = identity().key;
  /** pair(), with the client's encrypted premaster secret decrypted, optionally altered, re-encrypted. */
  const rewrap = (version?: [number, number]) =>
    pair({
      toServer: (r, i) => {
        if (i !== 1) return r;
        const body = parseRecord(r).body;
        expect(body[0]).toBe(HandshakeType.client_key_exchange);
        const premaster = rsaDecryptPkcs1(key, body.subarray(4));
        expect(premaster.length).toBe(48);
        expect([...premaster.subarray(0, 2)]).toEqual([3, 0]);
        if (version) premaster.set(version);
        return hsRec(HandshakeType.client_key_exchange, rsaEncryptPkcs1(publicKeyOf(key), premaster));
      },
    });

  it('control: the premaster re-encrypted unchanged gives the same keys; only the transcript differs -> handshake_failure', () => {
    // The new RSA block is a different ClientKeyExchange in the server's transcript, so the
    // client's Finished cannot verify; but its record MAC does, which shows both sides derived
    // the same keys from the re-encrypted premaster.
    const { client, server } = rewrap();
    expectFatal(server, 'handshake_failure', 'BAD_FINISHED');
    expect(server.closed?.error?.message).toMatch(/client Finished does not verify/);
    expect(client.secure).toEqual([]);
  });

  for (const version of [
    [3, 1],
    [2, 0],
  ] as [number, number][]) {
    it(`a real client's premaster re-encrypted with version ${version.join('.')} fails at the Finished record -> bad_record_mac`, () => {
      // The server substitutes a random premaster (no alert at the key exchange), so its keys
      // differ from the client's and the client's Finished record does not authenticate:
      // bad_record_mac where the control above got as far as the Finished hash.
      const { client, server } = rewrap(version);
      expectFatal(server, 'bad_record_mac');
      expect(server.secure).toEqual([]);
      expect(client.secure).toEqual([]);
    });
  }

  // Above, even a server without the version check would fail (the client's keys come from the
  // unaltered premaster). Here we are the client and know the altered premaster, so only the
  // version check can stop us.
  const cases: [string, number, [number, number], boolean][] = [
    ['hello 3.0, premaster 3.0 (control)', 0x0300, [3, 0], true],
    ['hello 3.1, premaster 3.1 (a TLS 1.0 client, control)', 0x0301, [3, 1], true],
    ['hello 3.0, premaster 3.1', 0x0300, [3, 1], false],
    ['hello 3.0, premaster 2.0', 0x0300, [2, 0], false],
    ['hello 3.1, premaster 3.0 (rollback from TLS 1.0)', 0x0301, [3, 0], false],
  ];
  for (const [what, helloVersion, pmVersion, ok] of cases) {
    it(`scripted client, ${what}: ${ok ? 'succeeds' : 'bad_record_mac at Finished'}`, () => {
      const c = new ScriptedClient();
      c.sendHello({ version: helloVersion });
      expect(c.hello!.version).toBe(0x0300);
      c.sendKeyExchange(concatBytes(Uint8Array.from(pmVersion), systemRandom(46)));
      c.sendChangeCipherSpec();
      expectAlive(c.server); // no alert of its own at the key exchange
      c.sendFinished();
      if (ok) {
        expect(c.server.secure).toHaveLength(1);
        expectAlive(c.server);
      } else {
        expectFatal(c.server, 'bad_record_mac');
      }
    });
  }

  for (const [what, premaster, encrypted] of [
    ['a 47-byte premaster', concatBytes(Uint8Array.of(3, 0), systemRandom(45)), undefined],
    ['a 49-byte premaster', concatBytes(Uint8Array.of(3, 0), systemRandom(47)), undefined],
    ['random bytes as the RSA block', concatBytes(Uint8Array.of(3, 0), systemRandom(46)), systemRandom(128)],
    ['a short RSA block', concatBytes(Uint8Array.of(3, 0), systemRandom(46)), systemRandom(64)],
  ] as [string, Uint8Array, Uint8Array | undefined][]) {
    it(`${what}: no alert at the key exchange, bad_record_mac at Finished`, () => {
      const c = new ScriptedClient();
      c.sendHello();
      c.sendKeyExchange(premaster, encrypted ?? rsaEncryptPkcs1(publicKeyOf(key), premaster));
      c.sendChangeCipherSpec();
      expectAlive(c.server);
      c.sendFinished();
      expectFatal(c.server, 'bad_record_mac');
    });
  }
});
