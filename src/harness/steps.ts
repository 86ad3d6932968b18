/**
 * A conversation as data: what a scripted SSL 3.0 peer sends and what it expects back, step
 * by step (the vocabulary of RFC 6101 section 5: records 5.2, ChangeCipherSpec 5.3, alerts
 * 5.4, handshake messages 5.6, application data 5.5). A send step names what goes out and
 * every field it overrides; whatever it leaves out is what a correct peer would send at that
 * point (the transcript, the randoms, the keys and the Finished hashes are kept by the runner
 * with the engine's own code). An expect step names what must arrive next.
 *
 * Byte fields take a Uint8Array or a hex string; application data takes text (UTF-8) or bytes.
 */
import type { AlertName } from '../record/alerts.js';
import type { HandshakeType } from '../handshake/messages.js';

/** Bytes, or the same as hex ("0300", "03:00" and "03 00" alike). */
export type Bytes = Uint8Array | string;

/** A handshake message by its RFC 6101 name (5.6, HandshakeType). */
export type MessageName = keyof typeof HandshakeType;

/** A record content type by its RFC 6101 name (5.2.1, ContentType), or any number. */
export type ContentName = 'change_cipher_spec' | 'alert' | 'handshake' | 'application_data';

/** A suite by IOS keyword, OpenSSL or RFC name, or any 16-bit number (SCSVs included). */
export type SuiteRef = string | number;

/** An alert by its SSL 3.0 name (5.4.2) or any number. */
export type AlertRef = AlertName | number;

/**
 * How each record a send step writes is formed, when it should not be as a correct peer forms
 * it. Under keys, the MAC and padding are computed correctly first and then changed only as
 * asked, so the change is the record's only fault.
 */
export interface RecordShape {
  /** The record header's version (5.2.1), default 3.0. */
  readonly version?: number;
  /** The header's content type, written over the real one after sealing (the MAC covers the real one). */
  readonly contentType?: number;
  /** The header's length field as given, whatever the body's length. */
  readonly length?: number;
  /** One MAC byte XORed with `xor` (default 0x01); `byte` counts from 0, negative from the end (5.2.3.1). */
  readonly mac?: { readonly byte: number; readonly xor?: number };
  /**
   * CBC padding (5.2.3.2): `length` padding bytes (default the fewest that fill the block),
   * each `fill` (default the length), then the padding_length byte `lengthByte` (default the length).
   */
  readonly padding?: { readonly length?: number; readonly fill?: number; readonly lengthByte?: number };
  /** Bytes cut from the end of the encrypted body (the header's length follows, unless `length` is given). */
  readonly trim?: number;
  /** In the clear even when this side's writes are encrypted. */
  readonly clear?: boolean;
}

/** What every message send step may also say. */
export interface MessageOptions {
  /** The whole message body in place of the one built. */
  readonly body?: Bytes;
  /** The msg_type byte in place of the message's own. */
  readonly type?: number;
  /** The 24-bit length field in place of the body's length. */
  readonly length?: number;
  /** Add the message to this side's handshake hashes (default: every message but hello_request, 5.6.9). */
  readonly transcript?: boolean;
}

export interface ClientHelloFields {
  readonly version?: number;
  readonly random?: Bytes;
  /** Default: the run's session to resume (RunOptions.session), else empty. */
  readonly sessionId?: Bytes;
  /** Default: the conversation's suites. */
  readonly suites?: readonly SuiteRef[];
  /** List the RFC 5746 renegotiation SCSV (default: on a first handshake without renegotiation_info, as our client does). */
  readonly scsv?: boolean;
  readonly compression?: readonly number[];
  /** Extensions after the compression methods (a TLS-era hello's; renegotiation_info is added by `renegotiationInfo`). */
  readonly extensions?: readonly { readonly type: number; readonly data: Bytes }[];
  /** RFC 5746 renegotiation_info: its renegotiated_connection, 'none', or 'auto' (default: our previous Finished on a secure renegotiation, else none). */
  readonly renegotiationInfo?: Bytes | 'none' | 'auto';
}

export interface ServerHelloFields {
  /** 'above-offered': one more than the ClientHello's version, a version the client did not offer. */
  readonly version?: number | 'above-offered';
  readonly random?: Bytes;
  /** Default: the offered ID when resuming, else 32 fresh bytes. */
  readonly sessionId?: Bytes;
  /** Default: the first of the conversation's suites the client offered; 'unoffered': one of our table's it did not offer. */
  readonly suite?: SuiteRef | 'unoffered';
  readonly compression?: number;
  readonly extensions?: readonly { readonly type: number; readonly data: Bytes }[];
  /** RFC 5746: 'auto' (default) answers as a correct server does; 'none'; or the renegotiated_connection to send. */
  readonly renegotiationInfo?: Bytes | 'none' | 'auto';
  /** Resume the run's session when the client offers its ID (default true). */
  readonly resume?: boolean;
}

/** Malformed PKCS #1 blocks for the ClientKeyExchange (Bleichenbacher 1998; ROBOT, CVE-2017-13099 and kin). */
export type Pkcs1Fault =
  /** A well-formed block carrying a different premaster than the one this side's keys come from. */
  | 'other-premaster'
  /** The block starts 41 17 instead of 00 02. */
  | 'wrong-prefix'
  /** No 00 separator after the padding. */
  | 'no-separator'
  /** A 00 early in the padding, so the message is longer than 48 bytes. */
  | 'separator-early'
  /** Well-formed, but the premaster's version bytes are 02 02, not the ClientHello's version. */
  | 'wrong-version'
  /** Well-formed, but a 47-byte premaster. */
  | 'short-premaster';

export interface ClientKeyExchangeFields {
  /** The 48-byte pre_master_secret (default: the ClientHello's version, then 46 random bytes, 5.6.7.1). */
  readonly premaster?: Bytes;
  /** Encrypt a malformed block instead (this side's keys still come from `premaster`). */
  readonly pkcs1?: Pkcs1Fault;
  /** The encrypted bytes as given. */
  readonly encrypted?: Bytes;
  /** Prefix the TLS 2-byte length SSL 3.0 does not have (RFC 5246 7.4.7.1). */
  readonly tlsLength?: boolean;
}

/** A send step of one handshake message, with the fields it overrides. */
export type MessageSend = (
  | ({ readonly send: 'client_hello' } & ClientHelloFields)
  | ({ readonly send: 'server_hello' } & ServerHelloFields)
  /** Default: this side's certificate chain (a client without one sends an empty list). */
  | { readonly send: 'certificate'; readonly certificates?: readonly Bytes[] }
  /** Default: rsa_sign, no CA names. */
  | { readonly send: 'certificate_request'; readonly types?: readonly number[]; readonly authorities?: readonly Bytes[] }
  | ({ readonly send: 'client_key_exchange' } & ClientKeyExchangeFields)
  /** Default: the signature over the transcript with this side's key (5.6.8). */
  | { readonly send: 'certificate_verify'; readonly signature?: Bytes }
  /** Default: the correct hash of the transcript (5.6.9); 36 zero bytes when no master secret is known. */
  | { readonly send: 'finished'; readonly verifyData?: Bytes }
  | { readonly send: 'server_hello_done' | 'hello_request' | 'server_key_exchange' }
) &
  MessageOptions &
  Delivery;

/** How a step's bytes are cut into records. */
export interface Delivery {
  /** Offsets in the step's handshake bytes where a new record starts (a message split across records). */
  readonly split?: readonly number[];
  /** Records sent between the first piece of a split and the rest (a ChangeCipherSpec inside a message). */
  readonly between?: readonly RecordSend[];
  readonly record?: RecordShape;
}

/** A send step of one record that is not a handshake message. */
export type RecordSend =
  /** Switches this side's writes to the pending keys afterwards, when there are any (`keys: false` keeps them). */
  | { readonly send: 'change_cipher_spec'; readonly body?: Bytes; readonly keys?: boolean; readonly record?: RecordShape }
  /** Default level: warning for close_notify and no_certificate, fatal otherwise. */
  | { readonly send: 'alert'; readonly alert: AlertRef; readonly level?: 'warning' | 'fatal' | number; readonly record?: RecordShape }
  /** Any record with any fragment (empty by default), sealed with this side's current keys. */
  | { readonly send: 'record'; readonly type: ContentName | number; readonly fragment?: Bytes; readonly record?: RecordShape };

export type SendStep =
  | MessageSend
  | RecordSend
  /** Several handshake messages in one record (or cut anywhere across them with `split`). */
  | ({ readonly send: 'messages'; readonly messages: readonly MessageSend[] } & Delivery)
  /** Application data (5.5), in records of at most 2^14 bytes, or cut at `split`; '' makes one empty record. */
  | { readonly send: 'application_data'; readonly data: string | Uint8Array; readonly split?: readonly number[]; readonly record?: RecordShape }
  /** An SSL 2.0-format CLIENT-HELLO (RFC 6101 Appendix E); `suites` become 3-byte specs 00 xx xx. */
  | {
      readonly send: 'sslv2_client_hello';
      readonly version?: number;
      readonly suites?: readonly SuiteRef[];
      readonly specs?: readonly number[];
      readonly challenge?: Bytes;
      readonly sessionId?: Bytes;
    }
  /** Bytes on the wire as they are. */
  | { readonly send: 'raw'; readonly bytes: Bytes }
  /** Ends our side of the transport (TCP FIN): a close without close_notify. */
  | { readonly send: 'end' };

/** What every expect step may also say. */
export interface ExpectOptions {
  /** How long to wait (default: the conversation's timeoutMs, else 5 s). */
  readonly timeoutMs?: number;
  /** A match ends the conversation here, passed (for one_of branches). */
  readonly final?: boolean;
  /** What a correct peer must do here and why, for reports. */
  readonly why?: string;
}

/** The fields an expected ServerHello must carry. */
export interface ServerHelloExpectation {
  readonly version?: number | readonly number[];
  readonly suite?: SuiteRef | readonly SuiteRef[];
  readonly compression?: number;
  /** Whether the server resumed the session offered (same non-empty session ID). */
  readonly resumed?: boolean;
  /** RFC 5746: 'correct' (empty on a first handshake, both Finished hashes on a renegotiation), 'absent'. */
  readonly renegotiationInfo?: 'correct' | 'absent';
}

export type ExpectStep = (
  | {
      readonly expect: MessageName;
      readonly fields?: ServerHelloExpectation;
      /** Finished and CertificateVerify must verify (default true). */
      readonly verify?: boolean;
    }
  | { readonly expect: 'sslv2_client_hello' }
  | { readonly expect: 'change_cipher_spec' }
  /**
   * An alert: one of `alert` when given, of `level` when given; `ssl3`: one of the descriptions
   * SSL 3.0 defines (RFC 6101 5.4.2), not a TLS one; `orClose`: the transport closing instead also passes.
   */
  | {
      readonly expect: 'alert';
      readonly alert?: AlertRef | readonly AlertRef[];
      readonly level?: 'warning' | 'fatal';
      readonly ssl3?: boolean;
      readonly orClose?: boolean;
    }
  /**
   * Application data: records until `contains` has arrived (or at least one byte). `firstRecordAtMost`:
   * the first record holds at most that many bytes (a 1/n-1 split, CVE-2011-3389).
   */
  | { readonly expect: 'application_data'; readonly contains?: string; readonly firstRecordAtMost?: number }
  /** The transport closed (FIN or reset); stays true once it happened. */
  | { readonly expect: 'close' }
  /** Nothing at all arrives for `ms` milliseconds. */
  | { readonly expect: 'nothing'; readonly ms: number }
  /** The next arrival matches one of these (each a single-arrival expectation). */
  | { readonly expect: 'one_of'; readonly options: readonly ExpectStep[] }
) &
  ExpectOptions;

/** Waits, then goes on. */
export interface WaitStep {
  readonly wait: number;
}

export type Step = SendStep | ExpectStep | WaitStep;

export interface Conversation {
  readonly name: string;
  /** 'client': we connect and play the client; 'server': we play the server to whoever connects. */
  readonly role: 'client' | 'server';
  readonly steps: readonly Step[];
  /** Suites a default ClientHello offers and a default ServerHello chooses from, in order (default: DEFAULT_SUITES). */
  readonly suites?: readonly SuiteRef[];
  /** Default wait of every expect step, in milliseconds (default 5000). */
  readonly timeoutMs?: number;
}

export function isSend(step: Step): step is SendStep {
  return 'send' in step;
}

export function isExpect(step: Step): step is ExpectStep {
  return 'expect' in step;
}
