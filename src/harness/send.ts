/**
 * A send step as bytes on the wire: handshake messages (RFC 6101 5.6) hashed and cut into
 * records as the step says, ChangeCipherSpec (5.3) switching this side's writes to the
 * pending keys, alerts (5.4), application data (5.5), any record, an SSL 2.0-format
 * ClientHello (Appendix E), raw bytes. Every record is traced as it is sealed.
 */
import { AlertLevel, ALERTS, alertName } from '../record/alerts.js';
import { ContentType, SSL3_VERSION } from '../record/content-types.js';
import { HandshakeType, handshakeTypeName } from '../handshake/messages.js';
import type { TraceEvent } from '../connection/connection.js';
import { concatBytes, utf8Bytes } from '../util/bytes.js';
import type { PeerState } from './peer-state.js';
import { buildMessage, suiteId } from './outgoing.js';
import { HarnessError, bytesOf, contentTypeOf, pieces, sealRecord } from './records.js';
import type { Delivery, MessageSend, RecordShape, SendStep } from './steps.js';

type Trace = (e: TraceEvent) => void;

/** The bytes of one send step (empty for 'end', which the runner carries out on the transport). */
export function encodeSend(state: PeerState, step: SendStep, trace: Trace): Uint8Array {
  switch (step.send) {
    case 'messages':
      return handshakeRecords(state, step.messages, step, trace);
    case 'change_cipher_spec': {
      const record = traced(state, ContentType.change_cipher_spec, step.body !== undefined ? bytesOf(step.body) : Uint8Array.of(1), step.record, trace);
      state.sentChangeCipherSpec(step.keys ?? true);
      return record;
    }
    case 'alert': {
      const description = typeof step.alert === 'number' ? step.alert : ALERTS[step.alert];
      if (description === undefined) throw new HarnessError(`unknown alert '${String(step.alert)}'`);
      const quiet = description === ALERTS.close_notify || description === ALERTS.no_certificate;
      const level = typeof step.level === 'number' ? step.level : AlertLevel[step.level ?? (quiet ? 'warning' : 'fatal')];
      trace({ kind: 'note', text: `sending ${level === AlertLevel.warning ? 'warning' : level === AlertLevel.fatal ? 'fatal' : `level-${level}`} alert ${alertName(description)}` });
      return traced(state, ContentType.alert, Uint8Array.of(level, description), step.record, trace);
    }
    case 'record':
      return traced(state, contentTypeOf(step.type), step.fragment !== undefined ? bytesOf(step.fragment) : new Uint8Array(0), step.record, trace);
    case 'application_data': {
      const data = typeof step.data === 'string' ? utf8Bytes(step.data) : step.data;
      return concatBytes(...pieces(data, step.split).map((p) => traced(state, ContentType.application_data, p, step.record, trace)));
    }
    case 'sslv2_client_hello':
      return v2ClientHello(state, step, trace);
    case 'raw':
      return bytesOf(step.bytes);
    case 'end':
      return new Uint8Array(0);
    default:
      return handshakeRecords(state, [step], step, trace);
  }
}

/** One record, traced with its plaintext length. */
function traced(state: PeerState, type: number, fragment: Uint8Array, shape: RecordShape | undefined, trace: Trace): Uint8Array {
  const encrypted = state.write.active && !shape?.clear;
  const record = sealRecord(state, type, fragment, shape, (text) => trace({ kind: 'note', text: `this record: ${text}` }));
  trace({ kind: 'record', direction: 'out', type, length: fragment.length, encrypted });
  return record;
}

/**
 * Handshake messages, each built, hashed and told to the peer state in order (a later one may
 * need what an earlier one set: the Finished after the key exchange), then cut into records:
 * one record for all, or pieces at `split`, with `between` records after the first piece.
 */
function handshakeRecords(state: PeerState, messages: readonly MessageSend[], delivery: Delivery, trace: Trace): Uint8Array {
  const raws = messages.map((m) => {
    const out = buildMessage(state, m);
    const body = m.body !== undefined ? bytesOf(m.body) : out.body;
    const type = m.type ?? out.type;
    const length = m.length ?? body.length;
    if (length > 0xffffff) throw new HarnessError(`a handshake length of ${length} does not fit 24 bits`);
    const raw = concatBytes(Uint8Array.of(type, length >> 16, (length >> 8) & 0xff, length & 0xff), body);
    state.sent(out.type, body, raw, m.transcript ?? out.type !== HandshakeType.hello_request, out);
    trace({ kind: 'handshake', direction: 'out', type, name: handshakeTypeName(type), length: body.length, body });
    return raw;
  });
  const [first, ...rest] = pieces(concatBytes(...raws), delivery.split);
  const records = [traced(state, ContentType.handshake, first, delivery.record, trace)];
  for (const b of delivery.between ?? []) records.push(encodeSend(state, b, trace));
  for (const p of rest) records.push(traced(state, ContentType.handshake, p, delivery.record, trace));
  return concatBytes(...records);
}

/**
 * RFC 6101 Appendix E (the layout in RFC 5246 E.2): msg_type 1, version, the lengths of the
 * cipher specs, session ID and challenge, then those; the challenge becomes the right-aligned
 * client random, and the hashes cover the message from msg_type on.
 */
function v2ClientHello(state: PeerState, step: Extract<SendStep, { send: 'sslv2_client_hello' }>, trace: Trace): Uint8Array {
  const specs = step.specs ?? (step.suites ?? state.suites.map((s) => s.id)).map(suiteId);
  const challenge = step.challenge !== undefined ? bytesOf(step.challenge) : state.random(16);
  const sessionId = step.sessionId !== undefined ? bytesOf(step.sessionId) : new Uint8Array(0);
  const body = new Uint8Array(9 + specs.length * 3 + sessionId.length + challenge.length);
  const v = new DataView(body.buffer);
  body[0] = 1; // CLIENT-HELLO
  v.setUint16(1, step.version ?? SSL3_VERSION);
  v.setUint16(3, specs.length * 3);
  v.setUint16(5, sessionId.length);
  v.setUint16(7, challenge.length);
  specs.forEach((s, i) => body.set([(s >> 16) & 0xff, (s >> 8) & 0xff, s & 0xff], 9 + 3 * i));
  body.set(sessionId, 9 + specs.length * 3);
  body.set(challenge, 9 + specs.length * 3 + sessionId.length);
  if (body.length > 0x7fff) throw new HarnessError(`an SSLv2 ClientHello of ${body.length} bytes does not fit its 15-bit length`);
  state.onClientHello(body, true);
  state.hash(body);
  trace({ kind: 'handshake', direction: 'out', type: HandshakeType.client_hello, name: 'client_hello (SSLv2 format)', length: body.length, body });
  return concatBytes(Uint8Array.of(0x80 | (body.length >> 8), body.length & 0xff), body);
}
