/**
 * What a scripted peer knows as a conversation runs, kept as a correct SSL 3.0 peer would
 * keep it whatever the script makes it send: the handshake hashes of both directions (RFC
 * 6101 5.6.8, 5.6.9), the hellos' randoms and choices (5.6.1), the pre_master and master
 * secrets (5.6.7.1, 6.1), the pending and current cipher states of each direction (5.3, 6.2.2;
 * derived by the engine's own pendingKeys), the Finished hashes of the last handshake (RFC
 * 5746's verify_data) and the session a later conversation may resume.
 *
 * Everything the peer sends or receives goes through here in wire order, so a step that
 * leaves a field out gets the value a correct peer would use at that point.
 */
import type { CipherSuite } from '../ciphers/suites.js';
import { suiteById } from '../ciphers/suites.js';
import type { RsaPrivateKey, RsaPublicKey } from '../pki/rsa-key.js';
import { modulusBytes } from '../pki/rsa-key.js';
import { rsaDecryptPremaster, rsaVerifyPkcs1 } from '../pki/rsa.js';
import { parseCertificate } from '../pki/x509.js';
import { RecordProtection } from '../record/record-protection.js';
import { ctBytesEqual } from '../util/ct.js';
import { bytesEqual, concatBytes, toHex } from '../util/bytes.js';
import type { RandomSource } from '../util/random.js';
import { SSL3_VERSION } from '../record/content-types.js';
import {
  HandshakeType,
  RENEGOTIATION_INFO_EXTENSION,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  decodeCertificate,
  decodeCertificateVerify,
  decodeClientHello,
  decodeRsaClientKeyExchange,
  decodeServerHello,
  decodeV2ClientHello,
  findRenegotiationInfo,
  type ClientHello,
  type ServerHello,
} from '../handshake/messages.js';
import { Transcript, masterSecret } from '../handshake/ssl3-prf.js';
import type { Session } from '../handshake/session.js';
import { pendingKeys } from '../connection/pending-keys.js';

export type Role = 'client' | 'server';

/** This side's certificate chain (DER, leaf first) and its key. */
export interface HarnessIdentity {
  readonly key: RsaPrivateKey;
  readonly chain: readonly Uint8Array[];
}

/** The Finished hashes of a completed handshake and whether it negotiated RFC 5746. */
export interface CompletedHandshake {
  readonly clientVerifyData: Uint8Array;
  readonly serverVerifyData: Uint8Array;
  readonly secureRenegotiation: boolean;
}

export class PeerState {
  /** The hashes of this handshake's messages; replaced when a new handshake starts. */
  transcript = new Transcript();
  /** A handshake is under way: a ClientHello went out or came in and not both Finished yet. */
  inHandshake = false;
  clientHello?: ClientHello;
  serverHello?: ServerHello;
  clientRandom?: Uint8Array;
  serverRandom?: Uint8Array;
  suite?: CipherSuite;
  resumed = false;
  /** The server's key from its Certificate (client role), which a premaster is encrypted to. */
  serverKey?: RsaPublicKey;
  /** The peer's certificates as it sent them. */
  peerChain: readonly Uint8Array[] = [];
  /** A CertificateRequest came in this handshake (client role). */
  certificateRequested = false;
  premaster?: Uint8Array;
  master?: Uint8Array;
  write = RecordProtection.initial();
  read = RecordProtection.initial();
  pendingWrite?: RecordProtection;
  pendingRead?: RecordProtection;
  /** This handshake's Finished hashes as sent (ours) and received (the peer's). */
  ourVerifyData?: Uint8Array;
  peerVerifyData?: Uint8Array;
  /** The last completed handshake (RFC 5746 binds a renegotiation to it). */
  previous?: CompletedHandshake;
  /** The session the last completed full handshake made, or the one resumed. */
  session?: Session;
  /** The session this run may resume (offered by a client, accepted by a server). */
  readonly offered?: Session;

  constructor(
    readonly role: Role,
    readonly suites: readonly CipherSuite[],
    readonly random: RandomSource,
    readonly now: () => number,
    readonly identity: HarnessIdentity | undefined,
    offered: Session | undefined,
    readonly note: (text: string) => void,
  ) {
    this.offered = offered;
  }

  get peerRole(): Role {
    return this.role === 'client' ? 'server' : 'client';
  }

  /** The version the ClientHello offered (the premaster's first two bytes, 5.6.7.1). */
  get clientVersion(): number {
    return this.clientHello?.version ?? SSL3_VERSION;
  }

  /** A ClientHello went out or came in: a new handshake starts unless one is under way (a duplicate hello is part of it). */
  private startHandshake(): void {
    if (this.inHandshake) return;
    this.inHandshake = true;
    this.transcript = new Transcript();
    this.serverHello = undefined;
    this.serverRandom = undefined;
    this.suite = undefined;
    this.resumed = false;
    this.certificateRequested = false;
    this.premaster = undefined;
    this.master = undefined;
    this.ourVerifyData = undefined;
    this.peerVerifyData = undefined;
  }

  /** Adds a message (4-byte header and body) to the handshake hashes. */
  hash(raw: Uint8Array): void {
    this.transcript.update(raw);
  }

  // --- what goes out ---------------------------------------------------------------------

  /**
   * A handshake message of ours went out (`kind` is what it is, whatever its type byte says):
   * a ClientHello starts a handshake before it is hashed; the others are hashed first, as the
   * peer will hash them. `premaster` is what our keys come from; `resumeWith` the session a
   * ServerHello of ours resumes.
   */
  sent(kind: number, body: Uint8Array, raw: Uint8Array, hashed: boolean, extra: { premaster?: Uint8Array; resumeWith?: Session } = {}): void {
    if (kind === HandshakeType.client_hello) this.onClientHello(body, false);
    if (hashed) this.hash(raw);
    if (kind === HandshakeType.server_hello) this.tryDecode('our ServerHello', () => this.onServerHello(decodeServerHello(body), extra.resumeWith));
    if (extra.premaster) {
      this.premaster = extra.premaster;
      this.derive();
    }
    if (kind === HandshakeType.finished) {
      this.ourVerifyData = body;
      this.maybeComplete();
    }
  }

  /** Our ChangeCipherSpec went out: our writes switch to the pending keys, if any. */
  sentChangeCipherSpec(switchKeys: boolean): void {
    if (!switchKeys) return;
    if (!this.pendingWrite) {
      this.note('no pending keys: our records stay as they were');
      return;
    }
    this.write = this.pendingWrite;
    this.pendingWrite = undefined;
    this.note(`our records are now encrypted with ${this.suite?.rfcName}`);
  }

  // --- what comes in ---------------------------------------------------------------------

  /** A handshake message from the peer; returns whether a Finished or CertificateVerify verified (undefined: not one, or not checkable). */
  received(type: number, body: Uint8Array, raw: Uint8Array): boolean | undefined {
    let verified: boolean | undefined;
    switch (type) {
      case HandshakeType.client_hello:
        this.onClientHello(body, false);
        break;
      case HandshakeType.server_hello:
        this.tryDecode('ServerHello', () => this.onServerHello(decodeServerHello(body), this.role === 'client' ? this.offered : undefined));
        break;
      case HandshakeType.certificate:
        this.tryDecode('Certificate', () => {
          this.peerChain = decodeCertificate(body);
          if (this.role === 'client' && this.peerChain.length) this.serverKey = parseCertificate(this.peerChain[0]).publicKey.rsa;
        });
        break;
      case HandshakeType.certificate_request:
        this.certificateRequested = true;
        break;
      case HandshakeType.client_key_exchange:
        this.onClientKeyExchange(body);
        break;
      case HandshakeType.certificate_verify:
        verified = this.checkCertificateVerify(body);
        break;
      case HandshakeType.finished:
        verified = this.master ? ctBytesEqual(this.transcript.finished(this.master, this.peerRole), body) : undefined;
        this.peerVerifyData = body;
        break;
    }
    if (type !== HandshakeType.hello_request) this.hash(raw);
    if (type === HandshakeType.finished) this.maybeComplete();
    return verified;
  }

  /** An SSLv2-format CLIENT-HELLO from the peer (server role). */
  receivedV2ClientHello(message: Uint8Array): void {
    this.onClientHello(message, true);
    this.hash(message);
  }

  /** The peer's ChangeCipherSpec: its records switch to the pending keys, if any. */
  receivedChangeCipherSpec(): void {
    if (!this.pendingRead) {
      this.note("no pending keys: the peer's records are read as before");
      return;
    }
    this.read = this.pendingRead;
    this.pendingRead = undefined;
  }

  // --- internals -------------------------------------------------------------------------

  private tryDecode(what: string, work: () => void): void {
    try {
      work();
    } catch (e) {
      this.note(`${what} does not decode (${(e as Error).message}): its fields are not used`);
    }
  }

  /** A ClientHello either way (the SSLv2 form from msg_type on): a new handshake unless one is under way. */
  onClientHello(body: Uint8Array, v2: boolean): void {
    this.startHandshake();
    this.tryDecode(v2 ? 'the SSLv2 ClientHello' : 'the ClientHello', () => {
      this.clientHello = v2 ? decodeV2ClientHello(body) : decodeClientHello(body);
      this.clientRandom = this.clientHello.random;
    });
  }

  private onServerHello(hello: ServerHello, session: Session | undefined): void {
    this.serverHello = hello;
    this.serverRandom = hello.random;
    this.suite = suiteById(hello.cipherSuite);
    if (session && hello.sessionId.length > 0 && bytesEqual(hello.sessionId, session.id)) {
      this.resumed = true;
      this.master = session.masterSecret;
      this.note(`session ${toHex(session.id)} resumed`);
    }
    this.derive();
  }

  /** Server role: the premaster from the client's RSA block, with the Bleichenbacher countermeasure as the engine applies it. */
  private onClientKeyExchange(body: Uint8Array): void {
    const key = this.identity?.key;
    if (!key || this.role !== 'server') return;
    const tlsClient = this.clientVersion > SSL3_VERSION;
    const encrypted = body.length ? decodeRsaClientKeyExchange(body, tlsClient ? modulusBytes(key) : undefined) : body;
    this.premaster = rsaDecryptPremaster(key, encrypted, this.clientVersion, this.random);
    this.derive();
  }

  private checkCertificateVerify(body: Uint8Array): boolean | undefined {
    if (!this.master || !this.peerChain.length) return undefined;
    try {
      const key = parseCertificate(this.peerChain[0]).publicKey.rsa;
      return !!key && rsaVerifyPkcs1(key, 'md5-sha1', this.transcript.certificateVerify(this.master), decodeCertificateVerify(body));
    } catch {
      return false;
    }
  }

  /** The master secret once the premaster and both randoms are known (6.1), then the pending keys (6.2.2). */
  private derive(): void {
    if (!this.master && this.premaster && this.clientRandom && this.serverRandom) {
      this.master = masterSecret(this.premaster, this.clientRandom, this.serverRandom);
    }
    if (!this.master || !this.suite || !this.clientRandom || !this.serverRandom) return;
    const keys = pendingKeys(this.role, this.suite, this.master, this.clientRandom, this.serverRandom);
    this.pendingWrite = keys.write;
    this.pendingRead = keys.read;
  }

  /** Both Finished have passed: the handshake is complete, and its hashes bind the next one (RFC 5746). */
  private maybeComplete(): void {
    if (!this.ourVerifyData || !this.peerVerifyData || !this.master || !this.suite) return;
    const [clientVerifyData, serverVerifyData] = this.role === 'client' ? [this.ourVerifyData, this.peerVerifyData] : [this.peerVerifyData, this.ourVerifyData];
    this.previous = { clientVerifyData, serverVerifyData, secureRenegotiation: this.negotiatedRenegotiationInfo() };
    this.session = this.resumed
      ? this.offered
      : { id: this.serverHello?.sessionId ?? new Uint8Array(0), masterSecret: this.master, cipherSuite: this.suite.id, peerCertificates: this.peerChain, createdAt: this.now() };
    this.inHandshake = false;
  }

  /** Whether the ServerHello carried renegotiation_info after the client signalled it (RFC 5746 3.4, 3.6). */
  private negotiatedRenegotiationInfo(): boolean {
    const hello = this.clientHello;
    if (!hello || !this.serverHello) return false;
    const clientSignalled = hello.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV) || hello.extensions.some((e) => e.type === RENEGOTIATION_INFO_EXTENSION);
    try {
      return clientSignalled && findRenegotiationInfo(this.serverHello.extensions) !== undefined;
    } catch {
      return false;
    }
  }

  /** The renegotiated_connection a correct server's ServerHello carries now (RFC 5746 3.6, 3.7). */
  expectedServerRenegotiationInfo(): Uint8Array {
    return this.previous ? concatBytes(this.previous.clientVerifyData, this.previous.serverVerifyData) : new Uint8Array(0);
  }
}
