/**
 * The client conformance suite of `ssl3 check --listen PORT`: the harness listens and plays
 * a broken server to each client that connects, one check per connection, in this order:
 * bad certificates (RFC 6101 5.6.2; RFC 5280, RFC 2818 3.1 for the name), wrong ServerHello
 * versions, suites, compression and session IDs (5.6.1.3), RFC 5746 renegotiation_info,
 * messages out of place (ChangeCipherSpec early, CVE-2014-0224 on the client side; a
 * ServerKeyExchange an RSA suite never has), a wrong Finished, bad MACs (5.2.3.1),
 * HelloRequest during and after the handshake (5.6.1.1), a CertificateRequest to a client
 * without a certificate (5.6.6), a truncated answer and close_notify (5.4.1). Each says what
 * a correct client does, and the report says how the client under test reacted. A client is
 * expected to trust the test CA (client-pki.ts) and to send an HTTP request after its handshake.
 */
import { HandshakeType, RENEGOTIATION_INFO_EXTENSION, TLS_EMPTY_RENEGOTIATION_INFO_SCSV } from '../../handshake/messages.js';
import { EXPECT_CLIENT_HELLO, serverFinish, serverFlight } from '../scripts.js';
import type { ConversationResult } from '../runner.js';
import type { ExpectStep, ServerHelloFields, Step } from '../steps.js';
import type { AlertName } from '../../record/alerts.js';
import { failureText, refusal, seen, type Check, type CheckResult, type Runner } from './check.js';
import type { ClientCheckPki } from './client-pki.js';

export interface ClientContext {
  readonly pki: ClientCheckPki;
  /** Milliseconds each expect step waits. */
  readonly timeoutMs: number;
  /** Our answer to the client's request (an HTTP response by default). */
  readonly response: string;
}

export function clientContext(pki: ClientCheckPki, options: { timeoutMs?: number; response?: string } = {}): ClientContext {
  return { pki, timeoutMs: options.timeoutMs ?? 5_000, response: options.response ?? 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 24\r\n\r\nhello from ssl3 check\r\n\r\n' };
}

type ClientCheck = Check<ClientContext>;
type Chain = 'good' | 'untrusted' | 'expired' | 'wrongName' | 'garbage' | 'none';

/** A refusal by the client: a fatal SSL 3.0 alert (one of `alerts` when given) or the connection closed; never its key exchange. */
const refused = (why: string, alerts?: readonly AlertName[]): Step[] => refusal(why, alerts, true);

/** The client's whole request (an HTTP request head: it may come in several records, 1/n-1 under CBC). */
const REQUEST: Step = { expect: 'application_data', contains: '\r\n\r\n', why: 'the client sends its request' };

/** The client's request after a correct handshake, our answer, close_notify; the client's close_notify or its close. */
function exchange(context: ClientContext): Step[] {
  return [
    REQUEST,
    { send: 'application_data', data: context.response },
    { send: 'alert', alert: 'close_notify' },
    { expect: 'one_of', options: [{ expect: 'alert', alert: 'close_notify' }, { expect: 'close' }] },
  ];
}

/** A correct handshake with our flight changed as `hello` says. */
function handshake(hello: ServerHelloFields = {}): Step[] {
  return [EXPECT_CLIENT_HELLO, ...serverFlight(hello), ...serverFinish()];
}

/** A correct handshake whose last step, our Finished, is `finished` instead. */
function withOurFinished(finished: Step): Step[] {
  return [...handshake().slice(0, -1), finished];
}

/** The certificate message for a chain choice. */
function certificateStep(pki: ClientCheckPki, chain: Chain): Step {
  const der = { good: [pki.good.raw], untrusted: [pki.untrusted.raw], expired: [pki.expired.raw], wrongName: [pki.wrongName.raw], garbage: [pki.garbage], none: [] }[chain];
  return { send: 'certificate', certificates: der };
}

/**
 * Our flight with a certificate of `chain`, then the client's refusal: at once, or (as NSS
 * does: it judges the certificate while its own flight goes out) after its key exchange and
 * Finished; we then finish our side too, and it must still refuse rather than send data.
 */
function refusedCertificate(context: ClientContext, chain: Chain, why: string): Step[] {
  const refusedHere: ExpectStep = { expect: 'alert', level: 'fatal', ssl3: true, orClose: true, final: true, why };
  const orNext = (expect: 'client_key_exchange' | 'change_cipher_spec' | 'finished'): Step => ({ expect: 'one_of', why, options: [refusedHere, { expect, verify: false }] });
  return [
    EXPECT_CLIENT_HELLO,
    { send: 'server_hello' },
    certificateStep(context.pki, chain),
    { send: 'server_hello_done' },
    orNext('client_key_exchange'),
    orNext('change_cipher_spec'),
    orNext('finished'),
    // A client that judges the certificate while its flight goes out says so now: our next
    // write to a connection it already closed would be answered with a reset, which drops its alert.
    { expect: 'one_of', why, options: [refusedHere, { expect: 'nothing', ms: Math.min(500, context.timeoutMs) }] },
    { send: 'change_cipher_spec' },
    { send: 'finished' },
    ...refused(`${why}: the client must not send data`),
  ];
}

/** Where a client refused a certificate: at once, or after its own flight. */
function whenRefused(r: ConversationResult): Omit<CheckResult, 'name' | 'ms' | 'conversations'> {
  const late = r.arrivals.some((a) => a.kind === 'handshake' && a.type === HandshakeType.client_key_exchange);
  return { status: 'pass', detail: `${seen(r)}${late ? ' (after its key exchange and Finished)' : ''}` };
}

/** A check of one conversation (one client connection); `decide` may turn a passed conversation into a finding or a skip. */
function check(
  def: Omit<ClientCheck, 'run'> & {
    steps: (context: ClientContext) => Step[];
    decide?: (r: ConversationResult) => Omit<CheckResult, 'name' | 'ms' | 'conversations'> | undefined;
  },
): ClientCheck {
  return {
    name: def.name,
    cites: def.cites,
    level: def.level,
    expectation: def.expectation,
    async run(run: Runner, context: ClientContext) {
      const r = await run({ name: def.name, role: 'server', steps: def.steps(context), timeoutMs: context.timeoutMs }, { identity: { key: context.pki.key, chain: [context.pki.good.raw] } });
      const decided = r.passed ? def.decide?.(r) : undefined;
      if (decided) return { ...decided, conversations: [r] };
      return { status: r.passed ? 'pass' : 'fail', detail: r.passed ? seen(r) : failureText(r), conversations: [r] };
    },
  };
}

const signalledRfc5746 = (r: ConversationResult) =>
  !!r.clientHello && (r.clientHello.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV) || r.clientHello.extensions.some((e) => e.type === RENEGOTIATION_INFO_EXTENSION));

export const CLIENT_CHECKS: readonly ClientCheck[] = [
  check({
    name: 'baseline',
    cites: 'RFC 6101 5.5',
    level: 'must',
    expectation: 'with a correct server (a certificate from the test CA, every message right) the client completes the handshake, its Finished verifies, and it sends its request and reads the answer',
    steps: (context) => [...handshake(), ...exchange(context)],
  }),
  check({
    name: 'hello-request-in-handshake',
    cites: 'RFC 6101 5.6.1.1',
    level: 'must',
    expectation: 'a HelloRequest while the client is negotiating is ignored, and the handshake completes',
    steps: (context) => [EXPECT_CLIENT_HELLO, { send: 'hello_request' }, ...serverFlight(), ...serverFinish(), ...exchange(context)],
  }),
  check({
    name: 'untrusted-certificate',
    cites: 'RFC 6101 5.6.2; RFC 5280 6',
    level: 'must',
    expectation: 'a certificate no trusted CA issued (self-signed, same name and key) is refused with a fatal alert or the connection closed, before any application data',
    decide: whenRefused,
    steps: (context) => refusedCertificate(context, 'untrusted', 'the chain leads to no trusted CA'),
  }),
  check({
    name: 'expired-certificate',
    cites: 'RFC 6101 5.6.2; RFC 5280 6.1.3',
    level: 'must',
    expectation: 'a certificate from the trusted CA that expired a month ago is refused with a fatal alert or the connection closed, before any application data',
    decide: whenRefused,
    steps: (context) => refusedCertificate(context, 'expired', 'the certificate is outside its validity period'),
  }),
  check({
    name: 'wrong-name',
    cites: 'RFC 2818 3.1',
    level: 'must',
    expectation: 'a certificate from the trusted CA for another name (wrong-name.invalid) is refused before any application data: an HTTPS client checks the name it connected to',
    decide: whenRefused,
    steps: (context) => refusedCertificate(context, 'wrongName', 'the certificate does not name the server'),
  }),
  check({
    name: 'garbage-certificate',
    cites: 'RFC 6101 5.6.2, 5.4.2',
    level: 'must',
    expectation: 'a Certificate message whose certificate is not X.509 is refused with a fatal alert (bad_certificate) or the connection closed',
    decide: whenRefused,
    steps: (context) => refusedCertificate(context, 'garbage', 'the certificate does not parse'),
  }),
  check({
    name: 'empty-certificate-list',
    cites: 'RFC 6101 5.6.2',
    level: 'must',
    expectation: 'a Certificate message with no certificate under an RSA suite is refused: there is no key to encrypt the premaster to',
    decide: whenRefused,
    steps: (context) => refusedCertificate(context, 'none', 'an RSA key exchange needs the server certificate'),
  }),
  check({
    name: 'server-hello-version-above-offered',
    cites: 'RFC 6101 5.6.1.3',
    level: 'must',
    expectation: 'a ServerHello with a version above the one the client offered is refused',
    steps: () => [EXPECT_CLIENT_HELLO, { send: 'server_hello', version: 'above-offered' }, ...refused('the server must choose a version the client offered')],
  }),
  check({
    name: 'server-hello-version-2',
    cites: 'RFC 6101 5.6.1.3, Appendix E',
    level: 'must',
    expectation: 'a ServerHello with version 0.2 (SSL 2.0) is refused',
    steps: () => [EXPECT_CLIENT_HELLO, { send: 'server_hello', version: 0x0002 }, ...refused('SSL 2.0 is not SSL 3.0')],
  }),
  check({
    name: 'server-hello-unoffered-suite',
    cites: 'RFC 6101 5.6.1.3',
    level: 'must',
    expectation: 'a ServerHello choosing a cipher suite the client did not offer is refused',
    steps: () => [EXPECT_CLIENT_HELLO, { send: 'server_hello', suite: 'unoffered' }, ...refused('the server must pick one of the offered suites')],
  }),
  check({
    name: 'server-hello-compression',
    cites: 'RFC 6101 5.6.1.3',
    level: 'must',
    expectation: 'a ServerHello choosing compression method 1, which the client did not offer, is refused',
    steps: () => [EXPECT_CLIENT_HELLO, { send: 'server_hello', compression: 1 }, ...refused('the server must pick one of the offered methods')],
  }),
  check({
    name: 'server-hello-session-id-too-long',
    cites: 'RFC 6101 5.6.1.3',
    level: 'must',
    expectation: 'a ServerHello whose session_id has 33 bytes (SessionID is <0..32>) is refused',
    steps: () => [EXPECT_CLIENT_HELLO, { send: 'server_hello', sessionId: 'a5'.repeat(33) }, ...refused('the message does not parse')],
  }),
  check({
    name: 'renegotiation-info-not-empty',
    cites: 'RFC 5746 3.4',
    level: 'must',
    expectation: 'a client that signalled RFC 5746 refuses a first ServerHello whose renegotiation_info is not empty, with handshake_failure',
    steps: () => [EXPECT_CLIENT_HELLO, { send: 'server_hello', renegotiationInfo: '00'.repeat(12) }, ...refused('there is no previous handshake to name', ['handshake_failure'])],
    decide: (r) => (signalledRfc5746(r) ? undefined : { status: 'skip', detail: 'the client did not signal RFC 5746' }),
  }),
  check({
    name: 'ccs-early',
    cites: 'CVE-2014-0224; RFC 6101 5.3',
    level: 'must',
    expectation: 'a ChangeCipherSpec right after the ServerHello, before any key exchange, is refused with unexpected_message',
    steps: () => [EXPECT_CLIENT_HELLO, { send: 'server_hello' }, { send: 'change_cipher_spec' }, ...refused('no keys exist yet', ['unexpected_message'])],
  }),
  check({
    name: 'server-key-exchange-unexpected',
    cites: 'RFC 6101 5.6.3',
    level: 'must',
    expectation: 'a ServerKeyExchange under a non-export RSA suite (which never has one) is refused with unexpected_message',
    steps: (context) => [
      EXPECT_CLIENT_HELLO,
      { send: 'server_hello' },
      certificateStep(context.pki, 'good'),
      { send: 'server_key_exchange', body: '0001010001' + '03' },
      { send: 'server_hello_done' },
      ...refused('only export and Diffie-Hellman suites send it', ['unexpected_message']),
    ],
  }),
  check({
    name: 'wrong-finished',
    cites: 'RFC 6101 5.6.9',
    level: 'must',
    expectation: "a server Finished whose hash is wrong (correctly encrypted) is refused with a fatal alert; the client sends no data",
    steps: () => [...withOurFinished({ send: 'finished', verifyData: 'ff'.repeat(36) }), ...refused('the client must verify the server Finished')],
  }),
  check({
    name: 'bad-mac-finished',
    cites: 'RFC 6101 5.2.3.1, 5.4.2',
    level: 'must',
    expectation: 'a server Finished whose record has one MAC byte changed is refused with bad_record_mac',
    steps: () => [...withOurFinished({ send: 'finished', record: { mac: { byte: 0 } } }), ...refused('the MAC does not verify', ['bad_record_mac'])],
  }),
  check({
    name: 'bad-mac-data',
    cites: 'RFC 6101 5.2.3.1, 5.4.2',
    level: 'must',
    expectation: 'application data whose record has one MAC byte changed is refused with bad_record_mac',
    steps: (context) => [
      ...handshake(),
      REQUEST,
      { send: 'application_data', data: context.response, record: { mac: { byte: -1 } } },
      ...refused('the MAC does not verify', ['bad_record_mac']),
    ],
  }),
  check({
    name: 'hello-request-after-handshake',
    cites: 'RFC 6101 5.6.1.1',
    level: 'must',
    expectation: 'a HelloRequest on an open connection is ignored or answered with a renegotiation; it never ends the connection with a fatal alert',
    steps: (context) => [
      ...handshake(),
      REQUEST,
      { send: 'hello_request' },
      {
        expect: 'one_of',
        why: 'the client may ignore it or renegotiate',
        options: [
          { expect: 'nothing', ms: Math.min(1_000, context.timeoutMs) },
          { expect: 'client_hello', final: true },
          { expect: 'alert', level: 'warning' },
        ],
      },
      { send: 'application_data', data: context.response },
      { send: 'alert', alert: 'close_notify' },
    ],
  }),
  check({
    name: 'certificate-request-no-certificate',
    cites: 'RFC 6101 5.6.6, 5.4.2',
    level: 'should',
    expectation: 'asked for a certificate it does not have, an SSL 3.0 client answers with a no_certificate warning (an empty Certificate is TLS\'s form)',
    steps: () => [
      EXPECT_CLIENT_HELLO,
      { send: 'server_hello' },
      { send: 'certificate' },
      { send: 'certificate_request' },
      { send: 'server_hello_done' },
      { expect: 'one_of', options: [{ expect: 'alert', alert: 'no_certificate', level: 'warning' }, { expect: 'certificate' }] },
    ],
    decide: (r) => {
      const last = r.arrivals.at(-1);
      if (last?.kind !== 'handshake' || last.type !== HandshakeType.certificate) return undefined;
      return last.body.length === 3 ? { status: 'fail', detail: 'an empty Certificate message, not the no_certificate warning' } : { status: 'pass', detail: 'the client sent a certificate of its own' };
    },
  }),
  check({
    name: 'truncation',
    cites: 'RFC 6101 5.4.1',
    level: 'should',
    expectation: 'when the server ends its connection in the middle of an answer without close_notify, the client closes its end (whether it says so on the wire, with an alert, is shown)',
    steps: () => [
      ...handshake(),
      REQUEST,
      { send: 'application_data', data: 'HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\ncut sh' },
      { send: 'end' },
      { expect: 'one_of', options: [{ expect: 'close', final: true }, { expect: 'alert' }] },
      { expect: 'close' },
    ],
  }),
  check({
    name: 'close-notify',
    cites: 'RFC 6101 5.4.1',
    level: 'must',
    expectation: "the client answers the server's close_notify with its own and closes",
    steps: (context) => [
      ...handshake(),
      REQUEST,
      { send: 'application_data', data: context.response },
      { send: 'alert', alert: 'close_notify' },
      { expect: 'alert', alert: 'close_notify', why: 'the other party must respond with a close_notify alert of its own' },
      { expect: 'close' },
    ],
  }),
];
