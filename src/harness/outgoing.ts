/**
 * The handshake messages a scripted peer sends (RFC 6101 5.6), each encoded by the engine's
 * codecs from the values a correct peer would use at this point of the conversation, with
 * every field a step gives taken in their place: hellos (5.6.1.2, 5.6.1.3, RFC 5746's
 * renegotiation_info), certificates (5.6.2, 5.6.4), the RSA key exchange (5.6.7.1, with the
 * malformed PKCS #1 blocks of Bleichenbacher's attack), CertificateVerify (5.6.8) and Finished
 * (5.6.9) over this side's transcript.
 */
import { CIPHER_SUITES, DEFAULT_SUITES, suiteById, suiteByName, type CipherSuite } from '../ciphers/suites.js';
import { modulusBytes } from '../pki/rsa-key.js';
import { i2osp, os2ip, rsaEncryptPkcs1, rsaPublic, rsaSignPkcs1 } from '../pki/rsa.js';
import { SSL3_VERSION } from '../record/content-types.js';
import {
  ClientCertificateType,
  HandshakeType,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeClientHello,
  encodeServerHello,
  renegotiationInfo,
  type Extension,
} from '../handshake/messages.js';
import { bytesEqual, concatBytes, toHex } from '../util/bytes.js';
import { Writer } from '../util/codec.js';
import type { PeerState } from './peer-state.js';
import type { Session } from '../handshake/session.js';
import { HarnessError, bytesOf } from './records.js';
import type { MessageSend, Pkcs1Fault, SuiteRef } from './steps.js';

/** A suite reference as its 16-bit id; names go through the suite table. */
export function suiteId(ref: SuiteRef): number {
  if (typeof ref === 'number') return ref;
  try {
    return suiteByName(ref).id;
  } catch (e) {
    throw new HarnessError((e as Error).message);
  }
}

/** The suites a conversation offers or chooses from, in order. */
export function conversationSuites(refs: readonly SuiteRef[] | undefined): CipherSuite[] {
  if (!refs) return [...DEFAULT_SUITES];
  return refs.map((r) => {
    const s = suiteById(suiteId(r));
    if (!s) throw new HarnessError(`suite ${typeof r === 'number' ? `0x${r.toString(16)}` : r} is not one the harness can run`);
    return s;
  });
}

/** A message ready to go: its type and body, and what sending it tells the peer state (PeerState.sent). */
export interface Outgoing {
  readonly type: number;
  readonly body: Uint8Array;
  /** The pre_master_secret this side's keys come from (a ClientKeyExchange). */
  readonly premaster?: Uint8Array;
  /** The session a ServerHello resumes. */
  readonly resumeWith?: Session;
}

/** Random with gmt_unix_time first (5.6.1.2). */
function helloRandom(state: PeerState): Uint8Array {
  const r = state.random(32);
  const t = Math.floor(state.now() / 1000);
  r.set([t >>> 24, (t >>> 16) & 0xff, (t >>> 8) & 0xff, t & 0xff]);
  return r;
}

function extensionsOf(list: readonly { type: number; data: Uint8Array | string }[] | undefined): Extension[] {
  return (list ?? []).map((e) => ({ type: e.type, data: bytesOf(e.data) }));
}

/** Builds one message of a send step (its fields, else a correct peer's values). */
export function buildMessage(state: PeerState, step: MessageSend): Outgoing {
  switch (step.send) {
    case 'client_hello': {
      const renegotiating = !!state.previous && !state.inHandshake;
      const info = step.renegotiationInfo ?? 'auto';
      const extensions = extensionsOf(step.extensions);
      if (info === 'auto' ? renegotiating && state.previous!.secureRenegotiation : info !== 'none') {
        extensions.push(renegotiationInfo(info === 'auto' ? state.previous!.clientVerifyData : bytesOf(info)));
      }
      const suites = (step.suites ?? state.suites.map((s) => s.id)).map(suiteId);
      const hasInfo = extensions.some((e) => e.type === renegotiationInfo(new Uint8Array(0)).type);
      if (step.scsv ?? (!renegotiating && !hasInfo)) suites.push(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
      const body = encodeClientHello({
        version: step.version ?? SSL3_VERSION,
        random: step.random !== undefined ? bytesOf(step.random) : helloRandom(state),
        sessionId: step.sessionId !== undefined ? bytesOf(step.sessionId) : (state.offered?.id ?? new Uint8Array(0)),
        cipherSuites: suites,
        compressionMethods: Uint8Array.from(step.compression ?? [0]),
        extensions,
      });
      return { type: HandshakeType.client_hello, body };
    }
    case 'server_hello':
      return serverHello(state, step);
    case 'certificate': {
      const chain = step.certificates ? step.certificates.map(bytesOf) : (state.identity?.chain ?? []);
      return { type: HandshakeType.certificate, body: encodeCertificate(chain) };
    }
    case 'certificate_request':
      return {
        type: HandshakeType.certificate_request,
        body: encodeCertificateRequest({
          certificateTypes: Uint8Array.from(step.types ?? [ClientCertificateType.rsa_sign]),
          authorities: (step.authorities ?? []).map(bytesOf),
        })
      };
    case 'client_key_exchange':
      return clientKeyExchange(state, step);
    case 'certificate_verify': {
      let signature: Uint8Array;
      if (step.signature !== undefined) signature = bytesOf(step.signature);
      else {
        if (!state.identity) throw new HarnessError('certificate_verify needs this side to have a key (RunOptions.identity)');
        if (!state.master) throw new HarnessError('certificate_verify needs the master secret: send client_key_exchange first');
        signature = rsaSignPkcs1(state.identity.key, 'md5-sha1', state.transcript.certificateVerify(state.master), state.random);
      }
      return { type: HandshakeType.certificate_verify, body: encodeCertificateVerify(signature) };
    }
    case 'finished': {
      const body = step.verifyData !== undefined ? bytesOf(step.verifyData) : state.master ? state.transcript.finished(state.master, state.role) : new Uint8Array(36);
      return { type: HandshakeType.finished, body };
    }
    case 'server_hello_done':
    case 'hello_request':
      return { type: HandshakeType[step.send], body: new Uint8Array(0) };
    case 'server_key_exchange':
      if (step.body === undefined) throw new HarnessError('server_key_exchange has no default (SSL 3.0 RSA suites never send one): give its body');
      return { type: HandshakeType.server_key_exchange, body: new Uint8Array(0) };
  }
}

function serverHello(state: PeerState, step: Extract<MessageSend, { send: 'server_hello' }>): Outgoing {
  const hello = state.clientHello;
  const offered = state.offered;
  const resume = (step.resume ?? true) && !!offered && !!hello && hello.sessionId.length > 0 && bytesEqual(hello.sessionId, offered.id);
  let suite: number;
  if (step.suite === 'unoffered') {
    const other = CIPHER_SUITES.find((s) => !hello?.cipherSuites.includes(s.id));
    if (!other) throw new HarnessError('the client offered every suite the harness knows: none is left unoffered');
    suite = other.id;
  } else if (step.suite !== undefined) suite = suiteId(step.suite);
  else if (resume) suite = offered.cipherSuite;
  else {
    const mine = state.suites.find((s) => !hello || hello.cipherSuites.includes(s.id));
    if (!mine) throw new HarnessError(`no suite in common: the client offered ${hello!.cipherSuites.map((s) => suiteById(s)?.iosKeyword ?? `0x${s.toString(16)}`).join(', ')}`);
    suite = mine.id;
  }
  const extensions = extensionsOf(step.extensions);
  const info = step.renegotiationInfo ?? 'auto';
  if (info === 'auto') {
    const signalled = !!hello && (hello.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV) || hello.extensions.some((e) => e.type === renegotiationInfo(new Uint8Array(0)).type));
    // RFC 5746 3.6: answer a client that signalled; on a renegotiation only if the first was secure.
    if (signalled && (!state.previous || state.previous.secureRenegotiation)) extensions.push(renegotiationInfo(state.expectedServerRenegotiationInfo()));
  } else if (info !== 'none') extensions.push(renegotiationInfo(bytesOf(info)));
  const body = encodeServerHello({
    version: step.version === 'above-offered' ? state.clientVersion + 1 : (step.version ?? SSL3_VERSION),
    random: step.random !== undefined ? bytesOf(step.random) : helloRandom(state),
    sessionId: step.sessionId !== undefined ? bytesOf(step.sessionId) : resume ? offered.id : state.random(32),
    cipherSuite: suite,
    compressionMethod: step.compression ?? 0,
    extensions,
  });
  return { type: HandshakeType.server_hello, body, resumeWith: resume ? offered : undefined };
}

function clientKeyExchange(state: PeerState, step: Extract<MessageSend, { send: 'client_key_exchange' }>): Outgoing {
  const version = state.clientVersion;
  const premaster = step.premaster !== undefined ? bytesOf(step.premaster) : concatBytes(Uint8Array.of(version >> 8, version & 0xff), state.random(46));
  let encrypted: Uint8Array;
  if (step.encrypted !== undefined) encrypted = bytesOf(step.encrypted);
  else {
    const key = state.serverKey;
    if (!key) throw new HarnessError('client_key_exchange needs the server certificate key: expect certificate first, or give `encrypted`');
    encrypted = step.pkcs1 ? malformedPremaster(state, step.pkcs1, premaster) : rsaEncryptPkcs1(key, premaster, state.random);
  }
  const body = step.tlsLength ? new Writer().vectorBytes(2, encrypted).finish() : encrypted;
  return { type: HandshakeType.client_key_exchange, body, premaster };
}

/**
 * An RSA block around the premaster (RFC 8017 7.2.1's EM = 00 02 PS 00 M) with one fault, so
 * a server's reaction to each can be compared (Bleichenbacher 1998; Klima-Pokorny-Rosa 2003
 * for the version; ROBOT's variants, 2017). A server with the countermeasure continues with a
 * random premaster in every case, so all end alike.
 */
export function malformedPremaster(state: PeerState, fault: Pkcs1Fault, premaster: Uint8Array): Uint8Array {
  const key = state.serverKey!;
  const k = modulusBytes(key);
  let message = premaster;
  if (fault === 'other-premaster') message = concatBytes(premaster.subarray(0, 2), state.random(46));
  if (fault === 'wrong-version') message = concatBytes(Uint8Array.of(2, 2), premaster.subarray(2));
  if (fault === 'short-premaster') message = premaster.subarray(0, 47);
  const em = new Uint8Array(k);
  em.set(fault === 'wrong-prefix' ? [0x41, 0x17] : [0x00, 0x02]);
  const ps = em.subarray(2, k - message.length - 1);
  for (let i = 0; i < ps.length; i++) {
    let b = 0;
    while (b === 0) b = state.random(1)[0];
    ps[i] = b;
  }
  em.set(message, k - message.length);
  if (fault === 'no-separator') em[k - message.length - 1] = 0x01;
  if (fault === 'separator-early') em[10] = 0x00;
  state.note(`PKCS #1 block with fault ${fault}: ${toHex(em.subarray(0, 4))}...`);
  return i2osp(rsaPublic(key, os2ip(em)), k);
}
