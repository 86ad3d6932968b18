/**
 * Test plumbing for the negative and fuzz tests: a lone Connection whose output is captured,
 * record builders and parsers, the session keys recovered from a key log line (as an
 * observer holding the NSS key log would), a record forger that continues one side's write
 * state with those keys, and a scripted client that drives a server Connection message by
 * message with bytes we build ourselves (RFC 6101 sections 5.2, 5.6, 6.1, 6.2).
 *
 * The forger uses the bulk ciphers and the SSL 3.0 MAC directly, not RecordProtection, so a
 * record it makes is an independent check of the engine's record layer, and it can build
 * records the engine itself would never write (bad padding, oversized plaintext).
 */
import { expect } from 'vitest';
import { Connection, type CloseInfo, type ConnectionOptions } from '../../src/connection/connection.js';
import type { HandshakeResult } from '../../src/handshake/context.js';
import { DEFAULT_SUITES, suiteById, type CipherSuite } from '../../src/ciphers/suites.js';
import { createBulkCipher } from '../../src/ciphers/factory.js';
import type { BulkCipher } from '../../src/ciphers/types.js';
import { ALERTS, AlertLevel, SslAlertError, type AlertName, type FailureKind } from '../../src/record/alerts.js';
import { ContentType, SSL3_VERSION } from '../../src/record/content-types.js';
import { encodeRecord } from '../../src/record/record-framer.js';
import { Ssl3Mac } from '../../src/record/ssl3-mac.js';
import { RecordProtection } from '../../src/record/record-protection.js';
import { parseCertificate } from '../../src/pki/x509.js';
import type { RsaPublicKey } from '../../src/pki/rsa-key.js';
import {
  HandshakeType,
  decodeCertificate,
  decodeServerHello,
  encodeClientHello,
  encodeHandshake,
  type ServerHello,
} from '../../src/handshake/messages.js';
import { Transcript, keyBlock, masterSecret, type KeyBlock } from '../../src/handshake/ssl3-prf.js';
import { publicKeyOf, rsaEncryptPkcs1 } from '../../src/pki/rsa.js';
import { concatBytes, fromHex } from '../../src/util/bytes.js';
import { systemRandom } from '../../src/util/random.js';
import { identity, pumpOutput, type Side } from './pair.js';

/** The alert codes SSL 3.0 defines (RFC 6101 section 5.4.2). */
export const SSL3_ALERT_CODES: readonly number[] = Object.values(ALERTS);

// --- a lone connection ------------------------------------------------------------------

export interface Endpoint {
  conn: Connection;
  /** Every record the connection wrote, in order. */
  out: Uint8Array[];
  data: Uint8Array[];
  secure: HandshakeResult[];
  closed?: CloseInfo;
  alerts: { direction: 'sent' | 'received'; level: number; description: number; name: string }[];
  keylog: string[];
}

/**
 * Hands bytes from the network to a connection. The fuzz and timing code feeds the engine
 * only through here (or pair()/ScriptedClient), so a change of the engine's input API has
 * one place to follow.
 */
export function feed(target: { conn: { receive(bytes: Uint8Array): void } }, bytes: Uint8Array): void {
  target.conn.receive(bytes);
}

/** A server (with the shared test identity) or client Connection, not wired to any peer. */
export function endpoint(role: 'client' | 'server', options: Partial<ConnectionOptions> = {}): Endpoint {
  const id = identity();
  const base: ConnectionOptions =
    role === 'server' ? { suites: DEFAULT_SUITES, certificateChain: [id.cert], privateKey: id.key } : { suites: DEFAULT_SUITES };
  const ep = { out: [], data: [], secure: [], alerts: [], keylog: [] } as unknown as Endpoint;
  let take = () => {};
  ep.conn = new Connection(role, { ...base, ...options }, {
    outputReady: () => take(),
    data: (d) => ep.data.push(d),
    secure: (r) => ep.secure.push(r),
    close: (info) => (ep.closed = info),
    alert: (a) => ep.alerts.push(a),
    keylog: (l) => ep.keylog.push(l),
  });
  take = pumpOutput(ep.conn, (b) => ep.out.push(b));
  ep.conn.start();
  return ep;
}

/** What the assertions below need from an Endpoint or a pair() Side. */
type Observed = Pick<Endpoint, 'closed'> & { alerts: { direction: string; level: number; name: string }[]; out?: Uint8Array[]; sent?: Uint8Array[] };

/**
 * The connection sent exactly one alert, fatal with the given SSL 3.0 description, and closed
 * with an SslAlertError for it (of the given kind, when one is named). When that last record went out in the clear, its two bytes
 * are checked on the wire too.
 */
export function expectFatal(x: Observed, name: AlertName, kind?: FailureKind): void {
  const sent = x.alerts.filter((a) => a.direction === 'sent');
  expect(sent).toEqual([expect.objectContaining({ level: AlertLevel.fatal, name })]);
  expect(x.closed).toBeDefined();
  expect(x.closed!.clean).toBe(false);
  expect(x.closed!.error).toBeInstanceOf(SslAlertError);
  expect((x.closed!.error as SslAlertError).alert).toBe(name);
  // The cause, which several kinds sharing one alert (handshake_failure above all) tell apart.
  if (kind) expect(x.closed!.error).toMatchObject({ kind, code: `ERR_SSL_${kind}` });
  const records = x.out ?? x.sent ?? [];
  const last = records.at(-1)!;
  expect(last[0]).toBe(ContentType.alert);
  if (last.length === 7) expect([...last.subarray(5)]).toEqual([AlertLevel.fatal, ALERTS[name]]);
}

/** The connection is still open or waiting: no alert sent, not closed. */
export function expectAlive(x: Observed): void {
  expect(x.alerts.filter((a) => a.direction === 'sent')).toEqual([]);
  expect(x.closed).toBeUndefined();
}

// --- records ------------------------------------------------------------------------------

export interface Rec {
  type: number;
  version: number;
  body: Uint8Array;
}

export function rec(type: number, body: Uint8Array, version = SSL3_VERSION): Uint8Array {
  return encodeRecord(type, version, body);
}

/** A plaintext handshake record holding one message. */
export function hsRec(type: number, body: Uint8Array): Uint8Array {
  return rec(ContentType.handshake, encodeHandshake(type, body));
}

/** Parses one whole record (as a write event delivers it). */
export function parseRecord(bytes: Uint8Array): Rec {
  const length = (bytes[3] << 8) | bytes[4];
  expect(bytes.length).toBe(5 + length);
  return { type: bytes[0], version: (bytes[1] << 8) | bytes[2], body: bytes.subarray(5) };
}

/** The bodies of the records a side wrote after its last ChangeCipherSpec (its encrypted ones). */
export function encryptedBodies(records: readonly Uint8Array[]): Uint8Array[] {
  let ccs = -1;
  records.forEach((r, i) => {
    if (r[0] === ContentType.change_cipher_spec) ccs = i;
  });
  return ccs < 0 ? [] : records.slice(ccs + 1).map((r) => parseRecord(r).body);
}

/** The first ServerHello among a server's (plaintext) records. */
export function serverHelloOf(records: readonly Uint8Array[]): ServerHello {
  const r = records.find((x) => x[0] === ContentType.handshake && x[5] === HandshakeType.server_hello);
  if (!r) throw new Error('no ServerHello among the records');
  return decodeServerHello(parseRecord(r).body.subarray(4));
}

// --- keys ---------------------------------------------------------------------------------

export interface SessionKeys {
  suite: CipherSuite;
  master: Uint8Array;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  kb: KeyBlock;
}

export function deriveKeys(suite: CipherSuite, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): SessionKeys {
  return { suite, master, clientRandom, serverRandom, kb: keyBlock(master, clientRandom, serverRandom, suite) };
}

/**
 * The keys of a pair() run as a passive observer with the key log recovers them: the master
 * secret and client random from the NSS key log line, the server random and suite from the
 * ServerHello on the wire (RFC 6101 section 6.2.2).
 */
export function keysFromKeylog(line: string, serverRecords: readonly Uint8Array[]): SessionKeys {
  const [label, crHex, msHex] = line.trim().split(' ');
  expect(label).toBe('CLIENT_RANDOM');
  const hello = serverHelloOf(serverRecords);
  return deriveKeys(suiteById(hello.cipherSuite)!, fromHex(msHex), fromHex(crHex), hello.random);
}

export function pairKeys(client: Side, server: Side): SessionKeys {
  return keysFromKeylog(client.keylog.at(-1)!, server.sent);
}

// --- forging records ----------------------------------------------------------------------

/**
 * One side's write direction, continued by us: the same MAC secret, key and cipher state
 * (RC4 keystream position or CBC residue) and sequence number the real side would use for its
 * next record. `prior` are the bodies of the records it already sent under these keys.
 */
export class Forger {
  private readonly cipher: BulkCipher;
  private readonly mac: Ssl3Mac;
  seq: bigint;

  constructor(
    readonly keys: SessionKeys,
    readonly role: 'client' | 'server',
    prior: readonly Uint8Array[] = [],
  ) {
    const { suite, kb } = keys;
    const key = role === 'client' ? kb.clientKey : kb.serverKey;
    let iv = role === 'client' ? kb.clientIv : kb.serverIv;
    if (suite.blockSize > 1 && prior.length) iv = prior.at(-1)!.slice(-suite.blockSize);
    this.cipher = createBulkCipher(suite, key, iv, 'encrypt');
    if (suite.blockSize === 1) this.cipher.update(new Uint8Array(prior.reduce((n, b) => n + b.length, 0)));
    this.mac = new Ssl3Mac(suite.mac, role === 'client' ? kb.clientMacSecret : kb.serverMacSecret);
    this.seq = BigInt(prior.length);
  }

  get blockSize(): number {
    return this.keys.suite.blockSize;
  }

  /** A whole record: fragment + MAC (+ SSL 3.0 padding), encrypted. */
  seal(type: number, fragment: Uint8Array): Uint8Array {
    const bs = this.blockSize;
    const padLength = bs > 1 ? (bs - ((fragment.length + this.mac.length + 1) % bs)) % bs : -1;
    return this.sealWith(type, fragment, padLength);
  }

  /**
   * A record whose CBC padding_length byte is `padLength` (section 5.2.3.2), with `padLength`
   * padding bytes (of value `padByte`) before it and a correct MAC over the fragment; -1 means
   * no padding (stream). With `macOver`, the MAC is computed over those bytes instead, so the
   * record carries a wrong MAC of the right length.
   */
  sealWith(type: number, fragment: Uint8Array, padLength: number, padByte = padLength, macOver = fragment): Uint8Array {
    const mac = this.mac.compute(this.seq++, type, macOver);
    const pad = padLength < 0 ? new Uint8Array(0) : new Uint8Array(padLength + 1).fill(padByte);
    if (padLength >= 0) pad[padLength] = padLength;
    const plain = concatBytes(fragment, mac, pad);
    if (this.blockSize > 1) expect(plain.length % this.blockSize).toBe(0);
    return rec(type, this.cipher.update(plain));
  }

  handshake(type: number, body: Uint8Array): Uint8Array {
    return this.seal(ContentType.handshake, encodeHandshake(type, body));
  }
}

/** A forger continuing the client's writes of a finished pair() run. */
export function clientForger(client: Side, server: Side): Forger {
  return new Forger(pairKeys(client, server), 'client', encryptedBodies(client.sent));
}

// --- a scripted client --------------------------------------------------------------------

export interface HelloSpec {
  version?: number;
  suites?: readonly number[];
  sessionId?: Uint8Array;
  random?: Uint8Array;
  compression?: Uint8Array;
}

/**
 * The server a ScriptedClient talks to: an in-process Endpoint, or anything else that takes
 * our bytes and lists the whole records the server wrote (tcp-link.ts: a server over TCP).
 */
export interface ServerLink {
  readonly out: readonly Uint8Array[];
  readonly conn: { receive(bytes: Uint8Array): void };
}

/**
 * Drives a server Connection with handshake messages we build and encrypt ourselves, keeping
 * the transcript as a client would (sections 5.6.1 to 5.6.9), so each step can be skipped,
 * repeated or altered. In process (the default: a server Endpoint of its own, answering at
 * once) or over any ServerLink, whose answers the caller waits for before absorb().
 */
export class ScriptedClient<S extends ServerLink = Endpoint> {
  readonly server: S;
  readonly transcript = new Transcript();
  clientRandom: Uint8Array = new Uint8Array(32);
  hello?: ServerHello;
  /** The key in the server's Certificate, which our premaster secret is encrypted to. */
  serverKey?: RsaPublicKey;
  keys?: SessionKeys;
  forger?: Forger;
  private seen = 0;
  private reader?: { opened: { type: number; fragment: Uint8Array }[]; protection: RecordProtection; next: number };

  constructor(server: Partial<ConnectionOptions> | S = {}) {
    this.server = ('conn' in server ? server : endpoint('server', server)) as S;
  }

  send(bytes: Uint8Array): void {
    expect(() => this.server.conn.receive(bytes)).not.toThrow();
  }

  /** Handshake records the server wrote since the last call, added to our transcript while plaintext. */
  absorb(): void {
    for (; this.seen < this.server.out.length; this.seen++) {
      const r = parseRecord(this.server.out[this.seen]);
      if (r.type === ContentType.change_cipher_spec) {
        this.seen = this.server.out.length;
        return;
      }
      if (r.type !== ContentType.handshake) continue;
      this.transcript.update(r.body);
      if (r.body[0] === HandshakeType.server_hello) this.hello = decodeServerHello(r.body.subarray(4));
      if (r.body[0] === HandshakeType.certificate) this.serverKey = parseCertificate(decodeCertificate(r.body.subarray(4))[0]).publicKey.rsa!;
    }
  }

  /**
   * The server's encrypted records so far (those after its ChangeCipherSpec: Finished, then
   * data and alerts), decrypted with the server's write keys, as the client would read them.
   */
  serverRecords(): { type: number; fragment: Uint8Array }[] {
    const { kb, suite } = this.keys!;
    this.reader ??= {
      opened: [],
      protection: RecordProtection.create(suite, kb.serverMacSecret, kb.serverKey, kb.serverIv, 'decrypt'),
      next: this.server.out.findIndex((r) => r[0] === ContentType.change_cipher_spec) + 1,
    };
    const reader = this.reader;
    if (reader.next === 0) throw new Error('the server has sent no ChangeCipherSpec');
    for (; reader.next < this.server.out.length; reader.next++) {
      const r = parseRecord(this.server.out[reader.next]);
      // A copy: opening decrypts in place, and the records must stay as they came.
      reader.opened.push({ type: r.type, fragment: reader.protection.open(r.type, r.body.slice()) });
    }
    return reader.opened;
  }

  /** Sends a ClientHello (section 5.6.1.2) and reads the server's flight. */
  sendHello(spec: HelloSpec = {}): void {
    this.clientRandom = spec.random ?? systemRandom(32);
    const msg = encodeHandshake(
      HandshakeType.client_hello,
      encodeClientHello({
        version: spec.version ?? SSL3_VERSION,
        random: this.clientRandom,
        sessionId: spec.sessionId ?? new Uint8Array(0),
        cipherSuites: spec.suites ?? DEFAULT_SUITES.map((s) => s.id),
        compressionMethods: spec.compression ?? Uint8Array.of(0),
        extensions: [],
      }),
    );
    this.transcript.update(msg);
    this.send(rec(ContentType.handshake, msg));
    this.absorb();
  }

  /**
   * An SSL 2.0-format CLIENT-HELLO (RFC 6101 Appendix E; layout in RFC 5246 E.2): 3-byte
   * cipher specs and a 16..32-byte challenge that becomes the right-aligned client random.
   */
  sendV2Hello(specs: readonly number[], challenge: Uint8Array, version = SSL3_VERSION): void {
    const body = new Uint8Array(9 + specs.length * 3 + challenge.length);
    const v = new DataView(body.buffer);
    body[0] = 1; // CLIENT-HELLO
    v.setUint16(1, version);
    v.setUint16(3, specs.length * 3);
    v.setUint16(5, 0); // no session id
    v.setUint16(7, challenge.length);
    specs.forEach((s, i) => {
      body[9 + 3 * i] = (s >> 16) & 0xff;
      body[10 + 3 * i] = (s >> 8) & 0xff;
      body[11 + 3 * i] = s & 0xff;
    });
    body.set(challenge, 9 + specs.length * 3);
    this.clientRandom = new Uint8Array(32);
    this.clientRandom.set(challenge.subarray(-32), Math.max(0, 32 - challenge.length));
    this.transcript.update(body); // the hash covers the message from msg_type on
    this.send(concatBytes(Uint8Array.of(0x80 | (body.length >> 8), body.length & 0xff), body));
    this.absorb();
  }

  /**
   * The RSA-encrypted premaster secret of `premaster` (section 5.6.7.1), or `encrypted` in its
   * place; our keys are derived from `premaster` either way.
   */
  sendKeyExchange(premaster: Uint8Array = concatBytes(Uint8Array.of(3, 0), systemRandom(46)), encrypted?: Uint8Array): void {
    const hello = this.hello!;
    const msg = encodeHandshake(HandshakeType.client_key_exchange, encrypted ?? rsaEncryptPkcs1(this.serverKey ?? publicKeyOf(identity().key), premaster));
    this.transcript.update(msg);
    this.send(rec(ContentType.handshake, msg));
    const suite = suiteById(hello.cipherSuite)!;
    this.keys = deriveKeys(suite, masterSecret(premaster, this.clientRandom, hello.random), this.clientRandom, hello.random);
    this.forger = new Forger(this.keys, 'client');
  }

  sendChangeCipherSpec(): void {
    this.send(rec(ContentType.change_cipher_spec, Uint8Array.of(1)));
  }

  /** Our Finished (section 5.6.9), or `verify` in its place; encrypted once keys exist. */
  sendFinished(verify?: Uint8Array): void {
    const body = verify ?? this.transcript.finished(this.keys!.master, 'client');
    this.transcript.update(encodeHandshake(HandshakeType.finished, body));
    this.send(this.forger!.handshake(HandshakeType.finished, body));
    this.absorb();
  }

  /** The whole full handshake with default choices. */
  handshake(spec: HelloSpec = {}): void {
    this.sendHello(spec);
    this.sendKeyExchange();
    this.sendChangeCipherSpec();
    this.sendFinished();
  }
}

/** Deterministic pseudo-random numbers (xorshift32), so a fuzz failure can be replayed from its seed. */
export function prng(seed: number): { next(): number; int(n: number): number; bytes(n: number): Uint8Array } {
  let x = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return {
    next,
    int: (n) => next() % n,
    bytes: (n) => Uint8Array.from({ length: n }, () => next() & 0xff),
  };
}
