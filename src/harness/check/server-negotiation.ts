/**
 * Server checks of what the hellos negotiate: session IDs and resumption (RFC 6101 5.6.1.2,
 * 5.6.1.3), version negotiation (TLS-range hellos, RFC 6101 Appendix E and RFC 5246 E.1; the
 * SSL 2.0-format hello; TLS_FALLBACK_SCSV, RFC 7507), RFC 5746 renegotiation
 * (CVE-2009-3555), and the RSA key exchange without a padding oracle (Bleichenbacher 1998,
 * ROBOT 2017: malformed PKCS #1 premasters must all end alike).
 */
import type { CipherSuite } from '../../ciphers/suites.js';
import { DEFAULT_SUITES } from '../../ciphers/suites.js';
import { SSL3_VERSION } from '../../record/content-types.js';
import { clientFinish, clientHandshake, clientHello } from '../scripts.js';
import type { ConversationResult } from '../runner.js';
import type { ExpectStep, Pkcs1Fault, Step } from '../steps.js';
import { failureText, refusal, seen, single, skip, type Check, type CheckResult, type Runner } from './check.js';
import { acceptedSuites, conversation, exchange, suiteOf, type ServerContext } from './server-context.js';

type ServerCheck = Check<ServerContext>;
type Outcome = Omit<CheckResult, 'name' | 'ms'>;

const TLS_FALLBACK_SCSV = 0x5600;
const versionText = (v: number) => `${v >> 8}.${v & 0xff}`;

/** A refusal of a renegotiation: any alert, the connection closing, or no answer at all; never a ServerHello. */
function refusedRenegotiation(context: ServerContext, why: string): ExpectStep {
  return {
    expect: 'one_of',
    why,
    options: [
      { expect: 'alert', orClose: true, final: true },
      { expect: 'nothing', ms: Math.min(2_000, context.timeoutMs), final: true },
    ],
  };
}

/**
 * A hello of `version`: the server answers with the highest version it has, at most the one
 * offered; when that is 3.0, the handshake goes on, with the offered version in the premaster.
 */
function versionHello(version: number, highest: number, context: ServerContext): Step[] {
  const tls = Array.from({ length: Math.max(0, Math.min(version, highest) - SSL3_VERSION) }, (_, i) => SSL3_VERSION + 1 + i);
  return [
    { send: 'client_hello', version },
    {
      expect: 'one_of',
      why: 'a server answers with the highest version it supports that is not above the offered one',
      options: [...(tls.length ? [{ expect: 'server_hello', fields: { version: tls }, final: true } as const] : []), { expect: 'server_hello', fields: { version: SSL3_VERSION } }],
    },
    { expect: 'certificate' },
    { expect: 'server_hello_done' },
    ...clientFinish(),
    ...exchange(context),
  ];
}

/** Runs conversations in turn; the check passes when all did, and says what each got. */
async function each(run: Runner, context: ServerContext, list: { name: string; steps: Step[]; suites?: number[] }[], describe: (r: ConversationResult) => string): Promise<Outcome> {
  const results: ConversationResult[] = [];
  for (const c of list) results.push(await run(conversation(context, c.name, c.steps, c.suites)));
  const failed = results.find((r) => !r.passed);
  return { status: failed ? 'fail' : 'pass', detail: failed ? failureText(failed) : results.map(describe).join('; '), conversations: results };
}

const answered = (r: ConversationResult) => `${r.name}: ${r.version !== undefined ? versionText(r.version) : 'no ServerHello'}`;

/** The version the server answers a TLS 1.2 hello with, asked once. */
async function tlsAnswer(run: Runner, context: ServerContext): Promise<number | 'refused'> {
  if (context.tlsAnswer === undefined) {
    const r = await run(conversation(context, 'TLS 1.2 hello', [{ send: 'client_hello', version: 0x0303 }, { expect: 'server_hello' }]));
    context.tlsAnswer = r.passed && r.version !== undefined ? r.version : 'refused';
  }
  return context.tlsAnswer;
}

/** A full handshake over `suite` that must have negotiated RFC 5746, or the check is skipped. */
async function secureHandshakeThen(run: Runner, context: ServerContext, name: string, then: Step[]): Promise<Outcome> {
  const suite = await suiteOf(run, context, 'any');
  if (!suite) return skip('the server accepts none of our suites');
  const r = await run(conversation(context, name, [...clientHandshake(), ...then], [suite.id]));
  if (!r.secureRenegotiation && (r.passed || (r.failure?.step ?? 0) >= 9)) return skip('the server does not negotiate RFC 5746 renegotiation_info');
  return { status: r.passed ? 'pass' : 'fail', detail: r.passed ? seen(r) : failureText(r), conversations: [r] };
}

const PKCS1_FAULTS: readonly Pkcs1Fault[] = ['other-premaster', 'wrong-prefix', 'no-separator', 'separator-early', 'wrong-version', 'short-premaster'];

export const SERVER_NEGOTIATION_CHECKS: readonly ServerCheck[] = [
  {
    name: 'session-id-too-long',
    cites: 'RFC 6101 5.6.1.2',
    level: 'must',
    expectation: 'a ClientHello whose session_id has 33 bytes (SessionID is <0..32>) is refused with a fatal alert, or the connection closed',
    async run(run, context) {
      return single(run, conversation(context, this.name, [{ send: 'client_hello', sessionId: '5a'.repeat(33) }, ...refusal('the hello does not parse', undefined, true)]));
    },
  },
  {
    name: 'unknown-session-id',
    cites: 'RFC 6101 5.6.1.2, 5.6.1.3',
    level: 'must',
    expectation: 'a session ID the server never issued is not resumed: the ServerHello carries another ID and a full handshake follows',
    async run(run, context) {
      const suite = await suiteOf(run, context, 'any');
      if (!suite) return skip('the server accepts none of our suites');
      const invented = { id: new Uint8Array(32).fill(0xa5), masterSecret: new Uint8Array(48).fill(0x5a), cipherSuite: suite.id, peerCertificates: [], createdAt: 0 };
      const steps: Step[] = [{ send: 'client_hello' }, { expect: 'server_hello', fields: { resumed: false } }, { expect: 'certificate', why: 'a full handshake sends the certificate' }];
      return single(run, conversation(context, this.name, steps, [suite.id]), { session: invented });
    },
  },
  {
    name: 'resumption-changed-suite',
    cites: 'RFC 6101 5.6.1.2',
    level: 'must',
    expectation: "a session offered without its cipher suite in the list is not resumed: a full handshake with an offered suite, or a refusal",
    async run(run, context) {
      const [first, second] = await acceptedSuites(run, context);
      if (!second) return skip('the server accepts only one of our suites');
      const made = await run(conversation(context, 'a session', [...clientHandshake(), ...exchange(context)], [first.id]));
      if (!made.passed) return { status: 'fail', detail: failureText(made), conversations: [made] };
      if (!made.session?.id.length) return { status: 'skip', detail: 'the server issues no session IDs', conversations: [made] };
      const steps: Step[] = [
        { send: 'client_hello' },
        {
          expect: 'one_of',
          why: `the session's suite ${first.iosKeyword} was not offered`,
          options: [
            { expect: 'server_hello', fields: { resumed: false, suite: second.id }, final: true },
            { expect: 'alert', level: 'fatal', orClose: true, final: true },
          ],
        },
      ];
      const r = await run(conversation(context, `the session offered with only ${second.iosKeyword}`, steps, [second.id]), { session: made.session });
      return { status: r.passed ? 'pass' : 'fail', detail: r.passed ? (r.version !== undefined ? `full handshake with ${second.iosKeyword}` : seen(r)) : failureText(r), conversations: [made, r] };
    },
  },
  {
    name: 'tls-range-hello',
    cites: 'RFC 6101 Appendix E; RFC 5246 E.1',
    level: 'must',
    expectation: 'ClientHellos offering TLS 1.0, 1.1 and 1.2 are answered with the highest version the server has (3.0 for an SSL 3.0-only server, which then completes the handshake), never refused',
    async run(run, context) {
      const outcome = await each(run, context, [0x0301, 0x0302, 0x0303].map((v) => ({ name: `hello ${versionText(v)}`, steps: versionHello(v, v, context) })), answered);
      const tls12 = outcome.conversations.at(-1);
      if (tls12) context.tlsAnswer = tls12.version ?? 'refused';
      return outcome;
    },
  },
  {
    name: 'future-version-hello',
    cites: 'RFC 6101 Appendix E; RFC 5246 E.1',
    level: 'must',
    expectation: 'ClientHellos offering 3.4 and 4.0 (versions the server cannot have) are answered with its highest version (at most TLS 1.2), never refused',
    async run(run, context) {
      return each(run, context, [0x0304, 0x0400].map((v) => ({ name: `hello ${versionText(v)}`, steps: versionHello(v, 0x0303, context) })), answered);
    },
  },
  {
    name: 'sslv2-hello',
    cites: 'RFC 6101 Appendix E',
    level: 'should',
    expectation: 'an SSL 2.0-format ClientHello offering SSL 3.0 and its suites is answered with an SSL 3.0 ServerHello and the handshake completes (the hello old clients send)',
    async run(run, context) {
      const suite = await suiteOf(run, context, 'any');
      if (!suite) return skip('the server accepts none of our suites');
      const steps: Step[] = [
        { send: 'sslv2_client_hello' },
        { expect: 'server_hello', fields: { version: SSL3_VERSION } },
        { expect: 'certificate' },
        { expect: 'server_hello_done' },
        ...clientFinish(),
        ...exchange(context),
      ];
      return single(run, conversation(context, this.name, steps, [suite.id]));
    },
  },
  {
    name: 'fallback-scsv',
    cites: 'RFC 7507',
    level: 'must',
    expectation: 'an SSL 3.0 ClientHello with TLS_FALLBACK_SCSV is refused by a server that speaks TLS (inappropriate_fallback), and served by one whose highest version is SSL 3.0',
    async run(run, context) {
      const answer = await tlsAnswer(run, context);
      const suites = [...DEFAULT_SUITES.map((s) => s.id), TLS_FALLBACK_SCSV];
      if (answer !== 'refused' && answer > SSL3_VERSION) {
        const steps: Step[] = [{ send: 'client_hello', suites }, { expect: 'alert', level: 'fatal', orClose: true, why: `the server speaks ${versionText(answer)}: the client fell back` }];
        const outcome = await single(run, conversation(context, this.name, steps));
        return outcome.status === 'pass' ? { ...outcome, detail: `the server speaks ${versionText(answer)} and refused: ${seen(outcome.conversations[0])}` } : outcome;
      }
      const outcome = await single(run, conversation(context, this.name, [...clientHandshake({ suites }), ...exchange(context)]));
      return outcome.status === 'pass' ? { ...outcome, detail: 'SSL 3.0 is the highest version: served' } : outcome;
    },
  },
  {
    name: 'renegotiation-info-signalled',
    cites: 'RFC 5746 3.6, 4.5',
    level: 'should',
    expectation: 'a ClientHello with the renegotiation SCSV is answered with an empty renegotiation_info (RFC 5746 asks SSL 3.0 implementations to adopt it)',
    async run(run, context) {
      return single(run, conversation(context, this.name, [{ send: 'client_hello' }, { expect: 'server_hello', fields: { renegotiationInfo: 'correct' } }]));
    },
  },
  {
    name: 'renegotiation-info-wrong',
    cites: 'RFC 5746 3.7',
    level: 'must',
    expectation: 'a renegotiating ClientHello whose renegotiation_info is not the previous client Finished is refused: never a ServerHello',
    run: (run, context) =>
      secureHandshakeThen(run, context, 'renegotiation with a wrong renegotiation_info', [
        { send: 'client_hello', renegotiationInfo: '00'.repeat(36) },
        refusedRenegotiation(context, 'the server must abort the handshake'),
      ]),
  },
  {
    name: 'insecure-renegotiation',
    cites: 'CVE-2009-3555; RFC 5746 4.4',
    level: 'should',
    expectation: 'a client that never signalled RFC 5746 is not renegotiated with: its second ClientHello is refused or ignored, never answered with a ServerHello',
    async run(run, context) {
      const suite = await suiteOf(run, context, 'any');
      if (!suite) return skip('the server accepts none of our suites');
      const steps: Step[] = [...clientHandshake({ scsv: false }), { send: 'client_hello' }, refusedRenegotiation(context, 'a legacy renegotiation lets an attacker prefix the data (CVE-2009-3555)')];
      const outcome = await single(run, conversation(context, this.name, steps, [suite.id]));
      return outcome.status === 'pass' ? { ...outcome, detail: seen(outcome.conversations[0]) } : outcome;
    },
  },
  {
    name: 'secure-renegotiation',
    cites: 'RFC 5746 3.7',
    level: 'must',
    expectation: "a correct secure renegotiation is either refused or completed with a ServerHello whose renegotiation_info is both previous Finished hashes",
    run: (run, context) =>
      secureHandshakeThen(run, context, 'secure renegotiation', [
        { send: 'client_hello' },
        {
          expect: 'one_of',
          why: 'the server echoes both Finished hashes, or refuses',
          options: [
            { expect: 'server_hello', fields: { renegotiationInfo: 'correct' } },
            { expect: 'alert', orClose: true, final: true },
            { expect: 'nothing', ms: Math.min(2_000, context.timeoutMs), final: true },
          ],
        },
        { expect: 'certificate' },
        { expect: 'server_hello_done' },
        ...clientFinish(),
        ...exchange(context),
      ]),
  },
  {
    name: 'bleichenbacher',
    cites: 'ROBOT (CVE-2017-13099); RFC 5246 7.4.7.1',
    level: 'must',
    expectation:
      'ClientKeyExchanges with malformed PKCS #1 blocks (wrong first bytes, no separator, a separator too early, a wrong version, a 47-byte premaster) all end exactly as one with a well-formed block of another premaster: the same alert, the same closing (timing is not measured)',
    async run(run, context) {
      const suite = await suiteOf(run, context, 'any');
      if (!suite) return skip('the server accepts none of our suites');
      const results: ConversationResult[] = [];
      for (const pkcs1 of PKCS1_FAULTS) {
        const steps: Step[] = [
          ...clientHello(),
          { send: 'client_key_exchange', pkcs1 },
          { send: 'change_cipher_spec' },
          { send: 'finished' },
          { expect: 'one_of', options: [{ expect: 'alert' }, { expect: 'close', final: true }] },
          { expect: 'close' },
        ];
        results.push(await run(conversation(context, pkcs1, steps, [suite.id])));
      }
      return alike(results, suite);
    },
  },
];

/** The Bleichenbacher verdict: every variant ended as the well-formed one did, and that was a refusal. */
function alike(results: ConversationResult[], suite: CipherSuite): Outcome {
  const endings = results.map((r) => ({ name: r.name, how: seen(r) }));
  const baseline = endings[0].how;
  const odd = endings.filter((e) => e.how !== baseline);
  if (odd.length) {
    return { status: 'fail', detail: `they differ (an oracle): ${endings.map((e) => `${e.name}: ${e.how}`).join('; ')}`, conversations: results };
  }
  if (!/alert|closed|reset/.test(baseline)) return { status: 'fail', detail: `no refusal after a Finished under the wrong keys: ${baseline}`, conversations: results };
  return { status: 'pass', detail: `all ${results.length} ended alike (${suite.iosKeyword}): ${baseline}`, conversations: results };
}
