/**
 * Known answers for SSL 3.0's key derivation and handshake hashes (RFC 6101 6.1, 6.2.2,
 * 5.6.8, 5.6.9), from a handshake between NSS's own client and server recorded by
 * test/fixtures/record-nss-ssl3.ts: none of our code took part in it. The test peer of the
 * other handshake tests (test/connection/forge.ts) derives keys with the code it checks, so a
 * derivation wrong on both sides would pass there; here it cannot.
 *
 * - master secret and key block: what Wireshark derived from the premaster secret in NSS's
 *   ClientKeyExchange (decrypted with the server's key by openssl);
 * - CertificateVerify: the hash NSS's client signed (recovered from its signature);
 * - Finished: NSS's own Finished messages, taken from its encrypted records here with
 *   node:crypto's 3DES and an SSL 3.0 MAC written from the RFC with node:crypto's hashes, so a
 *   wrong key block (MAC secret, key or IV) fails to open them.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Transcript, keyBlock, masterSecret } from '../../src/handshake/ssl3-prf.js';
import { suiteByName } from '../../src/ciphers/suites.js';
import { concatBytes, fromHex, toHex } from '../../src/util/bytes.js';

interface Fixture {
  suite: string;
  clientRandom: string;
  serverRandom: string;
  premasterSecret: string;
  masterSecret: string;
  keyBlock: string;
  /** ClientHello, ServerHello, Certificate, CertificateRequest, ServerHelloDone, Certificate, ClientKeyExchange, CertificateVerify. */
  handshakeMessages: string[];
  certificateVerifyHash: string;
  clientFinishedRecord: string;
  serverFinishedRecord: string;
}

const kat = JSON.parse(readFileSync(new URL('../fixtures/nss-ssl3-handshake.json', import.meta.url), 'utf8')) as Fixture;
const suite = suiteByName('3des-ede-cbc-sha');
const clientRandom = fromHex(kat.clientRandom);
const serverRandom = fromHex(kat.serverRandom);
const master = fromHex(kat.masterSecret);
const messages = kat.handshakeMessages.map(fromHex);

/**
 * Opens the first encrypted record of a direction (sequence number 0) with node:crypto: 3DES-CBC,
 * then the SSL 3.0 padding and MAC (RFC 6101 5.2.3.1, 5.2.3.2). Returns the plaintext, or throws.
 */
function openFirstRecord(record: Uint8Array, macSecret: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  const decipher = createDecipheriv('des-ede3-cbc', key, iv).setAutoPadding(false);
  const plain = new Uint8Array(Buffer.concat([decipher.update(record.subarray(5)), decipher.final()]));
  const padLength = plain[plain.length - 1];
  expect(padLength).toBeLessThan(8);
  const content = plain.subarray(0, plain.length - 1 - padLength - 20);
  const mac = plain.subarray(content.length, content.length + 20);
  const sha1 = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha1').update(concatBytes(...parts)).digest());
  const header = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, record[0], content.length >> 8, content.length & 0xff);
  const inner = sha1(macSecret, new Uint8Array(40).fill(0x36), header, content);
  expect(toHex(mac), 'record MAC').toBe(toHex(sha1(macSecret, new Uint8Array(40).fill(0x5c), inner)));
  return content;
}

describe('SSL 3.0 key derivation against a handshake recorded between NSS tstclnt and selfserv', () => {
  it('is the handshake it claims to be', () => {
    expect(suite.rfcName).toBe(kat.suite);
    expect(messages.map((m) => m[0])).toEqual([1, 2, 11, 13, 14, 11, 16, 15]);
  });

  it('master secret (6.1)', () => {
    expect(toHex(masterSecret(fromHex(kat.premasterSecret), clientRandom, serverRandom))).toBe(kat.masterSecret);
  });

  it('key block (6.2.2), in the RFC order: MAC secrets, keys, IVs, client first', () => {
    const kb = keyBlock(master, clientRandom, serverRandom, suite);
    expect(toHex(concatBytes(kb.clientMacSecret, kb.serverMacSecret, kb.clientKey, kb.serverKey, kb.clientIv, kb.serverIv))).toBe(kat.keyBlock);
  });

  it('CertificateVerify hashes (5.6.8) over the messages before it: what NSS signed', () => {
    const t = new Transcript();
    for (const m of messages.slice(0, 7)) t.update(m);
    expect(toHex(t.certificateVerify(master))).toBe(kat.certificateVerifyHash);
  });

  it("Finished hashes (5.6.9): NSS's client and server Finished, opened with the derived keys", () => {
    const kb = keyBlock(master, clientRandom, serverRandom, suite);
    const t = new Transcript();
    for (const m of messages) t.update(m);
    const clientFinished = openFirstRecord(fromHex(kat.clientFinishedRecord), kb.clientMacSecret, kb.clientKey, kb.clientIv);
    expect([...clientFinished.subarray(0, 4)]).toEqual([20, 0, 0, 36]);
    expect(toHex(clientFinished.subarray(4))).toBe(toHex(t.finished(master, 'client')));
    // The server's Finished covers the client's too.
    t.update(clientFinished);
    const serverFinished = openFirstRecord(fromHex(kat.serverFinishedRecord), kb.serverMacSecret, kb.serverKey, kb.serverIv);
    expect([...serverFinished.subarray(0, 4)]).toEqual([20, 0, 0, 36]);
    expect(toHex(serverFinished.subarray(4))).toBe(toHex(t.finished(master, 'server')));
  });
});
