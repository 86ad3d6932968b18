/**
 * The peer's bytes as a scripted peer sees them: records framed by the engine's RecordReader
 * (RFC 6101 5.2.1, with the SSL 2.0-format ClientHello of Appendix E first when we are the
 * server), opened with this side's current read keys (5.2.3), handshake messages reassembled
 * across records by the engine's HandshakeReassembler (5.6), each turned into one Arrival
 * and handed to the peer state at once, in wire order, so the keys a ChangeCipherSpec switches
 * to are in place for the very next record.
 *
 * A record that cannot be read (not SSL, a MAC or padding that fails under our keys, an alert
 * of the wrong size) is one 'bad_record' arrival; nothing after it is read, since the stream
 * can no longer be trusted to be framed or keyed as we think.
 */
import { ALERTS, alertName } from '../record/alerts.js';
import { ContentType, contentTypeName } from '../record/content-types.js';
import { RecordReader } from '../record/record-framer.js';
import { HandshakeReassembler, HandshakeType, handshakeTypeName } from '../handshake/messages.js';
import type { TraceEvent } from '../connection/connection.js';
import { toHex } from '../util/bytes.js';
import type { PeerState } from './peer-state.js';

export type Arrival =
  | {
      readonly kind: 'handshake';
      readonly type: number;
      readonly name: string;
      readonly body: Uint8Array;
      /** Finished and CertificateVerify: whether it verified (undefined when it could not be checked). */
      readonly verified?: boolean;
      /** ServerHello: whether it resumed the session offered. */
      readonly resumed?: boolean;
      /** ServerHello: the renegotiation_info a correct server sends at this point (RFC 5746 3.6, 3.7). */
      readonly correctRenegotiationInfo?: Uint8Array;
    }
  | { readonly kind: 'sslv2_client_hello'; readonly body: Uint8Array }
  | { readonly kind: 'change_cipher_spec'; readonly body: Uint8Array }
  | { readonly kind: 'alert'; readonly level: number; readonly description: number; readonly name: string }
  | { readonly kind: 'application_data'; readonly data: Uint8Array }
  | { readonly kind: 'bad_record'; readonly reason: string }
  | { readonly kind: 'close'; readonly how: 'end' | 'reset' };

/** One line saying what arrived, for a failed step's report. */
export function describeArrival(a: Arrival | undefined): string {
  if (!a) return 'nothing';
  switch (a.kind) {
    case 'handshake':
      return `${a.name} (${a.body.length} bytes)${a.verified === false ? ' that does not verify' : ''}`;
    case 'sslv2_client_hello':
      return 'an SSLv2-format ClientHello';
    case 'change_cipher_spec':
      return a.body.length === 1 && a.body[0] === 1 ? 'change_cipher_spec' : `change_cipher_spec with body ${toHex(a.body)}`;
    case 'alert':
      return `${a.level === 1 ? 'warning' : a.level === 2 ? 'fatal' : `level-${a.level}`} alert ${a.name}${a.name in ALERTS ? '' : ' (not an SSL 3.0 alert)'}`;
    case 'application_data':
      return `application data (${a.data.length} bytes)`;
    case 'bad_record':
      return `a record we cannot read: ${a.reason}`;
    case 'close':
      return a.how === 'end' ? 'the connection closed' : 'the connection reset';
  }
}

export class Inbound {
  private readonly reader: RecordReader;
  private readonly reassembler = new HandshakeReassembler();
  private broken = false;

  constructor(
    private readonly state: PeerState,
    private readonly arrive: (a: Arrival) => void,
    private readonly trace: (e: TraceEvent) => void,
  ) {
    this.reader = new RecordReader({ acceptV2ClientHello: state.role === 'server' });
  }

  push(bytes: Uint8Array): void {
    if (this.broken) return;
    this.reader.push(bytes);
    try {
      for (;;) {
        const rec = this.reader.next();
        if (!rec) return;
        if ('message' in rec) {
          this.trace({ kind: 'handshake', direction: 'in', type: HandshakeType.client_hello, name: 'client_hello (SSLv2 format)', length: rec.message.length, body: rec.message });
          this.state.receivedV2ClientHello(rec.message);
          this.arrive({ kind: 'sslv2_client_hello', body: rec.message });
          continue;
        }
        const encrypted = this.state.read.active;
        let fragment: Uint8Array;
        try {
          fragment = this.state.read.open(rec.type, rec.body);
        } catch {
          return this.fail(`a ${contentTypeName(rec.type)} record of ${rec.body.length} bytes fails its MAC or padding check under the keys this side derived`);
        }
        this.trace({ kind: 'record', direction: 'in', type: rec.type, length: fragment.length, encrypted });
        this.onRecord(rec.type, fragment);
        if (this.broken) return;
      }
    } catch (e) {
      this.fail((e as Error).message);
    }
  }

  private onRecord(type: number, fragment: Uint8Array): void {
    switch (type) {
      case ContentType.handshake:
        this.reassembler.push(fragment);
        for (let m = this.reassembler.next(); m; m = this.reassembler.next()) {
          this.trace({ kind: 'handshake', direction: 'in', type: m.type, name: handshakeTypeName(m.type), length: m.body.length, body: m.body });
          // Known before the message changes the state: what this ServerHello should say.
          const correctRenegotiationInfo = m.type === HandshakeType.server_hello ? this.state.expectedServerRenegotiationInfo() : undefined;
          const verified = this.state.received(m.type, m.body, m.raw);
          const resumed = m.type === HandshakeType.server_hello ? this.state.resumed : undefined;
          this.arrive({ kind: 'handshake', type: m.type, name: handshakeTypeName(m.type), body: m.body, verified, resumed, correctRenegotiationInfo });
        }
        return;
      case ContentType.change_cipher_spec:
        this.state.receivedChangeCipherSpec();
        this.arrive({ kind: 'change_cipher_spec', body: fragment });
        return;
      case ContentType.alert: {
        if (fragment.length !== 2) return this.fail(`an alert record of ${fragment.length} bytes (an alert is 2, RFC 6101 5.4)`);
        const alert: Arrival = { kind: 'alert', level: fragment[0], description: fragment[1], name: alertName(fragment[1]) };
        this.trace({ kind: 'note', text: `received ${describeArrival(alert)}` });
        this.arrive(alert);
        return;
      }
      case ContentType.application_data:
        this.arrive({ kind: 'application_data', data: fragment });
        return;
    }
  }

  private fail(reason: string): void {
    this.broken = true;
    this.trace({ kind: 'note', text: `cannot read on: ${reason}` });
    this.arrive({ kind: 'bad_record', reason });
  }
}
