/**
 * The server side of the SSL 3.0 handshake, RFC 6101 section 5.6 (message flow in 5.5,
 * figures 1 and 2). Each state names the one message it accepts; anything else is an
 * unexpected_message (after rustls). Reads top to bottom like the RFC.
 *
 *   ClientHello -> ServerHello, Certificate, [CertificateRequest], ServerHelloDone
 *   [Certificate | no_certificate], ClientKeyExchange, [CertificateVerify], CCS, Finished
 *   -> CCS, Finished
 *
 * or, resuming a cached session: ClientHello -> ServerHello, CCS, Finished; CCS, Finished.
 *
 * Secure renegotiation (RFC 5746 section 3, which covers SSL 3.0): a first ClientHello with the
 * SCSV or an empty renegotiation_info gets an empty renegotiation_info in the ServerHello and
 * makes the connection "secure". A renegotiation (which the connection only lets through with
 * allowRenegotiation) must then carry renegotiation_info = the client's previous Finished hash
 * and no SCSV, and is answered with both previous Finished hashes. A connection whose first
 * handshake was not secure is never renegotiated: insecure renegotiation is refused.
 */
import type { CipherSuite } from '../ciphers/suites.js';
import { suiteById } from '../ciphers/suites.js';
import { premasterDecryptionInput, premasterFromBlock, rsaVerifyPkcs1 } from '../pki/rsa.js';
import { localPrivateKey } from './private-key.js';
import { modulusBytes } from '../pki/rsa-key.js';
import { ctBytesEqual } from '../util/ct.js';
import { SslAlertError, ALERTS } from '../record/alerts.js';
import { SSL3_VERSION } from '../record/content-types.js';
import type { HandshakeHost, HandshakeInput, HandshakeMachine, PeerVerdict } from './context.js';
import { afterStep, assertNever, exchangeFinished, helloRandom, unexpected } from './state-helpers.js';
import {
  ClientCertificateType,
  HandshakeType,
  decodeCertificate,
  decodeCertificateVerify,
  decodeClientHello,
  decodeRsaClientKeyExchange,
  decodeV2ClientHello,
  encodeCertificate,
  encodeCertificateRequest,
  encodeHandshake,
  encodeServerHello,
  findRenegotiationInfo,
  handshakeTypeName,
  renegotiationInfo,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  type ClientHello,
  type HandshakeMessage,
} from './messages.js';
import { Transcript, masterSecret } from './ssl3-prf.js';
import { parsePeerCertificate, usablePeerRsaKey } from './peer-key.js';
import type { Session } from './session.js';
import { concatBytes, toHex } from '../util/bytes.js';

interface Negotiated {
  readonly hello: ClientHello;
  readonly suite: CipherSuite;
  readonly serverRandom: Uint8Array;
  readonly sessionId: Uint8Array;
  /** RFC 5746: this handshake negotiated renegotiation_info. */
  readonly secureRenegotiation: boolean;
}

/** The client's chain (empty when it sent none) and the verdict on it. */
interface Peer {
  readonly peerChain: readonly Uint8Array[];
  readonly verdict?: PeerVerdict;
}

interface Keyed extends Negotiated, Peer {
  readonly master: Uint8Array;
  readonly resumed: boolean;
  /** Our Finished hash once sent (a resumption sends it before the client's; a full handshake after). */
  readonly serverVerifyData?: Uint8Array;
}

/** A client that sent no certificate. */
const NO_PEER: Peer = { peerChain: [] };

type State =
  | { readonly name: 'client_hello' }
  | { readonly name: 'client_certificate'; readonly n: Negotiated }
  /** An asynchronous step runs (HandshakeHost.waitFor); the connection delivers nothing meanwhile. */
  | { readonly name: 'waiting'; readonly step: string }
  | { readonly name: 'client_key_exchange'; readonly n: Negotiated; readonly peer: Peer }
  | { readonly name: 'certificate_verify'; readonly k: Keyed }
  | { readonly name: 'change_cipher_spec'; readonly k: Keyed }
  | { readonly name: 'finished'; readonly k: Keyed }
  | { readonly name: 'done' };

export class ServerHandshake implements HandshakeMachine {
  private state: State = { name: 'client_hello' };
  /** The hash of every handshake message of this handshake, both directions (5.6.8, 5.6.9). */
  private readonly transcript = new Transcript();

  constructor(private readonly host: HandshakeHost) {}

  get expecting(): string {
    return this.state.name;
  }

  get done(): boolean {
    return this.state.name === 'done';
  }

  /** A server speaks second: nothing to send before the ClientHello. */
  start(): void {}

  /** The one entry point: each state takes the one input legal in it, anything else is unexpected_message. */
  handle(input: HandshakeInput): boolean {
    const s = this.state;
    switch (input.kind) {
      case 'warning_alert':
        return this.onWarningAlert(input.description);
      case 'v2_client_hello':
        // Only ever the first message of a connection (the record layer reads the SSLv2 format only then).
        if (s.name !== 'client_hello') throw unexpected(expectedIn(s), 'an SSLv2 ClientHello');
        this.transcript.update(input.raw);
        this.onClientHello(decodeV2ClientHello(input.raw), true);
        return true;
      case 'change_cipher_spec':
        if (s.name !== 'change_cipher_spec') throw unexpected(expectedIn(s), 'ChangeCipherSpec');
        this.state = { name: 'finished', k: s.k };
        return true;
      case 'message':
        this.onMessage(input.message);
        return true;
      default:
        return assertNever(input);
    }
  }

  private onMessage(msg: HandshakeMessage): void {
    const s = this.state;
    switch (s.name) {
      case 'client_hello':
        if (msg.type !== HandshakeType.client_hello) throw unexpected('ClientHello', handshakeTypeName(msg.type));
        this.transcript.update(msg.raw);
        return this.onClientHello(decodeClientHello(msg.body), false);
      case 'client_certificate':
        if (msg.type !== HandshakeType.certificate) {
          // A client that ignores our request and goes straight to the key exchange.
          if (msg.type === HandshakeType.client_key_exchange) return this.noClientCertificate(s.n, msg);
          throw unexpected('Certificate', handshakeTypeName(msg.type));
        }
        this.transcript.update(msg.raw);
        return this.onClientCertificate(s.n, decodeCertificate(msg.body));
      case 'client_key_exchange':
        if (msg.type !== HandshakeType.client_key_exchange) throw unexpected('ClientKeyExchange', handshakeTypeName(msg.type));
        this.transcript.update(msg.raw);
        return this.onClientKeyExchange(s.n, s.peer, this.encryptedPremaster(s.n, msg.body));
      case 'certificate_verify':
        if (msg.type !== HandshakeType.certificate_verify) throw unexpected('CertificateVerify', handshakeTypeName(msg.type));
        return this.onCertificateVerify(s.k, msg);
      case 'finished':
        if (msg.type !== HandshakeType.finished) throw unexpected('Finished', handshakeTypeName(msg.type));
        return this.onFinished(s.k, msg);
      case 'change_cipher_spec':
      case 'waiting':
      case 'done':
        throw unexpected(expectedIn(s), handshakeTypeName(msg.type));
      default:
        return assertNever(s);
    }
  }

  /** SSL 3.0's no_certificate warning (section 5.4.2) in place of the client's Certificate; other warnings are not ours. */
  private onWarningAlert(description: number): boolean {
    const s = this.state;
    if (description !== ALERTS.no_certificate || s.name !== 'client_certificate') return false;
    if (this.host.options.requireCert) {
      throw new SslAlertError('CERTIFICATE_REQUIRED', 'client sent no_certificate but a client certificate is required');
    }
    this.host.trace('client has no certificate (no_certificate alert)');
    this.state = { name: 'client_key_exchange', n: s.n, peer: NO_PEER };
    return true;
  }

  /** Encodes a message of ours, adds it to the transcript, and sends it. */
  private send(type: number, body: Uint8Array): void {
    const raw = encodeHandshake(type, body);
    this.transcript.update(raw);
    this.host.sendHandshake(raw);
  }

  private onClientHello(hello: ClientHello, v2: boolean): void {
    const { options } = this.host;
    // Section 5.6.1.2 / Appendix E, and RFC 5246 E.1's version tolerance: a client offering any
    // later version, whatever its major number ((3,4), (4,1), (254,254)), gets the highest we
    // have, 3.0; only one that cannot speak 3.0 (an SSL 2.0 client) is refused.
    if (hello.version < SSL3_VERSION) {
      throw new SslAlertError('PROTOCOL_VERSION', `client offers version ${hello.version >> 8}.${hello.version & 0xff}, older than SSL 3.0`);
    }
    if (!hello.compressionMethods.includes(0)) throw new SslAlertError('NO_NULL_COMPRESSION', 'client does not offer null compression');
    const secureRenegotiation = this.checkRenegotiationInfo(hello);
    const offered = new Set(hello.cipherSuites);
    // Section 5.6.1.2: a session ID the client offers is looked up. The cache may answer later
    // (one shared by several processes): the handshake waits, holding further input.
    const cache = options.sessionCache;
    if (v2 || !cache || hello.sessionId.length === 0) return this.fullHandshake(hello, offered, secureRenegotiation);
    this.state = { name: 'waiting', step: 'the session cache' };
    afterStep(this.host, cache.get(hello.sessionId), (session) => {
      const cached = this.resumable(session, offered);
      if (cached) this.resume(hello, cached, secureRenegotiation);
      else this.fullHandshake(hello, offered, secureRenegotiation);
    });
  }

  /** No session to resume: a new one, with the full handshake (figure 1). */
  private fullHandshake(hello: ClientHello, offered: Set<number>, secureRenegotiation: boolean): void {
    const { options } = this.host;
    const suite = options.suites.find((s) => offered.has(s.id));
    if (!suite) {
      const names = hello.cipherSuites.map((id) => suiteById(id)?.iosKeyword ?? `0x${id.toString(16).padStart(4, '0')}`);
      throw new SslAlertError('NO_SHARED_CIPHER', `no cipher suite in common; client offered ${names.join(', ') || 'none'}`);
    }
    if (!options.certificateChain?.length || !options.privateKey) {
      throw new SslAlertError('NO_SERVER_IDENTITY', 'server has no certificate or private key configured');
    }
    const n: Negotiated = {
      hello,
      suite,
      serverRandom: helloRandom(this.host),
      sessionId: options.sessionCache ? this.host.random(32) : new Uint8Array(0),
      secureRenegotiation,
    };
    this.sendServerHello(n);
    this.send(HandshakeType.certificate, encodeCertificate(options.certificateChain));
    const request = options.requestCert || options.requireCert;
    if (request) {
      this.send(
        HandshakeType.certificate_request,
        encodeCertificateRequest({
          certificateTypes: Uint8Array.of(ClientCertificateType.rsa_sign),
          authorities: options.certificateAuthorities ?? [],
        }),
      );
    }
    this.send(HandshakeType.server_hello_done, new Uint8Array(0));
    this.state = request ? { name: 'client_certificate', n } : { name: 'client_key_exchange', n, peer: NO_PEER };
  }

  /**
   * RFC 5746 3.6 (first handshake) and 3.7 (renegotiation): the ClientHello's SCSV and
   * renegotiation_info. Returns whether this handshake is secure in its sense.
   */
  private checkRenegotiationInfo(hello: ClientHello): boolean {
    const info = findRenegotiationInfo(hello.extensions);
    const scsv = hello.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    const previous = this.host.previous;
    if (!previous) {
      if (info !== undefined && info.length !== 0) throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'renegotiation_info in the first ClientHello is not empty');
      return scsv || info !== undefined;
    }
    if (!previous.secureRenegotiation) {
      throw new SslAlertError('RENEGOTIATION_REFUSED', 'insecure renegotiation refused: the connection did not negotiate RFC 5746 renegotiation_info');
    }
    if (scsv) throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'renegotiation ClientHello lists the renegotiation SCSV');
    if (info === undefined) throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'renegotiation ClientHello has no renegotiation_info');
    if (!ctBytesEqual(info, previous.clientVerifyData)) {
      throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'renegotiation_info does not match the previous client Finished');
    }
    return true;
  }

  /** The cached session the client asks for, if its suite is still allowed and offered. */
  private resumable(s: Session | undefined, offered: Set<number>): Session | undefined {
    const { suites, requireCert } = this.host.options;
    if (!s || !offered.has(s.cipherSuite) || !suites.some((x) => x.id === s.cipherSuite)) return undefined;
    // A session made without a client certificate must not satisfy a server that now requires one.
    if (requireCert && s.peerCertificates.length === 0) return undefined;
    return s;
  }

  private resume(hello: ClientHello, session: Session, secureRenegotiation: boolean): void {
    const suite = suiteById(session.cipherSuite)!;
    const n: Negotiated = { hello, suite, serverRandom: helloRandom(this.host), sessionId: session.id, secureRenegotiation };
    this.host.trace(`resuming session ${toHex(session.id)}`);
    this.sendServerHello(n);
    this.host.setPendingKeys(suite, session.masterSecret, hello.random, n.serverRandom);
    this.host.sendChangeCipherSpec();
    const serverVerifyData = this.transcript.finished(session.masterSecret, 'server');
    this.send(HandshakeType.finished, serverVerifyData);
    this.state = { name: 'change_cipher_spec', k: { ...n, master: session.masterSecret, peerChain: session.peerCertificates, verdict: session.peerVerdict, resumed: true, serverVerifyData } };
  }

  private sendServerHello(n: Negotiated): void {
    this.send(
      HandshakeType.server_hello,
      encodeServerHello({
        version: SSL3_VERSION,
        random: n.serverRandom,
        sessionId: n.sessionId,
        cipherSuite: n.suite.id,
        compressionMethod: 0,
        extensions: n.secureRenegotiation ? [renegotiationInfo(this.renegotiatedConnection())] : [],
      }),
    );
  }

  /** The ServerHello's renegotiation_info body: empty first, then both previous Finished hashes. */
  private renegotiatedConnection(): Uint8Array {
    const previous = this.host.previous;
    return previous ? concatBytes(previous.clientVerifyData, previous.serverVerifyData) : new Uint8Array(0);
  }

  private noClientCertificate(n: Negotiated, msg: HandshakeMessage): void {
    if (this.host.options.requireCert) {
      throw new SslAlertError('CERTIFICATE_REQUIRED', 'client sent no certificate but a client certificate is required');
    }
    this.transcript.update(msg.raw);
    this.onClientKeyExchange(n, NO_PEER, this.encryptedPremaster(n, msg.body));
  }

  private onClientCertificate(n: Negotiated, chain: Uint8Array[]): void {
    const { options } = this.host;
    if (chain.length === 0) {
      // TLS-style empty Certificate: treated like no_certificate.
      if (options.requireCert) throw new SslAlertError('CERTIFICATE_REQUIRED', 'client sent an empty certificate list but a certificate is required');
      this.state = { name: 'client_key_exchange', n, peer: NO_PEER };
      return;
    }
    const verify = options.verifyPeer;
    if (!verify) {
      this.state = { name: 'client_key_exchange', n, peer: { peerChain: chain } };
      return;
    }
    this.state = { name: 'waiting', step: 'the verdict on the client certificate' };
    afterStep(this.host, verify(chain), (verdict) => {
      if (!verdict.ok && !verdict.accepted) throw new SslAlertError(verdict.kind, `client certificate rejected: ${verdict.reason}`);
      this.state = { name: 'client_key_exchange', n, peer: { peerChain: chain, verdict } };
    });
  }

  /** The RSA block of a ClientKeyExchange; see decodeRsaClientKeyExchange for the JSSE variant tolerated from clients that offered TLS. */
  private encryptedPremaster(n: Negotiated, body: Uint8Array): Uint8Array {
    const tlsClient = n.hello.version > SSL3_VERSION;
    const encrypted = decodeRsaClientKeyExchange(body, tlsClient ? modulusBytes(this.host.options.privateKey!) : undefined);
    if (encrypted.length !== body.length) this.host.trace('ClientKeyExchange carries a TLS-style length prefix (JSSE offering TLS); accepted');
    return encrypted;
  }

  private onClientKeyExchange(n: Negotiated, peer: Peer, encrypted: Uint8Array): void {
    const { options } = this.host;
    // Section 5.6.7.1 and the Bleichenbacher countermeasure: whatever is wrong with the block
    // (padding, length, version), continue with a random premaster; the Finished check fails
    // later. The private-key operation may run elsewhere (private-key.ts): the block it
    // returns is checked here, with masks, whatever its origin.
    const prepared = premasterDecryptionInput(options.privateKey!, encrypted, this.host.random);
    const operations = options.privateKeyOperations ?? localPrivateKey(options.privateKey!, this.host.random);
    this.state = { name: 'waiting', step: 'the RSA private-key operation' };
    afterStep(this.host, operations.decrypt(prepared.input), (em) => {
      const { premaster } = premasterFromBlock(em, n.hello.version, prepared);
      const master = masterSecret(premaster, n.hello.random, n.serverRandom);
      this.host.setPendingKeys(n.suite, master, n.hello.random, n.serverRandom);
      const k: Keyed = { ...n, ...peer, master, resumed: false };
      this.state = peer.peerChain.length ? { name: 'certificate_verify', k } : { name: 'change_cipher_spec', k };
    });
  }

  private onCertificateVerify(k: Keyed, msg: HandshakeMessage): void {
    // Section 5.6.8: the hash covers the messages before this one.
    const expected = this.transcript.certificateVerify(k.master);
    this.transcript.update(msg.raw);
    const signature = decodeCertificateVerify(msg.body);
    const leaf = parsePeerCertificate(k.peerChain[0], 'client');
    // The key must hold a PKCS #1 block around the 36-byte MD5 + SHA-1 hash.
    const clientKey = usablePeerRsaKey(leaf.publicKey.rsa, 36 + 11, 'client');
    if (!rsaVerifyPkcs1(clientKey, 'md5-sha1', expected, signature)) {
      throw new SslAlertError('BAD_CERTIFICATE_VERIFY', 'client CertificateVerify signature is invalid');
    }
    this.state = { name: 'change_cipher_spec', k };
  }

  private onFinished(k: Keyed, msg: HandshakeMessage): void {
    // A full handshake's server Finished follows the client's; a resumption's went first.
    const { peerVerifyData: got, ourVerifyData: serverVerifyData } = exchangeFinished(
      this.host, this.transcript, (t, b) => this.send(t, b), k.master, 'client', msg, k.serverVerifyData);
    const session: Session = {
      id: k.sessionId,
      masterSecret: k.master,
      cipherSuite: k.suite.id,
      peerCertificates: k.peerChain,
      peerVerdict: k.verdict,
      createdAt: this.host.now(),
    };
    if (!k.resumed) this.host.options.sessionCache?.set(session);
    this.state = { name: 'done' };
    this.host.complete({
      suite: k.suite,
      session,
      resumed: k.resumed,
      clientRandom: k.hello.random,
      serverRandom: k.serverRandom,
      clientVersion: k.hello.version,
      secureRenegotiation: k.secureRenegotiation,
      peerVerdict: k.verdict,
      clientVerifyData: got,
      serverVerifyData,
    });
  }
}

/** What a state expects, for the unexpected_message of anything else. */
function expectedIn(s: State): string {
  switch (s.name) {
    case 'client_hello':
      return 'ClientHello';
    case 'client_certificate':
      return 'Certificate';
    case 'client_key_exchange':
      return 'ClientKeyExchange';
    case 'certificate_verify':
      return 'CertificateVerify';
    case 'change_cipher_spec':
      return 'ChangeCipherSpec';
    case 'finished':
      return 'Finished';
    case 'waiting':
      return `no message while waiting for ${s.step}`;
    case 'done':
      return 'no handshake message';
    default:
      return assertNever(s);
  }
}
