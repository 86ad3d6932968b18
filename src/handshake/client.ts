/**
 * The client side of the SSL 3.0 handshake, RFC 6101 section 5.6 (flow in 5.5). Each state
 * accepts exactly the messages legal in it; anything else is an unexpected_message.
 *
 *   ClientHello -> ServerHello, Certificate, [CertificateRequest], ServerHelloDone
 *   -> [Certificate | no_certificate], ClientKeyExchange, [CertificateVerify], CCS, Finished
 *   -> CCS, Finished
 *
 * or, when the server accepts the session we offered: ServerHello, CCS, Finished -> CCS, Finished.
 *
 * Secure renegotiation (RFC 5746, section 3 covers SSL 3.0): the first ClientHello offers the
 * SCSV; a server that answers with an (empty) renegotiation_info extension makes the
 * connection "secure", and a renegotiation then sends renegotiation_info = our previous
 * Finished hash and requires the server to echo both previous Finished hashes. When the first
 * ServerHello had no renegotiation_info (a legacy server), renegotiate() still runs a legacy
 * renegotiation, which RFC 5746 4.2 leaves to client policy: it only happens when the
 * application calls renegotiate(), never on a server's HelloRequest alone.
 */
import type { CipherSuite } from '../ciphers/suites.js';
import { PREMASTER_LENGTH, emsaPkcs1v15Encode, modulusBytes, rsaEncryptPkcs1 } from '../pki/rsa.js';
import { localPrivateKey } from './private-key.js';
import type { RsaPublicKey } from '../pki/rsa-key.js';
import { ctBytesEqual } from '../util/ct.js';
import { bytesEqual, concatBytes, toHex } from '../util/bytes.js';
import { SslAlertError } from '../record/alerts.js';
import { SSL3_VERSION } from '../record/content-types.js';
import type { HandshakeHost, HandshakeInput, HandshakeMachine, PeerVerdict } from './context.js';
import { afterStep, assertNever, exchangeFinished, helloRandom, unexpected } from './state-helpers.js';
import {
  HandshakeType,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  decodeCertificate,
  decodeCertificateRequest,
  decodeServerHello,
  encodeCertificate,
  encodeCertificateVerify,
  encodeClientHello,
  encodeHandshake,
  expectEmpty,
  findRenegotiationInfo,
  renegotiationInfo,
  type Extension,
  handshakeTypeName,
  type HandshakeMessage,
  type ServerHello,
} from './messages.js';
import { Transcript, masterSecret } from './ssl3-prf.js';
import { parsePeerCertificate, usablePeerRsaKey } from './peer-key.js';
import type { Session } from './session.js';

interface Hello {
  readonly clientRandom: Uint8Array;
  readonly server: ServerHello;
  readonly suite: CipherSuite;
  /** RFC 5746: this handshake negotiated renegotiation_info. */
  readonly secureRenegotiation: boolean;
}

interface Certified extends Hello {
  readonly chain: readonly Uint8Array[];
  readonly serverKey: RsaPublicKey;
  readonly verdict?: PeerVerdict;
}

interface Keyed extends Hello {
  readonly master: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly verdict?: PeerVerdict;
  readonly resumed: boolean;
  /** Our Finished hash once sent (a full handshake sends it before the server's; a resumption after). */
  readonly clientVerifyData?: Uint8Array;
}

type State =
  | { readonly name: 'server_hello'; readonly clientRandom: Uint8Array }
  | { readonly name: 'certificate'; readonly h: Hello }
  /** An asynchronous step runs (HandshakeHost.waitFor); the connection delivers nothing meanwhile. */
  | { readonly name: 'waiting'; readonly step: string }
  | { readonly name: 'certificate_request_or_done'; readonly c: Certified }
  | { readonly name: 'server_hello_done'; readonly c: Certified }
  | { readonly name: 'change_cipher_spec'; readonly k: Keyed }
  | { readonly name: 'finished'; readonly k: Keyed }
  | { readonly name: 'done' };

export class ClientHandshake implements HandshakeMachine {
  private state: State;
  /** The hash of every handshake message of this handshake, both directions (5.6.8, 5.6.9). */
  private readonly transcript = new Transcript();

  constructor(private readonly host: HandshakeHost) {
    this.state = { name: 'server_hello', clientRandom: new Uint8Array(0) };
  }

  get expecting(): string {
    return this.state.name;
  }

  get done(): boolean {
    return this.state.name === 'done';
  }

  /** Sends the ClientHello (section 5.6.1.2). */
  start(): void {
    const { options } = this.host;
    const random = helloRandom(this.host);
    const suites = options.suites.map((s) => s.id);
    const extensions: Extension[] = [];
    const previous = this.host.previous;
    if (previous?.secureRenegotiation) {
      // RFC 5746 3.5: a secure renegotiation carries our previous Finished hash, and no SCSV.
      extensions.push(renegotiationInfo(previous.clientVerifyData));
    } else if (options.offerScsv !== false) {
      // The SCSV tells a server we would do secure renegotiation (RFC 5746 3.4); servers that do
      // not know it ignore an unknown suite, as section 5.6.1.2 requires.
      suites.push(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    }
    if (previous && !previous.secureRenegotiation) this.host.trace('legacy renegotiation: the server did not negotiate RFC 5746 renegotiation_info');
    const sessionId = options.session?.id ?? new Uint8Array(0);
    this.state = { name: 'server_hello', clientRandom: random };
    this.send(
      HandshakeType.client_hello,
      encodeClientHello({ version: SSL3_VERSION, random, sessionId, cipherSuites: suites, compressionMethods: Uint8Array.of(0), extensions }),
    );
  }

  /** The one entry point: each state takes the one input legal in it, anything else is unexpected_message. */
  handle(input: HandshakeInput): boolean {
    const s = this.state;
    if (input.kind === 'warning_alert') return false; // a client expects no warning in its handshake
    if (input.kind === 'v2_client_hello') throw unexpected(s.name, 'an SSLv2 ClientHello');
    if (input.kind === 'change_cipher_spec') {
      if (s.name !== 'change_cipher_spec') throw unexpected(expectedIn(s), 'ChangeCipherSpec');
      this.state = { name: 'finished', k: s.k };
      return true;
    }
    const msg = input.message;
    switch (s.name) {
      case 'server_hello':
        if (msg.type !== HandshakeType.server_hello) throw unexpected('ServerHello', handshakeTypeName(msg.type));
        this.transcript.update(msg.raw);
        this.onServerHello(s.clientRandom, decodeServerHello(msg.body));
        return true;
      case 'certificate':
        if (msg.type !== HandshakeType.certificate) throw unexpected('Certificate', handshakeTypeName(msg.type));
        this.transcript.update(msg.raw);
        this.onCertificate(s.h, decodeCertificate(msg.body));
        return true;
      case 'certificate_request_or_done':
        if (msg.type === HandshakeType.certificate_request) {
          this.transcript.update(msg.raw);
          const req = decodeCertificateRequest(msg.body);
          this.host.trace(`server requests a client certificate (${req.authorities.length} CA names)`);
          this.state = { name: 'server_hello_done', c: s.c };
          return true;
        }
        // ServerKeyExchange only exists for export and DH suites, which we never offer.
        if (msg.type !== HandshakeType.server_hello_done) throw unexpected('CertificateRequest or ServerHelloDone', handshakeTypeName(msg.type));
        this.transcript.update(msg.raw);
        this.onServerHelloDone(s.c, msg.body, false);
        return true;
      case 'server_hello_done':
        if (msg.type !== HandshakeType.server_hello_done) throw unexpected('ServerHelloDone', handshakeTypeName(msg.type));
        this.transcript.update(msg.raw);
        this.onServerHelloDone(s.c, msg.body, true);
        return true;
      case 'finished':
        if (msg.type !== HandshakeType.finished) throw unexpected('Finished', handshakeTypeName(msg.type));
        this.onFinished(s.k, msg);
        return true;
      case 'change_cipher_spec':
      case 'waiting':
      case 'done':
        throw unexpected(expectedIn(s), handshakeTypeName(msg.type));
      default:
        return assertNever(s);
    }
  }

  /** Encodes a message of ours, adds it to the transcript, and sends it. */
  private send(type: number, body: Uint8Array): void {
    const raw = encodeHandshake(type, body);
    this.transcript.update(raw);
    this.host.sendHandshake(raw);
  }

  private onServerHello(clientRandom: Uint8Array, server: ServerHello): void {
    const { options } = this.host;
    if (server.version !== SSL3_VERSION) {
      throw new SslAlertError('PROTOCOL_VERSION', `server chose version ${server.version >> 8}.${server.version & 0xff}; only SSL 3.0 is offered`);
    }
    const suite = options.suites.find((x) => x.id === server.cipherSuite);
    if (!suite) throw new SslAlertError('BAD_SERVER_HELLO', `server chose cipher suite 0x${server.cipherSuite.toString(16).padStart(4, '0')}, which was not offered`);
    if (server.compressionMethod !== 0) throw new SslAlertError('BAD_SERVER_HELLO', `server chose compression method ${server.compressionMethod}`);
    const h: Hello = { clientRandom, server, suite, secureRenegotiation: this.checkRenegotiationInfo(server) };
    const offered = options.session;
    if (offered && server.sessionId.length > 0 && bytesEqual(server.sessionId, offered.id)) {
      if (offered.cipherSuite !== suite.id) throw new SslAlertError('BAD_SERVER_HELLO', 'server resumed the session with a different cipher suite');
      this.host.trace(`server resumes session ${toHex(offered.id)}`);
      this.host.setPendingKeys(suite, offered.masterSecret, clientRandom, server.random);
      const chain = offered.peerCertificates;
      const resume = (verdict?: PeerVerdict) => {
        this.state = { name: 'change_cipher_spec', k: { ...h, master: offered.masterSecret, chain, verdict, resumed: true } };
      };
      // The session's chain is judged again under this connection's settings (its trust anchors,
      // name and CRLs may not be those of the connection that made the session), as node:tls
      // checks the name again on a resumption; the server's CCS and Finished wait meanwhile.
      const verify = options.verifyPeer;
      if (!verify || chain.length === 0) return resume(offered.peerVerdict);
      this.state = { name: 'waiting', step: "the verdict on the resumed session's server certificate" };
      afterStep(this.host, verify(chain), (verdict) => resume(accepted(verdict)));
      return;
    }
    this.state = { name: 'certificate', h };
  }

  /**
   * RFC 5746 3.4 (first handshake) and 3.5 (renegotiation): the ServerHello's
   * renegotiation_info. Returns whether this handshake is secure in its sense.
   */
  private checkRenegotiationInfo(server: ServerHello): boolean {
    const info = findRenegotiationInfo(server.extensions);
    const previous = this.host.previous;
    if (!previous) {
      if (info === undefined) return false;
      if (info.length !== 0) throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'renegotiation_info in the first ServerHello is not empty');
      return true;
    }
    if (!previous.secureRenegotiation) {
      if (info !== undefined) throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'server sent renegotiation_info in a renegotiation of a connection that did not negotiate it');
      return false;
    }
    if (info === undefined) throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'server omitted renegotiation_info in a secure renegotiation');
    if (!ctBytesEqual(info, concatBytes(previous.clientVerifyData, previous.serverVerifyData))) {
      throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'renegotiation_info does not match the previous Finished messages');
    }
    return true;
  }

  private onCertificate(h: Hello, chain: Uint8Array[]): void {
    if (chain.length === 0) throw new SslAlertError('BAD_CERTIFICATE', 'server sent an empty certificate list');
    const leaf = parsePeerCertificate(chain[0], 'server');
    // Section 5.6.7.1: the key must hold a PKCS #1 block around the 48-byte premaster secret.
    const serverKey = usablePeerRsaKey(leaf.publicKey.rsa, PREMASTER_LENGTH + 11, 'server');
    const verify = this.host.options.verifyPeer;
    if (!verify) {
      this.state = { name: 'certificate_request_or_done', c: { ...h, chain, serverKey } };
      return;
    }
    this.state = { name: 'waiting', step: 'the verdict on the server certificate' };
    afterStep(this.host, verify(chain), (verdict) => {
      this.state = { name: 'certificate_request_or_done', c: { ...h, chain, serverKey, verdict: accepted(verdict) } };
    });
  }

  private onServerHelloDone(c: Certified, body: Uint8Array, certificateRequested: boolean): void {
    expectEmpty(body, 'ServerHelloDone');
    const { options } = this.host;
    const signing = certificateRequested && !!(options.certificateChain?.length && options.privateKey);
    // Section 5.6.6 / 5.4.2: without a certificate an SSL 3.0 client sends a no_certificate warning.
    if (certificateRequested && !signing) this.host.sendWarningAlert('no_certificate');
    const certificate = signing ? encodeHandshake(HandshakeType.certificate, encodeCertificate(options.certificateChain!)) : undefined;
    if (certificate) this.transcript.update(certificate);
    // Section 5.6.7.1: client_version, then 46 random bytes.
    const premaster = this.host.random(48);
    premaster[0] = SSL3_VERSION >> 8;
    premaster[1] = SSL3_VERSION & 0xff;
    const keyExchange = encodeHandshake(HandshakeType.client_key_exchange, rsaEncryptPkcs1(c.serverKey, premaster, this.host.random));
    this.transcript.update(keyExchange);
    const master = masterSecret(premaster, c.clientRandom, c.server.random);
    this.host.setPendingKeys(c.suite, master, c.clientRandom, c.server.random);
    if (!certificate) {
      this.host.sendHandshake(keyExchange);
      return this.finishFlight(c, master);
    }
    // Section 5.6.8: CertificateVerify signs the hash of the messages before it. The signature
    // may be made elsewhere (private-key.ts): the flight waits for it, to leave in one piece.
    const hash = this.transcript.certificateVerify(master);
    const key = options.privateKey!;
    const operations = options.privateKeyOperations ?? localPrivateKey(key, this.host.random);
    this.state = { name: 'waiting', step: 'the RSA private-key operation' };
    afterStep(this.host, operations.sign(emsaPkcs1v15Encode('md5-sha1', hash, modulusBytes(key))), (signature) => {
      this.host.sendHandshake(certificate);
      this.host.sendHandshake(keyExchange);
      this.send(HandshakeType.certificate_verify, encodeCertificateVerify(signature));
      this.finishFlight(c, master);
    });
  }

  /** The end of the client's flight: ChangeCipherSpec and Finished. */
  private finishFlight(c: Certified, master: Uint8Array): void {
    this.host.sendChangeCipherSpec();
    const clientVerifyData = this.transcript.finished(master, 'client');
    this.send(HandshakeType.finished, clientVerifyData);
    this.state = { name: 'change_cipher_spec', k: { ...c, master, resumed: false, clientVerifyData } };
  }

  private onFinished(k: Keyed, msg: HandshakeMessage): void {
    // A resumption's client Finished follows the server's; a full handshake's went first.
    const { peerVerifyData: serverVerifyData, ourVerifyData: clientVerifyData } = exchangeFinished(
      this.host, this.transcript, (t, b) => this.send(t, b), k.master, 'server', msg, k.clientVerifyData);
    const session: Session = k.resumed
      ? this.host.options.session!
      : { id: k.server.sessionId, masterSecret: k.master, cipherSuite: k.suite.id, peerCertificates: k.chain, peerVerdict: k.verdict, createdAt: this.host.now() };
    this.state = { name: 'done' };
    this.host.complete({
      suite: k.suite,
      session,
      resumed: k.resumed,
      clientRandom: k.clientRandom,
      serverRandom: k.server.random,
      clientVersion: SSL3_VERSION,
      secureRenegotiation: k.secureRenegotiation,
      peerVerdict: k.verdict,
      clientVerifyData,
      serverVerifyData,
    });
  }
}

/** The verdict, if it lets the handshake go on (verified, or accepted unverified by the settings). */
function accepted(verdict: PeerVerdict): PeerVerdict {
  if (!verdict.ok && !verdict.accepted) throw new SslAlertError(verdict.kind, `server certificate rejected: ${verdict.reason}`);
  return verdict;
}

/** What a state expects, for the unexpected_message of anything else. */
function expectedIn(s: State): string {
  switch (s.name) {
    case 'server_hello':
      return 'ServerHello';
    case 'certificate':
      return 'Certificate';
    case 'certificate_request_or_done':
      return 'CertificateRequest or ServerHelloDone';
    case 'server_hello_done':
      return 'ServerHelloDone';
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
