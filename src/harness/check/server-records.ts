/**
 * Server checks of the handshake's shape and the record layer: a full handshake per suite
 * (RFC 6101 5.6, Appendix A.6), fragmentation (5.2.1), message skipping, duplication and
 * order (5.6), ChangeCipherSpec injection (CVE-2014-0224) and interleaving (CVE-2004-0079),
 * Finished wrong or cut (5.6.9), the MAC and the CBC padding byte by byte (5.2.3.1, 5.2.3.2;
 * POODLE's padding rule), empty and oversized records (5.2.1, 5.2.3), the 1/n-1 split
 * (CVE-2011-3389) and close_notify (5.4.1).
 */
import { DEFAULT_SUITES, type CipherSuite } from '../../ciphers/suites.js';
import { macLength } from '../../record/ssl3-mac.js';
import { ssl3PaddedLength } from '../../ciphers/ssl3-padding.js';
import { MAX_CIPHERTEXT, MAX_PLAINTEXT } from '../../record/content-types.js';
import { clientFinish, clientHandshake, clientHello } from '../scripts.js';
import type { ConversationResult } from '../runner.js';
import type { RecordShape, Step } from '../steps.js';
import { failureText, refusal, seen, single, skip, type Check, type CheckResult, type Runner } from './check.js';
import { conversation, exchange, stillServing, suiteOf, type ServerContext } from './server-context.js';

type ServerCheck = Check<ServerContext>;
type Outcome = Omit<CheckResult, 'name' | 'ms'>;

/** Offered alone, a suite is completed with a verified Finished and data flows, or refused with handshake_failure. */
function handshakeCheck(suite: CipherSuite): ServerCheck {
  return {
    name: `handshake-${suite.iosKeyword}`,
    cites: 'RFC 6101 5.6, A.6',
    level: 'must',
    expectation: `offered only ${suite.rfcName}, the server completes the handshake with it (its Finished verifies) and answers a request, or refuses with handshake_failure`,
    async run(run, context) {
      const r = await run(
        conversation(
          context,
          this.name,
          [
            { send: 'client_hello' },
            { expect: 'one_of', options: [{ expect: 'server_hello', fields: { suite: suite.id, version: 0x0300 } }, { expect: 'alert', alert: 'handshake_failure', level: 'fatal', final: true }] },
            { expect: 'certificate' },
            { expect: 'server_hello_done' },
            ...clientFinish(),
            ...exchange(context),
          ],
          [suite.id],
        ),
      );
      const accepted = r.passed && r.suite === suite.rfcName;
      if (r.passed) context.suites.set(suite.id, accepted);
      return { status: r.passed ? 'pass' : 'fail', detail: r.passed ? (accepted ? 'accepted' : 'refused (handshake_failure)') : failureText(r), conversations: [r] };
    },
  };
}

/** The handshake-* checks run in the suite table's order; afterwards the context knows every accepted suite. */
const HANDSHAKES = DEFAULT_SUITES.map(handshakeCheck);

/** A check over one accepted suite of a kind, skipped when the server has none. */
function withSuite(kind: 'block' | 'stream' | 'any', body: (suite: CipherSuite, run: Runner, context: ServerContext) => Promise<Outcome>) {
  return async (run: Runner, context: ServerContext): Promise<Outcome> => {
    const suite = await suiteOf(run, context, kind);
    if (!suite) return skip(kind === 'any' ? 'the server accepts none of our suites' : `the server accepts no ${kind === 'block' ? 'CBC' : 'RC4'} suite`);
    return body(suite, run, context);
  };
}

/** One conversation over `suite` that must pass, then (for crash-type misbehaviours) a correct one after it. */
function oneConversation(kind: 'block' | 'stream' | 'any', steps: (context: ServerContext, suite: CipherSuite) => Step[], thenServing = false) {
  return withSuite(kind, async (suite, run, context) => {
    const outcome = await single(run, conversation(context, 'the misbehaviour', steps(context, suite), [suite.id]));
    if (outcome.status !== 'pass' || !thenServing) return outcome.status === 'pass' ? { ...outcome, detail: seen(outcome.conversations[0]) } : outcome;
    const after = await stillServing(run, context, suite);
    return after.passed
      ? { ...outcome, detail: `${seen(outcome.conversations[0])}; the next connection is served`, conversations: [...outcome.conversations, after] }
      : { status: 'fail', detail: `the server no longer serves: ${failureText(after)}`, conversations: [...outcome.conversations, after] };
  });
}

/** Many conversations that must all pass; the detail counts them or names the first that did not. */
async function all(run: Runner, list: { name: string; steps: Step[]; suite: CipherSuite }[], context: ServerContext, passed: (n: number) => string): Promise<Outcome> {
  const results: ConversationResult[] = [];
  for (const c of list) {
    const r = await run(conversation(context, c.name, c.steps, [c.suite.id]));
    results.push(r);
    if (!r.passed) return { status: 'fail', detail: `${failureText(r)} (${results.length - 1} of ${list.length} passed before it)`, conversations: results };
  }
  return { status: 'pass', detail: passed(list.length), conversations: results };
}

/** A request in one record of `shape`, after a correct handshake. */
function shapedRequest(context: ServerContext, record: RecordShape): Step[] {
  return [...clientHandshake(), { send: 'application_data', data: context.request, record }];
}

/** The padding a correct sender uses for the request under a block suite: its count of bytes before the length byte. */
function correctPadding(context: ServerContext, suite: CipherSuite): number {
  const plain = new TextEncoder().encode(context.request).length + macLength(suite.mac);
  return ssl3PaddedLength(plain, suite.blockSize) - plain - 1;
}

const BAD_MAC = (why: string) => refusal(why, ['bad_record_mac']);

export const SERVER_RECORD_CHECKS: readonly ServerCheck[] = [
  ...HANDSHAKES,
  {
    name: 'fragmented-handshake',
    cites: 'RFC 6101 5.2.1',
    level: 'must',
    expectation: 'handshake messages cut into records at any byte are reassembled: a ClientHello one byte per record, the key exchange and Finished in pieces, make a handshake',
    run: oneConversation('any', (context) => [
      { send: 'client_hello', split: Array.from({ length: 200 }, (_, i) => i + 1) },
      { expect: 'server_hello' },
      { expect: 'certificate' },
      { expect: 'server_hello_done' },
      { send: 'client_key_exchange', split: [1, 2, 3, 64] },
      { send: 'change_cipher_spec' },
      { send: 'finished', split: [4, 5, 20] },
      { expect: 'change_cipher_spec' },
      { expect: 'finished' },
      ...exchange(context),
    ]),
  },
  {
    name: 'message-from-wrong-side',
    cites: 'RFC 6101 5.6, 5.4.2',
    level: 'must',
    expectation: 'a ServerHello sent to a server is refused with unexpected_message',
    run: oneConversation('any', () => [{ send: 'server_hello', suite: 'rc4-128-sha' }, ...refusal('only a server sends ServerHello', ['unexpected_message'])]),
  },
  {
    name: 'skip-client-key-exchange',
    cites: 'RFC 6101 5.6, 5.4.2',
    level: 'must',
    expectation: 'ChangeCipherSpec and Finished without a ClientKeyExchange are refused with unexpected_message',
    run: oneConversation('any', () => [...clientHello(), { send: 'change_cipher_spec' }, { send: 'finished' }, ...refusal('no keys can exist without the key exchange', ['unexpected_message'])], true),
  },
  {
    name: 'skip-change-cipher-spec',
    cites: 'RFC 6101 5.3, 5.4.2',
    level: 'must',
    expectation: 'a Finished without a ChangeCipherSpec before it is refused with unexpected_message',
    run: oneConversation('any', () => [...clientHello(), { send: 'client_key_exchange' }, { send: 'finished' }, ...refusal('Finished is the first message under the new keys', ['unexpected_message'])]),
  },
  {
    name: 'duplicate-client-key-exchange',
    cites: 'RFC 6101 5.6, 5.4.2',
    level: 'must',
    expectation: 'a second ClientKeyExchange is refused with unexpected_message',
    run: oneConversation('any', () => [...clientHello(), { send: 'client_key_exchange' }, { send: 'client_key_exchange' }, ...refusal('one key exchange per handshake', ['unexpected_message'])]),
  },
  {
    name: 'ccs-injection',
    cites: 'CVE-2014-0224',
    level: 'must',
    expectation: 'a ChangeCipherSpec before the key exchange is refused with unexpected_message (accepting it makes keys from an empty master secret), and the server goes on serving',
    run: oneConversation('any', () => [...clientHello(), { send: 'change_cipher_spec' }, ...refusal('no pending keys exist yet', ['unexpected_message'])], true),
  },
  {
    name: 'ccs-twice',
    cites: 'RFC 6101 5.3',
    level: 'must',
    expectation: 'a second ChangeCipherSpec is refused with unexpected_message',
    run: oneConversation('any', () => [...clientHello(), { send: 'client_key_exchange' }, { send: 'change_cipher_spec' }, { send: 'change_cipher_spec' }, ...refusal('there are no pending keys left to switch to', ['unexpected_message'])]),
  },
  {
    name: 'ccs-inside-message',
    cites: 'CVE-2004-0079, RFC 6101 5.3',
    level: 'must',
    expectation: 'a ChangeCipherSpec between two pieces of a handshake message is refused with unexpected_message, and the server goes on serving',
    run: oneConversation(
      'any',
      () => [...clientHello(), { send: 'client_key_exchange', split: [10], between: [{ send: 'change_cipher_spec', keys: false }] }, ...refusal('the cipher cannot change inside a message', ['unexpected_message'])],
      true,
    ),
  },
  {
    name: 'ccs-malformed',
    cites: 'RFC 6101 5.3',
    level: 'must',
    expectation: 'a ChangeCipherSpec whose byte is not 1 is refused with a fatal alert, and the server goes on serving',
    run: oneConversation('any', () => [...clientHello(), { send: 'client_key_exchange' }, { send: 'change_cipher_spec', body: '02', keys: false }, ...refusal('the message is the single byte 1')], true),
  },
  {
    name: 'finished-wrong',
    cites: 'RFC 6101 5.6.9',
    level: 'must',
    expectation: 'a Finished whose hash is wrong in one byte (correctly encrypted) is refused with a fatal alert',
    run: oneConversation('any', () => [...clientHello(), { send: 'client_key_exchange' }, { send: 'change_cipher_spec' }, { send: 'finished', verifyData: '01'.padEnd(72, '0') }, ...refusal('the recipient must verify the Finished')]),
  },
  {
    name: 'finished-truncated',
    cites: 'RFC 6101 5.6.9',
    level: 'must',
    expectation: 'a Finished of 35 bytes instead of 36 is refused with a fatal alert, and the server goes on serving',
    run: oneConversation('any', () => [...clientHello(), { send: 'client_key_exchange' }, { send: 'change_cipher_spec' }, { send: 'finished', verifyData: '00'.repeat(35) }, ...refusal('md5_hash[16] + sha_hash[20]')], true),
  },
  {
    name: 'mac-per-byte',
    cites: 'RFC 6101 5.2.3.1, 5.4.2',
    level: 'must',
    expectation: 'a record with any one MAC byte changed is refused with bad_record_mac, under a stream and under a block suite',
    async run(run, context) {
      const suites = [await suiteOf(run, context, 'stream'), await suiteOf(run, context, 'block')].filter((s): s is CipherSuite => !!s);
      if (!suites.length) return skip('the server accepts none of our suites');
      const list = suites.flatMap((suite) =>
        Array.from({ length: suite.macLength }, (_, byte) => ({ name: `${suite.iosKeyword} MAC byte ${byte}`, suite, steps: [...shapedRequest(context, { mac: { byte } }), ...BAD_MAC('the MAC does not verify')] })),
      );
      return all(run, list, context, (n) => `${n} records (${suites.map((s) => s.iosKeyword).join(', ')}), each refused with bad_record_mac`);
    },
  },
  {
    name: 'padding-length-per-value',
    cites: 'RFC 6101 5.2.3.2, 5.4.2',
    level: 'must',
    expectation: 'a CBC record whose padding_length byte is any other value (below the block size, the block size, 255) is refused with bad_record_mac',
    run: withSuite('block', (suite, run, context) => {
      const correct = correctPadding(context, suite);
      const values = [...Array.from({ length: suite.blockSize }, (_, v) => v).filter((v) => v !== correct), suite.blockSize, 255];
      const list = values.map((v) => ({ name: `${suite.iosKeyword} padding_length ${v}`, suite, steps: [...shapedRequest(context, { padding: { lengthByte: v } }), ...BAD_MAC('the MAC is then read from the wrong place')] }));
      return all(run, list, context, (n) => `${n} records (${suite.iosKeyword}), each refused with bad_record_mac`);
    }),
  },
  {
    name: 'padding-longer-than-block',
    cites: 'RFC 6101 5.2.3.2; POODLE (RFC 7568)',
    level: 'must',
    expectation: 'CBC padding of a block or more (padding_length at least the block size, the record still whole blocks) is refused with bad_record_mac',
    run: withSuite('block', (suite, run, context) => {
      const length = correctPadding(context, suite) + suite.blockSize;
      return single(run, conversation(context, 'padding a block too long', [...shapedRequest(context, { padding: { length } }), ...BAD_MAC('the padding length must be less than the block length')], [suite.id]));
    }),
  },
  {
    name: 'padding-contents-ignored',
    cites: 'RFC 6101 5.2.3.2',
    level: 'should',
    expectation: 'CBC padding bytes of any value are accepted: SSL 3.0 does not define them (a receiver that checks them as TLS does refuses SSL 3.0 senders that pad with other bytes)',
    run: oneConversation('block', (context) => [...shapedRequest(context, { padding: { fill: 0xa5 } }), { expect: 'application_data', why: 'the request is read as any other' }]),
  },
  {
    name: 'empty-record',
    cites: 'RFC 6101 5.2.1; CVE-2011-3389',
    level: 'should',
    expectation: 'an empty application-data record (the BEAST countermeasure some clients send) is accepted, and the request after it answered',
    run: oneConversation('block', (context) => [...clientHandshake(), { send: 'application_data', data: '' }, ...exchange(context)]),
  },
  {
    name: 'oversized-plaintext',
    cites: 'RFC 6101 5.2.1',
    level: 'should',
    expectation: 'a record of more than 2^14 bytes of plaintext is refused with a fatal alert, or the connection closed',
    run: oneConversation('any', (context) => [...clientHandshake(), { send: 'application_data', data: context.request.padEnd(MAX_PLAINTEXT + 1, 'x'), split: [] }, ...refusal('the length should not exceed 2^14', undefined, true)]),
  },
  {
    name: 'oversized-record',
    cites: 'RFC 6101 5.2.3',
    level: 'must',
    expectation: 'a record longer than 2^14 + 2048 is refused with a fatal alert or the connection closed, and the server goes on serving',
    run: oneConversation(
      'any',
      () => [...clientHandshake(), { send: 'raw', bytes: `170300${(MAX_CIPHERTEXT + 1).toString(16).padStart(4, '0')}${'00'.repeat(MAX_CIPHERTEXT + 1)}` }, ...refusal('the length may not exceed 2^14 + 2048', undefined, true)],
      true,
    ),
  },
  {
    name: 'record-version',
    cites: 'RFC 6101 5.2.1',
    level: 'should',
    expectation: 'after SSL 3.0 was negotiated, a record whose header says 3.1 is refused with a fatal alert',
    run: oneConversation('any', (context) => [...shapedRequest(context, { version: 0x0301 }), ...refusal('the record carries the version being employed', undefined, true)]),
  },
  {
    name: 'cbc-record-split',
    cites: 'CVE-2011-3389',
    level: 'should',
    expectation: "under a CBC suite the server's answer starts with a record of at most one byte (1/n-1, or 0/n), so the IV of the record carrying chosen data is not known in advance (BEAST)",
    run: oneConversation('block', (context) => [...clientHandshake(), { send: 'application_data', data: context.request }, { expect: 'application_data', firstRecordAtMost: 1 }]),
  },
  {
    name: 'close-notify',
    cites: 'RFC 6101 5.4.1',
    level: 'must',
    expectation: 'the server answers our close_notify with its own and closes the connection',
    run: oneConversation('any', () => [
      ...clientHandshake(),
      { send: 'alert', alert: 'close_notify' },
      { expect: 'alert', alert: 'close_notify', why: 'the other party must respond with a close_notify alert of its own' },
      { expect: 'close' },
    ]),
  },
];

