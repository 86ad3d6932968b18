/**
 * The server side of the SSL 3.0 handshake, RFC 6101 section 5.6 (message flow in 5.5,
 * figures 1 and 2). Each state names the one message it accepts; anything else is an
 * unexpected_message (STYLE.md, after rustls). Reads top to bottom like the RFC.
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
import { rsaDecryptPremaster, rsaVerifyPkcs1 } from '../pki/rsa.js';
import { modulusBytes } from '../pki/rsa-key.js';
import { ctBytesEqual } from '../util/ct.js';
import { SslAlertError, ALERTS } from '../record/alerts.js';
import { SSL3_VERSION } from '../record/content-types.js';
import type { HandshakeHost } from './context.js';
import { afterStep, assertNever, helloRandom, unexpected } from './state-helpers.js';
import {
  ClientCertificateType,
  HandshakeType,
  decodeCertificate,
  decodeCertificateVerify,
  decodeClientHello,
  decodeFinished,
  decodeRsaClientKeyExchange,
  decodeV2ClientHello,
  encodeCertificate,
  encodeCertificateRequest,
  encodeServerHello,
  findRenegotiationInfo,
  handshakeTypeName,
  renegotiationInfo,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  type ClientHello,
  type HandshakeMessage,
} from './messages.js';
import { masterSecret } from './ssl3-prf.js';
import { parsePeerCertificate, usablePeerRsaKey } from './peer-key.js';
import type { Session } from './session.js';
import { concatBytes, toHex } from '../util/bytes.js';

interface Negotiated {
  readonly hello: ClientHello;
  readonly suite: CipherSuite;
  readonly serverRandom: Uint8Array;
  readonly sessionId: Uint8Array;
}

interface Keyed extends Negotiated {
  readonly master: Uint8Array;
  readonly peerChain: readonly Uint8Array[];
}

type State =
  | { readonly name: 'client_hello' }
  | { readonly name: 'client_certificate'; readonly n: Negotiated }
  /** An asynchronous step runs (HandshakeHost.waitFor); the connection delivers nothing meanwhile. */
  | { readonly name: 'waiting'; readonly step: string }
  | { readonly name: 'client_key_exchange'; readonly n: Negotiated; readonly peerChain: readonly Uint8Array[] }
  | { readonly name: 'certificate_verify'; readonly k: Keyed }
  | { readonly name: 'change_cipher_spec'; readonly k: Keyed; readonly resumed: boolean }
  | { readonly name: 'finished'; readonly k: Keyed; readonly resumed: boolean }
  | { readonly name: 'done' };


export class ServerHandshake {
  private state: State = { name: 'client_hello' };
  /** RFC 5746: whether this handshake negotiated renegotiation_info, and our Finished hash. */
  private secureRenegotiation = false;
  private serverVerifyData: Uint8Array = new Uint8Array(0);

  constructor(private readonly host: HandshakeHost) {}

  get expecting(): string {
    return this.state.name;
  }

  get done(): boolean {
    return this.state.name === 'done';
  }

  /** An SSLv2-format ClientHello (only ever the first message of a connection). */
  onV2ClientHello(message: Uint8Array): void {
    if (this.state.name !== 'client_hello') throw unexpected(this.state.name, 'an SSLv2 ClientHello');
    this.host.transcript.update(message);
    this.onClientHello(decodeV2ClientHello(message), true);
  }

  onMessage(msg: HandshakeMessage): void {
    const s = this.state;
    switch (s.name) {
      case 'client_hello':
        if (msg.type !== HandshakeType.client_hello) throw unexpected('ClientHello', handshakeTypeName(msg.type));
        this.host.transcript.update(msg.raw);
        return this.onClientHello(decodeClientHello(msg.body), false);
      case 'client_certificate':
        if (msg.type !== HandshakeType.certificate) {
          // A client that ignores our request and goes straight to the key exchange.
          if (msg.type === HandshakeType.client_key_exchange) return this.noClientCertificate(s.n, msg);
          throw unexpected('Certificate', handshakeTypeName(msg.type));
        }
        this.host.transcript.update(msg.raw);
        return this.onClientCertificate(s.n, decodeCertificate(msg.body));
      case 'client_key_exchange':
        if (msg.type !== HandshakeType.client_key_exchange) throw unexpected('ClientKeyExchange', handshakeTypeName(msg.type));
        this.host.transcript.update(msg.raw);
        return this.onClientKeyExchange(s.n, s.peerChain, this.encryptedPremaster(s.n, msg.body));
      case 'certificate_verify':
        if (msg.type !== HandshakeType.certificate_verify) throw unexpected('CertificateVerify', handshakeTypeName(msg.type));
        return this.onCertificateVerify(s.k, msg);
      case 'finished':
        if (msg.type !== HandshakeType.finished) throw unexpected('Finished', handshakeTypeName(msg.type));
        return this.onFinished(s.k, s.resumed, msg);
      case 'change_cipher_spec':
        throw unexpected('ChangeCipherSpec', handshakeTypeName(msg.type));
      case 'waiting':
        throw unexpected(`no message while waiting for ${s.step}`, handshakeTypeName(msg.type));
      case 'done':
        throw unexpected('no handshake message', handshakeTypeName(msg.type));
      default:
        return assertNever(s);
    }
  }

  onChangeCipherSpec(): void {
    const s = this.state;
    if (s.name !== 'change_cipher_spec') throw unexpected(s.name, 'ChangeCipherSpec');
    this.state = { name: 'finished', k: s.k, resumed: s.resumed };
  }

  /** SSL 3.0's no_certificate warning (section 5.4.2) in place of the client's Certificate. */
  onWarningAlert(description: number): boolean {
    const s = this.state;
    if (description !== ALERTS.no_certificate || s.name !== 'client_certificate') return false;
    if (this.host.options.requireCert) {
      throw new SslAlertError('CERTIFICATE_REQUIRED', 'client sent no_certificate but a client certificate is required');
    }
    this.host.trace('client has no certificate (no_certificate alert)');
    this.state = { name: 'client_key_exchange', n: s.n, peerChain: [] };
    return true;
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
    this.checkRenegotiationInfo(hello);
    const offered = new Set(hello.cipherSuites);

    const cached = v2 ? undefined : this.resumable(hello, offered);
    if (cached) return this.resume(hello, cached);

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
    };
    this.sendServerHello(n);
    this.host.sendHandshake(HandshakeType.certificate, encodeCertificate(options.certificateChain));
    const request = options.requestCert || options.requireCert;
    if (request) {
      this.host.sendHandshake(
        HandshakeType.certificate_request,
        encodeCertificateRequest({
          certificateTypes: Uint8Array.of(ClientCertificateType.rsa_sign),
          authorities: options.certificateAuthorities ?? [],
        }),
      );
    }
    this.host.sendHandshake(HandshakeType.server_hello_done, new Uint8Array(0));
    this.state = request ? { name: 'client_certificate', n } : { name: 'client_key_exchange', n, peerChain: [] };
  }

  /** RFC 5746 3.6 (first handshake) and 3.7 (renegotiation): the ClientHello's SCSV and renegotiation_info. */
  private checkRenegotiationInfo(hello: ClientHello): void {
    const info = findRenegotiationInfo(hello.extensions);
    const scsv = hello.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    const previous = this.host.previous;
    if (!previous) {
      if (info !== undefined && info.length !== 0) throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'renegotiation_info in the first ClientHello is not empty');
      this.secureRenegotiation = scsv || info !== undefined;
      return;
    }
    if (!previous.secureRenegotiation) {
      throw new SslAlertError('RENEGOTIATION_REFUSED', 'insecure renegotiation refused: the connection did not negotiate RFC 5746 renegotiation_info');
    }
    if (scsv) throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'renegotiation ClientHello lists the renegotiation SCSV');
    if (info === undefined) throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'renegotiation ClientHello has no renegotiation_info');
    if (!ctBytesEqual(info, previous.clientVerifyData)) {
      throw new SslAlertError('BAD_RENEGOTIATION_INFO', 'renegotiation_info does not match the previous client Finished');
    }
    this.secureRenegotiation = true;
  }

  /** A cached session the client asks for, if its suite is still allowed and offered. */
  private resumable(hello: ClientHello, offered: Set<number>): Session | undefined {
    const { sessionCache, suites, requireCert } = this.host.options;
    const s = sessionCache?.get(hello.sessionId);
    if (!s || !offered.has(s.cipherSuite) || !suites.some((x) => x.id === s.cipherSuite)) return undefined;
    // A session made without a client certificate must not satisfy a server that now requires one.
    if (requireCert && s.peerCertificates.length === 0) return undefined;
    return s;
  }

  private resume(hello: ClientHello, session: Session): void {
    const suite = suiteById(session.cipherSuite)!;
    const n: Negotiated = { hello, suite, serverRandom: helloRandom(this.host), sessionId: session.id };
    this.host.trace(`resuming session ${toHex(session.id)}`);
    this.sendServerHello(n);
    const k: Keyed = { ...n, master: session.masterSecret, peerChain: session.peerCertificates };
    this.host.setPendingKeys(suite, k.master, hello.random, n.serverRandom);
    this.host.sendChangeCipherSpec();
    this.serverVerifyData = this.host.transcript.finished(k.master, 'server');
    this.host.sendHandshake(HandshakeType.finished, this.serverVerifyData);
    this.state = { name: 'change_cipher_spec', k, resumed: true };
  }

  private sendServerHello(n: Negotiated): void {
    this.host.sendHandshake(
      HandshakeType.server_hello,
      encodeServerHello({
        version: SSL3_VERSION,
        random: n.serverRandom,
        sessionId: n.sessionId,
        cipherSuite: n.suite.id,
        compressionMethod: 0,
        extensions: this.secureRenegotiation ? [renegotiationInfo(this.renegotiatedConnection())] : [],
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
    this.host.transcript.update(msg.raw);
    this.onClientKeyExchange(n, [], this.encryptedPremaster(n, msg.body));
  }

  private onClientCertificate(n: Negotiated, chain: Uint8Array[]): void {
    const { options } = this.host;
    if (chain.length === 0) {
      // TLS-style empty Certificate: treated like no_certificate.
      if (options.requireCert) throw new SslAlertError('CERTIFICATE_REQUIRED', 'client sent an empty certificate list but a certificate is required');
      this.state = { name: 'client_key_exchange', n, peerChain: chain };
      return;
    }
    const verdict = options.verifyPeer?.(chain) ?? { ok: true };
    this.state = { name: 'waiting', step: 'the verdict on the client certificate' };
    afterStep(this.host, verdict, (v) => {
      if (!v.ok) throw new SslAlertError(v.kind, `client certificate rejected: ${v.reason}`);
      this.state = { name: 'client_key_exchange', n, peerChain: chain };
    });
  }

  /** The RSA block of a ClientKeyExchange; see decodeRsaClientKeyExchange for the JSSE variant tolerated from clients that offered TLS. */
  private encryptedPremaster(n: Negotiated, body: Uint8Array): Uint8Array {
    const tlsClient = n.hello.version > SSL3_VERSION;
    const encrypted = decodeRsaClientKeyExchange(body, tlsClient ? modulusBytes(this.host.options.privateKey!) : undefined);
    if (encrypted.length !== body.length) this.host.trace('ClientKeyExchange carries a TLS-style length prefix (JSSE offering TLS); accepted');
    return encrypted;
  }

  private onClientKeyExchange(n: Negotiated, peerChain: readonly Uint8Array[], encrypted: Uint8Array): void {
    const { options } = this.host;
    // Section 5.6.7.1 and the Bleichenbacher countermeasure: whatever is wrong with the block
    // (padding, length, version), continue with a random premaster; the Finished check fails later.
    const premaster = rsaDecryptPremaster(options.privateKey!, encrypted, n.hello.version, this.host.random);
    const master = masterSecret(premaster, n.hello.random, n.serverRandom);
    this.host.setPendingKeys(n.suite, master, n.hello.random, n.serverRandom);
    const k: Keyed = { ...n, master, peerChain };
    this.state = peerChain.length ? { name: 'certificate_verify', k } : { name: 'change_cipher_spec', k, resumed: false };
  }

  private onCertificateVerify(k: Keyed, msg: HandshakeMessage): void {
    // Section 5.6.8: the hash covers the messages before this one.
    const expected = this.host.transcript.certificateVerify(k.master);
    this.host.transcript.update(msg.raw);
    const signature = decodeCertificateVerify(msg.body);
    const leaf = parsePeerCertificate(k.peerChain[0], 'client');
    // The key must hold a PKCS #1 block around the 36-byte MD5 + SHA-1 hash.
    const clientKey = usablePeerRsaKey(leaf.publicKey.rsa, 36 + 11, 'client');
    if (!rsaVerifyPkcs1(clientKey, 'md5-sha1', expected, signature)) {
      throw new SslAlertError('BAD_CERTIFICATE_VERIFY', 'client CertificateVerify signature is invalid');
    }
    this.state = { name: 'change_cipher_spec', k, resumed: false };
  }

  private onFinished(k: Keyed, resumed: boolean, msg: HandshakeMessage): void {
    const expected = this.host.transcript.finished(k.master, 'client');
    const got = decodeFinished(msg.body);
    if (!ctBytesEqual(expected, got)) throw new SslAlertError('BAD_FINISHED', 'client Finished does not verify (wrong keys or altered handshake)');
    this.host.transcript.update(msg.raw);
    if (!resumed) {
      this.host.sendChangeCipherSpec();
      this.serverVerifyData = this.host.transcript.finished(k.master, 'server');
      this.host.sendHandshake(HandshakeType.finished, this.serverVerifyData);
    }
    const session: Session = {
      id: k.sessionId,
      masterSecret: k.master,
      cipherSuite: k.suite.id,
      peerCertificates: k.peerChain,
      createdAt: this.host.now(),
    };
    if (!resumed) this.host.options.sessionCache?.set(session);
    this.state = { name: 'done' };
    this.host.complete({
      suite: k.suite,
      session,
      resumed,
      clientRandom: k.hello.random,
      serverRandom: k.serverRandom,
      clientVersion: k.hello.version,
      secureRenegotiation: this.secureRenegotiation,
      clientVerifyData: got,
      serverVerifyData: this.serverVerifyData,
    });
  }
}
